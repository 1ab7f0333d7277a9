#include "actors/network/lb_core.hpp"
#include "lb_harness.hpp"

#include "messages/azure_network.pb.h"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace vmss;
using namespace vmss::network;
using namespace vmss::network::lb_test;

TEST(lb_core, without_probes_membership_alone_sends_new_flows) {
  lb_params p;
  p.pools = {"backend"};
  harness h(p);
  h.join("backend");
  ASSERT_EQ(h.backends.size(), 1u);
  EXPECT_EQ(h.backends[0].second.vm, "web/0");
  EXPECT_TRUE(h.backends[0].second.member);
  EXPECT_EQ(h.backends[0].second.pool, "backend");
  EXPECT_TRUE(h.probes.empty());
  h.leave("backend");
  ASSERT_EQ(h.backends.size(), 2u);
  EXPECT_FALSE(h.backends[1].second.member);
  ASSERT_EQ(h.drained.size(), 1u); // no drain time: at once
  EXPECT_EQ(h.drained[0].first, 0);
  EXPECT_EQ(h.drained[0].second.instance, 0u);
}

TEST(lb_core, a_probe_no_rule_uses_does_not_hold_back_new_flows) {
  auto p = probed(true, seconds(5), 1);
  p.rules.clear();
  harness h(p);
  h.join("backend");
  ASSERT_EQ(h.backends.size(), 1u);
  EXPECT_TRUE(h.backends[0].second.member);
  EXPECT_EQ(h.probes.size(), 1u); // still probed: its verdict is reported
  h.reply(true);
  ASSERT_EQ(h.health.size(), 1u);
  EXPECT_TRUE(h.health[0].up);
}

TEST(lb_core, probe_threshold_consecutive_results_flip_the_verdict) {
  harness h(probed(true, seconds(5), 2));
  h.join("backend");
  ASSERT_EQ(h.probes.size(), 1u); // probed at once
  EXPECT_TRUE(h.backends.empty());
  h.reply(true);
  EXPECT_TRUE(h.health.empty()); // one success of two
  EXPECT_EQ(h.core.verdict("web", 0, "health"), std::nullopt);
  h.run_until(seconds(5));
  ASSERT_EQ(h.probes.size(), 2u);
  h.reply(true);
  ASSERT_EQ(h.health.size(), 1u);
  EXPECT_EQ(h.health[0].scale_set, "web");
  EXPECT_EQ(h.health[0].probe, "health");
  EXPECT_TRUE(h.health[0].up);
  ASSERT_EQ(h.backends.size(), 1u);
  EXPECT_TRUE(h.backends[0].second.member);
  // down, up, down: alternating results never reach the threshold.
  h.run_until(seconds(10));
  h.reply(false);
  h.run_until(seconds(15));
  h.reply(true);
  h.run_until(seconds(20));
  h.reply(false);
  EXPECT_EQ(h.health.size(), 1u);
  h.run_until(seconds(25));
  h.reply(false);
  ASSERT_EQ(h.health.size(), 2u);
  EXPECT_FALSE(h.health[1].up);
  ASSERT_EQ(h.backends.size(), 2u);
  EXPECT_FALSE(h.backends[1].second.member);
  EXPECT_EQ(h.backends[1].first, seconds(25));
  EXPECT_FALSE(h.core.serving("web", 0, "backend"));
}

TEST(lb_core, a_probe_without_answer_fails_at_its_timeout) {
  harness h(probed(true, seconds(15), 1));
  h.join("backend");
  h.reply(true);
  ASSERT_TRUE(h.core.serving("web", 0, "backend"));
  h.run_until(seconds(15)); // the second probe, never answered
  ASSERT_EQ(h.probes.size(), 2u);
  h.run_until(seconds(30) - 1);
  EXPECT_TRUE(h.core.serving("web", 0, "backend"));
  h.run_until(seconds(30));
  EXPECT_FALSE(h.core.serving("web", 0, "backend"));
  ASSERT_EQ(h.health.size(), 2u);
  EXPECT_FALSE(h.health[1].up);
  // A reply after the timeout means nothing.
  auto late = h.probes[1].msg.seq;
  h.take(h.core.on_reply({late, true}));
  EXPECT_EQ(h.health.size(), 2u);
  EXPECT_EQ(h.probes.size(), 3u); // the next probe went out at the timeout
}

TEST(lb_core, http_probes_time_out_after_30_s_and_keep_their_interval) {
  auto p = probed(false, seconds(60), 1);
  EXPECT_EQ(p.probes[0].timeout(), seconds(30));
  EXPECT_EQ(probed(true, seconds(5), 1).probes[0].timeout(), seconds(5));
  harness h(p);
  h.join("backend");
  ASSERT_EQ(h.probes.size(), 1u);
  EXPECT_FALSE(h.probes[0].msg.tcp);
  EXPECT_EQ(h.probes[0].vm, 7u);
  h.run_until(seconds(30));
  ASSERT_EQ(h.health.size(), 1u); // timed out: down
  EXPECT_FALSE(h.health[0].up);
  EXPECT_EQ(h.probes.size(), 1u);
  h.run_until(seconds(60) - 1);
  EXPECT_EQ(h.probes.size(), 1u);
  h.run_until(seconds(60));
  EXPECT_EQ(h.probes.size(), 2u);
}

TEST(lb_core, a_refused_http_probe_counts_when_it_is_answered) {
  harness h(probed(false, seconds(15), 1));
  h.join("backend");
  h.reply(true);
  h.run_until(seconds(15));
  h.run_until(seconds(16));
  h.reply(false); // non-200, answered at 16 s: down before any timeout
  ASSERT_EQ(h.backends.size(), 2u);
  EXPECT_FALSE(h.backends[1].second.member);
  EXPECT_EQ(h.backends[1].first, seconds(16));
}

