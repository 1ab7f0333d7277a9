// Load balancers and Traffic Manager profiles read from Azure's JSON
// (input/azure/network.cpp, docs/azure-input.md): each rule with an input
// that passes and one that fails, defaults, leniency, not-modelled fields.
// The inputs are written here in Azure's shape.
#include "input/azure/network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace vmss::input;
using namespace vmss::input::azure;
using json = nlohmann::ordered_json;
using lines = std::vector<std::string>;
namespace net = vmss::azure::network;

lines lines_of(const std::vector<diagnostic>& ds) {
  lines out;
  for (const auto& d : ds)
    out.push_back(d.path + ": " + d.reason);
  return out;
}

bool contains(const std::vector<std::string>& all, const std::string& x) {
  return std::find(all.begin(), all.end(), x) != all.end();
}

const std::string lb_id = "/subscriptions/00000000-0000-0000-0000-000000000000"
                          "/resourceGroups/rg/providers/Microsoft.Network/"
                          "loadBalancers/web-lb";

/// A Standard load balancer with one frontend, pool, HTTP probe and rule;
/// `patch` is merged into it (JSON merge patch) to vary one thing.
json lb_body(const json& patch = json::object()) {
  json body = {
      {"name", "web-lb"},
      {"location", "westeurope"},
      {"sku", {{"name", "Standard"}}},
      {"properties",
       {{"frontendIPConfigurations",
         {{{"name", "front"},
           {"properties",
            {{"publicIPAddress", {{"id", "/subscriptions/x/pip"}}}}}}}},
        {"backendAddressPools", {{{"name", "pool"}}}},
        {"probes",
         {{{"name", "health"},
           {"properties",
            {{"protocol", "Http"}, {"port", 80}, {"requestPath", "/"}}}}}},
        {"loadBalancingRules",
         {{{"name", "http"},
           {"properties",
            {{"frontendIPConfiguration",
              {{"id", lb_id + "/frontendIPConfigurations/front"}}},
             {"backendAddressPool",
              {{"id", lb_id + "/backendAddressPools/pool"}}},
             {"probe", {{"id", lb_id + "/probes/health"}}},
             {"protocol", "Tcp"},
             {"frontendPort", 80},
             {"backendPort", 8080}}}}}}}}};
  body.merge_patch(patch);
  return body;
}

struct lb_read {
  load_balancer lb;
  read_report report;
};

lb_read read_lb(const json& body) {
  lb_read r;
  r.lb = read_load_balancer(body, "", "fallback", r.report);
  return r;
}

lines lb_errors(const json& body) {
  return lines_of(read_lb(body).report.errors);
}

/// `body` with `f` applied to its element at a JSON pointer.
json edited(json body, const std::string& pointer, const json& value) {
  body[json::json_pointer(pointer)] = value;
  return body;
}

const std::string probe0 = "/properties/probes/0/properties";
const std::string rule0 = "/properties/loadBalancingRules/0/properties";

TEST(load_balancer, reads_a_valid_body_with_azure_defaults_marked) {
  auto r = read_lb(lb_body());
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(lines_of(r.report.warnings), lines{});
  EXPECT_EQ(r.lb.name, "web-lb");
  const auto& probe = r.lb.model.properties().probes(0).properties();
  EXPECT_EQ(probe.interval_in_seconds(), 15);
  EXPECT_EQ(probe.probe_threshold(), 1);
  EXPECT_EQ(probe.no_healthy_backends_behavior(),
            net::ProbeProperties::AllProbedDown);
  const auto& rule =
      r.lb.model.properties().load_balancing_rules(0).properties();
  EXPECT_EQ(rule.idle_timeout_in_minutes(), 4);
  EXPECT_EQ(rule.load_distribution(),
            net::LoadBalancingRuleProperties::Default);
  EXPECT_EQ(r.lb.model.sku().tier(), net::LoadBalancerSku::Regional);
  EXPECT_EQ(
      r.lb.defaulted,
      (lines{"sku.tier", "properties.probes[0].properties.intervalInSeconds",
             "properties.probes[0].properties.probeThreshold",
             "properties.probes[0].properties.noHealthyBackendsBehavior",
             "properties.loadBalancingRules[0].properties.loadDistribution",
             "properties.loadBalancingRules[0].properties."
             "idleTimeoutInMinutes",
             "properties.loadBalancingRules[0].properties.enableFloatingIP",
             "properties.loadBalancingRules[0].properties.enableTcpReset",
             "properties.loadBalancingRules[0].properties."
             "disableOutboundSnat"}));
}

