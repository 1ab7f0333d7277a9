// The load side of scenario files (docs/scenarios.md): regions, Traffic
// Manager profiles, workloads, metric series, blue-green deployments, the
// operations and faults on them; every error names the JSON path.

#include "input/json_reader.hpp"
#include "input/scenario.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::input;
using lines = std::vector<std::string>;

const std::string sub =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sim/"
    "providers";

/// A scale set in `location` whose NIC is in web-pool of load balancer
/// `lb`.
std::string set(const std::string& name, const std::string& location,
                const std::string& lb = "web-lb") {
  return R"({"name": ")" + name + R"(", "body": {"location": ")" + location +
         R"(", "sku": {"name": "Standard_D2s_v3", "capacity": 2},
    "properties": {"virtualMachineProfile": {"storageProfile": {
    "imageReference": {"publisher": "Canonical", "offer": "ubuntu-24_04-lts",
    "sku": "server", "version": "latest"}}, "networkProfile": {
    "networkInterfaceConfigurations": [{"name": "nic", "properties": {
    "primary": true, "ipConfigurations": [{"name": "ip", "properties": {
    "loadBalancerBackendAddressPools": [{"id": ")" +
         sub + "/Microsoft.Network/loadBalancers/" + lb +
         R"(/backendAddressPools/web-pool"}]}}]}}]}}}}})";
}

/// A load balancer with pools web-pool and green-pool and rule http.
std::string lb(const std::string& name, const std::string& location = "") {
  auto id = sub + "/Microsoft.Network/loadBalancers/" + name;
  return R"({"body": {"name": ")" + name + R"(", )" +
         (location.empty() ? "" : R"("location": ")" + location + R"(", )") +
         R"("properties": {"frontendIPConfigurations": [{"name": "fe",
    "properties": {"publicIPAddress": {"id": ")" +
         sub + "/Microsoft.Network/publicIPAddresses/" + name +
         R"(-ip"}}}], "backendAddressPools": [{"name": "web-pool"},
    {"name": "green-pool"}], "loadBalancingRules": [{"name": "http",
    "properties": {"frontendIPConfiguration": {"id": ")" +
         id +
         R"(/frontendIPConfigurations/fe"}, "backendAddressPool": {"id": ")" +
         id + R"(/backendAddressPools/web-pool"}, "protocol": "Tcp",
    "frontendPort": 80, "backendPort": 80}}]}}})";
}

/// A Priority profile over the public IPs of west-lb and north-lb.
std::string tm(const std::string& method = "Priority",
               const std::string& second_target = "north-lb-ip") {
  return R"({"body": {"name": "web-tm", "properties": {
    "trafficRoutingMethod": ")" +
         method + R"(", "dnsConfig": {"relativeName": "web", "ttl": 60},
    "monitorConfig": {"protocol": "HTTP", "port": 80, "path": "/health",
    "intervalInSeconds": 10, "toleratedNumberOfFailures": 3,
    "timeoutInSeconds": 5}, "endpoints": [
    {"name": "west", "type": "azureEndpoints", "properties": {
     "targetResourceId": ")" +
         sub + R"(/Microsoft.Network/publicIPAddresses/west-lb-ip",
     "priority": 1}},
    {"name": "north", "type": "azureEndpoints", "properties": {
     "targetResourceId": ")" +
         sub + "/Microsoft.Network/publicIPAddresses/" + second_target +
         R"(", "priority": 2}}]}}})";
}

/// Two regions with a set and a load balancer each, a profile, and
/// `extra` top-level members.
std::string two_regions(const std::string& extra = "",
                        const std::string& profile = tm()) {
  return R"({"name": "t", "duration": "30m", "regions": [
    {"name": "westeurope", "topology": {"preset": "small"}},
    {"name": "northeurope", "topology": {"preset": "small", "zones": 2}}],
    "scaleSets": [)" +
         set("west", "westeurope", "west-lb") + ", " +
         set("north", "North Europe", "north-lb") + R"(], "loadBalancers": [)" +
         lb("west-lb") + ", " + lb("north-lb") + R"(], "trafficManagers": [)" +
         profile + "]" + (extra.empty() ? "" : ", " + extra) + "}";
}

