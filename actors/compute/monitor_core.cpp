#include "actors/compute/monitor_core.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>

namespace vmss::compute {

namespace {

constexpr sim_time minute_ns = 60'000'000'000;

/// The largest multiple of `step` not above `t` (t may be negative).
sim_time floor_to(sim_time t, sim_time step) {
  sim_time q = t / step;
  if (t % step != 0 && t < 0)
    --q;
  return q * step;
}

/// statistic: the instances' values of one grain combined.
double combine_instances(statistic stat, const std::vector<double>& values) {
  switch (stat) {
  case statistic::average:
    return std::accumulate(values.begin(), values.end(), 0.0) /
           static_cast<double>(values.size());
  case statistic::min:
    return *std::min_element(values.begin(), values.end());
  case statistic::max:
    return *std::max_element(values.begin(), values.end());
  case statistic::sum:
    return std::accumulate(values.begin(), values.end(), 0.0);
  case statistic::count:
    return static_cast<double>(values.size());
  }
  VMSS_ASSERT(false, "monitor: unknown statistic");
  return 0;
}

/// timeAggregation: the window's grain values (oldest first) combined.
double combine_grains(time_aggregation aggregation,
                      const std::vector<double>& grains) {
  switch (aggregation) {
  case time_aggregation::average:
    return std::accumulate(grains.begin(), grains.end(), 0.0) /
           static_cast<double>(grains.size());
  case time_aggregation::minimum:
    return *std::min_element(grains.begin(), grains.end());
  case time_aggregation::maximum:
    return *std::max_element(grains.begin(), grains.end());
  case time_aggregation::total:
    return std::accumulate(grains.begin(), grains.end(), 0.0);
  case time_aggregation::count:
    return static_cast<double>(grains.size());
  case time_aggregation::last:
    return grains.back();
  }
  VMSS_ASSERT(false, "monitor: unknown time aggregation");
  return 0;
}

/// The series' value in force at `t` (the last point at or before it), or
/// nullptr before its first point.
const double* series_value_at(const metric_series_input& series, sim_time t) {
  auto after = std::upper_bound(
      series.points.begin(), series.points.end(), t,
      [](sim_time at, const metric_point& p) { return at < p.at_ns; });
  if (after == series.points.begin())
    return nullptr;
  return &std::prev(after)->value;
}

/// The series' value of one instance over [start, end): the average of its
/// minutes' values (each minute reads the value in force at its start);
/// none when no minute has one yet.
std::optional<double> series_grain_value(const metric_series_input& series,
                                         sim_time start, sim_time end) {
  double sum = 0;
  int minutes = 0;
  for (sim_time m = start; m < end; m += minute_ns) {
    if (const double* v = series_value_at(series, m)) {
      sum += *v;
      ++minutes;
    }
  }
  if (minutes == 0)
    return std::nullopt;
  return sum / minutes;
}

} // namespace

monitor_core::monitor_core(monitor_params params) : params_(std::move(params)) {
  VMSS_ASSERT(params_.ingestion_delay_ns >= 0,
              "monitor: the ingestion delay is not negative");
  for (const auto& s : params_.series)
    VMSS_ASSERT(
        std::is_sorted(s.points.begin(), s.points.end(),
                       [](const metric_point& a, const metric_point& b) {
                         return a.at_ns < b.at_ns;
                       }),
        "monitor: a series' points are in time order");
}

void monitor_core::on_sample(const metric_sample& sample, sim_time now) {
  auto& set = samples_[sample.scale_set];
  set[sample.grain_start_ns][sample.instance] = {
      sample.cpu_percent, sample.bytes_in, sample.bytes_out};
  // The oldest minute any query can read: its grain ends within the
  // longest window, so it starts at most one longest grain before that.
  auto horizon = now - max_time_window_ns - max_time_grain_ns;
  set.erase(set.begin(), set.lower_bound(horizon));
}

size_t monitor_core::samples_held() const {
  size_t n = 0;
  for (const auto& [name, set] : samples_)
    for (const auto& [minute, instances] : set)
      n += instances.size();
  return n;
}

std::vector<double> monitor_core::derived_instances(const set_samples& samples,
                                                    const std::string& metric,
                                                    sim_time start,
                                                    sim_time end) {
  const bool cpu = metric == percentage_cpu;
  const bool in = metric == network_in_total;
  const bool out = metric == network_out_total;
  if (!cpu && !in && !out)
    return {};
  // Per instance: the sum and the number of its minutes in the grain.
  std::map<uint32_t, std::pair<double, int>> per_instance;
  for (auto it = samples.lower_bound(start), stop = samples.lower_bound(end);
       it != stop; ++it) {
    for (const auto& [instance, v] : it->second) {
      auto& acc = per_instance[instance];
      acc.first += cpu ? v.cpu_percent : in ? v.bytes_in : v.bytes_out;
      ++acc.second;
    }
  }
  std::vector<double> values;
  values.reserve(per_instance.size());
  for (const auto& [instance, acc] : per_instance)
    values.push_back(cpu ? acc.first / acc.second : acc.first);
  return values;
}

std::vector<double> monitor_core::grain_instances(const metric_query& query,
                                                  const metric_spec& spec,
                                                  sim_time start) const {
  const sim_time end = start + spec.time_grain_ns;
  auto series = std::find_if(
      params_.series.begin(), params_.series.end(), [&](const auto& s) {
        return s.scale_set == query.scale_set && s.metric == spec.metric;
      });
  if (series != params_.series.end()) {
    auto value = series_grain_value(*series, start, end);
    if (!value)
      return {};
    return std::vector<double>(query.instances, *value);
  }
  auto set = samples_.find(query.scale_set);
  if (set == samples_.end())
    return {};
  return derived_instances(set->second, spec.metric, start, end);
}

metric_values monitor_core::on_query(const metric_query& query,
                                     sim_time now) const {
  metric_values answer;
  answer.seq = query.seq;
  for (const auto& spec : query.metrics) {
    VMSS_ASSERT(spec.time_grain_ns > 0 && spec.time_window_ns > 0,
                "monitor: a rule's timeGrain and timeWindow are positive");
    const sim_time grain = spec.time_grain_ns;
    // The grains ending in (now - timeWindow, now], ingested by now.
    const sim_time last_end = floor_to(now - params_.ingestion_delay_ns, grain);
    const sim_time first_end =
        std::max(floor_to(now - spec.time_window_ns, grain) + grain, grain);
    std::vector<double> grains;
    for (sim_time end = first_end; end <= last_end; end += grain) {
      auto instances = grain_instances(query, spec, end - grain);
      if (!instances.empty())
        grains.push_back(combine_instances(spec.stat, instances));
    }
    double value = 0;
    bool present = !grains.empty();
    if (present)
      value = combine_grains(spec.aggregation, grains);
    if (present && spec.divide_per_instance) {
      present = query.instances > 0;
      value = present ? value / query.instances : 0;
    }
    answer.values.push_back(value);
    answer.present.push_back(present ? 1 : 0);
  }
  return answer;
}

} // namespace vmss::compute