TEST(load_balancer, given_values_are_kept_and_not_marked_defaulted) {
  auto body = edited(lb_body(), probe0 + "/intervalInSeconds", 5);
  body = edited(body, probe0 + "/probeThreshold", 2);
  auto r = read_lb(edited(body, rule0 + "/idleTimeoutInMinutes", 30));
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(
      r.lb.model.properties().probes(0).properties().interval_in_seconds(), 5);
  EXPECT_FALSE(contains(r.lb.defaulted,
                        "properties.probes[0].properties.intervalInSeconds"));
  EXPECT_FALSE(contains(r.lb.defaulted,
                        "properties.probes[0].properties.probeThreshold"));
}

TEST(load_balancer, a_refused_value_is_not_defaulted) {
  auto r = read_lb(edited(lb_body(), probe0 + "/intervalInSeconds", 4));
  EXPECT_EQ(lines_of(r.report.errors).size(), 1u);
  EXPECT_FALSE(contains(r.lb.defaulted,
                        "properties.probes[0].properties.intervalInSeconds"));
}

TEST(load_balancer, defaulted_paths_start_at_the_body_path) {
  read_report report;
  auto lb = read_load_balancer(lb_body(), "resources[2]", "x", report);
  EXPECT_TRUE(contains(lb.defaulted, "resources[2].sku.tier"));
}

TEST(load_balancer, name_falls_back_to_the_callers) {
  auto body = lb_body();
  body.erase("name");
  auto r = read_lb(body);
  EXPECT_EQ(r.lb.name, "fallback");
  EXPECT_EQ(r.lb.model.name(), "fallback");
}

TEST(load_balancer, type_must_be_load_balancers) {
  EXPECT_EQ(lb_errors(lb_body({{"type", "microsoft.network/LOADBALANCERS"}})),
            lines{});
  EXPECT_EQ(
      lb_errors(lb_body({{"type", "Microsoft.Network/publicIPAddresses"}})),
      lines{"type: \"Microsoft.Network/publicIPAddresses\" is not "
            "Microsoft.Network/loadBalancers"});
}

TEST(load_balancer, sku_defaults_to_basic_with_a_retirement_warning) {
  auto body = lb_body();
  body.erase("sku");
  auto r = read_lb(body);
  EXPECT_EQ(r.lb.model.sku().name(), net::LoadBalancerSku::Basic);
  EXPECT_TRUE(contains(r.lb.defaulted, "sku.name"));
  EXPECT_EQ(lines_of(r.report.warnings),
            lines{"sku.name: Basic load balancers were retired on 30 "
                  "September 2025 (Azure's notice); simulated as given"});
}

TEST(load_balancer, sku_values_and_global_tier_needs_standard) {
  EXPECT_EQ(lb_errors(lb_body({{"sku", {{"name", "Premium"}}}})),
            lines{"sku.name: \"Premium\" is not one of Basic, Standard, "
                  "Gateway"});
  EXPECT_EQ(lb_errors(lb_body({{"sku", {{"tier", "Global"}}}})), lines{});
  EXPECT_EQ(
      lb_errors(lb_body({{"sku", {{"name", "Gateway"}, {"tier", "Global"}}}})),
      lines{"sku.tier: Global (cross-region) needs the Standard SKU"});
}

TEST(load_balancer, probe_protocol_port_and_interval_ranges) {
  EXPECT_EQ(lb_errors(edited(lb_body(), probe0 + "/protocol", "Udp")),
            lines{"properties.probes[0].properties.protocol: \"Udp\" is not "
                  "one of Http, Tcp, Https"});
  EXPECT_EQ(lb_errors(edited(lb_body(), probe0 + "/port", 65535)), lines{});
  EXPECT_EQ(lb_errors(edited(lb_body(), probe0 + "/port", 0)),
            lines{"properties.probes[0].properties.port: 0 is out of range "
                  "(1 to 65535)"});
  EXPECT_EQ(lb_errors(edited(lb_body(), probe0 + "/intervalInSeconds", 4)),
            lines{"properties.probes[0].properties.intervalInSeconds: 4 is "
                  "out of range (5 to 2147483647)"});
  EXPECT_EQ(lb_errors(edited(lb_body(), probe0 + "/probeThreshold", 0)),
            lines{"properties.probes[0].properties.probeThreshold: 0 is out "
                  "of range (1 to 2147483647)"});
}

TEST(load_balancer, probe_protocol_and_port_are_required) {
  auto body = lb_body();
  body[json::json_pointer(probe0)] = json::object();
  EXPECT_EQ(
      lb_errors(body),
      (lines{"properties.probes[0].properties.protocol: missing "
             "(required)",
             "properties.probes[0].properties.port: missing (required)"}));
}

