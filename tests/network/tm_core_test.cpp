#include "actors/network/tm_core.hpp"

#include "input/azure/network.hpp"
#include "messages/azure_network.pb.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace {

using namespace vmss;
using namespace vmss::network;

constexpr int64_t west = 11; ///< the endpoints' load balancer entity ids
constexpr int64_t north = 12;
constexpr sim_time latency = ms(20); ///< probe round trip in the harness

/// What a load balancer answers a probe sent at a time: a status code, or
/// nothing (the probe times out).
using lb_answer = std::function<std::optional<uint32_t>(sim_time)>;

std::optional<uint32_t> healthy(sim_time) {
  return 200;
}

/// Runs a core in virtual time against load balancers that answer as
/// `answers` says, and keeps every status change.
struct harness {
  harness(tm_params p, std::map<int64_t, lb_answer> lbs)
      : core(std::move(p)), answers(std::move(lbs)) {}

  tm_core core;
  std::map<int64_t, lb_answer> answers;
  sim_time now = 0;
  std::multimap<sim_time, std::function<void()>> pending;
  std::vector<std::pair<sim_time, tm_status_change>> changes;
  std::vector<std::pair<sim_time, tm_probe_send>> probes;
  vmss::rng random{7, 1};

  void take(tm_effects e) {
    for (auto& c : e.changes)
      changes.emplace_back(now, c);
    for (auto& t : e.timers)
      pending.emplace(now + t.delay,
                      [this, seq = t.seq] { take(core.on_due({seq})); });
    for (auto& p : e.probes) {
      probes.emplace_back(now, p);
      auto status = answers.at(p.lb)(now);
      if (status)
        pending.emplace(now + latency, [this, seq = p.msg.seq, s = *status] {
          take(core.on_reply({seq, s}));
        });
    }
  }
  void start() { take(core.start()); }
  void run_until(sim_time t) {
    while (!pending.empty() && pending.begin()->first <= t) {
      auto at = pending.begin()->first;
      auto act = std::move(pending.begin()->second);
      pending.erase(pending.begin());
      now = at;
      act();
    }
    now = t;
  }
  dns_answer resolve(uint32_t client = 0) {
    return core.on_query({1, client}, random);
  }
  /// When endpoint `name` last became `s` (-1: never).
  sim_time when(const std::string& name, tm_status s) const {
    sim_time at = -1;
    for (const auto& [t, c] : changes)
      if (c.endpoint == name && c.status == s)
        at = t;
    return at;
  }
  size_t probes_to(int64_t lb) const {
    size_t n = 0;
    for (const auto& p : probes)
      n += p.second.lb == lb ? 1 : 0;
    return n;
  }
};

/// Spec Layer 8 example 4: a primary and a secondary by priority, fast
/// probing (10 s), 3 tolerated failures, a 5 s timeout, TTL 60 s.
tm_params two_regions(tm_routing routing = tm_routing::priority) {
  tm_params p;
  p.name = "GlobalWebTM";
  p.routing = routing;
  p.interval = seconds(10);
  p.timeout = seconds(5);
  p.tolerated = 3;
  p.ttl = seconds(60);
  p.endpoints = {{"WestEurope", west, true, 1, 1},
                 {"NorthEurope", north, true, 1, 2}};
  return p;
}

/// Up, except for [down_from, down_until): no answer, or `status` if given.
lb_answer outage(sim_time down_from, sim_time down_until,
                 std::optional<uint32_t> status = std::nullopt) {
  return [=](sim_time t) -> std::optional<uint32_t> {
    if (t >= down_from && t < down_until)
      return status;
    return 200;
  };
}

TEST(tm_core, every_endpoint_starts_checking_and_is_returned_before_a_result) {
  harness h(two_regions(), {{west, healthy}, {north, healthy}});
  h.start();
  ASSERT_EQ(h.changes.size(), 2u);
  EXPECT_EQ(h.changes[0].second.endpoint, "WestEurope");
  EXPECT_EQ(h.changes[0].second.status, tm_status::checking_endpoint);
  EXPECT_EQ(h.changes[1].second.status, tm_status::checking_endpoint);
  EXPECT_EQ(h.probes_to(west), 1u); // probed at once
  EXPECT_EQ(h.probes_to(north), 1u);
  auto a = h.resolve(4);
  EXPECT_EQ(a.endpoint, "WestEurope"); // CheckingEndpoint is returned
  EXPECT_EQ(a.lb, west);
  EXPECT_EQ(a.client, 4u);
  EXPECT_EQ(a.ttl_ns, seconds(60));
  h.run_until(latency);
  EXPECT_EQ(h.when("WestEurope", tm_status::online), latency);
  EXPECT_EQ(h.when("NorthEurope", tm_status::online), latency);
  EXPECT_STREQ(tm_status_name(tm_status::checking_endpoint),
               "CheckingEndpoint");
}

