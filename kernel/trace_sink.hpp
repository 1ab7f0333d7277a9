#pragma once
/// Trace shard writer: one per node process. The kernel appends records in
/// canonical order (see order_key); a background thread encodes them as Cap'n
/// Proto packed batches into DIR/shard-<node>.capnp so the hot path only
/// copies a small struct. No CAF in this header.

#include "kernel/delivery_order.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vmss::trace {

/// A typed value of a record field.
using value = std::variant<int64_t, double, bool, std::string>;

/// One key=value detail of a record.
struct field {
  std::string key;
  value val;
};

/// Position of a record in the canonical order: the delivery order of the
/// event that produced it (kernel/delivery_order.hpp), then the record's
/// index among that event's records. The emitting entity is the event's
/// destination.
struct order_key {
  int64_t t_ns = 0;
  uint32_t entity = 0;
  uint32_t src = 0;
  uint64_t seq = 0;
  uint32_t sub = 0;

  /// The producing event's place in the delivery order.
  delivery_position position() const { return {t_ns, entity, src, seq}; }

  friend bool operator<(const order_key& a, const order_key& b) {
    auto pa = a.position(), pb = b.position();
    return pa == pb ? a.sub < b.sub : pa < pb;
  }
};

/// What a closed shard holds.
struct shard_stats {
  uint64_t records = 0;
  uint64_t bytes = 0;
};

/// A complete prefix of a shard file: its first `bytes` bytes, whole packed
/// messages, hold exactly the `records` records with t < until_ns. What a
/// reader may use of a shard whose writer died.
struct shard_prefix {
  int64_t until_ns = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
};

/// Bounds of one ShardBatch message, segment table included: the writer
/// never emits more and readers refuse a batch that claims more before
/// allocating it. 2^22 words (32 MiB) is 6x a full batch of short texts
/// (16384 records and up to 131070 fields take under 0.7 Mi words); the
/// writer cuts a batch early once its texts reach a quarter of the bound.
constexpr uint64_t max_batch_words = uint64_t{1} << 22;
/// Segments of one batch: Cap'n Proto's stream reader accepts at most 512;
/// the writer's segments double in size from 147456 words, so a batch within
/// max_batch_words has a handful.
constexpr uint32_t max_batch_segments = 512;

/// File name of node `node`'s shard inside a trace directory.
std::string shard_file_name(uint32_t node);

/// Where the kernel appends its records: a shard file (shard_writer), or
/// a lane's buffer that the node merges into its shard at each window's end
/// (kernel/lanes.hpp).
class record_sink {
public:
  virtual ~record_sink() = default;

  /// Returns the small id of an event name (stable within this sink).
  virtual uint16_t intern(std::string_view event_name) = 0;

  /// Appends one record. Keys must be non-decreasing across calls.
  virtual void append(const order_key& key, uint16_t event, const field* fields,
                      size_t num_fields) = 0;

  void append(const order_key& key, uint16_t event) {
    append(key, event, nullptr, 0);
  }
};

class shard_writer final : public record_sink {
public:
  /// Creates DIR (and parents) if needed and opens the shard file. Throws
  /// std::runtime_error naming the path on failure.
  shard_writer(const std::string& dir, uint32_t node);
  ~shard_writer();

  shard_writer(const shard_writer&) = delete;
  shard_writer& operator=(const shard_writer&) = delete;

  uint16_t intern(std::string_view event_name) override;

  void append(const order_key& key, uint16_t event, const field* fields,
              size_t num_fields) override;
  using record_sink::append;

  /// Says that every record with t < until_ns has been appended: the
  /// records so far go to the file as whole messages, and once they are
  /// written complete_prefix() returns them (the encoder does it; the caller
  /// does not wait).
  void mark_complete(int64_t until_ns);

  /// The last complete prefix written (all zero before the first). Safe to
  /// call from any thread.
  shard_prefix complete_prefix() const;

  /// Flushes everything, joins the encoder thread, closes the file.
  shard_stats close();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace vmss::trace