TEST(load_balancer, request_path_required_for_http_forbidden_for_tcp) {
  auto no_path = lb_body();
  no_path[json::json_pointer(probe0)].erase("requestPath");
  EXPECT_EQ(lb_errors(no_path),
            lines{"properties.probes[0].properties.requestPath: missing "
                  "(required for Http and Https probes)"});
  auto tcp = edited(no_path, probe0 + "/protocol", "Tcp");
  EXPECT_EQ(lb_errors(tcp), lines{});
  EXPECT_EQ(lb_errors(edited(tcp, probe0 + "/requestPath", "/health")),
            lines{"properties.probes[0].properties.requestPath: is not "
                  "allowed for a Tcp probe"});
}

TEST(load_balancer, http_probes_refuse_some_ports) {
  EXPECT_EQ(lb_errors(edited(lb_body(), probe0 + "/port", 25)),
            lines{"properties.probes[0].properties.port: 25 cannot be probed "
                  "over HTTP(S) (Azure refuses 19, 21, 25, 70, 110, 119, 143, "
                  "220, 993)"});
  auto tcp = edited(lb_body(), probe0 + "/protocol", "Tcp");
  tcp[json::json_pointer(probe0)].erase("requestPath");
  EXPECT_EQ(lb_errors(edited(tcp, probe0 + "/port", 25)), lines{});
}

TEST(load_balancer, https_probes_need_standard) {
  auto https = edited(lb_body(), probe0 + "/protocol", "Https");
  EXPECT_EQ(lb_errors(https), lines{});
  EXPECT_EQ(lb_errors(edited(https, "/sku/name", "Basic")),
            lines{"properties.probes[0].properties.protocol: Https probes "
                  "need the Standard SKU (Basic has Tcp and Http)"});
}

TEST(load_balancer, number_of_probes_alone_is_warned_retired) {
  auto r = read_lb(edited(lb_body(), probe0 + "/numberOfProbes", 2));
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(lines_of(r.report.warnings),
            lines{"properties.probes[0].properties.numberOfProbes: is retired "
                  "(from api-version 2022-05-01 probeThreshold counts; support "
                  "ends 1 September 2027): the model uses probeThreshold"});
  EXPECT_EQ(r.lb.model.properties().probes(0).properties().probe_threshold(),
            1);
  auto both = edited(lb_body(), probe0 + "/numberOfProbes", 2);
  EXPECT_EQ(
      lines_of(
          read_lb(edited(both, probe0 + "/probeThreshold", 3)).report.warnings),
      lines{});
}

TEST(load_balancer, rule_ports_and_idle_timeout_ranges) {
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/frontendPort", 0)), lines{});
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/frontendPort", 65535)),
            lines{"properties.loadBalancingRules[0].properties.frontendPort: "
                  "65535 is out of range (0 to 65534)"});
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/backendPort", 65536)),
            lines{"properties.loadBalancingRules[0].properties.backendPort: "
                  "65536 is out of range (0 to 65535)"});
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/idleTimeoutInMinutes", 100)),
            lines{});
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/idleTimeoutInMinutes", 3)),
            lines{"properties.loadBalancingRules[0].properties."
                  "idleTimeoutInMinutes: 3 is out of range (4 to 100)"});
}

TEST(load_balancer, rule_protocol_and_distribution_values) {
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/protocol", "All")), lines{});
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/protocol", "Icmp")),
            lines{"properties.loadBalancingRules[0].properties.protocol: "
                  "\"Icmp\" is not one of Udp, Tcp, All"});
  EXPECT_EQ(
      lb_errors(edited(lb_body(), rule0 + "/loadDistribution", "SourceIP")),
      lines{});
  EXPECT_EQ(
      lb_errors(edited(lb_body(), rule0 + "/loadDistribution", "SourceIPPort")),
      lines{"properties.loadBalancingRules[0].properties.loadDistribution: "
            "\"SourceIPPort\" is not one of Default, SourceIP, "
            "SourceIPProtocol"});
}

TEST(load_balancer, rule_references_name_items_of_this_load_balancer) {
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/probe/id",
                             lb_id + "/probes/missing")),
            lines{"properties.loadBalancingRules[0].properties.probe.id: names "
                  "probe \"missing\", which this load balancer does not have "
                  "(probes: health)"});
  EXPECT_EQ(lb_errors(edited(lb_body(), rule0 + "/backendAddressPool/id",
                             lb_id + "/probes/health")),
            lines{"properties.loadBalancingRules[0].properties."
                  "backendAddressPool.id: \"" +
                  lb_id +
                  "/probes/health\" is not the id of a backend address pool "
                  "(…/loadBalancers/NAME/backendAddressPools/NAME)"});
  auto other = "/subscriptions/s/resourceGroups/rg/providers/"
               "Microsoft.Network/loadBalancers/other-lb";
  EXPECT_EQ(
      lb_errors(edited(lb_body(), rule0 + "/frontendIPConfiguration/id",
                       std::string(other) + "/frontendIPConfigurations/front")),
      lines{"properties.loadBalancingRules[0].properties."
            "frontendIPConfiguration.id: names load balancer \"other-lb\", not "
            "this one (\"web-lb\")"});
}

