#pragma once
/// The metric vocabulary shared by the metrics pipeline (actors/compute/
/// monitor_core.hpp, Azure Monitor's part) and the autoscale engine
/// (actors/compute/autoscale_core.hpp): which metric a rule reads and how
/// its samples are combined, as Microsoft.Insights/autoscaleSettings'
/// metricTrigger says it. No CAF beyond the inspect hook.

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

namespace vmss::compute {

/// metricTrigger.statistic: how the instances' values of one time grain are
/// combined.
enum class statistic : uint8_t { average, min, max, sum, count };
/// metricTrigger.timeAggregation: how the grains of the time window are
/// combined.
enum class time_aggregation : uint8_t {
  average,
  minimum,
  maximum,
  total,
  count,
  last
};

/// Azure's spelling: "Average", "Min", ... / "Average", "Minimum", ...
const char* to_string(statistic s);
const char* to_string(time_aggregation a);

/// The host metrics the model derives from a VM's share of the load
/// (Azure's names for Microsoft.Compute/virtualMachineScaleSets).
inline constexpr const char* percentage_cpu = "Percentage CPU";
inline constexpr const char* network_in_total = "Network In Total";
inline constexpr const char* network_out_total = "Network Out Total";

/// One metric a rule reads: metricName over the set's instances, sampled
/// at `time_grain`, combined across instances by `stat`, over the last
/// `time_window` by `aggregation`; divided by the instance count when
/// `divide_per_instance`.
struct metric_spec {
  std::string metric;
  int64_t time_grain_ns = 60'000'000'000;
  statistic stat = statistic::average;
  int64_t time_window_ns = 300'000'000'000;
  time_aggregation aggregation = time_aggregation::average;
  bool divide_per_instance = false;
  friend bool operator==(const metric_spec& a, const metric_spec& b) {
    return a.metric == b.metric && a.time_grain_ns == b.time_grain_ns &&
           a.stat == b.stat && a.time_window_ns == b.time_window_ns &&
           a.aggregation == b.aggregation &&
           a.divide_per_instance == b.divide_per_instance;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_spec& x) {
  return f(caf::meta::type_name("metric_spec"), x.metric, x.time_grain_ns,
           x.stat, x.time_window_ns, x.aggregation, x.divide_per_instance);
}

} // namespace vmss::compute