TEST(tm_core, priority_fails_over_on_the_fourth_timeout_and_back_on_a_success) {
  // West stops answering at 45 s (probes at 50, 60, 70, 80 s time out 5 s
  // later) and answers again from 120 s.
  harness h(two_regions(),
            {{west, outage(seconds(45), seconds(120))}, {north, healthy}});
  h.start();
  h.run_until(seconds(84));
  EXPECT_EQ(h.core.status("WestEurope"), tm_status::online); // 3 tolerated
  EXPECT_EQ(h.resolve().endpoint, "WestEurope");
  h.run_until(seconds(85));
  EXPECT_EQ(h.when("WestEurope", tm_status::degraded), seconds(85));
  auto a = h.resolve();
  EXPECT_EQ(a.endpoint, "NorthEurope");
  EXPECT_EQ(a.lb, north);
  h.run_until(seconds(120));
  EXPECT_EQ(h.core.status("WestEurope"), tm_status::degraded);
  h.run_until(seconds(121));
  EXPECT_EQ(h.when("WestEurope", tm_status::online), seconds(120) + latency);
  EXPECT_EQ(h.resolve().endpoint, "WestEurope");
  EXPECT_EQ(h.probes_to(west), 13u); // every 10 s from 0 to 120 s
}

TEST(tm_core, an_unexpected_status_fails_when_it_arrives) {
  harness h(two_regions(), {{west, outage(seconds(45), seconds(1000), 503)},
                            {north, healthy}});
  h.start();
  h.run_until(seconds(200));
  EXPECT_EQ(h.when("WestEurope", tm_status::degraded), seconds(80) + latency);
}

TEST(tm_core, zero_tolerated_failures_degrade_on_the_first) {
  auto p = two_regions();
  p.tolerated = 0;
  harness h(p, {{west, outage(seconds(45), seconds(1000))}, {north, healthy}});
  h.start();
  h.run_until(seconds(100));
  EXPECT_EQ(h.when("WestEurope", tm_status::degraded), seconds(55));
}

TEST(tm_core, a_success_resets_the_consecutive_failures) {
  // Three failures (50, 60, 70 s), a success (80 s), three more (90-110 s).
  auto flaky = [](sim_time t) -> std::optional<uint32_t> {
    bool down = t >= seconds(45) && t < seconds(115) &&
                !(t >= seconds(75) && t < seconds(85));
    return down ? std::nullopt : std::optional<uint32_t>(200);
  };
  harness h(two_regions(), {{west, flaky}, {north, healthy}});
  h.start();
  h.run_until(seconds(200));
  EXPECT_EQ(h.when("WestEurope", tm_status::degraded), -1);
  EXPECT_EQ(h.changes.size(), 4u); // CheckingEndpoint, Online, each
}

TEST(tm_core, a_late_reply_does_not_undo_a_timeout) {
  auto p = two_regions();
  p.tolerated = 0;
  harness h(p, {{west, healthy}, {north, healthy}});
  h.start();
  h.run_until(seconds(1));
  h.answers[west] = [](sim_time) { return std::nullopt; };
  h.run_until(seconds(15)); // the probe of 10 s timed out
  ASSERT_EQ(h.core.status("WestEurope"), tm_status::degraded);
  uint64_t late = 0;
  for (const auto& [at, probe] : h.probes)
    if (probe.lb == west && at == seconds(10))
      late = probe.msg.seq;
  ASSERT_NE(late, 0u);
  h.take(h.core.on_reply({late, 200}));
  EXPECT_EQ(h.core.status("WestEurope"), tm_status::degraded);
}

TEST(tm_core, all_degraded_returns_them_all) {
  auto down = [](sim_time) { return std::optional<uint32_t>(503); };
  harness h(two_regions(), {{west, down}, {north, down}});
  h.start();
  h.run_until(seconds(40));
  ASSERT_EQ(h.core.status("WestEurope"), tm_status::degraded);
  ASSERT_EQ(h.core.status("NorthEurope"), tm_status::degraded);
  EXPECT_EQ(h.resolve().endpoint, "WestEurope"); // by priority among all

  harness w(two_regions(tm_routing::weighted), {{west, down}, {north, down}});
  w.start();
  w.run_until(seconds(40));
  int to_west = 0;
  for (int i = 0; i < 1000; ++i)
    to_west += w.resolve().endpoint == "WestEurope" ? 1 : 0;
  EXPECT_GT(to_west, 400);
  EXPECT_LT(to_west, 600);
}