TEST(load_balancer, references_accept_relative_and_any_case_forms) {
  auto body = edited(lb_body(), rule0 + "/probe/id",
                     "Microsoft.Network/loadBalancers/web-lb/probes/health");
  body = edited(body, rule0 + "/frontendIPConfiguration/id",
                lb_id + "/frontendIpConfigurations/FRONT");
  body = edited(body, rule0 + "/backendAddressPools",
                json::array({{{"id", lb_id + "/backendAddressPools/pool"}}}));
  EXPECT_EQ(lb_errors(body), lines{});
  EXPECT_EQ(lb_errors(edited(body, rule0 + "/backendAddressPools/0/id",
                             lb_id + "/backendAddressPools/pool2")),
            lines{"properties.loadBalancingRules[0].properties."
                  "backendAddressPools[0].id: names backend address pool "
                  "\"pool2\", which this load balancer does not have "
                  "(backendAddressPools: pool)"});
}

TEST(load_balancer, duplicate_names_in_a_collection) {
  auto body = lb_body();
  body["properties"]["backendAddressPools"].push_back({{"name", "Pool"}});
  EXPECT_EQ(lb_errors(body),
            lines{"properties.backendAddressPools[1].name: \"Pool\" is also "
                  "the name of properties.backendAddressPools[0] (names are "
                  "unique)"});
  auto rules = lb_body();
  auto rule = rules["properties"]["loadBalancingRules"][0];
  rule["properties"]["frontendPort"] = 443;
  rules["properties"]["loadBalancingRules"].push_back(rule);
  EXPECT_EQ(lb_errors(rules),
            lines{"properties.loadBalancingRules[1].name: \"http\" is also "
                  "the name of properties.loadBalancingRules[0] (names are "
                  "unique)"});
}

TEST(load_balancer, frontend_port_unique_per_frontend_and_protocol) {
  auto body = lb_body();
  auto rule = body["properties"]["loadBalancingRules"][0];
  rule["name"] = "http-again";
  body["properties"]["loadBalancingRules"].push_back(rule);
  EXPECT_EQ(lb_errors(body),
            lines{"properties.loadBalancingRules[1].properties.frontendPort: "
                  "80 is already used with this frontend and protocol by "
                  "properties.loadBalancingRules[0] (ports are unique per "
                  "frontend and protocol)"});
  rule["properties"]["protocol"] = "Udp";
  body["properties"]["loadBalancingRules"][1] = rule;
  EXPECT_EQ(lb_errors(body), lines{});
}

TEST(load_balancer, not_modelled_fields_are_listed_with_their_paths) {
  auto body = lb_body(
      {{"properties",
        {{"inboundNatRules", json::array()}, {"outboundRules", json::array()}}},
       {"etag", "W/\"1\""}});
  auto r = read_lb(body);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  // location (its region) and a frontend's publicIPAddress (how Traffic
  // Manager endpoints reach it) are modelled.
  EXPECT_EQ(r.report.not_modelled, (lines{"properties.inboundNatRules",
                                          "properties.outboundRules", "etag"}));
}

TEST(load_balancer, unknown_fields_are_errors_with_a_suggestion) {
  EXPECT_EQ(lb_errors(edited(lb_body(), probe0 + "/intervalInSecond", 5)),
            lines{"properties.probes[0].properties.intervalInSecond: unknown "
                  "field (did you mean intervalInSeconds?)"});
}

TEST(load_balancer, azure_leniency_quoted_numbers_booleans_and_case) {
  auto body = edited(lb_body(), probe0 + "/port", "80");
  body = edited(body, rule0 + "/enableFloatingIP", "true");
  body = edited(body, rule0 + "/protocol", "tcp");
  auto r = read_lb(body);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(lines_of(r.report.warnings),
            (lines{"properties.probes[0].properties.port: the string \"80\" "
                   "read as 80",
                   "properties.loadBalancingRules[0].properties."
                   "enableFloatingIP: the string \"true\" read as true"}));
  const auto& rule =
      r.lb.model.properties().load_balancing_rules(0).properties();
  EXPECT_TRUE(rule.enable_floating_ip());
  EXPECT_EQ(rule.protocol(), net::LoadBalancingRuleProperties::Tcp);
}

