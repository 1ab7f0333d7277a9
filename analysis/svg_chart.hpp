#pragma once
/// Time-series charts as inline SVG for the HTML report (analysis/report):
/// step or line series over virtual time, fault bands, min/max
/// downsampling so that a long run stays a small file. No CAF, no
/// dependencies: the SVG is text written here.

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace vmss::analysis::svg {

struct point {
  int64_t t_ns = 0;
  double value = 0;
};

/// One line of a chart. A step series holds its value until the next point
/// (and to the end of the chart); a line series joins its points.
struct series {
  std::string name;
  std::string color; ///< CSS colour
  bool step = true;
  std::vector<point> points;
  /// Optional per-point tooltips (same size as points, or empty): a circle
  /// with this title is drawn at each kept point.
  std::vector<std::string> point_labels;

  /// Appends (t, v); a point at the time of the last one replaces it.
  void push(int64_t t_ns, double v, std::string label = {});
};

/// A fault from fault_injected to fault_recovered (to_ns = end of the run
/// when it was not recovered: open).
struct band {
  int64_t from_ns = 0;
  int64_t to_ns = 0;
  bool open = false;
  std::string label; ///< "host_crash westeurope/z1/r1/h1"
  std::string fault; ///< "host_crash"
};

struct chart {
  std::string id;    ///< element id, unique in the page
  std::string title; ///< caption
  std::string y_unit;
  std::vector<series> lines;
  /// Names of the integer y values 0..n-1 (a categorical axis), or empty
  /// for a numeric axis from 0 (or y_min) to the data's nice maximum.
  std::vector<std::string> y_categories;
  double y_min = 0;
  double y_max = 0; ///< 0: from the data
};

/// Indices of the points of `points` (sorted by time) to keep so that at
/// most `max_points` remain (at least 2): the minimum and the maximum of
/// each of max_points/2 equal time buckets over [t0_ns, t1_ns], in time
/// order, so that spikes survive. All indices when there are few enough.
std::vector<size_t> downsample(const std::vector<point>& points,
                               size_t max_points, int64_t t0_ns, int64_t t1_ns);

/// Writes `c` as one <svg id=… class="chart" data-points=N> element over
/// the virtual time span [t0_ns, t1_ns], with a band per fault, at most
/// `max_points` points over all its series. Returns N, the points plotted.
size_t write_chart(const chart& c, const std::vector<band>& faults,
                   int64_t t0_ns, int64_t t1_ns, size_t max_points,
                   std::ostream& out);

/// `text` with & < > " ' replaced by entities (for HTML and SVG text and
/// attributes).
std::string escape(std::string_view text);

/// A virtual duration for axis labels and headers: "90s", "12m", "1h30m",
/// "250ms".
std::string format_duration(int64_t ns);

} // namespace vmss::analysis::svg
