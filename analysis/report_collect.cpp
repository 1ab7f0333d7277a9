/// The report's charts from one pass over the trace, its faults and tables
/// from analysis/run_metrics (analysis/report.hpp).

#include "analysis/report.hpp"

#include "analysis/instance_view.hpp"
#include "analysis/record_fields.hpp"
#include "analysis/report_tables.hpp"
#include "analysis/run_metrics.hpp"
#include "messages/compute_events.hpp"
#include "messages/control_events.hpp"
#include "messages/fabric_events.hpp"
#include "messages/network_events.hpp"
#include "messages/physical_events.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

namespace vmss::analysis {

namespace {

using svg::series;

series make_series(std::string name, std::string color, bool step) {
  series s;
  s.name = std::move(name);
  s.color = std::move(color);
  s.step = step;
  return s;
}

svg::chart make_chart(std::string id, std::string title, std::string unit,
                      std::vector<series> lines = {}) {
  svg::chart c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.y_unit = std::move(unit);
  c.lines = std::move(lines);
  return c;
}

/// The kernel's record of an entity that crashed (kernel/node_kernel).
constexpr std::string_view entity_crashed = "entity_crashed";

/// A number field that the emitter writes as int64 or double.
double number_field(const record& r, const trace::event_def& def,
                    std::string_view name) {
  for (const auto& f : r.fields)
    if (f.key == name) {
      if (const auto* d = std::get_if<double>(&f.val))
        return *d;
      if (const auto* i = std::get_if<int64_t>(&f.val))
        return static_cast<double>(*i);
      break;
    }
  throw std::runtime_error("record " + std::string(def.name) +
                           " at t_ns=" + std::to_string(r.t_ns()) + " of " +
                           std::string(r.path) + ": field '" +
                           std::string(name) + "' is missing or not a number");
}

const char* state_color(const std::string& state) {
  static const std::map<std::string, const char*> colors{
      {"running", "#2e7d32"},     {"healthy", "#2e7d32"},
      {"unhealthy", "#e53935"},   {"Failed", "#b71c1c"},
      {"Creating", "#1e88e5"},    {"creating", "#1e88e5"},
      {"starting", "#42a5f5"},    {"pending", "#90caf9"},
      {"allocating", "#64b5f6"},  {"Updating", "#8e24aa"},
      {"repairing", "#8e24aa"},   {"Deleting", "#fb8c00"},
      {"deleting", "#fb8c00"},    {"stopping", "#ffb74d"},
      {"stopped", "#757575"},     {"deallocating", "#bdbdbd"},
      {"deallocated", "#9e9e9e"}, {"unknown", "#6d4c41"}};
  auto it = colors.find(state);
  return it == colors.end() ? "#000000" : it->second;
}

const char* palette(size_t i) {
  static const char* colors[] = {"#1565c0", "#c62828", "#2e7d32", "#6a1b9a",
                                 "#ef6c00", "#00838f", "#4e342e", "#ad1457"};
  return colors[i % (sizeof colors / sizeof colors[0])];
}

/// What an instance's last view shows it as: its provisioning state while
/// that is not Succeeded, else its power state; a running instance the
/// health source calls Unhealthy is "unhealthy". Empty when deleted.
std::string view_label(const instance_state& s) {
  if (s.deleted())
    return {};
  if (s.provisioning_state != "Succeeded")
    return s.provisioning_state;
  if (s.power_state == "running" && s.health == "Unhealthy")
    return "unhealthy";
  return s.power_state;
}

/// Instances of one scale set by state over time.
struct state_counts {
  std::map<std::string, int64_t> count;
  std::map<std::string, series> lines;

  void move(int64_t t, const std::string& from, const std::string& to) {
    if (from == to)
      return;
    for (const auto* label : {&from, &to}) {
      if (label->empty())
        continue;
      int64_t& n = count[*label];
      n += label == &from ? -1 : 1;
      series& s = lines[*label];
      if (s.name.empty()) {
        s.name = *label;
        s.color = state_color(*label);
      }
      s.push(t, static_cast<double>(n));
    }
  }
};

using instance_key = std::pair<std::string, int64_t>;

/// Splits "SET/N" into SET; empty when there is no '/'.
std::string set_of_vm(const std::string& vm) {
  auto slash = vm.rfind('/');
  return slash == std::string::npos ? std::string{} : vm.substr(0, slash);
}

std::string chart_id(const std::string& what, const std::string& set = {}) {
  std::string id = "chart-" + what;
  if (set.empty())
    return id;
  id += '-';
  for (char c : set)
    id += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'
              ? c
              : '_';
  return id;
}

/// Every second's requests summed over the workloads and targets.
struct request_tick {
  double ok = 0, failed = 0;
  double p50 = 0, p95 = 0, p99 = 0; ///< the highest of the tick's targets
};

class collector {
public:
  explicit collector(const trace::manifest& m) : manifest_(m) {
    for (const auto& e : m.entities)
      if (e.kind == "fc_replica")
        replicas_.push_back(e.path);
    std::sort(replicas_.begin(), replicas_.end());
  }

