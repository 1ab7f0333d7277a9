#include "actors/network/deployment_core.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace {

using namespace vmss;
using namespace vmss::network;

deployment_params release() {
  deployment_params p;
  p.name = "release-2";
  p.load_balancer = "web-lb";
  p.rule = "http";
  p.blue_pool = "blue";
  p.green_pool = "green";
  p.switch_at = seconds(600);
  p.watch = seconds(120);
  return p;
}

/// Runs the core's timers in virtual time; the load balancer answers each
/// query at once with `pool(now)`.
struct harness {
  explicit harness(deployment_params p) : core(std::move(p)) {}

  deployment_core core;
  sim_time now = 0;
  std::multimap<sim_time, uint64_t> timers;
  std::vector<std::pair<sim_time, lb_rule_set>> rule_sets;
  std::vector<sim_time> polls;
  std::vector<std::pair<sim_time, blue_green_report>> reports;
  std::function<lb_pool_health(sim_time)> pool = [](sim_time) {
    return lb_pool_health{0, "green", 5, 5, 100, 0};
  };

  void take(deployment_effects e) {
    for (auto& r : e.rule_sets)
      rule_sets.emplace_back(now, r);
    for (auto& r : e.reports)
      reports.emplace_back(now, r);
    for (auto& t : e.timers)
      timers.emplace(now + t.delay, t.seq);
    for (auto& q : e.queries) {
      EXPECT_EQ(q.pool, "green");
      polls.push_back(now);
      auto h = pool(now);
      h.seq = q.seq;
      take(core.on_health(h));
    }
  }
  void run_until(sim_time end) {
    take(core.start(now));
    while (!timers.empty() && timers.begin()->first <= end) {
      auto [t, seq] = *timers.begin();
      timers.erase(timers.begin());
      now = t;
      take(core.on_due(tm_due{seq}, now));
    }
  }
};

TEST(deployment_core, switches_at_switch_at_and_completes_after_the_watch) {
  harness h(release());
  h.run_until(seconds(3600));
  ASSERT_EQ(h.rule_sets.size(), 1u);
  EXPECT_EQ(h.rule_sets[0].first, seconds(600));
  EXPECT_EQ(h.rule_sets[0].second, (lb_rule_set{"http", {"green"}}));
  ASSERT_EQ(h.reports.size(), 2u);
  EXPECT_EQ(h.reports[0].second.phase, "switched");
  EXPECT_EQ(h.reports[1].first, seconds(720));
  EXPECT_EQ(h.reports[1].second.phase, "completed");
  EXPECT_EQ(h.reports[1].second.pool, "green");
  EXPECT_EQ(h.core.phase(), deployment_phase::completed);
  // First poll one probe interval (15 s) after the switch, then every 10 s,
  // the last at the watch's end; none after.
  ASSERT_FALSE(h.polls.empty());
  EXPECT_EQ(h.polls.front(), seconds(615));
  EXPECT_EQ(h.polls[1], seconds(625));
  EXPECT_EQ(h.polls.back(), seconds(720));
  EXPECT_TRUE(h.timers.empty());
}

TEST(deployment_core, unhealthy_green_rolls_back_within_two_minutes) {
  harness h(release());
  h.pool = [](sim_time t) {
    uint32_t healthy = t < seconds(650) ? 5 : 3; // two members die at 650 s
    return lb_pool_health{0, "green", 5, healthy, 50, 0};
  };
  h.run_until(seconds(3600));
  ASSERT_EQ(h.rule_sets.size(), 2u);
  EXPECT_EQ(h.rule_sets[1].second, (lb_rule_set{"http", {"blue"}}));
  EXPECT_EQ(h.rule_sets[1].first, seconds(655)); // the next poll
  EXPECT_LT(h.rule_sets[1].first - seconds(650), seconds(120));
  ASSERT_EQ(h.reports.size(), 2u);
  EXPECT_EQ(h.reports[1].second.phase, "rolled_back");
  EXPECT_EQ(h.reports[1].second.pool, "blue");
  EXPECT_EQ(h.reports[1].second.reason,
            "3 of 5 members of pool green healthy, fewer than 100%");
  EXPECT_EQ(h.core.phase(), deployment_phase::rolled_back);
  EXPECT_EQ(h.polls.back(), seconds(655)); // polling stops
}