TEST(lb_core, leaving_stops_new_flows_at_once_and_drains_after_the_pool_time) {
  auto p = probed(true, seconds(5), 1);
  p.pool_drain["backend"] = seconds(120);
  harness h(p);
  h.join("backend");
  h.reply(true);
  h.run_until(seconds(10));
  h.leave("backend");
  ASSERT_EQ(h.backends.size(), 2u);
  EXPECT_FALSE(h.backends[1].second.member);
  EXPECT_EQ(h.backends[1].first, seconds(10));
  auto sent = h.probes.size();
  h.run_until(seconds(130) - 1);
  EXPECT_TRUE(h.drained.empty());
  EXPECT_EQ(h.probes.size(), sent); // no longer probed
  h.run_until(seconds(130));
  ASSERT_EQ(h.drained.size(), 1u);
  EXPECT_EQ(h.drained[0].second.scale_set, "web");
}

TEST(lb_core, the_load_balancer_drain_time_applies_without_a_pool_time) {
  lb_params p;
  p.pools = {"backend"};
  p.drain = seconds(900);
  harness h(p);
  h.join("backend");
  h.leave("backend");
  EXPECT_TRUE(h.drained.empty());
  h.run_until(seconds(900));
  ASSERT_EQ(h.drained.size(), 1u);
  EXPECT_EQ(h.drained[0].first, seconds(900));
}

TEST(lb_core, a_member_back_in_its_pool_before_the_drain_ends_is_not_drained) {
  lb_params p;
  p.pools = {"backend"};
  p.drain = seconds(60);
  harness h(p);
  h.join("backend");
  h.leave("backend");
  h.run_until(seconds(30));
  h.join("backend");
  h.run_until(seconds(120));
  EXPECT_TRUE(h.drained.empty());
  EXPECT_TRUE(h.core.serving("web", 0, "backend"));
}

TEST(lb_core, a_new_vm_behind_an_instance_is_probed_afresh) {
  harness h(probed(true, seconds(5), 1));
  h.join("backend", 0, 7);
  h.reply(true);
  ASSERT_TRUE(h.core.serving("web", 0, "backend"));
  auto old_probe = h.probes.back().msg.seq;
  h.join("backend", 0, 9); // service healing moved it
  EXPECT_FALSE(h.core.serving("web", 0, "backend"));
  EXPECT_EQ(h.core.verdict("web", 0, "health"), std::nullopt);
  ASSERT_EQ(h.probes.back().vm, 9u);
  h.take(h.core.on_reply({old_probe, true})); // the old VM's answer
  EXPECT_FALSE(h.core.serving("web", 0, "backend"));
  h.reply(true);
  EXPECT_TRUE(h.core.serving("web", 0, "backend"));
}

TEST(lb_core, pools_are_named_ignoring_letter_case) {
  harness h(probed(true, seconds(5), 1));
  h.join("BACKEND");
  h.reply(true);
  ASSERT_EQ(h.backends.size(), 1u);
  EXPECT_EQ(h.backends[0].second.pool, "backend");
}

TEST(lb_core, rules_probes_and_drain_times_come_from_the_rest_body) {
  namespace az = vmss::azure::network;
  az::LoadBalancer lb;
  lb.set_name("web-lb");
  auto* props = lb.mutable_properties();
  auto* pool = props->add_backend_address_pools();
  pool->set_name("Backend");
  pool->mutable_properties()->set_drain_period_in_seconds(300);
  props->add_backend_address_pools()->set_name("other");
  auto* probe = props->add_probes();
  probe->set_name("httpProbe");
  probe->mutable_properties()->set_protocol(az::ProbeProperties::Http);
  probe->mutable_properties()->set_probe_threshold(3);
  auto* rule = props->add_load_balancing_rules();
  rule->set_name("web");
  const std::string lb_id = "/subscriptions/s/resourceGroups/g/providers/"
                            "Microsoft.Network/loadBalancers/web-lb";
  rule->mutable_properties()->mutable_backend_address_pool()->set_id(
      lb_id + "/backendAddressPools/backend");
  rule->mutable_properties()->mutable_probe()->set_id(lb_id +
                                                      "/probes/HTTPPROBE");
  auto p = to_lb_params(lb);
  ASSERT_EQ(p.probes.size(), 1u);
  EXPECT_FALSE(p.probes[0].tcp);
  EXPECT_EQ(p.probes[0].interval, seconds(15)); // Azure's default
  EXPECT_EQ(p.probes[0].threshold, 3u);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].pools, std::vector<std::string>{"Backend"});
  EXPECT_EQ(p.rules[0].probe, "httpProbe");
  EXPECT_EQ(p.pool_drain.at("Backend"), seconds(300));
  EXPECT_EQ(p.pool_drain.count("other"), 0u);
  EXPECT_EQ(p.drain, 0);
  // The rule's probe holds back "Backend" only ("other" needs a rule that
  // names it: one without a probe).
  p.rules.push_back({"plain", {"other"}, ""});
  harness h(p);
  h.join("other", 1);
  h.join("Backend", 2);
  EXPECT_TRUE(h.core.serving("web", 1, "other"));
  EXPECT_FALSE(h.core.serving("web", 2, "Backend"));
}

TEST(lb_core, a_pool_no_rule_names_receives_no_new_flows) {
  auto p = probed(true, seconds(5), 1);
  p.pools.push_back("spare");
  harness h(p);
  h.join("spare");
  EXPECT_TRUE(h.backends.empty());
  h.reply(true); // up, still no rule sends to it
  EXPECT_TRUE(h.backends.empty());
  EXPECT_FALSE(h.core.serving("web", 0, "spare"));
}

} // namespace