lines errors_of(const std::string& text) {
  try {
    load_scenario_text(text, "s.json", ".");
  } catch (const input_error& e) {
    return e.lines();
  }
  return {};
}

bool has(const lines& l, const std::string& part) {
  for (const auto& x : l)
    if (x.find(part) != std::string::npos)
      return true;
  return false;
}

TEST(scenario_regions,
     scale_sets_and_load_balancers_are_in_the_region_they_name) {
  auto s = load_scenario_text(two_regions(), "s.json", ".");
  ASSERT_EQ(s.regions.size(), 2u);
  EXPECT_EQ(s.regions[1].name, "northeurope");
  EXPECT_EQ(s.regions[1].zones, 2u);
  EXPECT_EQ(s.region.name, "westeurope");
  EXPECT_EQ(s.set_region, (std::vector<size_t>{0, 1}));
  // Without a location of their own: the region of the set using them.
  EXPECT_EQ(s.lb_region, (std::vector<size_t>{0, 1}));
  // Each endpoint reaches its load balancer through its public IP.
  EXPECT_EQ(s.tm_endpoint_lbs, (std::vector<std::vector<size_t>>{{0, 1}}));
  EXPECT_EQ(s.start_utc_seconds, 1704067200);
}

TEST(scenario_regions, a_location_that_is_no_region_is_an_error_listing_them) {
  auto text = two_regions();
  text.replace(text.find("North Europe"), 12, "eastus");
  auto e = errors_of(text);
  EXPECT_TRUE(has(e, "scaleSets[1].body.location: \"eastus\" is not a region "
                     "of this scenario (westeurope, northeurope)"))
      << e[0];
}

TEST(scenario_regions, regions_replace_the_topology_and_have_their_own_names) {
  auto text = two_regions(R"("topology": {"preset": "small"})");
  EXPECT_TRUE(has(errors_of(text), "s.json: topology: not with regions"));
  auto twice = two_regions();
  twice.replace(twice.find("northeurope"), 11, "westeurope");
  EXPECT_TRUE(
      has(errors_of(twice), "regions[1].name: \"westeurope\" is given twice"));
  auto global = two_regions();
  global.replace(global.find("northeurope"), 11, "global");
  EXPECT_TRUE(has(errors_of(global), "regions[1].name: \"global\""));
  EXPECT_TRUE(has(errors_of(R"({"name": "t", "duration": "1m"})"),
                  "topology: missing: give topology (one region) or regions"));
}

TEST(scenario_regions, start_time_is_a_utc_date_time) {
  auto s = load_scenario_text(
      two_regions(R"("startTime": "2024-03-29T16:30:00Z")"), "s.json", ".");
  EXPECT_EQ(s.start_utc_seconds, 1711729800);
  EXPECT_TRUE(has(errors_of(two_regions(R"("startTime": "Friday")")),
                  "startTime: \"Friday\" is not a UTC date-time"));
}

TEST(scenario_traffic_manager,
     endpoints_must_reach_a_load_balancer_and_routing_be_simulated) {
  EXPECT_TRUE(
      has(errors_of(two_regions("", tm("Priority", "elsewhere-ip"))),
          "trafficManagers[0].body.properties.endpoints[1].properties."
          "targetResourceId: \"" +
              sub +
              "/Microsoft.Network/publicIPAddresses/elsewhere-ip\" names "
              "no load balancer of this scenario"));
  EXPECT_TRUE(has(errors_of(two_regions("", tm("Performance"))),
                  "properties.trafficRoutingMethod: \"Performance\" is not "
                  "simulated (Priority and Weighted are)"));
  EXPECT_TRUE(errors_of(two_regions("", tm("Weighted"))).empty());
}