TEST(deployment_core, failed_requests_above_the_limit_roll_back) {
  harness h(release());
  h.pool = [](sim_time) { return lb_pool_health{0, "green", 5, 5, 97, 3}; };
  h.run_until(seconds(3600));
  ASSERT_EQ(h.reports.size(), 2u);
  EXPECT_EQ(h.reports[1].first, seconds(615));
  EXPECT_EQ(h.reports[1].second.reason,
            "3 of 100 requests to pool green failed (3.00%), more than 1.00%");
}

TEST(deployment_core, the_gate_counts_percentages_of_the_pool) {
  auto p = release();
  p.min_healthy_percent = 60;
  p.max_failed_percent = 5;
  EXPECT_EQ(gate_failure(p, {1, "green", 5, 3, 95, 5}), "");
  EXPECT_NE(gate_failure(p, {1, "green", 5, 2, 100, 0}), "");
  EXPECT_NE(gate_failure(p, {1, "green", 5, 5, 94, 6}), "");
  EXPECT_EQ(gate_failure(p, {1, "green", 5, 5, 0, 0}), ""); // no requests
  EXPECT_NE(gate_failure(p, {1, "green", 0, 0, 0, 0}), ""); // empty pool
  p.min_healthy_percent = 0;
  EXPECT_EQ(gate_failure(p, {1, "green", 0, 0, 0, 0}), "");
}

TEST(deployment_core, stale_and_repeated_answers_are_ignored) {
  deployment_core core(release());
  core.start(0);
  auto sw = core.on_due(tm_due{1}, seconds(600));
  ASSERT_EQ(sw.timers.size(), 1u);
  auto poll = core.on_due(tm_due{sw.timers[0].seq}, seconds(615));
  ASSERT_EQ(poll.queries.size(), 1u);
  auto seq = poll.queries[0].seq;
  EXPECT_TRUE(core.on_health({seq + 5, "green", 5, 0, 0, 0}).reports.empty());
  EXPECT_TRUE(core.on_health({seq, "green", 5, 5, 10, 0}).reports.empty());
  EXPECT_TRUE(core.on_health({seq, "green", 5, 0, 0, 0}).reports.empty());
  EXPECT_EQ(core.phase(), deployment_phase::watching);
  // A timer that is no longer armed does nothing.
  EXPECT_TRUE(core.on_due(tm_due{1}, seconds(616)).queries.empty());
}

TEST(deployment_core, without_an_answer_at_the_end_it_keeps_polling) {
  deployment_core core(release());
  core.start(0);
  auto fx = core.on_due(tm_due{1}, seconds(600));
  sim_time now = seconds(600);
  std::vector<uint64_t> queries;
  while (now < seconds(760)) {
    now += fx.timers.at(0).delay;
    fx = core.on_due(tm_due{fx.timers.at(0).seq}, now);
    queries.push_back(fx.queries.at(0).seq);
  }
  EXPECT_EQ(core.phase(), deployment_phase::watching);
  EXPECT_EQ(fx.timers.at(0).delay, seconds(10));
  // An answer to a query sent at or after the watch's end completes it.
  auto done = core.on_health({queries.back(), "green", 5, 5, 0, 0});
  ASSERT_EQ(done.reports.size(), 1u);
  EXPECT_EQ(done.reports[0].phase, "completed");
}

TEST(deployment_core, a_restart_rearms_the_current_phase) {
  deployment_core core(release());
  auto fx = core.start(seconds(100));
  ASSERT_EQ(fx.timers.size(), 1u);
  EXPECT_EQ(fx.timers[0].delay, seconds(500));
  core.on_due(tm_due{fx.timers[0].seq}, seconds(600));
  auto again = core.start(seconds(630));
  ASSERT_EQ(again.timers.size(), 1u);
  EXPECT_EQ(again.timers[0].delay, seconds(10));
  EXPECT_EQ(
      core.on_due(tm_due{again.timers[0].seq}, seconds(640)).queries.size(),
      1u);
}

} // namespace
