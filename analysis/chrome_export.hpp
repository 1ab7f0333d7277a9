#pragma once
/// Trace export to the Chrome "Trace Event Format" (JSON object form) that
/// ui.perfetto.dev, trace_processor and chrome://tracing load. The mapping
/// (processes, threads, slices, counters, instants, flows) is in
/// docs/trace-format.md, "Chrome trace".
///
/// One pass over trace_reader::for_each in canonical order. Memory: the
/// state of each process, thread, open slice, counter and flow in flight,
/// never the records. Output may be split into parts by time, each a
/// complete trace with its own metadata events.

#include "analysis/record_filter.hpp"
#include "analysis/trace_reader.hpp"

#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

namespace vmss::analysis {

struct chrome_options {
  record_filter filter;
  /// A part is closed and the next one started before it would grow past
  /// this many bytes (0: one part, no limit). A part always holds at least
  /// one record, so a single huge record can exceed it.
  uint64_t max_part_bytes = 0;
};

/// One part of the output.
struct chrome_part {
  int64_t from_ns = 0; ///< virtual time the part starts at
  int64_t to_ns = 0;   ///< virtual time its slices are closed at
  uint64_t bytes = 0;  ///< bytes written
  uint64_t events = 0; ///< trace events ("ph" objects) in it
};

struct chrome_result {
  uint64_t records = 0; ///< records rendered (selected by the filter)
  std::vector<chrome_part> parts;
};

/// Returns the stream of part `index` (0, 1, 2, … in order); the stream
/// must stay valid until the export returns.
using chrome_part_opener = std::function<std::ostream&(size_t index)>;

/// Streams the trace as Chrome trace JSON into the parts `open_part` gives.
/// Throws std::runtime_error when a write fails.
chrome_result export_chrome(const trace_reader& reader,
                            const chrome_options& options,
                            const chrome_part_opener& open_part);

} // namespace vmss::analysis
