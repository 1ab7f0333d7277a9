/// Inline SVG time-series charts (see the header).

#include "analysis/svg_chart.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vmss::analysis::svg {

namespace {

constexpr double width = 960;
constexpr double height = 250;
constexpr double left = 84;
constexpr double right = 16;
constexpr double top = 30;
constexpr double bottom = 30;
constexpr double plot_w = width - left - right;
constexpr double plot_h = height - top - bottom;
constexpr int64_t ns_per_s = 1'000'000'000;
/// Fault labels closer than this (px) to the previous one are left out
/// (the band and its tooltip stay).
constexpr double label_gap_px = 70;
/// Per-point tooltip circles are drawn only up to this many per series.
constexpr size_t max_markers = 400;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string label_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// The 1-2-5 step at or above `raw` (raw > 0).
double nice_step(double raw) {
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw)
      return m * p;
  return 10 * p;
}

/// Maps virtual time and values to pixels.
struct scale {
  int64_t t0 = 0, t1 = 1;
  double y0 = 0, y1 = 1;
  double x(int64_t t) const {
    t = std::clamp(t, t0, t1);
    return left +
           plot_w * static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
  }
  double y(double v) const {
    v = std::clamp(v, y0, y1);
    return top + plot_h * (1 - (v - y0) / (y1 - y0));
  }
};

int64_t time_step_ns(int64_t span_ns) {
  static constexpr int64_t steps_s[] = {
      1,     2,     5,      10,     15,     30,     60,    120,
      300,   600,   900,    1800,   3600,   7200,   10800, 21600,
      43200, 86400, 172800, 432000, 864000, 2592000};
  for (int64_t s : steps_s)
    if (span_ns / (s * ns_per_s) <= 10)
      return s * ns_per_s;
  if (span_ns < 10 * ns_per_s) // sub-second ticks
    return std::max<int64_t>(
        1, static_cast<int64_t>(nice_step(static_cast<double>(span_ns) / 10)));
  return static_cast<int64_t>(nice_step(static_cast<double>(span_ns) / 10));
}

void write_x_axis(const scale& s, std::ostream& out) {
  int64_t step = time_step_ns(s.t1 - s.t0);
  int64_t first = (s.t0 + step - 1) / step * step;
  out << "<g class=\"x-axis\">";
  for (int64_t t = first; t <= s.t1; t += step) {
    std::string x = num(s.x(t));
    out << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top
        << "\" y2=\"" << top + plot_h << "\" class=\"grid\"/>"
        << "<text x=\"" << x << "\" y=\"" << height - 10
        << "\" text-anchor=\"middle\">" << format_duration(t) << "</text>";
  }
  out << "</g>";
}

void write_y_axis(const chart& c, const scale& s, std::ostream& out) {
  out << "<g class=\"y-axis\">";
  auto tick = [&](double v, const std::string& text) {
    std::string y = num(s.y(v));
    out << "<line x1=\"" << left << "\" x2=\"" << left + plot_w << "\" y1=\""
        << y << "\" y2=\"" << y << "\" class=\"grid\"/><text x=\"" << left - 6
        << "\" y=\"" << y << "\" dy=\"4\" text-anchor=\"end\">" << escape(text)
        << "</text>";
  };
  if (!c.y_categories.empty()) {
    for (size_t i = 0; i < c.y_categories.size(); ++i)
      tick(static_cast<double>(i), c.y_categories[i]);
  } else {
    double step = nice_step((s.y1 - s.y0) / 4);
    for (double v = s.y0; v <= s.y1 + step / 1e6; v += step)
      tick(v, label_num(v));
  }
  if (!c.y_unit.empty())
    out << "<text x=\"12\" y=\"" << top + plot_h / 2
        << "\" transform=\"rotate(-90 12 " << top + plot_h / 2
        << ")\" text-anchor=\"middle\">" << escape(c.y_unit) << "</text>";
  out << "</g>";
}

