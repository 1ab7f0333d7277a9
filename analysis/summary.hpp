#pragma once
/// Text summary of a trace (`vmss-sim trace summary DIR`).

#include "analysis/trace_reader.hpp"

#include <map>
#include <ostream>
#include <string>

namespace vmss::analysis {

struct trace_summary {
  std::string scenario;
  uint64_t seed = 0;
  uint32_t nodes = 0;
  size_t shards = 0;
  uint64_t shard_bytes = 0;
  uint64_t records = 0;
  int64_t first_t_ns = 0; ///< of the first record (0 when empty)
  int64_t last_t_ns = 0;  ///< of the last record (0 when empty)
  int64_t end_t_ns = 0;   ///< manifest: virtual end of the run
  std::string incomplete; ///< incomplete_note(); empty for a complete trace
  std::map<std::string, uint64_t, std::less<>> records_per_event;
  std::map<std::string, uint64_t> entities_per_kind;        ///< manifest table
  std::map<std::string, uint64_t> active_entities_per_kind; ///< with records
};

/// Reads the whole trace once.
trace_summary summarize(const trace_reader& reader);

/// Human-readable report (an incomplete trace says so on its second line);
/// the last line is
/// `records=<N> events=<distinct names> span_ns=<last-first> nodes=<n>`.
void print_summary(const trace_summary& s, std::ostream& out);

} // namespace vmss::analysis