TEST(scenario_workloads,
     a_workload_targets_one_load_balancer_rule_or_one_profile) {
  auto ok = two_regions(R"("workloads": [
    {"name": "users", "trafficManager": "web-tm", "rate": {"constant": 100}},
    {"name": "direct", "loadBalancer": "west-lb", "rule": "http",
     "rate": {"steps": [{"at": "0s", "rate": 10}, {"at": "5m", "rate": 50}]}}])");
  EXPECT_TRUE(errors_of(ok).empty()) << errors_of(ok)[0];
  auto e = errors_of(two_regions(R"("workloads": [
    {"name": "a", "trafficManager": "web-tm", "loadBalancer": "west-lb",
     "rate": {"constant": 1}},
    {"name": "b", "loadBalancer": "wset-lb", "rate": {"constant": 1}},
    {"name": "c", "loadBalancer": "west-lb", "rule": "https",
     "rate": {"constant": 1, "ramp": {"from": 1, "to": 2, "end": "1m"}}},
    {"name": "c", "trafficManager": "web-tm",
     "rate": {"diurnal": {"max": 5, "timeZone": "Atlantis Standard Time"}}}])"));
  EXPECT_TRUE(has(
      e, "workloads[0]: give exactly one of loadBalancer and trafficManager"));
  EXPECT_TRUE(has(e,
                  "workloads[1].loadBalancer: no load balancer \"wset-lb\" in "
                  "this scenario (did you mean west-lb?)"));
  EXPECT_TRUE(has(
      e, "workloads[2].rule: load balancer \"west-lb\" has no rule \"https\""));
  EXPECT_TRUE(has(e, "workloads[2].rate: give exactly one of constant, steps, "
                     "ramp, diurnal and csv"));
  EXPECT_TRUE(has(e, "workloads[3].name: \"c\" is given twice"));
  EXPECT_TRUE(has(e, "workloads[3].rate.diurnal.timeZone: \"Atlantis Standard "
                     "Time\" is not a Windows or tz database time-zone name"));
}

TEST(scenario_series,
     series_name_a_scale_set_and_a_metric_the_model_does_not_derive) {
  auto e = errors_of(two_regions(R"("metricSeries": [
    {"scaleSet": "west", "metric": "Percentage CPU", "points": [{"at": "0s", "value": 1}]},
    {"scaleSet": "east", "metric": "Queue Length",
     "points": [{"at": "2m", "value": 1}, {"at": "1m", "value": 2}]}])"));
  EXPECT_TRUE(has(e, "metricSeries[0].metric: \"Percentage CPU\" is derived"));
  EXPECT_TRUE(has(e, "metricSeries[1].scaleSet: no scale set \"east\""));
  EXPECT_TRUE(has(
      e, "metricSeries[1].points[1].at: must be after the point before it"));
}

TEST(scenario_series, an_autoscale_rule_on_an_underived_metric_needs_a_series) {
  auto setting = R"("autoscaleSettings": [{"body": {"name": "as",
    "location": "westeurope", "properties": {"targetResourceUri": ")" +
                 sub + R"(/Microsoft.Compute/virtualMachineScaleSets/west",
    "profiles": [{"name": "p", "capacity": {"minimum": "1", "maximum": "5",
    "default": "2"}, "rules": [{"metricTrigger": {"metricName": "Queue Length",
    "metricResourceUri": ")" +
                 sub + R"(/Microsoft.Compute/virtualMachineScaleSets/west",
    "timeGrain": "PT1M", "statistic": "Average", "timeWindow": "PT5M",
    "timeAggregation": "Average", "operator": "GreaterThan", "threshold": 10},
    "scaleAction": {"direction": "Increase", "type": "ChangeCount",
    "value": "1", "cooldown": "PT5M"}}]}]}}}])";
  auto e = errors_of(two_regions(setting));
  EXPECT_TRUE(has(e,
                  "autoscaleSettings[0].body.properties.profiles[0].rules[0]."
                  "metricTrigger.metricName: \"Queue Length\" is not derived"));
  auto with_series = two_regions(std::string(setting) + R"(, "metricSeries": [
    {"scaleSet": "west", "metric": "Queue Length", "points": [{"at": "0s", "value": 3}]}])");
  EXPECT_TRUE(errors_of(with_series).empty()) << errors_of(with_series)[0];
}