TEST(load_balancer, drain_period_is_read) {
  auto r =
      read_lb(edited(lb_body(), "/properties/backendAddressPools/0/properties",
                     {{"drainPeriodInSeconds", 30}}));
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(r.lb.model.properties()
                .backend_address_pools(0)
                .properties()
                .drain_period_in_seconds(),
            30);
  EXPECT_EQ(lb_errors(edited(lb_body(),
                             "/properties/backendAddressPools/0/properties",
                             {{"drainPeriodInSeconds", -1}})),
            lines{"properties.backendAddressPools[0].properties."
                  "drainPeriodInSeconds: -1 is out of range (0 to "
                  "2147483647)"});
}

// --- Traffic Manager -------------------------------------------------------

const std::string tm_endpoints = "/properties/endpoints";

/// A Priority profile with two external endpoints.
json tm_body() {
  return {
      {"name", "web-tm"},
      {"location", "global"},
      {"properties",
       {{"profileStatus", "Enabled"},
        {"trafficRoutingMethod", "Priority"},
        {"dnsConfig", {{"relativeName", "web-tm"}, {"ttl", 30}}},
        {"monitorConfig",
         {{"protocol", "HTTP"}, {"port", 80}, {"path", "/health"}}},
        {"endpoints",
         {{{"name", "west"},
           {"type", "Microsoft.Network/trafficManagerProfiles/"
                    "externalEndpoints"},
           {"properties", {{"target", "west.example.com"}, {"priority", 1}}}},
          {{"name", "east"},
           {"type", "Microsoft.Network/trafficManagerProfiles/"
                    "externalEndpoints"},
           {"properties",
            {{"target", "east.example.com"}, {"priority", 2}}}}}}}}};
}

struct tm_read {
  traffic_manager_profile tm;
  read_report report;
};

tm_read read_tm(const json& body) {
  tm_read r;
  r.tm = read_traffic_manager_profile(body, "", "fallback", r.report);
  return r;
}

lines tm_errors(const json& body) {
  return lines_of(read_tm(body).report.errors);
}

const std::string monitor = "/properties/monitorConfig";
const std::string e0 = "/properties/endpoints/0/properties";
const std::string e1 = "/properties/endpoints/1/properties";

TEST(traffic_manager, reads_a_valid_profile_with_defaults_marked) {
  auto r = read_tm(tm_body());
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(lines_of(r.report.warnings), lines{});
  EXPECT_EQ(r.report.not_modelled, lines{"location"});
  const auto& m = r.tm.model.properties().monitor_config();
  EXPECT_EQ(m.interval_in_seconds(), 30);
  EXPECT_EQ(m.timeout_in_seconds(), 10);
  EXPECT_EQ(m.tolerated_number_of_failures(), 3);
  ASSERT_EQ(m.expected_status_code_ranges_size(), 1);
  EXPECT_EQ(m.expected_status_code_ranges(0).min(), 200);
  EXPECT_EQ(m.expected_status_code_ranges(0).max(), 200);
  EXPECT_EQ(r.tm.defaulted,
            (lines{"properties.monitorConfig.intervalInSeconds",
                   "properties.monitorConfig.timeoutInSeconds",
                   "properties.monitorConfig.toleratedNumberOfFailures",
                   "properties.monitorConfig.expectedStatusCodeRanges",
                   "properties.endpoints[0].properties.endpointStatus",
                   "properties.endpoints[0].properties.alwaysServe",
                   "properties.endpoints[1].properties.endpointStatus",
                   "properties.endpoints[1].properties.alwaysServe"}));
}

TEST(traffic_manager, profile_status_and_ttl_defaults) {
  auto body = tm_body();
  body["properties"].erase("profileStatus");
  body["properties"]["dnsConfig"].erase("ttl");
  auto r = read_tm(body);
  EXPECT_EQ(r.tm.model.properties().profile_status(),
            net::ProfileStatus::Enabled);
  EXPECT_EQ(r.tm.model.properties().dns_config().ttl(), 60);
  EXPECT_TRUE(contains(r.tm.defaulted, "properties.profileStatus"));
  EXPECT_TRUE(contains(r.tm.defaulted, "properties.dnsConfig.ttl"));
}

TEST(traffic_manager, type_must_be_traffic_manager_profiles) {
  auto body = tm_body();
  body["type"] = "Microsoft.Network/trafficManagerProfiles";
  EXPECT_EQ(tm_errors(body), lines{});
  body["type"] = "Microsoft.Network/loadBalancers";
  EXPECT_EQ(tm_errors(body),
            lines{"type: \"Microsoft.Network/loadBalancers\" is not "
                  "Microsoft.Network/trafficManagerProfiles"});
}

