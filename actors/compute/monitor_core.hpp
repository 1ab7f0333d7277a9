#pragma once
/// Azure Monitor's metrics of a region, as a pure core: it stores each VM's
/// one-minute samples (metric_sample) and the scenario's given series
/// (MetricSeries), and answers an autoscale rule's metric_spec the way
/// Azure Monitor and the autoscale engine read platform metrics. Its shell
/// (monitor.hpp) moves the messages in and out. docs/model.md ("Metrics
/// pipeline") lists each rule with its source. No CAF.
///
///   1-min samples of each instance
///     --(timeGrain: Percentage CPU by average, network totals by sum)-->
///   one value per instance per grain
///     --(statistic across the instances: Average|Min|Max|Sum|Count)-->
///   one value per grain
///     --(the grains ending in (now - timeWindow, now], ingested only:
///        end + ingestion delay <= now)-->
///     --(timeAggregation: Average|Minimum|Maximum|Total|Count|Last)-->
///   one value (divided by the instance count if dividePerInstance),
///   or missing when no grain of the window is ingested

#include "kernel/sim_time.hpp"
#include "messages/compute_messages.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace vmss::compute {

/// Our choice within Azure's documented latency of platform metrics
/// (docs/model.md): a one-minute grain is visible 2 min after it ends.
inline constexpr sim_time default_ingestion_delay_ns = 120'000'000'000;
/// The longest timeWindow and timeGrain a metricTrigger may give (Azure:
/// 12 h each): the oldest minute a query can read starts within their sum.
inline constexpr sim_time max_time_window_ns = 12LL * 3600 * 1'000'000'000;
inline constexpr sim_time max_time_grain_ns = 12LL * 3600 * 1'000'000'000;

/// One point of a given series: from `at_ns` on, every instance of the set
/// reports `value` (until the next point).
struct metric_point {
  sim_time at_ns = 0;
  double value = 0;
};

/// A metric of a scale set given over time (scenario.proto MetricSeries);
/// `points` in increasing `at_ns`.
struct metric_series_input {
  std::string scale_set;
  std::string metric;
  std::vector<metric_point> points;
};

struct monitor_params {
  sim_time ingestion_delay_ns = default_ingestion_delay_ns;
  std::vector<metric_series_input> series;
};

class monitor_core {
public:
  explicit monitor_core(monitor_params params);

  /// Stores a VM's sample (a repeated minute replaces the earlier one) and
  /// drops the minutes no query can read any more at `now`.
  void on_sample(const metric_sample& sample, sim_time now);

  /// The value of each of `query.metrics` at `now`, in order.
  metric_values on_query(const metric_query& query, sim_time now) const;

  /// How many (minute, instance) samples are held (memory stays bounded).
  size_t samples_held() const;

private:
  struct minute_values {
    double cpu_percent = 0;
    double bytes_in = 0;
    double bytes_out = 0;
  };
  /// Per scale set: minute start -> instance -> its sample.
  using set_samples = std::map<sim_time, std::map<uint32_t, minute_values>>;

  /// Every instance's value in the grain [start, start + grain), or empty.
  std::vector<double> grain_instances(const metric_query& query,
                                      const metric_spec& spec,
                                      sim_time start) const;
  static std::vector<double> derived_instances(const set_samples& samples,
                                               const std::string& metric,
                                               sim_time start, sim_time end);

  monitor_params params_;
  std::map<std::string, set_samples> samples_;
};

} // namespace vmss::compute
