#include "input/scenario_traffic.hpp"

#include "input/azure/resource_id.hpp"
#include "input/json_reader.hpp"
#include "input/time_zone.hpp"
#include "kernel/numbers.hpp"

#include <algorithm>
#include <set>

namespace vmss::input {

namespace {

namespace sc = vmss::scenario;
namespace az = azure;

struct traffic_checker {
  const scenario_input& in;
  std::vector<diagnostic>& errors;
  std::vector<located_diagnostic>& located;

  void fail(const std::string& path, const std::string& reason) {
    errors.push_back({path, reason});
  }

  void within_run(const std::string& path, sim_time t) {
    if (t < 0 || t >= in.spec.duration_ns())
      fail(path, format_duration(t) + " is not within the run (0s to " +
                     format_duration(in.spec.duration_ns()) + ")");
  }

  /// The named resource of `list` (letter case ignored), or nullptr with
  /// an error at `path` listing the known ones.
  template <class List>
  auto find(const List& list, const std::string& name, const std::string& path,
            const std::string& noun) -> decltype(&list[0]) {
    std::vector<std::string> names;
    for (const auto& x : list) {
      if (same_ignoring_case(x.name, name))
        return &x;
      names.push_back(x.name);
    }
    auto close = did_you_mean(name, names);
    fail(path, "no " + noun + " " + quote_json(name) + " in this scenario" +
                   (close.empty() ? "" : " (did you mean " + close + "?)"));
    return nullptr;
  }

  /// A rule of the load balancer ("" : it must have one).
  void rule_of(const az::load_balancer& lb, const std::string& rule,
               const std::string& path) {
    const auto& rules = lb.model.properties().load_balancing_rules();
    if (rule.empty()) {
      if (rules.empty())
        fail(path, "load balancer " + quote_json(lb.name) +
                       " has no loadBalancingRules to send requests through");
      return;
    }
    std::vector<std::string> names;
    for (const auto& r : rules) {
      if (same_ignoring_case(r.name(), rule))
        return;
      names.push_back(r.name());
    }
    fail(path, "load balancer " + quote_json(lb.name) + " has no rule " +
                   quote_json(rule));
  }

  void pool_of(const az::load_balancer& lb, const std::string& pool,
               const std::string& path) {
    for (const auto& p : lb.model.properties().backend_address_pools())
      if (same_ignoring_case(p.name(), pool))
        return;
    fail(path, "load balancer " + quote_json(lb.name) +
                   " has no backend pool " + quote_json(pool));
  }

