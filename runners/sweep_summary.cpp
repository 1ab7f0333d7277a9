/// The sweep's aggregates and outputs (see the header).

#include "runners/sweep_summary.hpp"

#include "analysis/svg_chart.hpp"
#include "kernel/assert.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace vmss::sweep {

namespace {

double seconds(int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

/// A number as the table and CSV print it: up to 6 significant digits.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string out = "\"";
  for (char c : text)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

/// Per fault kind, the seconds of `pick` of every fault (and how many had
/// none).
struct per_kind {
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, size_t> missing;
};

template <class Pick>
per_kind by_kind(const std::vector<seed_result>& seeds, Pick pick) {
  per_kind out;
  for (const auto& s : seeds) {
    if (!s.metrics)
      continue;
    for (const auto& f : s.metrics->faults) {
      auto v = pick(f);
      auto& values = out.values[f.kind];
      auto& missing = out.missing[f.kind];
      if (v)
        values.push_back(seconds(*v));
      else
        ++missing;
    }
  }
  return out;
}

void add_kinds(std::vector<distribution>& table, const char* metric,
               per_kind kinds) {
  for (auto& [kind, values] : kinds.values)
    table.push_back(distribution_of(std::string(metric) + " " + kind,
                                    std::move(values), kinds.missing[kind]));
}

/// Summary numbers of one seed (the CSV's columns).
struct seed_numbers {
  size_t faults = 0, not_detected = 0, not_recovered = 0;
  std::optional<int64_t> max_detect_ns, max_recover_ns, max_failover_ns;
  size_t failovers = 0;
};

seed_numbers numbers_of(const analysis::run_metrics& m) {
  seed_numbers n;
  n.faults = m.faults.size();
  for (const auto& f : m.faults) {
    if (!f.detect_ns)
      ++n.not_detected;
    else
      n.max_detect_ns = std::max(n.max_detect_ns.value_or(0), *f.detect_ns);
    if (!f.recover_ns)
      ++n.not_recovered;
    else
      n.max_recover_ns = std::max(n.max_recover_ns.value_or(0), *f.recover_ns);
  }
  n.failovers = m.failovers.size();
  for (const auto& f : m.failovers)
    if (f.failover_ns)
      n.max_failover_ns =
          std::max(n.max_failover_ns.value_or(0), *f.failover_ns);
  return n;
}

std::string success_ratio(const analysis::run_metrics& m) {
  uint64_t all = m.requests_ok + m.requests_failed;
  return all == 0 ? "" : num(static_cast<double>(m.requests_ok) / all);
}

} // namespace

std::string seed_result::failure() const {
  if (signal != 0)
    return "run killed by signal " + std::to_string(signal);
  if (exit_code != 0)
    return "run exit " + std::to_string(exit_code);
  if (!error.empty())
    return "trace: " + error;
  std::string out;
  for (const auto& c : failed_checks)
    out += (out.empty() ? "check " : "; check ") + c;
  return out;
}

double percentile(const std::vector<double>& sorted, double p) {
  VMSS_ASSERT(!sorted.empty() && p > 0 && p <= 100,
              "a percentile of no values, or p outside (0, 100]");
  auto rank = static_cast<size_t>(
      std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

distribution distribution_of(std::string metric, std::vector<double> values,
                             size_t missing) {
  distribution d;
  d.metric = std::move(metric);
  d.n = values.size();
  d.missing = missing;
  if (values.empty())
    return d;
  std::sort(values.begin(), values.end());
  d.min = values.front();
  d.median = percentile(values, 50);
  d.p95 = percentile(values, 95);
  d.p99 = percentile(values, 99);
  d.max = values.back();
  return d;
}

std::vector<distribution> aggregate(const std::vector<seed_result>& seeds) {
  std::vector<distribution> table;
  add_kinds(table, "time_to_detect_s",
            by_kind(seeds, [](const auto& f) { return f.detect_ns; }));
  add_kinds(table, "time_to_recover_s",
            by_kind(seeds, [](const auto& f) { return f.recover_ns; }));
  std::vector<double> availability, success, failed, worst, failover, shortfall;
  size_t no_leader = 0;
  for (const auto& s : seeds) {
    if (!s.metrics)
      continue;
    const auto& m = *s.metrics;
    if (!m.scale_sets.empty())
      availability.push_back(m.min_availability());
    if (m.requests_ok + m.requests_failed > 0)
      success.push_back(static_cast<double>(m.requests_ok) /
                        static_cast<double>(m.requests_ok + m.requests_failed));
    failed.push_back(static_cast<double>(m.requests_failed));
    worst.push_back(static_cast<double>(m.worst_second_failed));
    for (const auto& f : m.failovers) {
      if (f.failover_ns)
        failover.push_back(seconds(*f.failover_ns));
      else
        ++no_leader;
    }
    shortfall.push_back(m.shortfall_instance_s());
  }
  table.push_back(distribution_of("availability", std::move(availability)));
  table.push_back(distribution_of("request_success", std::move(success)));
  table.push_back(distribution_of("failed_requests", std::move(failed)));
  table.push_back(
      distribution_of("worst_second_failed_requests", std::move(worst)));
  table.push_back(
      distribution_of("failover_s", std::move(failover), no_leader));
  table.push_back(
      distribution_of("shortfall_instance_s", std::move(shortfall)));
  return table;
}

std::string reproduce_command(const std::string& scenario,
                              const seed_result& r) {
  return "vmss-sim run " + scenario + " --seed " + std::to_string(r.seed) +
         " --out " + r.trace_dir;
}

void print_table(const std::vector<distribution>& table,
                 const std::vector<seed_result>& seeds,
                 const std::string& scenario, std::ostream& out) {
  size_t width = 6;
  for (const auto& d : table)
    width = std::max(width, d.metric.size());
  char line[256];
  std::snprintf(line, sizeof line, "%-*s %6s %7s %10s %10s %10s %10s %10s\n",
                static_cast<int>(width), "metric", "n", "missing", "min",
                "median", "p95", "p99", "max");
  out << line;
  for (const auto& d : table) {
    out << d.metric << std::string(width - d.metric.size(), ' ');
    std::snprintf(line, sizeof line, " %6zu %7zu", d.n, d.missing);
    out << line;
    for (double v : {d.min, d.median, d.p95, d.p99, d.max}) {
      std::snprintf(line, sizeof line, " %10s",
                    d.n == 0 ? "-" : num(v).c_str());
      out << line;
    }
    out << '\n';
  }
  for (const auto& s : seeds)
    if (s.failed())
      out << "FAIL seed=" << s.seed << ": " << s.failure()
          << "; reproduce: " << reproduce_command(scenario, s) << '\n';
}

void write_csv(const std::vector<seed_result>& seeds,
               const std::string& scenario, std::ostream& out) {
  out << "seed,status,exit_code,digest,failure,faults,not_detected,"
         "not_recovered,max_time_to_detect_s,max_time_to_recover_s,"
         "availability,request_success,requests_ok,requests_failed,"
         "worst_second_failed,failovers,max_failover_s,shortfall_instance_s,"
         "wall_s,reproduce\n";
  for (const auto& s : seeds) {
    out << s.seed << ',' << (s.failed() ? "FAIL" : "ok") << ',' << s.exit_code
        << ',' << s.digest << ',' << csv_cell(s.failure());
    if (s.metrics) {
      const auto& m = *s.metrics;
      auto n = numbers_of(m);
      out << ',' << n.faults << ',' << n.not_detected << ',' << n.not_recovered
          << ',' << analysis::format_seconds(n.max_detect_ns, "") << ','
          << analysis::format_seconds(n.max_recover_ns, "") << ','
          << (m.scale_sets.empty() ? "" : num(m.min_availability())) << ','
          << success_ratio(m) << ',' << m.requests_ok << ','
          << m.requests_failed << ',' << m.worst_second_failed << ','
          << n.failovers << ','
          << analysis::format_seconds(n.max_failover_ns, "") << ','
          << num(m.shortfall_instance_s());
    } else {
      out << std::string(13, ',');
    }
    out << ',' << num(s.wall_s) << ','
        << csv_cell(s.failed() ? reproduce_command(scenario, s) : "") << '\n';
  }
}

void write_html(const std::vector<distribution>& table,
                const std::vector<seed_result>& seeds,
                const std::string& scenario, std::ostream& out) {
  size_t failed = 0;
  for (const auto& s : seeds)
    failed += s.failed() ? 1 : 0;
  out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
         "<title>vmss-sim sweep "
      << analysis::svg::escape(scenario)
      << "</title>\n<style>body{font-family:sans-serif;margin:2em}"
         "table{border-collapse:collapse;margin-bottom:2em}"
         "td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}"
         "td:first-child,th:first-child{text-align:left}"
         ".fail{background:#fdd}</style></head><body>\n<h1>Sweep of "
      << analysis::svg::escape(scenario) << "</h1>\n<p>seeds=" << seeds.size()
      << " failed=" << failed << "</p>\n<table><tr><th>metric</th><th>n</th>"
      << "<th>missing</th><th>min</th><th>median</th><th>p95</th><th>p99</th>"
         "<th>max</th></tr>\n";
  for (const auto& d : table) {
    out << "<tr><td>" << analysis::svg::escape(d.metric) << "</td><td>" << d.n
        << "</td><td>" << d.missing << "</td>";
    for (double v : {d.min, d.median, d.p95, d.p99, d.max})
      out << "<td>" << (d.n == 0 ? "-" : num(v)) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n<table><tr><th>seed</th><th>status</th><th>digest</th>"
         "<th>availability</th><th>failed requests</th><th>shortfall "
         "instance-s</th><th>failure and reproducing command</th></tr>\n";
  for (const auto& s : seeds) {
    out << "<tr" << (s.failed() ? " class=\"fail\"" : "") << "><td>" << s.seed
        << "</td><td>" << (s.failed() ? "FAIL" : "ok") << "</td><td>"
        << analysis::svg::escape(s.digest.substr(0, 16)) << "</td><td>"
        << (s.metrics && !s.metrics->scale_sets.empty()
                ? num(s.metrics->min_availability())
                : "")
        << "</td><td>"
        << (s.metrics ? std::to_string(s.metrics->requests_failed) : "")
        << "</td><td>"
        << (s.metrics ? num(s.metrics->shortfall_instance_s()) : "")
        << "</td><td>"
        << (s.failed() ? analysis::svg::escape(s.failure() + "; " +
                                               reproduce_command(scenario, s))
                       : "")
        << "</td></tr>\n";
  }
  out << "</table>\n</body></html>\n";
}

} // namespace vmss::sweep
