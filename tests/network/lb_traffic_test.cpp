#include "actors/network/lb_core.hpp"
#include "lb_harness.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::network;
using namespace vmss::network::lb_test;

/// Pools "blue" and "green", rule "http" to "blue"; no probe unless
/// `probe`.
lb_params two_pools(bool probe) {
  lb_params p;
  p.name = "web-lb";
  p.pools = {"blue", "green"};
  if (probe)
    p.probes = {{"health", false, seconds(5), 1}};
  p.rules = {{"http", {"blue"}, probe ? "health" : ""}};
  return p;
}

lb_traffic traffic(sim_time tick, uint32_t requests) {
  return lb_traffic{static_cast<uint64_t>(tick), requests, "", 200, 1000, 4000};
}

/// The requests each VM slot was sent, in slot order of `vms`.
std::vector<uint32_t> shares(const harness& h, std::vector<uint32_t> vms) {
  std::vector<uint32_t> out;
  for (auto vm : vms) {
    uint32_t n = 0;
    for (const auto& s : h.serves)
      if (s.vm == vm)
        n += s.msg.requests;
    out.push_back(n);
  }
  return out;
}

TEST(lb_traffic, requests_spread_evenly_with_a_remainder_rotating_by_tick) {
  harness h(two_pools(false));
  for (uint32_t i = 0; i < 3; ++i)
    h.join("blue", i, 10 + i);
  h.take(h.core.on_traffic(traffic(0, 10), 99));
  EXPECT_EQ(shares(h, {10, 11, 12}), (std::vector<uint32_t>{4, 3, 3}));
  for (const auto& s : h.serves) {
    EXPECT_EQ(s.msg.tick, 0u);
    EXPECT_EQ(s.msg.cpu_us, 200u);
    EXPECT_EQ(s.msg.bytes_in, 1000u);
    EXPECT_EQ(s.msg.bytes_out, 4000u);
  }
  h.serves.clear();
  h.take(h.core.on_traffic(traffic(seconds(1), 11), 99));
  EXPECT_EQ(shares(h, {10, 11, 12}), (std::vector<uint32_t>{3, 4, 4}));
  h.serves.clear();
  // Fewer requests than backends: only those with a share get a batch.
  h.take(h.core.on_traffic(traffic(seconds(2), 1), 99));
  ASSERT_EQ(h.serves.size(), 1u);
  EXPECT_EQ(h.serves[0].vm, 12u);
}

TEST(lb_traffic, only_members_receiving_new_flows_get_requests) {
  harness h(two_pools(true));
  h.join("blue", 0, 10);
  h.take(h.core.on_reply({h.probes.back().msg.seq, true}));
  h.join("blue", 1, 11);  // probed, no verdict yet
  h.join("green", 2, 12); // up, but no rule names its pool
  h.take(h.core.on_reply({h.probes.back().msg.seq, true}));
  h.take(h.core.on_traffic(traffic(0, 6), 99));
  EXPECT_EQ(shares(h, {10, 11, 12}), (std::vector<uint32_t>{6, 0, 0}));
}

TEST(lb_traffic, no_backend_fails_every_request_at_once) {
  harness h(two_pools(false));
  h.join("green", 0, 10); // not named by the rule
  h.take(h.core.on_traffic(traffic(seconds(3), 25), 99));
  EXPECT_TRUE(h.serves.empty());
  ASSERT_EQ(h.answers.size(), 1u);
  EXPECT_EQ(h.answers[0].client, 99u);
  EXPECT_EQ(h.answers[0].msg.tick, static_cast<uint64_t>(seconds(3)));
  EXPECT_EQ(h.answers[0].msg.ok, 0u);
  EXPECT_EQ(h.answers[0].msg.failed, 25u);
}

TEST(lb_traffic, answers_once_every_backend_answered) {
  harness h(two_pools(false));
  h.join("blue", 0, 10);
  h.join("blue", 1, 11);
  h.take(h.core.on_traffic(traffic(0, 10), 99));
  ASSERT_EQ(h.serves.size(), 2u);
  h.take(h.core.on_served({h.serves[0].msg.batch, 5, 0, 300}));
  EXPECT_TRUE(h.answers.empty());
  h.take(h.core.on_served({h.serves[1].msg.batch, 3, 2, 900}));
  ASSERT_EQ(h.answers.size(), 1u);
  const auto& r = h.answers[0].msg;
  EXPECT_EQ(r.ok, 8u);
  EXPECT_EQ(r.failed, 2u);
  EXPECT_EQ(r.backend_ok, (std::vector<uint32_t>{5, 3}));
  EXPECT_EQ(r.backend_latency_us, (std::vector<uint32_t>{300, 900}));
  h.run_until(seconds(5)); // the timeout finds nothing open
  EXPECT_EQ(h.answers.size(), 1u);
}

