#pragma once
/// Internal to the reader: sequential decoding of one shard file, one
/// ShardBatch message in memory at a time.

#include "analysis/trace_reader.hpp"
#include "messages/trace.capnp.h"

#include <capnp/serialize-packed.h>
#include <kj/io.h>

#include <deque>
#include <optional>
#include <string>

namespace vmss::analysis {

/// The manifest's entity table packed for decoding: 32 bytes per entity,
/// path bytes in one arena (random entity ids then mostly hit cache).
class entity_table {
public:
  struct entry {
    std::string_view path;
    std::string_view kind;
  };

  explicit entity_table(const trace::manifest& m);

  size_t size() const { return entries_.size(); }
  const entry& operator[](uint32_t id) const { return entries_[id]; }

private:
  std::string arena_;
  std::vector<std::string> kinds_;
  std::vector<entry> entries_;
};

/// Reads at most `limit` bytes of a file descriptor it does not own.
class limited_fd_input : public kj::InputStream {
public:
  limited_fd_input(int fd, uint64_t limit) : in_(fd), left_(limit) {}
  size_t tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override;
  /// Bytes not read yet.
  uint64_t left() const { return left_; }

private:
  kj::FdInputStream in_;
  uint64_t left_;
};

class shard_cursor {
public:
  /// Opens the shard file (the first shard.bytes bytes of it). Throws
  /// std::runtime_error naming the file.
  shard_cursor(std::string path, const trace::shard_info& shard,
               const trace::manifest& m, const entity_table& entities,
               bool verify_counts);
  ~shard_cursor();

  /// Decodes the next record the manifest makes readable (all of them, or
  /// those before complete_until_ns) into current(). Returns false at the
  /// end of the shard's prefix (after checking the record count of the
  /// prefix if asked to).
  bool advance();

  const record& current() const { return rec_; }
  uint64_t records_read() const { return read_; }

  /// Reads the remaining batches only for their field-key tables.
  std::vector<std::string> remaining_field_keys();

private:
  bool load_batch();
  kj::ArrayPtr<const capnp::word> read_message();
  /// Refuses a list of structs smaller than the writer's T (what(): the
  /// list, for the message).
  template <class T, class What>
  void check_element_size(typename capnp::List<T>::Reader list,
                          const What& what) const;
  void decode(trace::wire::Record::Reader r);
  void decode_fields(capnp::List<trace::wire::Field>::Reader in);
  void check_end() const;
  [[noreturn]] void fail(const std::string& reason) const;
  /// fail("corrupt or truncated shard (after N records): reason").
  [[noreturn]] void corrupt(const std::string& reason) const;
  /// Records decoded so far, returned or skipped.
  uint64_t decoded() const { return read_ + skipped_; }

  std::string path_;
  const trace::manifest& manifest_;
  const entity_table& entities_;
  uint32_t node_;
  uint64_t expected_;
  bool verify_counts_;

  trace::trace_file file_;
  limited_fd_input in_;
  kj::Array<kj::byte> buffer_;
  kj::BufferedInputStreamWrapper buffered_;
  kj::Array<capnp::word> words_; ///< the current batch, unpacked; grows
  std::optional<capnp::FlatArrayMessageReader> message_;
  capnp::List<trace::wire::Record>::Reader batch_records_;
  uint32_t next_in_batch_ = 0;
  uint32_t batches_ = 0;
  int64_t t_ns_ = 0;
  uint64_t read_ = 0;    ///< records returned
  uint64_t skipped_ = 0; ///< records at or after complete_until_ns

  std::deque<std::string> event_names_; ///< deque: views stay valid
  std::deque<std::string> field_keys_;
  record rec_;
};

} // namespace vmss::analysis