void write_bands(const std::vector<band>& faults, const scale& s,
                 std::ostream& out) {
  out << "<g class=\"faults\">";
  double last_label_x = -1e9;
  for (const auto& f : faults) {
    double x0 = s.x(f.from_ns);
    double w = std::max(1.5, s.x(f.to_ns) - x0);
    out << "<g class=\"fault\" data-fault=\"" << escape(f.fault) << "\">"
        << "<rect x=\"" << num(x0) << "\" y=\"" << top << "\" width=\""
        << num(w) << "\" height=\"" << plot_h << "\"/>"
        << "<line x1=\"" << num(x0) << "\" x2=\"" << num(x0) << "\" y1=\""
        << top << "\" y2=\"" << top + plot_h << "\"/><title>" << escape(f.label)
        << ": " << format_duration(f.from_ns) << " to "
        << (f.open ? "the end (not recovered)" : format_duration(f.to_ns))
        << "</title>";
    if (x0 - last_label_x >= label_gap_px) {
      out << "<text x=\"" << num(x0 + 3) << "\" y=\"" << top + 11 << "\">"
          << escape(f.fault) << "</text>";
      last_label_x = x0;
    }
    out << "</g>";
  }
  out << "</g>";
}

/// The series' path over the kept points; returns how many.
size_t write_series(const series& line, const std::vector<size_t>& kept,
                    const scale& s, std::ostream& out) {
  if (kept.empty())
    return 0;
  out << "<path class=\"series\" stroke=\"" << escape(line.color) << "\" d=\"";
  const auto& p = line.points;
  out << 'M' << num(s.x(p[kept[0]].t_ns)) << ' ' << num(s.y(p[kept[0]].value));
  for (size_t i = 1; i < kept.size(); ++i) {
    const auto& q = p[kept[i]];
    if (line.step)
      out << 'H' << num(s.x(q.t_ns)) << 'V' << num(s.y(q.value));
    else
      out << 'L' << num(s.x(q.t_ns)) << ' ' << num(s.y(q.value));
  }
  if (line.step)
    out << 'H' << num(s.x(s.t1));
  out << "\"><title>" << escape(line.name) << "</title></path>";
  if (line.point_labels.size() == p.size() && kept.size() <= max_markers)
    for (size_t i : kept)
      out << "<circle class=\"marker\" r=\"3.5\" fill=\"" << escape(line.color)
          << "\" cx=\"" << num(s.x(p[i].t_ns)) << "\" cy=\""
          << num(s.y(p[i].value)) << "\"><title>"
          << escape(line.point_labels[i]) << "</title></circle>";
  return kept.size();
}

void write_legend(const chart& c, std::ostream& out) {
  out << "<g class=\"legend\">";
  double x = left;
  for (const auto& line : c.lines) {
    out << "<rect x=\"" << num(x) << "\" y=\"8\" width=\"12\" height=\"12\" "
        << "fill=\"" << escape(line.color) << "\"/><text x=\"" << num(x + 16)
        << "\" y=\"18\">" << escape(line.name) << "</text>";
    x += 28 + 7.0 * static_cast<double>(line.name.size());
  }
  out << "</g>";
}

scale make_scale(const chart& c, int64_t t0_ns, int64_t t1_ns) {
  scale s;
  s.t0 = t0_ns;
  s.t1 = std::max(t1_ns, t0_ns + 1);
  if (!c.y_categories.empty()) {
    s.y0 = -0.5;
    s.y1 = static_cast<double>(c.y_categories.size()) - 0.5;
    return s;
  }
  double hi = c.y_max;
  if (hi <= c.y_min) {
    for (const auto& line : c.lines)
      for (const auto& p : line.points)
        hi = std::max(hi, p.value);
    if (hi <= c.y_min)
      hi = c.y_min + 1;
    double step = nice_step((hi - c.y_min) / 4);
    hi = c.y_min + std::ceil((hi - c.y_min) / step) * step;
  }
  s.y0 = c.y_min;
  s.y1 = hi;
  return s;
}

} // namespace

