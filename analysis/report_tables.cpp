/// The report's tables and fault bands from the run's metrics
/// (analysis/run_metrics.hpp; docs/analysis.md defines each number).

#include "analysis/report_tables.hpp"

#include <cstdio>

namespace vmss::analysis {

namespace {

/// Rows beyond this many are left out of a table (with a note): a long run
/// can make thousands of autoscale decisions.
constexpr size_t max_rows = 500;

std::string at(int64_t ns) {
  return format_seconds(ns);
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", 100 * fraction);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

report_table make_table(const char* id, const char* title, const char* note,
                        std::vector<std::string> header) {
  report_table t;
  t.id = id;
  t.title = title;
  t.note = note;
  t.header = std::move(header);
  return t;
}

void cap_rows(report_table& t) {
  if (t.rows.size() <= max_rows)
    return;
  t.note += " The first " + std::to_string(max_rows) + " of " +
            std::to_string(t.rows.size()) + " rows.";
  t.rows.resize(max_rows);
}

report_table fault_table(const run_metrics& m) {
  auto t = make_table(
      "table-faults", "Faults",
      "Times in virtual seconds. Detect: from the injection to the first "
      "event that saw it; recover: to the first instant the service was "
      "whole again, for a detected fault (docs/analysis.md).",
      {"fault", "target", "injected", "repair injected", "detected by",
       "time to detect", "time to recover"});
  for (const auto& f : m.faults)
    t.rows.push_back(
        {f.kind, f.target, at(f.injected_ns),
         format_seconds(f.repaired_ns, "none"),
         f.detected_by.empty() ? "not detected" : f.detected_by,
         format_seconds(f.detect_ns),
         f.detect_ns ? format_seconds(f.recover_ns, "not recovered") : "-"});
  return t;
}

report_table scale_set_table(const run_metrics& m) {
  auto t = make_table(
      "table-availability-sets", "Availability per scale set",
      "Measured from the first instant with healthy >= desired to the end; "
      "shortfall: the missing healthy instances integrated over time.",
      {"scale set", "desired", "healthy at end", "steady from", "available",
       "shortfall (instance-s)", "requests ok", "requests failed",
       "request success"});
  for (const auto& s : m.scale_sets) {
    auto success = s.request_success();
    t.rows.push_back(
        {s.name, std::to_string(s.desired), std::to_string(s.healthy),
         format_seconds(s.steady_from_ns, "never"), percent(s.availability()),
         number(s.shortfall_instance_s), std::to_string(s.requests_ok),
         std::to_string(s.requests_failed), success ? percent(*success) : "-"});
  }
  return t;
}

report_table zone_table(const run_metrics& m) {
  auto t = make_table(
      "table-availability-zones", "Availability per zone",
      "Time in which every live instance of the zone was "
      "healthy, from its first healthy instance to the end.",
      {"zone", "observed (s)", "available", "unhealthy (instance-s)"});
  for (const auto& z : m.zones)
    t.rows.push_back({z.zone, at(z.observed_ns), percent(z.availability()),
                      number(z.unhealthy_instance_s)});
  return t;
}

report_table failover_table(const run_metrics& m) {
  auto t = make_table(
      "table-failovers", "Fabric controller failovers",
      "A leader whose entity crashed and the next election "
      "of its region.",
      {"region", "lost leader", "lost at", "failover time", "new leader"});
  for (const auto& f : m.failovers)
    t.rows.push_back({f.region, f.lost_leader, at(f.lost_ns),
                      format_seconds(f.failover_ns, "none"),
                      f.new_leader.empty() ? "-" : f.new_leader});
  return t;
}

report_table autoscale_table(const run_metrics& m) {
  auto t = make_table("table-autoscale", "Autoscale decisions",
                      "Every evaluation whose decision was not 'none'.",
                      {"at", "setting", "scale set", "profile", "decision",
                       "capacity", "new capacity"});
  t.note +=
      " " + std::to_string(m.autoscale_evaluations) + " evaluations in all.";
  for (const auto& a : m.autoscale)
    t.rows.push_back({at(a.t_ns), a.setting, a.scale_set, a.profile, a.decision,
                      std::to_string(a.from), std::to_string(a.to)});
  cap_rows(t);
  return t;
}

report_table upgrade_table(const run_metrics& m) {
  auto t = make_table("table-upgrades", "Upgrade batches",
                      "Each rolling-upgrade batch and the upgrade's status "
                      "before the next batch.",
                      {"at", "scale set", "batch", "instances", "status"});
  for (const auto& b : m.upgrade_batches)
    t.rows.push_back({at(b.t_ns), b.scale_set, std::to_string(b.batch),
                      b.instances, b.status.empty() ? "-" : b.status});
  cap_rows(t);
  return t;
}

} // namespace

std::vector<report_table> metric_tables(const run_metrics& m) {
  return {fault_table(m),    scale_set_table(m), zone_table(m),
          failover_table(m), autoscale_table(m), upgrade_table(m)};
}

std::vector<svg::band> fault_bands(const run_metrics& m) {
  std::vector<svg::band> bands;
  for (const auto& f : m.faults) {
    svg::band b;
    b.from_ns = f.injected_ns;
    b.open = !f.repaired_ns;
    b.to_ns = f.repaired_ns ? *f.repaired_ns : m.end_ns;
    b.fault = f.kind;
    b.label = f.kind + " " + f.target;
    bands.push_back(std::move(b));
  }
  return bands;
}

} // namespace vmss::analysis
