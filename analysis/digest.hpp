#pragma once
/// The canonical trace digest: SHA-256 over the canonical byte encoding of
/// every record in merged (canonical) order. The node is not encoded, so the
/// same run split over 1 or N node processes has the same digest. Encoding
/// per record (see docs/trace-format.md):
///   t_ns int64 LE | entity path '\0' | event name '\0' | field count u32 LE
///   then per field: key '\0' | tag byte (0 int64, 1 double, 2 bool,
///   3 string) | int64 LE / IEEE-754 bits LE / one byte 0|1 / bytes '\0'

#include "analysis/trace_reader.hpp"
#include "kernel/sha256.hpp"

#include <memory>
#include <string>

namespace vmss::analysis {

/// Appends the canonical encoding of `r` to `out`.
void append_canonical(const record& r, std::string& out);

/// Incremental SHA-256 over canonical record encodings.
class digest_builder {
public:
  digest_builder();
  digest_builder(const digest_builder&) = delete;
  digest_builder& operator=(const digest_builder&) = delete;

  /// Adds one record (records must come in canonical order).
  void add(const record& r);

  /// Finishes the hash: 64 lowercase hex characters. Call once.
  std::string hex_digest();

  uint64_t records() const { return records_; }

private:
  void flush();

  sha256 hash_;
  std::string pending_;
  uint64_t records_ = 0;
};

/// Digest of every record `reader` streams (of an incomplete trace: the
/// records before complete_until_ns).
std::string trace_digest(const trace_reader& reader);

/// Digest of the trace in `dir` (reads every shard).
std::string trace_digest(const std::string& dir);

} // namespace vmss::analysis
