// The workload's pure core: rate curves, the per-tick rounding, CSV
// series, the diurnal curve across daylight saving time, client groups
// with their DNS caches, and the response-time percentiles.

#include "actors/control/workload_core.hpp"
#include "input/time_zone.hpp"
#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace vmss::control {
namespace {

rate_function curve_of(rate_curve c, int64_t start = 0) {
  return rate_function(std::move(c), start);
}

TEST(rate_curve, constant_is_the_same_at_every_time) {
  rate_curve c;
  c.constant = 42.5;
  auto f = curve_of(c);
  EXPECT_DOUBLE_EQ(f.at(0), 42.5);
  EXPECT_DOUBLE_EQ(f.at(seconds(86400)), 42.5);
}

TEST(rate_curve, steps_hold_from_each_step_on_and_are_zero_before) {
  rate_curve c;
  c.kind = rate_curve::shape::steps;
  c.steps = {{seconds(60), 200}, {seconds(10), 100}}; // any order
  auto f = curve_of(c);
  EXPECT_DOUBLE_EQ(f.at(seconds(9)), 0);
  EXPECT_DOUBLE_EQ(f.at(seconds(10)), 100);
  EXPECT_DOUBLE_EQ(f.at(seconds(59)), 100);
  EXPECT_DOUBLE_EQ(f.at(seconds(60)), 200);
  EXPECT_DOUBLE_EQ(f.at(seconds(6000)), 200);
}

TEST(rate_curve, ramp_is_linear_between_start_and_end) {
  rate_curve c;
  c.kind = rate_curve::shape::ramp;
  c.ramp = {10, 110, seconds(100), seconds(200)};
  auto f = curve_of(c);
  EXPECT_DOUBLE_EQ(f.at(0), 10);
  EXPECT_DOUBLE_EQ(f.at(seconds(100)), 10);
  EXPECT_DOUBLE_EQ(f.at(seconds(150)), 60);
  EXPECT_DOUBLE_EQ(f.at(seconds(175)), 85);
  EXPECT_DOUBLE_EQ(f.at(seconds(200)), 110);
  EXPECT_DOUBLE_EQ(f.at(seconds(999)), 110);
}

TEST(rate_curve, spikes_add_on_top_for_their_duration) {
  rate_curve c;
  c.constant = 100;
  c.spikes = {{seconds(30), seconds(10), 50}, {seconds(35), seconds(1), 7}};
  auto f = curve_of(c);
  EXPECT_DOUBLE_EQ(f.at(seconds(29)), 100);
  EXPECT_DOUBLE_EQ(f.at(seconds(30)), 150);
  EXPECT_DOUBLE_EQ(f.at(seconds(35)), 157);
  EXPECT_DOUBLE_EQ(f.at(seconds(36)), 150);
  EXPECT_DOUBLE_EQ(f.at(seconds(39)), 150);
  EXPECT_DOUBLE_EQ(f.at(seconds(40)), 100);
}

TEST(rate_curve, refuses_negative_and_too_large_rates) {
  rate_curve c;
  c.constant = -1;
  EXPECT_THROW(curve_of(c), std::invalid_argument);
  c.constant = std::nan("");
  EXPECT_THROW(curve_of(c), std::invalid_argument);
  c.constant = 1;
  c.kind = rate_curve::shape::steps;
  c.steps = {{0, 5}, {seconds(1), -2}};
  EXPECT_THROW(curve_of(c), std::invalid_argument);
  c.kind = rate_curve::shape::constant;
  c.steps.clear();
  c.constant = max_rate_per_second;
  EXPECT_NO_THROW(curve_of(c));
  c.spikes = {{0, seconds(1), 1}};
  EXPECT_THROW(curve_of(c), std::invalid_argument);
  rate_curve d;
  d.kind = rate_curve::shape::diurnal;
  d.diurnal = {10, 100, 14, "Mars Standard Time"};
  EXPECT_THROW(curve_of(d), std::invalid_argument);
}

int64_t utc(const std::string& text) {
  int64_t s = 0;
  EXPECT_TRUE(input::parse_utc(text, s, nullptr)) << text;
  return s;
}

TEST(rate_curve, diurnal_peaks_at_the_local_hour_and_bottoms_opposite) {
  rate_curve c;
  c.kind = rate_curve::shape::diurnal;
  c.diurnal = {100, 1000, 14, ""};
  auto f = curve_of(c, utc("2024-01-01T00:00:00Z"));
  EXPECT_NEAR(f.at(seconds(14 * 3600)), 1000, 1e-9);
  EXPECT_NEAR(f.at(seconds(2 * 3600)), 100, 1e-9);
  EXPECT_NEAR(f.at(seconds(8 * 3600)), 550, 1e-9); // a quarter day away
}

TEST(rate_curve, diurnal_follows_the_local_clock_across_daylight_saving) {
  rate_curve c;
  c.kind = rate_curve::shape::diurnal;
  c.diurnal = {0, 1000, 14, "W. Europe Standard Time"};
  // Start 2024-03-30 00:00 UTC; Berlin moves from UTC+1 to UTC+2 on
  // 2024-03-31 at 01:00 UTC.
  auto start = utc("2024-03-30T00:00:00Z");
  auto f = curve_of(c, start);
  auto at = [&](const std::string& when) {
    return f.at(seconds(utc(when) - start));
  };
  EXPECT_NEAR(at("2024-03-30T13:00:00Z"), 1000, 1e-9); // 14:00 CET
  EXPECT_NEAR(at("2024-03-31T12:00:00Z"), 1000, 1e-9); // 14:00 CEST
  EXPECT_LT(at("2024-03-31T13:00:00Z"), 1000 - 1);     // 15:00 CEST
}

TEST(tick_rounder, carries_the_fraction_so_the_total_is_kept) {
  tick_rounder r;
  uint64_t total = 0;
  std::vector<uint64_t> first;
  for (int i = 0; i < 1000; ++i) {
    auto n = r.next(2.3);
    EXPECT_TRUE(n == 2 || n == 3);
    total += n;
    if (i < 10)
      first.push_back(n);
  }
  EXPECT_EQ(total, 2300u);
  EXPECT_EQ(first, (std::vector<uint64_t>{2, 2, 2, 3, 2, 2, 3, 2, 2, 3}));
  tick_rounder slow;
  uint64_t sum = 0;
  for (int i = 0; i < 10; ++i)
    sum += slow.next(0.25);
  EXPECT_EQ(sum, 2u); // floor(2.5)
}

TEST(rate_csv, reads_durations_and_plain_seconds) {
  vmss_test::scratch dir;
  auto path = dir.file("rate.csv", "time,requests_per_second\n"
                                   "0,10\n"
                                   "\n"
                                   "90s, 25.5\r\n"
                                   "2.5m,0\n"
                                   "1h,100\n");
  auto steps = read_rate_csv(path);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].at, 0);
  EXPECT_EQ(steps[1].at, seconds(90));
  EXPECT_DOUBLE_EQ(steps[1].rate, 25.5);
  EXPECT_EQ(steps[2].at, seconds(150));
  EXPECT_EQ(steps[3].at, seconds(3600));
  EXPECT_DOUBLE_EQ(steps[3].rate, 100);
}