  void on(const record& r) {
    ++records_;
    if (is(r, compute::events::instance_view))
      on_instance_view(r);
    else if (is(r, physical::events::vm_state))
      on_vm_state(r);
    else if (is(r, network::events::lb_backend))
      on_backend(r);
    else if (is(r, compute::events::capacity_changed))
      on_capacity(r);
    else if (is(r, control::events::requests))
      on_requests(r);
    else if (is(r, fabric::events::leader_elected))
      on_leader(r);
    else if (r.event == entity_crashed)
      on_crash(r);
    else if (is(r, compute::events::autoscale_evaluated))
      on_autoscale(r);
  }

  report_data finish(int64_t end_t_ns);

private:
  void on_instance_view(const record& r) {
    instance_state s = read_instance_view(r);
    std::string& label = view_label_[{s.scale_set, s.instance_id}];
    std::string now = view_label(s);
    by_view_[s.scale_set].move(r.t_ns(), label, now);
    label = now;
  }

  void on_vm_state(const record& r) {
    const auto& def = physical::events::vm_state;
    std::string set = string_field(r, def, "scale_set");
    if (set.empty())
      return; // another tenant's VM
    std::string state = string_field(r, def, "state");
    std::string now = state == "deleted" ? std::string{} : state;
    std::string& label = vm_label_[{set, int_field(r, def, "instance_id")}];
    by_vm_[set].move(r.t_ns(), label, now);
    label = now;
  }

  void on_backend(const record& r) {
    const auto& def = network::events::lb_backend;
    std::string vm = string_field(r, def, "vm");
    std::string set = set_of_vm(vm);
    if (set.empty())
      return;
    auto& pools = pools_[vm];
    bool was = !pools.empty();
    if (bool_field(r, def, "member"))
      pools.insert(string_field(r, def, "pool"));
    else
      pools.erase(string_field(r, def, "pool"));
    if (was == !pools.empty())
      return;
    int64_t& n = members_[set];
    n += was ? -1 : 1;
    series& s = backends_[set];
    s.push(r.t_ns(), static_cast<double>(n));
  }

  void on_capacity(const record& r) {
    const auto& def = compute::events::capacity_changed;
    desired_[string_field(r, def, "scale_set")].push(
        r.t_ns(), static_cast<double>(int_field(r, def, "to")));
  }

  void on_requests(const record& r) {
    const auto& def = control::events::requests;
    request_tick& t = ticks_[int_field(r, def, "tick_ns")];
    t.ok += number_field(r, def, "ok");
    t.failed += number_field(r, def, "failed");
    t.p50 = std::max(t.p50, number_field(r, def, "p50_ms"));
    t.p95 = std::max(t.p95, number_field(r, def, "p95_ms"));
    t.p99 = std::max(t.p99, number_field(r, def, "p99_ms"));
  }

  void on_leader(const record& r) {
    int64_t term = int_field(r, fabric::events::leader_elected, "term");
    std::string path(r.path);
    std::string region = path.substr(0, path.find('/'));
    leader_[region] = path;
    leader_lines_[region].push(r.t_ns(), replica_index(path),
                               "term " + std::to_string(term) + ": " + path);
  }

  void on_crash(const record& r) {
    std::string path(r.path);
    std::string region = path.substr(0, path.find('/'));
    auto it = leader_.find(region);
    if (it == leader_.end() || it->second != path)
      return;
    leader_.erase(it);
    leader_lines_[region].push(r.t_ns(), 0, "leader " + path + " crashed");
  }

  void on_autoscale(const record& r) {
    const auto& def = compute::events::autoscale_evaluated;
    std::string metrics = string_field(r, def, "metrics");
    static constexpr std::string_view cpu = "Percentage CPU=";
    auto at = metrics.find(cpu);
    if (at == std::string::npos)
      return;
    const char* begin = metrics.c_str() + at + cpu.size();
    char* end = nullptr;
    double value = std::strtod(begin, &end);
    if (end == begin)
      return; // "missing": no sample in the window
    cpu_[string_field(r, def, "scale_set")].push(r.t_ns(), value);
  }

  /// 1-based position among the replicas; 0 is "no leader".
  double replica_index(const std::string& path) const {
    auto it = std::lower_bound(replicas_.begin(), replicas_.end(), path);
    return static_cast<double>(it - replicas_.begin()) + 1;
  }

  void add_scale_set_charts(report_data& d) const;
  void add_request_charts(report_data& d) const;
  void add_leader_chart(report_data& d) const;
  void add_cpu_chart(report_data& d) const;