void series::push(int64_t t_ns, double v, std::string label) {
  VMSS_ASSERT(points.empty() || points.back().t_ns <= t_ns,
              "a series grows in time order");
  bool labelled = !label.empty() || !point_labels.empty();
  if (labelled && point_labels.size() != points.size())
    point_labels.resize(points.size());
  if (!points.empty() && points.back().t_ns == t_ns) {
    points.back().value = v;
    if (labelled)
      point_labels.back() = std::move(label);
    return;
  }
  points.push_back({t_ns, v});
  if (labelled)
    point_labels.push_back(std::move(label));
}

std::vector<size_t> downsample(const std::vector<point>& points,
                               size_t max_points, int64_t t0_ns,
                               int64_t t1_ns) {
  max_points = std::max<size_t>(max_points, 4);
  std::vector<size_t> kept;
  if (points.size() <= max_points) {
    for (size_t i = 0; i < points.size(); ++i)
      kept.push_back(i);
    return kept;
  }
  // First and last are always kept: a step series ends at the last value.
  size_t buckets = (max_points - 2) / 2;
  __int128 span = std::max<int64_t>(t1_ns - t0_ns, 1) + 1;
  std::vector<size_t> lo(buckets, SIZE_MAX), hi(buckets, SIZE_MAX);
  for (size_t i = 1; i + 1 < points.size(); ++i) {
    __int128 at = std::clamp(points[i].t_ns, t0_ns, t1_ns) - t0_ns;
    auto b = static_cast<size_t>(at * static_cast<__int128>(buckets) / span);
    if (lo[b] == SIZE_MAX || points[i].value < points[lo[b]].value)
      lo[b] = i;
    if (hi[b] == SIZE_MAX || points[i].value > points[hi[b]].value)
      hi[b] = i;
  }
  kept.push_back(0);
  for (size_t b = 0; b < buckets; ++b) {
    if (lo[b] == SIZE_MAX)
      continue;
    kept.push_back(std::min(lo[b], hi[b]));
    if (hi[b] != lo[b])
      kept.push_back(std::max(lo[b], hi[b]));
  }
  kept.push_back(points.size() - 1);
  VMSS_ASSERT(kept.size() <= max_points, "downsampling keeps its budget");
  return kept;
}

size_t write_chart(const chart& c, const std::vector<band>& faults,
                   int64_t t0_ns, int64_t t1_ns, size_t max_points,
                   std::ostream& out) {
  scale s = make_scale(c, t0_ns, t1_ns);
  size_t budget = max_points / std::max<size_t>(c.lines.size(), 1);
  std::vector<std::vector<size_t>> kept;
  size_t total = 0;
  for (const auto& line : c.lines) {
    kept.push_back(downsample(line.points, budget, s.t0, s.t1));
    total += kept.back().size();
  }
  out << "<svg id=\"" << escape(c.id) << "\" class=\"chart\" data-points=\""
      << total << "\" viewBox=\"0 0 " << width << ' ' << height
      << "\" role=\"img\" aria-label=\"" << escape(c.title) << "\">"
      << "<rect class=\"plot\" x=\"" << left << "\" y=\"" << top
      << "\" width=\"" << plot_w << "\" height=\"" << plot_h << "\"/>";
  write_y_axis(c, s, out);
  write_x_axis(s, out);
  write_bands(faults, s, out);
  for (size_t i = 0; i < c.lines.size(); ++i)
    write_series(c.lines[i], kept[i], s, out);
  write_legend(c, out);
  out << "</svg>";
  return total;
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += ch;
    }
  }
  return out;
}

std::string format_duration(int64_t ns) {
  if (ns < 0)
    return "-" + format_duration(-ns);
  if (ns < ns_per_s && ns != 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gms", static_cast<double>(ns) / 1e6);
    return buf;
  }
  if (ns % ns_per_s != 0 && ns < 60 * ns_per_s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3gs", static_cast<double>(ns) / 1e9);
    return buf;
  }
  int64_t s = ns / ns_per_s;
  std::string out;
  if (s >= 3600)
    out += std::to_string(s / 3600) + "h";
  if (s % 3600 >= 60)
    out += std::to_string(s % 3600 / 60) + "m";
  if (s % 60 != 0 || out.empty())
    out += std::to_string(s % 60) + "s";
  return out;
}

} // namespace vmss::analysis::svg