std::string csv_error(const std::string& text) {
  vmss_test::scratch dir;
  auto path = dir.file("rate.csv", text);
  try {
    read_rate_csv(path);
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind(path, 0), 0u) << what;
    return what.substr(path.size());
  }
  return "no error";
}

TEST(rate_csv, errors_name_the_file_and_line) {
  EXPECT_EQ(csv_error("0,1\n10s\n"),
            ":2: expected \"time,requests_per_second\"");
  EXPECT_EQ(csv_error("0,1\n10s,2,3\n"),
            ":2: expected \"time,requests_per_second\"");
  EXPECT_EQ(csv_error("0,1\n\n10x,2\n").substr(0, 14), ":3: time '10x'");
  EXPECT_EQ(csv_error("0,-1\n"),
            ":1: requests_per_second '-1' is not a non-negative decimal "
            "number");
  EXPECT_EQ(csv_error("0,1e3\n").substr(0, 28), ":1: requests_per_second '1e3");
  EXPECT_EQ(csv_error("0,0x10\n").substr(0, 29),
            ":1: requests_per_second '0x10");
  EXPECT_EQ(csv_error("0,200000000\n"),
            ":1: requests_per_second 200000000 exceeds the largest rate, 1e8");
  EXPECT_EQ(csv_error("1m,1\n60,2\n"),
            ":2: time 60s is not after the previous line's 60s");
  EXPECT_EQ(csv_error("time,requests_per_second\n\n"),
            ": no \"time,requests_per_second\" lines");
  EXPECT_EQ(csv_error("0,1\ntime,requests_per_second\n").substr(0, 15),
            ":2: time 'time'");
  EXPECT_THROW(read_rate_csv("/nonexistent-vmss-test/rate.csv"),
               std::invalid_argument);
}

