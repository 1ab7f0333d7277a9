// The metrics pipeline's core: samples re-aggregated to the rule's grain,
// combined across instances by statistic and over the window by
// timeAggregation, visible only after the ingestion delay; given series;
// missing data; bounded memory.
#include "actors/compute/monitor_core.hpp"

#include <gtest/gtest.h>

namespace vmss::compute {
namespace {

constexpr sim_time minute = 60'000'000'000;
constexpr sim_time hour = 60 * minute;

metric_sample sample(uint32_t instance, sim_time minute_index, double cpu,
                     double in = 0, double out = 0,
                     const std::string& set = "web") {
  metric_sample s;
  s.scale_set = set;
  s.instance = instance;
  s.grain_start_ns = minute_index * minute;
  s.cpu_percent = cpu;
  s.bytes_in = in;
  s.bytes_out = out;
  return s;
}

metric_spec spec(const std::string& metric, statistic stat,
                 time_aggregation aggregation, sim_time grain = minute,
                 sim_time window = 5 * minute, bool divide = false) {
  metric_spec m;
  m.metric = metric;
  m.time_grain_ns = grain;
  m.stat = stat;
  m.time_window_ns = window;
  m.aggregation = aggregation;
  m.divide_per_instance = divide;
  return m;
}

metric_query query(std::vector<metric_spec> metrics, uint32_t instances = 1,
                   const std::string& set = "web") {
  metric_query q;
  q.seq = 7;
  q.scale_set = set;
  q.metrics = std::move(metrics);
  q.instances = instances;
  return q;
}

metric_spec cpu_average() {
  return spec(percentage_cpu, statistic::average, time_aggregation::average);
}

monitor_params with_delay(sim_time delay) {
  monitor_params p;
  p.ingestion_delay_ns = delay;
  return p;
}

TEST(MonitorCore, ASampleIsInvisibleUntilTheDelayAfterItsGrainEnds) {
  monitor_core core(with_delay(2 * minute));
  core.on_sample(sample(0, 0, 42), minute);
  // Minute 0 ends at 1 min: visible from 3 min on.
  for (sim_time now : {sim_time{0}, minute, 3 * minute - 1}) {
    auto v = core.on_query(query({cpu_average()}), now);
    EXPECT_EQ(v.present, std::vector<uint8_t>{0}) << now;
  }
  auto v = core.on_query(query({cpu_average()}), 3 * minute);
  EXPECT_EQ(v.seq, 7u);
  EXPECT_EQ(v.present, std::vector<uint8_t>{1});
  EXPECT_DOUBLE_EQ(v.values[0], 42);
}

TEST(MonitorCore, TheDefaultDelayIsWithinAzuresDocumentedLatency) {
  EXPECT_GT(default_ingestion_delay_ns, 0);
  EXPECT_LE(default_ingestion_delay_ns, 3 * minute);
  monitor_core core{monitor_params{}};
  core.on_sample(sample(0, 0, 42), minute);
  auto early = core.on_query(query({cpu_average()}),
                             minute + default_ingestion_delay_ns - 1);
  auto late = core.on_query(query({cpu_average()}),
                            minute + default_ingestion_delay_ns);
  EXPECT_EQ(early.present, std::vector<uint8_t>{0});
  EXPECT_EQ(late.present, std::vector<uint8_t>{1});
}

TEST(MonitorCore, EachStatisticCombinesTheInstancesOfAGrain) {
  monitor_core core(with_delay(2 * minute));
  core.on_sample(sample(0, 0, 10), minute);
  core.on_sample(sample(1, 0, 20), minute);
  core.on_sample(sample(2, 0, 60), minute);
  auto v = core.on_query(
      query(
          {spec(percentage_cpu, statistic::average, time_aggregation::average),
           spec(percentage_cpu, statistic::min, time_aggregation::average),
           spec(percentage_cpu, statistic::max, time_aggregation::average),
           spec(percentage_cpu, statistic::sum, time_aggregation::average),
           spec(percentage_cpu, statistic::count, time_aggregation::average)},
          3),
      3 * minute);
  EXPECT_EQ(v.present, (std::vector<uint8_t>{1, 1, 1, 1, 1}));
  EXPECT_EQ(v.values, (std::vector<double>{30, 10, 60, 90, 3}));
}

TEST(MonitorCore, EachTimeAggregationCombinesTheGrainsOfTheWindow) {
  monitor_core core(with_delay(2 * minute));
  for (int m = 0; m < 5; ++m)
    core.on_sample(sample(0, m, 10.0 * (m + 1)), (m + 1) * minute);
  // At 7 min the window is (2 min, 7 min]; grains ending by 5 min are
  // ingested: minutes 2, 3, 4 (30, 40, 50). Minute 1 ends at 2 min: out.
  auto v = core.on_query(
      query(
          {spec(percentage_cpu, statistic::average, time_aggregation::average),
           spec(percentage_cpu, statistic::average, time_aggregation::minimum),
           spec(percentage_cpu, statistic::average, time_aggregation::maximum),
           spec(percentage_cpu, statistic::average, time_aggregation::total),
           spec(percentage_cpu, statistic::average, time_aggregation::count),
           spec(percentage_cpu, statistic::average, time_aggregation::last)}),
      7 * minute);
  EXPECT_EQ(v.present, (std::vector<uint8_t>{1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(v.values, (std::vector<double>{40, 30, 50, 120, 3, 50}));
}

TEST(MonitorCore, TheWindowHoldsTheGrainsEndingWithinItAndNoOlder) {
  monitor_core core(with_delay(0));
  core.on_sample(sample(0, 0, 10), minute);
  core.on_sample(sample(0, 1, 30), 2 * minute);
  auto count = spec(percentage_cpu, statistic::average, time_aggregation::count,
                    minute, 5 * minute);
  // Minute 0 ends at 1 min: inside the window until 6 min (exclusive).
  EXPECT_EQ(core.on_query(query({count}), 6 * minute - 1).values[0], 2);
  EXPECT_EQ(core.on_query(query({count}), 6 * minute).values[0], 1);
  EXPECT_EQ(core.on_query(query({count}), 7 * minute - 1).values[0], 1);
  EXPECT_EQ(core.on_query(query({count}), 7 * minute).present[0], 0);
  // A longer window still holds both.
  auto longer = spec(percentage_cpu, statistic::average,
                     time_aggregation::average, minute, 10 * minute);
  EXPECT_DOUBLE_EQ(core.on_query(query({longer}), 7 * minute).values[0], 20);
}

TEST(MonitorCore, AGrainLongerThanAMinuteAveragesCpuAndSumsNetwork) {
  monitor_core core(with_delay(2 * minute));
  for (int m = 0; m < 5; ++m) {
    core.on_sample(sample(0, m, 10.0 * (m + 1), 100, 1), (m + 1) * minute);
    core.on_sample(sample(1, m, 50, 200, 2), (m + 1) * minute);
  }
  const sim_time grain = 5 * minute;
  auto q = query(
      {spec(percentage_cpu, statistic::average, time_aggregation::average,
            grain),
       spec(percentage_cpu, statistic::max, time_aggregation::average, grain),
       spec(network_in_total, statistic::sum, time_aggregation::total, grain),
       spec(network_in_total, statistic::average, time_aggregation::total,
            grain),
       spec(network_out_total, statistic::sum, time_aggregation::total, grain)},
      2);
  // The 5-min grain [0, 5 min) is complete at 5 min and ingested at 7 min.
  EXPECT_EQ(core.on_query(q, 7 * minute - 1).present,
            (std::vector<uint8_t>{0, 0, 0, 0, 0}));
  auto v = core.on_query(q, 7 * minute);
  EXPECT_EQ(v.present, (std::vector<uint8_t>{1, 1, 1, 1, 1}));
  // Instance 0 averages 30 over the grain, instance 1 50.
  EXPECT_EQ(v.values, (std::vector<double>{40, 50, 1500, 750, 15}));
}

TEST(MonitorCore, DividePerInstanceDividesByTheGivenInstanceCount) {
  monitor_core core(with_delay(2 * minute));
  core.on_sample(sample(0, 0, 0, 0, 300), minute);
  core.on_sample(sample(1, 0, 0, 0, 500), minute);
  auto per_instance = spec(network_out_total, statistic::sum,
                           time_aggregation::average, minute, 5 * minute, true);
  auto v = core.on_query(query({per_instance}, 4), 3 * minute);
  EXPECT_EQ(v.present, std::vector<uint8_t>{1});
  EXPECT_DOUBLE_EQ(v.values[0], 200);
  // No instance to divide by: missing.
  auto none = core.on_query(query({per_instance}, 0), 3 * minute);
  EXPECT_EQ(none.present, std::vector<uint8_t>{0});
}

monitor_params queue_series(std::vector<metric_point> points) {
  monitor_params p = with_delay(2 * minute);
  p.series.push_back({"web", "ApproximateMessageCount", std::move(points)});
  return p;
}

TEST(MonitorCore, AGivenSeriesIsReportedByEveryInstance) {
  monitor_core core(queue_series({{0, 10}, {3 * minute, 40}}));
  const std::string metric = "ApproximateMessageCount";
  // At 6 min: minutes 1, 2, 3 are in the window and ingested: 10, 10, 40.
  auto v = core.on_query(
      query({spec(metric, statistic::average, time_aggregation::average),
             spec(metric, statistic::sum, time_aggregation::average),
             spec(metric, statistic::count, time_aggregation::maximum),
             spec(metric, statistic::max, time_aggregation::last),
             spec(metric, statistic::sum, time_aggregation::average, minute,
                  5 * minute, true)},
            3),
      6 * minute);
  EXPECT_EQ(v.present, (std::vector<uint8_t>{1, 1, 1, 1, 1}));
  EXPECT_EQ(v.values, (std::vector<double>{20, 60, 3, 40, 20}));
}

TEST(MonitorCore, ASeriesGrainAveragesTheValuesInForceEachMinute) {
  // The value changes at 90 s: minute 1 still reads 0 (in force at 60 s).
  monitor_core core(queue_series({{0, 0}, {90'000'000'000, 100}}));
  auto v =
      core.on_query(query({spec("ApproximateMessageCount", statistic::average,
                                time_aggregation::average, 5 * minute)}),
                    7 * minute);
  EXPECT_EQ(v.present, std::vector<uint8_t>{1});
  EXPECT_DOUBLE_EQ(v.values[0], 60); // (0 + 0 + 100 + 100 + 100) / 5
}

TEST(MonitorCore, ASeriesHasNoDataBeforeItsFirstPoint) {
  monitor_core core(queue_series({{10 * minute, 5}}));
  auto q = query({spec("ApproximateMessageCount", statistic::average,
                       time_aggregation::average)});
  EXPECT_EQ(core.on_query(q, 12 * minute).present, std::vector<uint8_t>{0});
  EXPECT_EQ(core.on_query(q, 13 * minute).present, std::vector<uint8_t>{1});
}

TEST(MonitorCore, ASeriesForADerivedMetricReplacesTheSamples) {
  monitor_params p = with_delay(2 * minute);
  p.series.push_back({"web", percentage_cpu, {{0, 70}}});
  monitor_core core(std::move(p));
  core.on_sample(sample(0, 0, 10), minute);
  auto v = core.on_query(query({cpu_average()}), 3 * minute);
  EXPECT_DOUBLE_EQ(v.values[0], 70);
}

TEST(MonitorCore, MissingDataIsReportedPerMetric) {
  monitor_core core(queue_series({{0, 1}}));
  core.on_sample(sample(0, 0, 10), minute);
  auto v =
      core.on_query(query({spec("Available Memory Bytes", statistic::average,
                                time_aggregation::average),
                           cpu_average()}),
                    3 * minute);
  EXPECT_EQ(v.present, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(v.values, (std::vector<double>{0, 10}));
  // Another set: its samples and series are its own.
  auto other = core.on_query(
      query({cpu_average(), spec("ApproximateMessageCount", statistic::average,
                                 time_aggregation::average)},
            1, "api"),
      3 * minute);
  EXPECT_EQ(other.present, (std::vector<uint8_t>{0, 0}));
}

TEST(MonitorCore, ALaterSampleOfTheSameMinuteReplacesTheEarlierOne) {
  monitor_core core(with_delay(2 * minute));
  core.on_sample(sample(0, 0, 10), minute);
  core.on_sample(sample(0, 0, 30), minute);
  EXPECT_EQ(core.samples_held(), 1u);
  EXPECT_DOUBLE_EQ(core.on_query(query({cpu_average()}), 3 * minute).values[0],
                   30);
}

TEST(MonitorCore, MinutesNoQueryCanReadAreDropped) {
  monitor_core core(with_delay(2 * minute));
  core.on_sample(sample(0, 0, 10), minute);
  core.on_sample(sample(0, 3, 10), 4 * minute);
  EXPECT_EQ(core.samples_held(), 2u);
  // At 24 h + 2 min the oldest readable minute starts at 2 min.
  core.on_sample(sample(0, 24 * 60 + 1, 10), 24 * hour + 2 * minute);
  EXPECT_EQ(core.samples_held(), 2u);
}

TEST(MonitorCore, TheOldestMinuteALongGrainAndWindowReadIsKept) {
  monitor_core core(with_delay(2 * minute));
  core.on_sample(sample(0, 0, 10), minute);
  // Just before 24 h the 12-h grain [0, 12 h) still ends within a 12-h
  // window; a sample arriving then must not drop minute 0.
  const sim_time now = 24 * hour - minute;
  core.on_sample(sample(1, 24 * 60 - 2, 30), now);
  auto v = core.on_query(
      query({spec(percentage_cpu, statistic::min, time_aggregation::average,
                  12 * hour, 12 * hour)}),
      now);
  EXPECT_EQ(v.present, std::vector<uint8_t>{1});
  EXPECT_DOUBLE_EQ(v.values[0], 10);
}

} // namespace
} // namespace vmss::compute