TEST(traffic_manager, routing_method_dns_and_monitor_are_required) {
  json body = {{"properties", json::object()}};
  EXPECT_EQ(tm_errors(body),
            (lines{"properties.trafficRoutingMethod: missing (required)",
                   "properties.dnsConfig: missing (required)",
                   "properties.monitorConfig: missing (required)"}));
  EXPECT_EQ(tm_errors(edited(tm_body(), "/properties/trafficRoutingMethod",
                             "RoundRobin")),
            lines{"properties.trafficRoutingMethod: \"RoundRobin\" is not one "
                  "of Performance, Priority, Weighted, Geographic, MultiValue, "
                  "Subnet"});
}

TEST(traffic_manager, ttl_range) {
  EXPECT_EQ(
      tm_errors(edited(tm_body(), "/properties/dnsConfig/ttl", 2147483647)),
      lines{});
  EXPECT_EQ(tm_errors(edited(tm_body(), "/properties/dnsConfig/ttl", -1)),
            lines{"properties.dnsConfig.ttl: -1 is out of range (0 to "
                  "2147483647)"});
}

TEST(traffic_manager, monitor_interval_is_30_or_10) {
  auto fast = read_tm(edited(tm_body(), monitor + "/intervalInSeconds", 10));
  EXPECT_EQ(lines_of(fast.report.errors), lines{});
  EXPECT_EQ(fast.tm.model.properties().monitor_config().timeout_in_seconds(),
            9);
  EXPECT_EQ(tm_errors(edited(tm_body(), monitor + "/intervalInSeconds", 20)),
            lines{"properties.monitorConfig.intervalInSeconds: 20 is not 30 "
                  "(normal probing) or 10 (fast probing)"});
}

TEST(traffic_manager, a_refused_interval_is_reported_once) {
  auto r = read_tm(edited(tm_body(), monitor + "/intervalInSeconds", "fast"));
  EXPECT_EQ(lines_of(r.report.errors),
            lines{"properties.monitorConfig.intervalInSeconds: is a string, "
                  "not a whole number"});
  EXPECT_FALSE(
      contains(r.tm.defaulted, "properties.monitorConfig.intervalInSeconds"));
}

TEST(traffic_manager, monitor_timeout_range_depends_on_interval) {
  EXPECT_EQ(tm_errors(edited(tm_body(), monitor + "/timeoutInSeconds", 10)),
            lines{});
  EXPECT_EQ(tm_errors(edited(tm_body(), monitor + "/timeoutInSeconds", 4)),
            lines{"properties.monitorConfig.timeoutInSeconds: 4 is out of "
                  "range (5 to 10 with an interval of 30 s)"});
  auto fast = edited(tm_body(), monitor + "/intervalInSeconds", 10);
  EXPECT_EQ(tm_errors(edited(fast, monitor + "/timeoutInSeconds", 9)), lines{});
  EXPECT_EQ(tm_errors(edited(fast, monitor + "/timeoutInSeconds", 10)),
            lines{"properties.monitorConfig.timeoutInSeconds: 10 is out of "
                  "range (5 to 9 with an interval of 10 s)"});
}

TEST(traffic_manager, tolerated_failures_range) {
  EXPECT_EQ(
      tm_errors(edited(tm_body(), monitor + "/toleratedNumberOfFailures", 0)),
      lines{});
  EXPECT_EQ(
      tm_errors(edited(tm_body(), monitor + "/toleratedNumberOfFailures", 10)),
      lines{"properties.monitorConfig.toleratedNumberOfFailures: 10 is out of "
            "range (0 to 9)"});
}

TEST(traffic_manager, monitor_path_required_for_http_forbidden_for_tcp) {
  auto no_path = tm_body();
  no_path["properties"]["monitorConfig"].erase("path");
  EXPECT_EQ(tm_errors(no_path),
            lines{"properties.monitorConfig.path: missing (required for HTTP "
                  "and HTTPS monitoring)"});
  auto tcp = edited(no_path, monitor + "/protocol", "TCP");
  EXPECT_EQ(tm_errors(tcp), lines{});
  EXPECT_EQ(tm_errors(edited(tcp, monitor + "/path", "/")),
            lines{"properties.monitorConfig.path: is not allowed for TCP "
                  "monitoring"});
}