TEST(rate_csv, a_series_holds_each_line_until_the_next) {
  vmss_test::scratch dir;
  rate_curve c;
  c.kind = rate_curve::shape::series;
  c.steps = read_rate_csv(dir.file("r.csv", "10,5\n20s,8\n"));
  auto f = curve_of(c);
  EXPECT_DOUBLE_EQ(f.at(seconds(9)), 0);
  EXPECT_DOUBLE_EQ(f.at(seconds(10)), 5);
  EXPECT_DOUBLE_EQ(f.at(seconds(25)), 8);
}

TEST(mixture_quantile, one_exponential_shifted_by_the_round_trip) {
  // Exp(mean 10 ms) after a 2 ms round trip: median 2 + 10 ln 2 ms.
  std::vector<latency_part> one{{5, 2000, 10000}};
  EXPECT_NEAR(mixture_quantile(one, 0.5), 2000 + 10000 * std::log(2.0), 0.1);
  EXPECT_NEAR(mixture_quantile(one, 0.99), 2000 + 10000 * std::log(100.0), 0.1);
  EXPECT_EQ(mixture_quantile({}, 0.5), 0);
  EXPECT_EQ(mixture_quantile({{0, 1, 1}}, 0.5), 0);
  EXPECT_NEAR(mixture_quantile({{1, 3000, 0}}, 0.95), 3000, 1e-6);
}

TEST(mixture_quantile, weights_the_backends_by_their_ok_counts) {
  std::vector<latency_part> mix{{90, 0, 1000}, {10, 0, 100000}};
  for (double q : {0.5, 0.95, 0.99}) {
    double x = mixture_quantile(mix, q);
    double cdf =
        0.9 * (1 - std::exp(-x / 1000)) + 0.1 * (1 - std::exp(-x / 100000));
    EXPECT_NEAR(cdf, q, 1e-6) << q;
  }
  // the slow backend's tenth dominates the tail
  EXPECT_GT(mixture_quantile(mix, 0.95), 50000);
  EXPECT_LT(mixture_quantile(mix, 0.5), 1000);
}

workload_core direct_core(double rate, int64_t lb = 7) {
  rate_curve c;
  c.constant = rate;
  workload_core_params p;
  p.direct_lb = lb;
  p.rule = "http";
  return workload_core(p, curve_of(c));
}

network::lb_traffic_result result_for(const network::lb_traffic& t,
                                      uint32_t failed) {
  network::lb_traffic_result r;
  r.tick = t.tick;
  r.ok = t.requests - failed;
  r.failed = failed;
  r.backend_ok = {r.ok};
  r.backend_latency_us = {20000};
  return r;
}

