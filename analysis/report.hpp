#pragma once
/// The HTML report of a run (`vmss-sim trace report DIR -o FILE.html`):
/// one self-contained page (inline CSS and SVG, nothing fetched) with a
/// header (scenario, seed, virtual duration, digest, events), time-series
/// charts with the faults marked on each, and tables. docs/report.md says
/// what each chart and table shows. No CAF.

#include "analysis/svg_chart.hpp"
#include "analysis/trace_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace vmss::analysis {

/// A table of the report: a header row and text cells.
struct report_table {
  std::string id;
  std::string title;
  std::string note; ///< one sentence under the title
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

/// What the report shows, read from the trace in one pass.
struct report_data {
  std::string scenario;
  uint64_t seed = 0;
  uint32_t nodes = 0;
  uint64_t events = 0;    ///< manifest: events the kernel delivered
  uint64_t records = 0;   ///< records read
  int64_t end_t_ns = 0;   ///< right edge of every chart
  std::string incomplete; ///< incomplete_note(); empty for a complete trace
  std::string digest;     ///< filled by write_report
  /// Each fault from its injection to its repair's (run_metrics' pairs),
  /// in injection order.
  std::vector<svg::band> faults;
  /// Only charts with data: per scale set "instances-SET" and
  /// "backends-SET", then "requests", "success", "latency", "leader",
  /// "cpu" (each id prefixed with "chart-").
  std::vector<svg::chart> charts;
  /// metric_tables (analysis/report_tables.hpp).
  std::vector<report_table> tables;
};

struct report_options {
  /// Points per chart, over all its series (min/max downsampling).
  size_t max_points_per_chart = 2000;
};

/// Reads the trace for the charts, then its run_metrics for the faults and
/// the tables.
report_data collect_report(const trace_reader& reader);

/// Writes `data` as the HTML page.
void write_report_html(const report_data& data, std::ostream& out,
                       const report_options& options = {});

/// collect_report, the trace's digest, write_report_html.
void write_report(const trace_reader& reader, std::ostream& out,
                  const report_options& options = {});

} // namespace vmss::analysis