TEST(traffic_manager, status_code_ranges_and_headers) {
  json ranges = json::array({{{"min", 200}, {"max", 299}}});
  auto r =
      read_tm(edited(tm_body(), monitor + "/expectedStatusCodeRanges", ranges));
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_FALSE(contains(r.tm.defaulted,
                        "properties.monitorConfig.expectedStatusCodeRanges"));
  EXPECT_EQ(tm_errors(edited(tm_body(), monitor + "/expectedStatusCodeRanges",
                             json::array({{{"min", 301}, {"max", 300}}}))),
            lines{"properties.monitorConfig.expectedStatusCodeRanges[0].max: "
                  "300 is below min 301"});
  json nine = json::array();
  for (int i = 0; i < 9; ++i)
    nine.push_back({{"name", "h" + std::to_string(i)}, {"value", "v"}});
  EXPECT_EQ(tm_errors(edited(tm_body(), monitor + "/customHeaders", nine)),
            lines{"properties.monitorConfig.customHeaders: has 9 headers (at "
                  "most 8)"});
  nine.erase(8);
  EXPECT_EQ(tm_errors(edited(tm_body(), monitor + "/customHeaders", nine)),
            lines{});
}

TEST(traffic_manager, status_code_ranges_are_ignored_for_tcp) {
  auto tcp = edited(tm_body(), monitor + "/protocol", "TCP");
  tcp["properties"]["monitorConfig"].erase("path");
  auto r = read_tm(edited(tcp, monitor + "/expectedStatusCodeRanges",
                          json::array({{{"min", 200}, {"max", 200}}})));
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(lines_of(r.report.warnings),
            lines{"properties.monitorConfig.expectedStatusCodeRanges: applies "
                  "to HTTP and HTTPS only: ignored for TCP"});
}

TEST(traffic_manager, endpoint_types_full_short_and_unknown) {
  auto r = read_tm(
      edited(tm_body(), "/properties/endpoints/0/type", "externalendpoints"));
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(
      lines_of(r.report.warnings),
      lines{"properties.endpoints[0].type: read as "
            "Microsoft.Network/trafficManagerProfiles/externalEndpoints"});
  EXPECT_EQ(r.tm.model.properties().endpoints(0).type(),
            "Microsoft.Network/trafficManagerProfiles/externalEndpoints");
  EXPECT_EQ(tm_errors(edited(tm_body(), "/properties/endpoints/0/type",
                             "Microsoft.Network/trafficManagerProfiles/"
                             "cdnEndpoints")),
            lines{"properties.endpoints[0].type: \"Microsoft.Network/"
                  "trafficManagerProfiles/cdnEndpoints\" is not an endpoint "
                  "type (Microsoft.Network/trafficManagerProfiles/"
                  "azureEndpoints, externalEndpoints or nestedEndpoints)"});
}

TEST(traffic_manager, endpoint_targets_by_type) {
  auto azure =
      edited(tm_body(), "/properties/endpoints/0/type",
             "Microsoft.Network/trafficManagerProfiles/azureEndpoints");
  EXPECT_EQ(tm_errors(azure),
            lines{"properties.endpoints[0].properties.targetResourceId: "
                  "missing (required for azureEndpoints)"});
  EXPECT_EQ(tm_errors(edited(azure, e0 + "/targetResourceId",
                             "/subscriptions/s/resourceGroups/rg/providers/"
                             "Microsoft.Network/publicIPAddresses/west-ip")),
            lines{});
  auto external = edited(tm_body(), e0 + "/targetResourceId", "/x");
  EXPECT_EQ(tm_errors(external),
            lines{"properties.endpoints[0].properties.targetResourceId: is "
                  "not allowed for externalEndpoints (give target)"});
  auto no_target = tm_body();
  no_target[json::json_pointer(e0)].erase("target");
  EXPECT_EQ(tm_errors(no_target),
            lines{"properties.endpoints[0].properties.target: missing "
                  "(required for externalEndpoints)"});
}

TEST(traffic_manager, endpoint_weight_and_priority_ranges) {
  EXPECT_EQ(tm_errors(edited(tm_body(), e0 + "/priority", 1000)), lines{});
  EXPECT_EQ(tm_errors(edited(tm_body(), e0 + "/priority", 1001)),
            lines{"properties.endpoints[0].properties.priority: 1001 is out "
                  "of range (1 to 1000)"});
  EXPECT_EQ(tm_errors(edited(tm_body(), e0 + "/weight", 0)),
            lines{"properties.endpoints[0].properties.weight: 0 is out of "
                  "range (1 to 1000)"});
}

TEST(traffic_manager, priorities_are_unique) {
  EXPECT_EQ(tm_errors(edited(tm_body(), e1 + "/priority", 1)),
            lines{"properties.endpoints[1].properties.priority: 1 is also the "
                  "priority of properties.endpoints[0] (priorities are "
                  "unique)"});
}