TEST(workload_core, direct_sends_every_tick_to_its_load_balancer) {
  auto core = direct_core(2.5);
  EXPECT_TRUE(core.on_start(0).queries.empty());
  EXPECT_EQ(core.next_wake(), 0);
  uint64_t sent = 0;
  for (int s = 0; s < 4; ++s) {
    auto fx = core.on_wake(seconds(s));
    ASSERT_EQ(fx.traffic.size(), 1u);
    EXPECT_EQ(fx.traffic[0].lb, 7);
    EXPECT_EQ(fx.traffic[0].msg.tick, static_cast<uint64_t>(seconds(s)));
    EXPECT_EQ(fx.traffic[0].msg.rule, "http");
    EXPECT_EQ(fx.traffic[0].msg.cpu_us, 10000u);
    sent += fx.traffic[0].msg.requests;
    EXPECT_EQ(core.next_wake(), seconds(s + 1));
    auto done =
        core.on_result(seconds(s) + ms(4), 7, result_for(fx.traffic[0].msg, 0));
    ASSERT_EQ(done.records.size(), 1u);
    const auto& rec = done.records[0];
    EXPECT_EQ(rec.tick, seconds(s));
    EXPECT_EQ(rec.lb, 7);
    EXPECT_EQ(rec.ok, fx.traffic[0].msg.requests);
    EXPECT_EQ(rec.failed, 0u);
    // 4 ms round trip plus Exp(20 ms)
    EXPECT_NEAR(rec.p50_ms, 4 + 20 * std::log(2.0), 1e-3);
    EXPECT_NEAR(rec.p99_ms, 4 + 20 * std::log(100.0), 1e-3);
  }
  EXPECT_EQ(sent, 10u);
}

TEST(workload_core, no_requests_no_record_and_lost_results_fail) {
  auto idle = direct_core(0);
  idle.on_start(0);
  auto fx = idle.on_wake(0);
  EXPECT_TRUE(fx.traffic.empty());
  EXPECT_TRUE(fx.records.empty());

  auto core = direct_core(10);
  core.on_start(0);
  auto first = core.on_wake(0);
  ASSERT_EQ(first.traffic.size(), 1u);
  // the result of tick 0 never comes; tick 1's does, and waits for it
  auto second = core.on_wake(seconds(1));
  auto early = core.on_result(seconds(1) + ms(3), 7,
                              result_for(second.traffic[0].msg, 2));
  EXPECT_TRUE(early.records.empty());
  for (int s = 2; s < 10; ++s)
    core.on_wake(seconds(s)); // ticks 2..9 stay pending behind tick 0
  EXPECT_EQ(core.next_wake(), seconds(10));
  auto late = core.on_wake(seconds(10));
  ASSERT_GE(late.records.size(), 2u);
  EXPECT_EQ(late.records[0].tick, 0);
  EXPECT_EQ(late.records[0].ok, 0u);
  EXPECT_EQ(late.records[0].failed, 10u);
  EXPECT_EQ(late.records[0].p50_ms, 0);
  EXPECT_EQ(late.records[1].tick, seconds(1));
  EXPECT_EQ(late.records[1].ok, 8u);
  EXPECT_EQ(late.records[1].failed, 2u);
}

workload_core tm_core(double rate, uint32_t clients) {
  rate_curve c;
  c.constant = rate;
  workload_core_params p;
  p.clients = clients;
  return workload_core(p, curve_of(c));
}

network::dns_answer answer(const network::dns_query& q, int64_t lb,
                           sim_time ttl) {
  return network::dns_answer{q.seq, q.client, "ep", lb, ttl};
}

TEST(workload_core, groups_without_an_answer_fail_their_share) {
  auto core = tm_core(100, 4);
  auto start = core.on_start(0);
  ASSERT_EQ(start.queries.size(), 4u);
  auto fx = core.on_wake(0); // before any answer
  EXPECT_TRUE(fx.traffic.empty());
  ASSERT_EQ(fx.records.size(), 1u);
  EXPECT_EQ(fx.records[0].lb, -1);
  EXPECT_EQ(fx.records[0].failed, 100u);

  core.on_answer(ms(20), answer(start.queries[0], 5, seconds(60)));
  core.on_answer(ms(20), answer(start.queries[1], 6, seconds(60)));
  core.on_answer(ms(20), answer(start.queries[2], -1, seconds(60)));
  auto tick = core.on_wake(seconds(1));
  ASSERT_EQ(tick.traffic.size(), 2u);
  EXPECT_EQ(tick.traffic[0].lb, 5);
  EXPECT_EQ(tick.traffic[0].msg.requests, 25u);
  EXPECT_EQ(tick.traffic[1].lb, 6);
  EXPECT_EQ(tick.traffic[1].msg.requests, 25u);
  core.on_result(seconds(1) + ms(50), 5, result_for(tick.traffic[0].msg, 0));
  auto done = core.on_result(seconds(1) + ms(60), 6,
                             result_for(tick.traffic[1].msg, 1));
  ASSERT_EQ(done.records.size(), 3u);
  EXPECT_EQ(done.records[0].lb, 5);
  EXPECT_EQ(done.records[0].ok, 25u);
  EXPECT_EQ(done.records[1].lb, 6);
  EXPECT_EQ(done.records[1].failed, 1u);
  EXPECT_EQ(done.records[2].lb, -1);
  EXPECT_EQ(done.records[2].failed, 50u); // group 2 (lb -1) and group 3
}

