#pragma once
/// Internal to the reader: sequential decoding of one shard file, one
/// ShardBatch message in memory at a time.

#include "analysis/trace_reader.hpp"
#include "messages/trace.capnp.h"

#include <capnp/serialize-packed.h>
#include <kj/io.h>

#include <deque>
#include <memory>
#include <string>

namespace vmss::analysis {

class shard_cursor {
public:
  /// Opens the shard file. Throws std::runtime_error naming the file.
  shard_cursor(std::string path, const trace::shard_info& shard,
               const trace::manifest& m, bool verify_counts);
  ~shard_cursor();

  /// Decodes the next record into current(). Returns false at the end of
  /// the shard (after checking the record count if asked to).
  bool advance();

  const record& current() const { return rec_; }
  uint64_t records_read() const { return read_; }

  /// Reads the remaining batches only for their field-key tables.
  std::vector<std::string> remaining_field_keys();

private:
  bool load_batch();
  void decode(trace::wire::Record::Reader r);
  void decode_fields(capnp::List<trace::wire::Field>::Reader in);
  void check_end() const;
  [[noreturn]] void fail(const std::string& reason) const;

  std::string path_;
  const trace::manifest& manifest_;
  uint32_t node_;
  uint64_t expected_;
  bool verify_counts_;

  kj::FdInputStream in_;
  kj::Array<kj::byte> buffer_;
  kj::BufferedInputStreamWrapper buffered_;
  std::unique_ptr<capnp::PackedMessageReader> message_;
  capnp::List<trace::wire::Record>::Reader batch_records_;
  uint32_t next_in_batch_ = 0;
  uint32_t batches_ = 0;
  int64_t t_ns_ = 0;
  uint64_t read_ = 0;

  std::deque<std::string> event_names_; ///< deque: views stay valid
  std::deque<std::string> field_keys_;
  record rec_;
};

} // namespace vmss::analysis