TEST(tm_core, weighted_shares_follow_the_weights) {
  auto p = two_regions(tm_routing::weighted);
  p.endpoints[0].weight = 1;
  p.endpoints[1].weight = 3;
  harness h(p, {{west, healthy}, {north, healthy}});
  h.start();
  h.run_until(seconds(1));
  constexpr int queries = 40000;
  int to_north = 0;
  for (int i = 0; i < queries; ++i)
    to_north += h.resolve().endpoint == "NorthEurope" ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(to_north) / queries, 0.75, 0.01);

  // A live weight change (PATCH) moves the shares.
  bool known = false;
  h.take(h.core.on_set({"NorthEurope", -1, 1, -1}, known));
  ASSERT_TRUE(known);
  to_north = 0;
  for (int i = 0; i < queries; ++i)
    to_north += h.resolve().endpoint == "NorthEurope" ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(to_north) / queries, 0.5, 0.01);
}

TEST(tm_core, weighted_draws_depend_only_on_the_stream) {
  auto run = [](uint64_t seed) {
    harness h(two_regions(tm_routing::weighted),
              {{west, healthy}, {north, healthy}});
    h.random = vmss::rng(seed, 1);
    h.start();
    std::string picks;
    for (int i = 0; i < 64; ++i)
      picks += h.resolve().endpoint == "WestEurope" ? 'w' : 'n';
    return picks;
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

TEST(tm_core, a_disabled_endpoint_is_never_probed_nor_returned) {
  auto p = two_regions();
  p.endpoints[1].enabled = false;
  auto down = [](sim_time) { return std::optional<uint32_t>(503); };
  harness h(p, {{west, down}, {north, healthy}});
  h.start();
  EXPECT_EQ(h.changes[1].second.status, tm_status::disabled);
  h.run_until(seconds(100));
  EXPECT_EQ(h.probes_to(north), 0u);
  // West is Degraded and the only enabled endpoint: it is all there is.
  EXPECT_EQ(h.resolve().endpoint, "WestEurope");
  for (int i = 0; i < 100; ++i)
    EXPECT_NE(h.resolve().endpoint, "NorthEurope");
}

TEST(tm_core, endpoint_status_changes_live) {
  harness h(two_regions(), {{west, healthy}, {north, healthy}});
  h.start();
  h.run_until(seconds(5));
  bool known = false;
  h.take(h.core.on_set({"westeurope", 0, -1, -1}, known)); // case ignored
  ASSERT_TRUE(known);
  EXPECT_EQ(h.when("WestEurope", tm_status::disabled), seconds(5));
  EXPECT_EQ(h.resolve().endpoint, "NorthEurope");
  h.run_until(seconds(30));
  EXPECT_EQ(h.probes_to(west), 1u); // not monitored while Disabled
  h.take(h.core.on_set({"WestEurope", 1, -1, -1}, known));
  EXPECT_EQ(h.when("WestEurope", tm_status::checking_endpoint), seconds(30));
  EXPECT_EQ(h.probes_to(west), 2u); // probed at once
  EXPECT_EQ(h.resolve().endpoint, "WestEurope");
  h.run_until(seconds(31));
  EXPECT_EQ(h.core.status("WestEurope"), tm_status::online);
  // Priorities swap: the lower value wins.
  h.take(h.core.on_set({"NorthEurope", -1, -1, 1}, known));
  h.take(h.core.on_set({"WestEurope", -1, -1, 2}, known));
  EXPECT_EQ(h.resolve().endpoint, "NorthEurope");
  h.take(h.core.on_set({"SouthEurope", 0, -1, -1}, known));
  EXPECT_FALSE(known);
}

TEST(tm_core, a_disabled_profile_stops_every_endpoint_and_answers_nothing) {
  auto p = two_regions();
  p.enabled = false;
  p.endpoints[1].enabled = false;
  harness h(p, {{west, healthy}, {north, healthy}});
  h.start();
  EXPECT_EQ(h.changes[0].second.status, tm_status::stopped);
  EXPECT_EQ(h.changes[1].second.status, tm_status::disabled); // wins
  h.run_until(seconds(60));
  EXPECT_TRUE(h.probes.empty());
  auto a = h.resolve();
  EXPECT_EQ(a.endpoint, "");
  EXPECT_EQ(a.lb, -1);
  bool known = false;
  h.take(h.core.on_set({"NorthEurope", 1, -1, -1}, known));
  EXPECT_EQ(h.core.status("NorthEurope"), tm_status::stopped);
  EXPECT_TRUE(h.probes.empty());
}

TEST(tm_core, expected_status_code_ranges_decide_success) {
  auto answers_204 = [](sim_time) { return std::optional<uint32_t>(204); };
  auto p = two_regions();
  p.tolerated = 0;
  harness only_200(p, {{west, answers_204}, {north, healthy}});
  only_200.start();
  only_200.run_until(seconds(1));
  EXPECT_EQ(only_200.core.status("WestEurope"), tm_status::degraded);

  p.expected = {{200, 299}, {301, 301}};
  harness ranges(p, {{west, answers_204}, {north, healthy}});
  ranges.start();
  ranges.run_until(seconds(1));
  EXPECT_EQ(ranges.core.status("WestEurope"), tm_status::online);
  ranges.answers[west] = [](sim_time) { return std::optional<uint32_t>(302); };
  ranges.run_until(seconds(11));
  EXPECT_EQ(ranges.core.status("WestEurope"), tm_status::degraded);

  p.tcp = true; // ranges do not apply: a connection is a 200
  harness tcp(p, {{west, answers_204}, {north, healthy}});
  tcp.start();
  tcp.run_until(seconds(1));
  EXPECT_EQ(tcp.core.status("WestEurope"), tm_status::degraded);
  EXPECT_EQ(tcp.core.status("NorthEurope"), tm_status::online);
}

/// A profile body in Azure's REST shape, read by the input layer.
vmss::input::azure::traffic_manager_profile
read_profile(const std::string& method, const std::string& second_type) {
  auto body = nlohmann::ordered_json::parse(R"({
    "name": "web-tm",
    "type": "Microsoft.Network/trafficManagerProfiles",
    "location": "global",
    "properties": {
      "trafficRoutingMethod": ")" + method + R"(",
      "dnsConfig": {"relativeName": "web-tm"},
      "monitorConfig": {"protocol": "HTTP", "port": 80, "path": "/health"},
      "endpoints": [
        {"name": "primary",
         "type": "Microsoft.Network/trafficManagerProfiles/azureEndpoints",
         "properties": {"targetResourceId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/publicIPAddresses/west-ip",
                        "endpointLocation": "westeurope"}},
        {"name": "secondary",
         "type": ")" + second_type + R"(",
         "properties": {"target": "north.example.com",
                        "targetResourceId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/publicIPAddresses/north-ip",
                        "endpointLocation": "northeurope"}}]}})");
  vmss::input::read_report report;
  return vmss::input::azure::read_traffic_manager_profile(body, "tm.json", "",
                                                          report);
}

TEST(tm_core, refusals_name_the_field_and_the_reason) {
  auto ok = read_profile(
      "Priority", "Microsoft.Network/trafficManagerProfiles/azureEndpoints");
  EXPECT_TRUE(tm_refusals(ok.model).empty());
  auto weighted = read_profile(
      "Weighted", "Microsoft.Network/trafficManagerProfiles/azureEndpoints");
  EXPECT_TRUE(tm_refusals(weighted.model).empty());
  for (auto method : {"Performance", "Geographic", "MultiValue", "Subnet"}) {
    auto r = tm_refusals(
        read_profile(method,
                     "Microsoft.Network/trafficManagerProfiles/azureEndpoints")
            .model);
    ASSERT_FALSE(r.empty()) << method;
    EXPECT_EQ(r[0].field, "properties.trafficRoutingMethod");
    EXPECT_EQ(r[0].reason, std::string(method) +
                               " routing is not modelled (Priority and "
                               "Weighted are)");
  }
  auto nested = tm_refusals(
      read_profile("Priority",
                   "Microsoft.Network/trafficManagerProfiles/nestedEndpoints")
          .model);
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].field, "properties.endpoints[1].type");
}

TEST(tm_core, params_carry_azure_defaults_from_the_reader) {
  auto tm = read_profile(
      "Priority", "Microsoft.Network/trafficManagerProfiles/azureEndpoints");
  auto p = to_tm_params(tm.model, {west, north});
  EXPECT_EQ(p.name, "web-tm");
  EXPECT_EQ(p.routing, tm_routing::priority);
  EXPECT_TRUE(p.enabled);
  EXPECT_FALSE(p.tcp);
  EXPECT_EQ(p.interval, seconds(30));
  EXPECT_EQ(p.timeout, seconds(10));
  EXPECT_EQ(p.tolerated, 3u);
  EXPECT_EQ(p.ttl, seconds(60));
  ASSERT_EQ(p.expected.size(), 1u);
  EXPECT_EQ(p.expected[0].min, 200u);
  EXPECT_EQ(p.expected[0].max, 200u);
  ASSERT_EQ(p.endpoints.size(), 2u);
  EXPECT_EQ(p.endpoints[0].lb, west);
  EXPECT_EQ(p.endpoints[0].priority, 1); // endpoint order
  EXPECT_EQ(p.endpoints[1].priority, 2);
  EXPECT_TRUE(p.endpoints[1].enabled);
}

} // namespace