TEST(workload_core, odd_requests_rotate_over_the_groups) {
  auto core = tm_core(1, 4);
  auto start = core.on_start(0);
  for (uint32_t g = 0; g < 4; ++g)
    core.on_answer(0, answer(start.queries[g], 10 + g, seconds(3600)));
  std::vector<int64_t> got;
  for (int s = 0; s < 8; ++s) {
    auto fx = core.on_wake(seconds(s));
    ASSERT_EQ(fx.traffic.size(), 1u);
    got.push_back(fx.traffic[0].lb);
  }
  EXPECT_EQ(got, (std::vector<int64_t>{10, 11, 12, 13, 10, 11, 12, 13}));
}

TEST(workload_core, a_huge_ttl_never_expires) {
  auto core = tm_core(5, 1);
  auto start = core.on_start(0);
  core.on_answer(ms(1), answer(start.queries[0], 8, sim_time_never));
  core.on_wake(ms(1)); // tick 0
  auto fx = core.on_wake(seconds(1));
  EXPECT_TRUE(fx.queries.empty());
  ASSERT_EQ(fx.traffic.size(), 1u);
  EXPECT_EQ(fx.traffic[0].lb, 8);
  EXPECT_EQ(core.next_wake(), seconds(2));
}

TEST(workload_core, first_answers_expire_spread_over_one_ttl) {
  const uint32_t groups = 10;
  auto core = tm_core(0, groups);
  auto start = core.on_start(0);
  for (const auto& q : start.queries)
    core.on_answer(ms(10), answer(q, 1, seconds(100)));
  // group g asks again at 10 ms + (g + 1) * 10 s, then every 100 s
  std::vector<std::pair<sim_time, uint32_t>> asked;
  sim_time t = core.next_wake();
  while (t <= seconds(215)) {
    auto fx = core.on_wake(t);
    for (const auto& q : fx.queries) {
      asked.emplace_back(t, q.client);
      core.on_answer(t + ms(10), answer(q, 2, seconds(100)));
    }
    t = core.next_wake();
  }
  ASSERT_EQ(asked.size(), 2 * groups + 1);
  for (uint32_t g = 0; g < groups; ++g) {
    EXPECT_EQ(asked[g].first, ms(10) + seconds(10) * (g + 1)) << g;
    EXPECT_EQ(asked[g].second, g);
    // the next round: the full TTL after the answer
    EXPECT_EQ(asked[groups + g].first, asked[g].first + ms(10) + seconds(100))
        << g;
  }
  EXPECT_EQ(core.group_lb(0), 2);
}

/// Runs the core from its next wake up to `until` as its shell would;
/// Traffic Manager answers each query at once with `answer_lb` (or not
/// at all when `answer_lb` is -2). Returns per wake its effects.
std::vector<std::pair<sim_time, workload_effects>>
drive(workload_core& core, sim_time until, int64_t answer_lb, sim_time ttl) {
  std::vector<std::pair<sim_time, workload_effects>> out;
  for (auto t = core.next_wake(); t <= until; t = core.next_wake()) {
    auto fx = core.on_wake(t);
    if (answer_lb != -2)
      for (const auto& q : fx.queries)
        core.on_answer(t, answer(q, answer_lb, ttl));
    out.emplace_back(t, std::move(fx));
  }
  return out;
}