TEST(lb_traffic, a_backend_silent_past_the_timeout_fails_its_batch) {
  harness h(two_pools(false));
  h.join("blue", 0, 10);
  h.join("blue", 1, 11);
  h.take(h.core.on_traffic(traffic(0, 10), 99));
  h.take(h.core.on_served({h.serves[0].msg.batch, 5, 0, 300}));
  h.run_until(seconds(2) - 1);
  EXPECT_TRUE(h.answers.empty());
  h.run_until(seconds(2));
  ASSERT_EQ(h.answers.size(), 1u);
  EXPECT_EQ(h.answers[0].msg.ok, 5u);
  EXPECT_EQ(h.answers[0].msg.failed, 5u);
  EXPECT_EQ(h.answers[0].msg.backend_ok, std::vector<uint32_t>{5});
  // Its late answer changes nothing.
  h.take(h.core.on_served({h.serves[1].msg.batch, 5, 0, 300}));
  EXPECT_EQ(h.answers.size(), 1u);
  auto health = h.core.on_pool_query({1, "blue"});
  EXPECT_EQ(health.ok, 5u);
  EXPECT_EQ(health.failed, 5u);
}

TEST(lb_traffic, a_rule_switch_moves_new_flows_to_the_named_pool) {
  harness h(two_pools(true));
  h.join("blue", 0, 10);
  h.take(h.core.on_reply({h.probes.back().msg.seq, true}));
  h.join("green", 1, 11);
  h.join("green", 2, 12);
  auto green_up = h.probes.back().msg.seq; // instance 2's probe
  h.take(h.core.on_reply({green_up, true}));
  ASSERT_EQ(h.backends.size(), 1u); // blue's member only
  h.backends.clear();
  h.take(h.core.on_rule_set({"HTTP", {"Green"}}));
  ASSERT_EQ(h.backends.size(), 2u);
  EXPECT_EQ(h.backends[0].second.vm, "web/0");
  EXPECT_FALSE(h.backends[0].second.member);
  EXPECT_EQ(h.backends[0].second.pool, "blue");
  EXPECT_EQ(h.backends[1].second.vm, "web/2");
  EXPECT_TRUE(h.backends[1].second.member);
  EXPECT_EQ(h.backends[1].second.pool, "green");
  h.take(h.core.on_traffic(traffic(0, 4), 99));
  EXPECT_EQ(shares(h, {10, 11, 12}), (std::vector<uint32_t>{0, 0, 4}));
  // Instance 1 starts once its probe finds it up.
  auto instance1 = h.probes[1].msg.seq;
  h.take(h.core.on_reply({instance1, true}));
  ASSERT_EQ(h.backends.size(), 3u);
  EXPECT_EQ(h.backends[2].second.vm, "web/1");
  EXPECT_TRUE(h.backends[2].second.member);
}

TEST(lb_traffic, pool_health_counts_members_healthy_and_requests_since_last) {
  harness h(two_pools(true));
  h.join("blue", 0, 10);
  h.take(h.core.on_reply({h.probes.back().msg.seq, true}));
  h.join("blue", 1, 11);
  h.take(h.core.on_reply({h.probes.back().msg.seq, false}));
  h.take(h.core.on_traffic(traffic(0, 7), 99));
  ASSERT_EQ(h.serves.size(), 1u);
  h.take(h.core.on_served({h.serves[0].msg.batch, 6, 1, 250}));
  auto first = h.core.on_pool_query({4, "BLUE"});
  EXPECT_EQ(first.seq, 4u);
  EXPECT_EQ(first.pool, "blue");
  EXPECT_EQ(first.members, 2u);
  EXPECT_EQ(first.healthy, 1u);
  EXPECT_EQ(first.ok, 6u);
  EXPECT_EQ(first.failed, 1u);
  auto second = h.core.on_pool_query({5, "blue"});
  EXPECT_EQ(second.members, 2u);
  EXPECT_EQ(second.ok, 0u);
  EXPECT_EQ(second.failed, 0u);
  auto green = h.core.on_pool_query({6, "green"});
  EXPECT_EQ(green.members, 0u);
}

TEST(lb_traffic, a_traffic_manager_probe_finds_200_only_with_a_backend) {
  harness h(two_pools(true));
  EXPECT_EQ(h.core.frontend_status(), 503u);
  h.join("green", 0, 10);
  h.take(h.core.on_reply({h.probes.back().msg.seq, true}));
  EXPECT_EQ(h.core.frontend_status(), 503u); // green: no rule sends to it
  h.join("blue", 1, 11);
  EXPECT_EQ(h.core.frontend_status(), 503u); // not probed up yet
  h.take(h.core.on_reply({h.probes.back().msg.seq, true}));
  EXPECT_EQ(h.core.frontend_status(), 200u);
  h.take(h.core.on_member({"web", 1, 11, "blue", false}));
  EXPECT_EQ(h.core.frontend_status(), 503u);
}

} // namespace
