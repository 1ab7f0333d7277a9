/// The report's HTML page (analysis/report.hpp): header, charts, tables.

#include "analysis/report.hpp"

#include "analysis/digest.hpp"

#include <cctype>

namespace vmss::analysis {

namespace {

using svg::escape;
using svg::format_duration;

constexpr const char* style = R"css(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;
 color:#1b1b1b;background:#f6f7f9}
header{background:#102a43;color:#fff;padding:14px 24px}
header h1{font-size:20px;margin:0 0 6px}
header dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0}
header dt{opacity:.7}header dd{margin:0 0 0 4px;font-family:monospace}
header .pair{display:flex}
main{padding:12px 24px;max-width:1100px}
nav a{margin-right:12px}
figure{background:#fff;border:1px solid #d9dde3;border-radius:6px;
 margin:14px 0;padding:8px 12px}
figcaption{font-weight:600;margin-bottom:2px}
figure p{margin:0 0 4px;color:#555;font-size:13px}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{font-size:11px;fill:#444}
svg.chart .plot{fill:#fbfbfc;stroke:#c9ced6}
svg.chart .grid{stroke:#e3e6ea}
svg.chart .series{fill:none;stroke-width:1.8}
svg.chart .fault rect{fill:#e53935;fill-opacity:.12}
svg.chart .fault line{stroke:#c62828;stroke-dasharray:4 3}
svg.chart .fault text{fill:#b71c1c;font-size:10px}
table{border-collapse:collapse;background:#fff;margin:6px 0 18px;
 font-size:13px}
th,td{border:1px solid #d9dde3;padding:3px 8px;text-align:left}
th{background:#eef1f5}
td.num{text-align:right;font-family:monospace}
.warn{background:#fff3cd;border:1px solid #e0c36c;padding:6px 10px}
)css";

void write_header(const report_data& d, std::ostream& out) {
  out << "<header><h1>vmss-sim report: " << escape(d.scenario) << "</h1><dl>";
  auto pair = [&](const char* name, const std::string& value) {
    out << "<div class=\"pair\"><dt>" << name << "</dt><dd id=\"h-" << name
        << "\">" << escape(value) << "</dd></div>";
  };
  pair("scenario", d.scenario);
  pair("seed", std::to_string(d.seed));
  pair("duration", format_duration(d.end_t_ns) + " virtual");
  pair("events", std::to_string(d.events));
  pair("records", std::to_string(d.records));
  pair("nodes", std::to_string(d.nodes));
  pair("faults", std::to_string(d.faults.size()));
  pair("digest", d.digest);
  out << "</dl></header>";
}

/// What each chart shows, by the start of its id.
const char* chart_note(const std::string& id) {
  struct note {
    const char* prefix;
    const char* text;
  };
  static const note notes[] = {
      {"chart-instances-",
       "Instances by state (the orchestrator's instance views; provisioning "
       "state until Succeeded, then power state)."},
      {"chart-backends-",
       "Instances the load balancer sends new flows to, against the capacity "
       "the scale set is asked for."},
      {"chart-requests", "The workloads' requests per virtual second."},
      {"chart-success", "ok / (ok + failed) of each second."},
      {"chart-latency",
       "Percentiles of the ok requests' response time (the highest of the "
       "second's load balancers)."},
      {"chart-leader",
       "Which fabric controller replica leads; a dot per election (hover: "
       "term) or leader crash."},
      {"chart-cpu", "The Percentage CPU an autoscale rule read at each "
                    "evaluation."}};
  for (const auto& n : notes)
    if (id.rfind(n.prefix, 0) == 0)
      return n.text;
  return "";
}

void write_charts(const report_data& d, const report_options& o,
                  std::ostream& out) {
  out << "<section id=\"charts\"><h2>Charts</h2><nav>";
  for (const auto& c : d.charts)
    out << "<a href=\"#fig-" << escape(c.id) << "\">" << escape(c.title)
        << "</a>";
  out << "</nav>";
  if (d.charts.empty())
    out << "<p>The trace has none of the events the charts read.</p>";
  for (const auto& c : d.charts) {
    out << "<figure id=\"fig-" << escape(c.id) << "\"><figcaption>"
        << escape(c.title) << "</figcaption><p>" << chart_note(c.id)
        << " Red bands: faults, from injection to recovery.</p>";
    svg::write_chart(c, d.faults, 0, d.end_t_ns, o.max_points_per_chart, out);
    out << "</figure>";
  }
  out << "</section>";
}

void write_table(const report_table& t, std::ostream& out) {
  out << "<h3>" << escape(t.title) << "</h3>";
  if (!t.note.empty())
    out << "<p>" << escape(t.note) << "</p>";
  out << "<table id=\"" << escape(t.id) << "\"><thead><tr>";
  for (const auto& h : t.header)
    out << "<th>" << escape(h) << "</th>";
  out << "</tr></thead><tbody>";
  for (const auto& row : t.rows) {
    out << "<tr>";
    for (const auto& cell : row) {
      bool numeric =
          !cell.empty() &&
          (std::isdigit(static_cast<unsigned char>(cell[0])) || cell[0] == '-');
      out << (numeric ? "<td class=\"num\">" : "<td>") << escape(cell)
          << "</td>";
    }
    out << "</tr>";
  }
  if (t.rows.empty())
    out << "<tr><td colspan=\"" << t.header.size() << "\">none</td></tr>";
  out << "</tbody></table>";
}

} // namespace

void write_report_html(const report_data& d, std::ostream& out,
                       const report_options& o) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width\">"
      << "<title>vmss-sim report: " << escape(d.scenario) << "</title><style>"
      << style << "</style></head><body>";
  write_header(d, out);
  out << "<main>";
  if (!d.incomplete.empty())
    out << "<p class=\"warn\">" << escape(d.incomplete) << "</p>";
  write_charts(d, o, out);
  out << "<section id=\"tables\"><h2>Tables</h2>";
  for (const auto& t : d.tables)
    write_table(t, out);
  out << "</section></main></body></html>\n";
}

void write_report(const trace_reader& reader, std::ostream& out,
                  const report_options& options) {
  report_data d = collect_report(reader);
  d.digest = trace_digest(reader);
  write_report_html(d, out, options);
}

} // namespace vmss::analysis