  const trace::manifest& manifest_;
  uint64_t records_ = 0;
  std::vector<std::string> replicas_;
  std::map<instance_key, std::string> view_label_, vm_label_;
  std::map<std::string, state_counts> by_view_, by_vm_;
  std::map<std::string, std::set<std::string>> pools_; ///< by vm
  std::map<std::string, int64_t> members_;             ///< by scale set
  std::map<std::string, series> backends_, desired_, cpu_;
  std::map<int64_t, request_tick> ticks_;
  std::map<std::string, std::string> leader_; ///< by region
  std::map<std::string, series> leader_lines_;
};

void collector::add_scale_set_charts(report_data& d) const {
  std::set<std::string> sets;
  for (const auto* m : {&by_view_, &by_vm_})
    for (const auto& [set, counts] : *m)
      sets.insert(set);
  for (const auto* m : {&backends_, &desired_})
    for (const auto& [set, line] : *m)
      sets.insert(set);
  for (const auto& set : sets) {
    // The orchestrator's views when the set has them, else the VMs'.
    auto it = by_view_.find(set);
    const auto* counts = it != by_view_.end() ? &it->second : nullptr;
    if (!counts && by_vm_.count(set))
      counts = &by_vm_.at(set);
    if (counts) {
      svg::chart c =
          make_chart(chart_id("instances", set),
                     "Instances of " + set + " by state", "instances");
      for (const auto& [label, line] : counts->lines)
        c.lines.push_back(line);
      d.charts.push_back(std::move(c));
    }
    svg::chart c = make_chart(
        chart_id("backends", set),
        "Healthy backends of " + set + " vs desired capacity", "instances");
    if (desired_.count(set)) {
      c.lines.push_back(desired_.at(set));
      c.lines.back().name = "desired capacity";
      c.lines.back().color = "#757575";
    }
    if (backends_.count(set)) {
      c.lines.push_back(backends_.at(set));
      c.lines.back().name = "healthy backends";
      c.lines.back().color = "#2e7d32";
    }
    if (!c.lines.empty())
      d.charts.push_back(std::move(c));
  }
}

void collector::add_request_charts(report_data& d) const {
  if (ticks_.empty())
    return;
  series ok = make_series("ok", "#2e7d32", false);
  series failed = make_series("failed", "#c62828", false);
  series rate = make_series("success", "#1565c0", false);
  series p50 = make_series("p50", "#2e7d32", false);
  series p95 = make_series("p95", "#ef6c00", false);
  series p99 = make_series("p99", "#c62828", false);
  for (const auto& [t, tick] : ticks_) {
    ok.push(t, tick.ok);
    failed.push(t, tick.failed);
    if (tick.ok + tick.failed > 0)
      rate.push(t, 100 * tick.ok / (tick.ok + tick.failed));
    if (tick.ok > 0) {
      p50.push(t, tick.p50);
      p95.push(t, tick.p95);
      p99.push(t, tick.p99);
    }
  }
  d.charts.push_back(make_chart(chart_id("requests"), "Requests per second",
                                "requests/s", {ok, failed}));
  svg::chart success =
      make_chart(chart_id("success"), "Request success rate", "%", {rate});
  success.y_max = 100;
  d.charts.push_back(std::move(success));
  d.charts.push_back(make_chart(chart_id("latency"),
                                "Response time of the ok requests", "ms",
                                {p50, p95, p99}));
}

void collector::add_leader_chart(report_data& d) const {
  if (leader_lines_.empty())
    return;
  svg::chart c = make_chart(chart_id("leader"), "Fabric controller leader", "");
  c.y_categories.push_back("(none)");
  for (const auto& path : replicas_) // the axis label without the region
    c.y_categories.push_back(path.substr(path.find('/') + 1));
  size_t i = 0;
  for (const auto& [region, line] : leader_lines_) {
    c.lines.push_back(line);
    c.lines.back().name = "leader in " + region;
    c.lines.back().color = palette(i++);
  }
  d.charts.push_back(std::move(c));
}

void collector::add_cpu_chart(report_data& d) const {
  if (cpu_.empty())
    return;
  svg::chart c =
      make_chart(chart_id("cpu"),
                 "Percentage CPU per scale set (as autoscale read it)", "%");
  c.y_max = 100;
  size_t i = 0;
  for (const auto& [set, line] : cpu_) {
    c.lines.push_back(line);
    c.lines.back().name = set;
    c.lines.back().color = palette(i++);
    c.lines.back().step = false;
  }
  d.charts.push_back(std::move(c));
}

report_data collector::finish(int64_t end_t_ns) {
  report_data d;
  d.scenario = manifest_.scenario;
  d.seed = manifest_.seed;
  d.nodes = manifest_.nodes;
  d.events = manifest_.events;
  d.records = records_;
  d.end_t_ns = end_t_ns;
  d.incomplete = incomplete_note(manifest_);
  add_scale_set_charts(d);
  add_request_charts(d);
  add_leader_chart(d);
  add_cpu_chart(d);
  return d;
}

} // namespace

report_data collect_report(const trace_reader& reader) {
  const auto& m = reader.manifest();
  collector c(m);
  int64_t last_t_ns = 0;
  reader.for_each([&](const record& r) {
    c.on(r);
    last_t_ns = r.t_ns();
  });
  int64_t end = m.complete ? m.end_t_ns : m.complete_until_ns;
  report_data d = c.finish(std::max(end, last_t_ns));
  // The faults and the tables are the run's metrics (the sweep's numbers).
  run_metrics metrics = compute_run_metrics(reader);
  d.faults = fault_bands(metrics);
  for (auto& f : d.faults)
    f.to_ns = f.open ? d.end_t_ns : f.to_ns;
  d.tables = metric_tables(metrics);
  return d;
}

} // namespace vmss::analysis