  void curve(const sc::RateCurve& c, const std::string& path);
  void workloads();
  void series();
  void deployments();
  void autoscale_metrics();
};

void traffic_checker::curve(const sc::RateCurve& c, const std::string& path) {
  int shapes = (c.has_constant() ? 1 : 0) + (c.steps_size() > 0 ? 1 : 0) +
               (c.has_ramp() ? 1 : 0) + (c.has_diurnal() ? 1 : 0) +
               (c.csv().empty() ? 0 : 1);
  if (shapes != 1)
    fail(path, "give exactly one of constant, steps, ramp, diurnal and csv");
  if (c.has_constant() && c.constant() < 0)
    fail(json_child(path, "constant"), "must be at least 0");
  for (int i = 1; i < c.steps_size(); ++i)
    if (c.steps(i).at_ns() < c.steps(i - 1).at_ns())
      fail(json_child(
               json_index(json_child(path, "steps"), static_cast<size_t>(i)),
               "at"),
           "must not be before the step before it");
  if (c.has_ramp() && c.ramp().end_ns() <= c.ramp().start_ns())
    fail(json_child(path, "ramp.end"), "must be after start");
  if (c.has_diurnal()) {
    if (c.diurnal().max() < c.diurnal().min())
      fail(json_child(path, "diurnal.max"), "must be at least min");
    if (!is_time_zone(c.diurnal().time_zone()))
      fail(json_child(path, "diurnal.timeZone"),
           quote_json(c.diurnal().time_zone()) +
               " is not a Windows or tz database time-zone name");
  }
}

void traffic_checker::workloads() {
  std::set<std::string> names;
  const auto& list = in.spec.workloads();
  for (int i = 0; i < list.size(); ++i) {
    const auto& w = list[i];
    auto path = entry_path("workloads", static_cast<size_t>(i));
    if (!plain_name(w.name()))
      fail(json_child(path, "name"),
           quote_json(w.name()) + " " + plain_name_rule);
    else if (!names.insert(w.name()).second)
      fail(json_child(path, "name"), quote_json(w.name()) + " is given twice");
    bool lb = !w.load_balancer().empty(), tm = !w.traffic_manager().empty();
    if (lb == tm)
      fail(path, "give exactly one of loadBalancer and trafficManager");
    if (lb) {
      if (const auto* x =
              find(in.azure.load_balancers, w.load_balancer(),
                   json_child(path, "loadBalancer"), "load balancer"))
        rule_of(*x, w.rule(), json_child(path, "rule"));
    } else if (!w.rule().empty())
      fail(json_child(path, "rule"), "only with loadBalancer");
    if (tm)
      find(in.azure.traffic_managers, w.traffic_manager(),
           json_child(path, "trafficManager"), "Traffic Manager profile");
    curve(w.rate(), json_child(path, "rate"));
  }
}

void traffic_checker::series() {
  const auto& list = in.spec.metric_series();
  for (int i = 0; i < list.size(); ++i) {
    const auto& m = list[i];
    auto path = entry_path("metricSeries", static_cast<size_t>(i));
    find(in.azure.scale_sets, m.scale_set(), json_child(path, "scaleSet"),
         "scale set");
    if (derived_metric(m.metric()))
      fail(json_child(path, "metric"),
           quote_json(m.metric()) +
               " is derived from the workload; a series cannot replace it");
    for (int k = 0; k < m.points_size(); ++k) {
      auto at = json_child(
          json_index(json_child(path, "points"), static_cast<size_t>(k)), "at");
      within_run(at, m.points(k).at_ns());
      if (k > 0 && m.points(k).at_ns() <= m.points(k - 1).at_ns())
        fail(at, "must be after the point before it");
    }
  }
}

void traffic_checker::deployments() {
  std::set<std::string> names;
  const auto& list = in.spec.deployments();
  for (int i = 0; i < list.size(); ++i) {
    const auto& d = list[i];
    auto path = entry_path("deployments", static_cast<size_t>(i));
    if (!plain_name(d.name()))
      fail(json_child(path, "name"),
           quote_json(d.name()) + " " + plain_name_rule);
    else if (!names.insert(d.name()).second)
      fail(json_child(path, "name"), quote_json(d.name()) + " is given twice");
    within_run(json_child(path, "switchAt"), d.switch_at_ns());
    if (d.has_watch_ns() && d.watch_ns() <= 0)
      fail(json_child(path, "watch"), "must be longer than 0s");
    if (same_ignoring_case(d.blue_pool(), d.green_pool()))
      fail(json_child(path, "greenPool"), "must differ from bluePool");
    const auto* lb = find(in.azure.load_balancers, d.load_balancer(),
                          json_child(path, "loadBalancer"), "load balancer");
    if (!lb)
      continue;
    rule_of(*lb, d.rule(), json_child(path, "rule"));
    pool_of(*lb, d.blue_pool(), json_child(path, "bluePool"));
    pool_of(*lb, d.green_pool(), json_child(path, "greenPool"));
  }
}

/// Each rule's metric is one the model derives, or a series of its
/// setting's scale set.
void traffic_checker::autoscale_metrics() {
  const auto& settings = in.azure.autoscale_settings;
  for (size_t i = 0; i < settings.size(); ++i) {
    const auto& where = in.azure.autoscale_places[i];
    const auto& props = settings[i].model.properties();
    az::resource_id target;
    az::parse_resource_id(props.target_resource_uri(), target);
    for (int p = 0; p < props.profiles_size(); ++p)
      for (int r = 0; r < props.profiles(p).rules_size(); ++r) {
        const auto& name =
            props.profiles(p).rules(r).metric_trigger().metric_name();
        if (derived_metric(name))
          continue;
        const auto& series = in.spec.metric_series();
        bool given =
            std::any_of(series.begin(), series.end(), [&](const auto& m) {
              return m.metric() == name &&
                     same_ignoring_case(m.scale_set(), target.name);
            });
        if (!given)
          located.push_back(
              {where.file,
               json_child(
                   json_index(
                       json_child(json_index(json_child(where.path,
                                                        "properties.profiles"),
                                             static_cast<size_t>(p)),
                                  "rules"),
                       static_cast<size_t>(r)),
                   "metricTrigger.metricName"),
               quote_json(name) +
                   " is not derived by the model (Percentage CPU, Network In "
                   "Total, Network Out Total): give it in metricSeries for " +
                   quote_json(target.name)});
      }
  }
}

} // namespace

bool derived_metric(const std::string& name) {
  return name == "Percentage CPU" || name == "Network In Total" ||
         name == "Network Out Total";
}

void check_traffic(const scenario_input& in, std::vector<diagnostic>& errors,
                   std::vector<located_diagnostic>& located) {
  traffic_checker c{in, errors, located};
  c.workloads();
  c.series();
  c.deployments();
  c.autoscale_metrics();
}

} // namespace vmss::input