TEST(scenario_deployments,
     a_deployment_switches_between_two_pools_of_a_load_balancer) {
  auto ok =
      two_regions(R"("deployments": [{"name": "r2", "loadBalancer": "west-lb",
    "bluePool": "web-pool", "greenPool": "green-pool", "switchAt": "10m"}])");
  EXPECT_TRUE(errors_of(ok).empty()) << errors_of(ok)[0];
  auto e = errors_of(two_regions(R"("deployments": [{"name": "r2",
    "loadBalancer": "west-lb", "bluePool": "web-pool", "greenPool": "WEB-POOL",
    "switchAt": "45m"}, {"name": "r3", "loadBalancer": "west-lb",
    "bluePool": "web-pool", "greenPool": "teal-pool", "switchAt": "1m"}])"));
  EXPECT_TRUE(has(e, "deployments[0].greenPool: must differ from bluePool"));
  EXPECT_TRUE(has(e, "deployments[0].switchAt: 2700s is not within the run"));
  EXPECT_TRUE(has(e,
                  "deployments[1].greenPool: load balancer \"west-lb\" has no "
                  "backend pool \"teal-pool\""));
}

TEST(scenario_timeline, endpoint_operations_name_a_profile_endpoint) {
  auto ok = two_regions(R"("timeline": [
    {"at": "1m", "operation": "endpoint_disable", "target": "web-tm/west"},
    {"at": "2m", "operation": "endpoint_weight", "target": "web-tm/north", "weight": 5}])");
  EXPECT_TRUE(errors_of(ok).empty()) << errors_of(ok)[0];
  auto e = errors_of(two_regions(R"("timeline": [
    {"at": "1m", "operation": "endpoint_enable", "target": "web-tm"},
    {"at": "1m", "operation": "endpoint_enable", "target": "other/west"},
    {"at": "1m", "operation": "endpoint_enable", "target": "web-tm/south"},
    {"at": "2m", "operation": "endpoint_weight", "target": "web-tm/north", "weight": 0},
    {"at": "2m", "operation": "endpoint_enable", "target": "web-tm/north", "weight": 3}])"));
  EXPECT_TRUE(has(e, "timeline[0].target: \"web-tm\" is not PROFILE/ENDPOINT"));
  EXPECT_TRUE(
      has(e, "timeline[1].target: no Traffic Manager profile \"other\""));
  EXPECT_TRUE(has(
      e, "timeline[2].target: profile \"web-tm\" has no endpoint \"south\""));
  EXPECT_TRUE(has(e, "timeline[3].weight: 0 is not 1 to 1000"));
  EXPECT_TRUE(has(e, "timeline[4].weight: not for endpoint_enable"));
}

TEST(scenario_timeline, region_faults_name_regions_and_a_peer) {
  auto ok = two_regions(R"("timeline": [
    {"at": "1m", "fault": "region_partition", "target": "westeurope", "peer": "global"},
    {"at": "2m", "fault": "region_heal", "target": "westeurope", "peer": "global"},
    {"at": "3m", "fault": "region_outage", "target": "northeurope"}])");
  EXPECT_TRUE(errors_of(ok).empty()) << errors_of(ok)[0];
  auto e = errors_of(two_regions(R"("timeline": [
    {"at": "1m", "fault": "region_outage", "target": "eastus"},
    {"at": "1m", "fault": "region_partition", "target": "westeurope"},
    {"at": "1m", "fault": "region_partition", "target": "westeurope", "peer": "westeurope"}])"));
  EXPECT_TRUE(has(e, "timeline[0].target: \"eastus\" is not a region of this "
                     "scenario (westeurope, northeurope)"));
  EXPECT_TRUE(has(e,
                  "timeline[1].peer: missing: region_partition needs the other "
                  "region (or \"global\")"));
  EXPECT_TRUE(has(e, "timeline[2].peer: \"westeurope\" is not another region"));
}

} // namespace