TEST(traffic_manager, priorities_on_all_endpoints_or_none) {
  auto one = tm_body();
  one[json::json_pointer(e1)].erase("priority");
  EXPECT_EQ(tm_errors(one),
            lines{"properties.endpoints[1].properties.priority: missing "
                  "(other endpoints give one: give a priority on all "
                  "endpoints or none)"});
  one[json::json_pointer(e0)].erase("priority");
  auto r = read_tm(one);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(r.tm.model.properties().endpoints(0).properties().priority(), 1);
  EXPECT_EQ(r.tm.model.properties().endpoints(1).properties().priority(), 2);
  EXPECT_TRUE(
      contains(r.tm.defaulted, "properties.endpoints[1].properties.priority"));
}

TEST(traffic_manager, weighted_defaults_weight_to_one) {
  auto r = read_tm(
      edited(tm_body(), "/properties/trafficRoutingMethod", "Weighted"));
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(r.tm.model.properties().endpoints(0).properties().weight(), 1);
  EXPECT_TRUE(
      contains(r.tm.defaulted, "properties.endpoints[0].properties.weight"));
}

TEST(traffic_manager, performance_needs_a_location_for_external_endpoints) {
  auto perf =
      edited(tm_body(), "/properties/trafficRoutingMethod", "Performance");
  EXPECT_EQ(tm_errors(perf),
            (lines{"properties.endpoints[0].properties.endpointLocation: "
                   "missing (required for externalEndpoints under Performance "
                   "routing)",
                   "properties.endpoints[1].properties.endpointLocation: "
                   "missing (required for externalEndpoints under Performance "
                   "routing)"}));
  perf = edited(perf, e0 + "/endpointLocation", "West Europe");
  perf = edited(perf, e1 + "/endpointLocation", "East US");
  EXPECT_EQ(tm_errors(perf), lines{});
}

TEST(traffic_manager, geographic_needs_disjoint_regions) {
  auto geo =
      edited(tm_body(), "/properties/trafficRoutingMethod", "Geographic");
  geo = edited(geo, e0 + "/geoMapping", json::array({"GEO-EU", "DE"}));
  EXPECT_EQ(tm_errors(geo),
            lines{"properties.endpoints[1].properties.geoMapping: missing "
                  "(every endpoint needs regions under Geographic routing)"});
  EXPECT_EQ(tm_errors(edited(geo, e1 + "/geoMapping", json::array({"GEO-NA"}))),
            lines{});
  EXPECT_EQ(
      tm_errors(edited(geo, e1 + "/geoMapping", json::array({"US", "de"}))),
      lines{"properties.endpoints[1].properties.geoMapping[1]: \"de\" "
            "is already mapped to properties.endpoints[0] (a region "
            "maps to one endpoint)"});
}

TEST(traffic_manager, multivalue_takes_external_endpoints_only) {
  auto multi =
      edited(tm_body(), "/properties/trafficRoutingMethod", "MultiValue");
  EXPECT_EQ(tm_errors(multi), lines{});
  multi = edited(multi, "/properties/endpoints/1/type",
                 "Microsoft.Network/trafficManagerProfiles/nestedEndpoints");
  multi = edited(multi, e1 + "/targetResourceId", "/subscriptions/s/child");
  multi[json::json_pointer(e1)].erase("target");
  EXPECT_EQ(tm_errors(multi),
            lines{"properties.endpoints[1].type: MultiValue routing takes "
                  "externalEndpoints only"});
}

TEST(traffic_manager, duplicate_endpoint_names) {
  EXPECT_EQ(
      tm_errors(edited(tm_body(), "/properties/endpoints/1/name", "WEST")),
      lines{"properties.endpoints[1].name: \"WEST\" is also the name of "
            "properties.endpoints[0] (names are unique)"});
}

TEST(traffic_manager, not_modelled_unknown_and_leniency) {
  auto body = tm_body();
  body["properties"]["trafficViewEnrollmentStatus"] = "Disabled";
  body["properties"]["maxReturn"] = 2;
  body[json::json_pointer(e0)]["subnets"] = json::array();
  body["properties"]["monitorConfig"]["port"] = "443";
  body["properties"]["monitorConfig"]["protocol"] = "https";
  auto r = read_tm(body);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(r.report.not_modelled,
            (lines{"location", "properties.endpoints[0].properties.subnets",
                   "properties.trafficViewEnrollmentStatus",
                   "properties.maxReturn"}));
  EXPECT_EQ(lines_of(r.report.warnings),
            lines{"properties.monitorConfig.port: the string \"443\" read as "
                  "443"});
  EXPECT_EQ(r.tm.model.properties().monitor_config().protocol(),
            net::MonitorConfig::HTTPS);
  EXPECT_EQ(
      tm_errors(edited(tm_body(), monitor + "/tolerateNumberOfFailures", 3)),
      lines{"properties.monitorConfig.tolerateNumberOfFailures: unknown "
            "field (did you mean toleratedNumberOfFailures?)"});
}

} // namespace