/// Of the wakes, the requests of each tick sent to `lb`.
std::vector<uint64_t>
requests_to(const std::vector<std::pair<sim_time, workload_effects>>& wakes,
            int64_t lb) {
  std::vector<uint64_t> out;
  for (const auto& [t, fx] : wakes) {
    if (t % seconds(1) != 0)
      continue;
    uint64_t n = 0;
    for (const auto& tr : fx.traffic)
      n += tr.lb == lb ? tr.msg.requests : 0;
    out.push_back(n);
  }
  return out;
}

TEST(workload_core, clients_switch_gradually_after_the_answer_changes) {
  const uint32_t groups = 10;
  auto core = tm_core(1000, groups);
  auto start = core.on_start(0);
  for (const auto& q : start.queries)
    core.on_answer(ms(10), answer(q, 1, seconds(10)));
  // from now on Traffic Manager answers lb 2: group g's answer expires at
  // 10 ms + (g + 1) s, so one more group moves every second
  auto wakes = drive(core, seconds(11), 2, seconds(10));
  EXPECT_EQ(requests_to(wakes, 2),
            (std::vector<uint64_t>{0, 0, 100, 200, 300, 400, 500, 600, 700, 800,
                                   900, 1000}));
  EXPECT_EQ(requests_to(wakes, 1),
            (std::vector<uint64_t>{1000, 1000, 900, 800, 700, 600, 500, 400,
                                   300, 200, 100, 0}));
}

TEST(workload_core, an_unanswered_query_keeps_the_stale_answer_one_tick) {
  auto core = tm_core(10, 1);
  auto start = core.on_start(0);
  core.on_answer(0, answer(start.queries[0], 3, seconds(5)));
  // the answer expires at 5 s (one group: the whole TTL) and Traffic
  // Manager answers no more: tick 5 still goes to lb 3, then nothing
  auto wakes = drive(core, seconds(10), -2, 0);
  EXPECT_EQ(requests_to(wakes, 3),
            (std::vector<uint64_t>{10, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0}));
  std::vector<sim_time> asked;
  std::vector<uint64_t> seqs;
  for (const auto& [t, fx] : wakes)
    for (const auto& q : fx.queries) {
      asked.push_back(t);
      seqs.push_back(q.seq);
    }
  // asked at expiry, then again after the retry period
  EXPECT_EQ(asked, (std::vector<sim_time>{seconds(5), seconds(10)}));
  // the late answer to the first query is ignored, the second's counts
  core.on_answer(seconds(10), answer({seqs[0], 0}, 9, seconds(5)));
  EXPECT_EQ(core.group_lb(0), 3);
  core.on_answer(seconds(10), answer({seqs[1], 0}, 4, seconds(5)));
  EXPECT_EQ(core.group_lb(0), 4);
  auto later = drive(core, seconds(20), -2, 0);
  // ticks 11-20: fresh until it expires at 15 s, stale for tick 15
  EXPECT_EQ(requests_to(later, 4),
            (std::vector<uint64_t>{10, 10, 10, 10, 10, 0, 0, 0, 0, 0}));
  // ticks 6-10 failed without an answer, written once the ticks before
  // them timed out (no load balancer answered here)
  uint64_t unresolved = 0;
  std::vector<sim_time> order;
  for (const auto* w : {&wakes, &later})
    for (const auto& [t, fx] : *w)
      for (const auto& r : fx.records) {
        order.push_back(r.tick);
        if (r.lb == -1)
          unresolved += r.failed;
        else
          EXPECT_EQ(r.failed, 10u);
      }
  EXPECT_EQ(unresolved, 50u);
  EXPECT_EQ(order, (std::vector<sim_time>{0, seconds(1), seconds(2), seconds(3),
                                          seconds(4), seconds(5), seconds(6),
                                          seconds(7), seconds(8), seconds(9),
                                          seconds(10)}));
}

} // namespace
} // namespace vmss::control
