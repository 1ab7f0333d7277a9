// The resources of a file or scenario (input/azure/resources.hpp): what
// kind of Azure JSON a document is, its REST body, and the checks across
// resources.

#include "input/azure/resources.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss::input;
using namespace vmss::input::azure;
using json = nlohmann::ordered_json;
using lines = std::vector<std::string>;

const std::string lb_id = "/subscriptions/s/resourceGroups/g/providers/"
                          "Microsoft.Network/loadBalancers/";

json scale_set_in_pool(const std::string& pool, const std::string& probe) {
  return json::parse(R"({"name": "web", "location": "westeurope",
    "sku": {"name": "Standard_B2s", "capacity": 1},
    "properties": {"virtualMachineProfile": {
      "storageProfile": {"imageReference": {"publisher": "Canonical",
        "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}},
      "networkProfile": {"healthProbe": {"id": ")" +
                     lb_id + "lb/probes/" + probe + R"("},
        "networkInterfaceConfigurations": [{"name": "nic", "properties": {
          "primary": true, "ipConfigurations": [{"name": "ip", "properties": {
            "loadBalancerBackendAddressPools": [{"id": ")" +
                     lb_id + "lb/backendAddressPools/" + pool +
                     R"("}]}}]}}]}}}})");
}

const json load_balancer = json::parse(R"({"name": "lb",
  "sku": {"name": "Standard"}, "location": "westeurope", "properties": {
    "frontendIPConfigurations": [{"name": "front"}],
    "backendAddressPools": [{"name": "pool"}],
    "probes": [{"name": "http", "properties": {"protocol": "Http",
      "port": 80, "requestPath": "/"}}]}})");

struct checked {
  lines errors, warnings;
};

checked check(const json& set, bool with_lb, bool complete) {
  resources r;
  read_report report;
  add_resource(scale_set_type, set, {"f.json", "resources[1]"}, "", r, report);
  if (with_lb)
    add_resource(load_balancer_type, load_balancer, {"f.json", "resources[0]"},
                 "", r, report);
  EXPECT_TRUE(report.errors.empty()) << report.errors[0].reason;
  std::vector<located_diagnostic> errors, warnings;
  check_references(r, complete, errors, warnings);
  checked out;
  for (const auto& e : errors)
    out.errors.push_back(e.line());
  for (const auto& w : warnings)
    out.warnings.push_back(w.line());
  return out;
}

const std::string nic = "f.json: resources[1].properties.virtualMachineProfile."
                        "networkProfile.";

TEST(resources, a_scale_sets_pool_and_probe_are_its_load_balancers) {
  auto ok = check(scale_set_in_pool("pool", "http"), true, true);
  EXPECT_EQ(ok.errors, lines{});
  EXPECT_EQ(ok.warnings, lines{});
  auto wrong = check(scale_set_in_pool("pol", "tcp"), true, false);
  EXPECT_EQ(wrong.errors,
            (lines{nic + "healthProbe.id: load balancer \"lb\" has no probes "
                         "entry \"tcp\"",
                   nic + "networkInterfaceConfigurations[0].properties."
                         "ipConfigurations[0].properties."
                         "loadBalancerBackendAddressPools[0].id: load "
                         "balancer \"lb\" has no backendAddressPools entry "
                         "\"pol\""}));
}

TEST(resources, a_load_balancer_not_given_is_a_warning_only_in_a_scenario) {
  auto alone = check(scale_set_in_pool("pool", "http"), false, false);
  EXPECT_EQ(alone.errors, lines{});
  EXPECT_EQ(alone.warnings, lines{});
  auto scenario = check(scale_set_in_pool("pool", "http"), false, true);
  EXPECT_EQ(scenario.errors, lines{});
  ASSERT_EQ(scenario.warnings.size(), 2u);
  EXPECT_EQ(scenario.warnings[0],
            nic + "healthProbe.id: load balancer \"lb\" is not in the "
                  "scenario: its traffic is not simulated");
}

TEST(resources, names_are_unique_per_type_ignoring_case) {
  resources r;
  read_report report;
  auto lb2 = load_balancer;
  lb2["name"] = "LB";
  add_resource(load_balancer_type, load_balancer, {"a.json", ""}, "", r,
               report);
  add_resource(load_balancer_type, lb2, {"b.json", ""}, "", r, report);
  std::vector<located_diagnostic> errors, warnings;
  check_references(r, true, errors, warnings);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line(), "b.json: name: load balancer \"LB\" is "
                              "declared twice (also at a.json)");
}

TEST(resources, other_types_are_not_modelled_and_malformed_ones_refused) {
  resources r;
  read_report report;
  add_resource("Microsoft.Network/virtualNetworks", json::object(),
               {"t.json", "resources[0]"}, "vnet", r, report);
  add_resource("virtualNetworks", json::object(), {"t.json", "resources[1]"},
               "x", r, report);
  ASSERT_EQ(r.not_modelled.size(), 1u);
  EXPECT_EQ(r.not_modelled[0].type, "Microsoft.Network/virtualNetworks");
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].path, "resources[1].type");
}

TEST(resources, documents_are_told_apart_by_their_shape) {
  EXPECT_EQ(
      kind_of(json::parse(
          R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0", "resources": []})")),
      document_kind::template_file);
  EXPECT_EQ(kind_of(json::parse(R"({"parameters": {"a": {"value": 1}}})")),
            document_kind::parameters_file);
  auto example = json::parse(R"({"parameters": {"vmScaleSetName": "web",
    "parameters": {"location": "westeurope", "properties":
    {"upgradePolicy": {}}}}, "responses": {}})");
  EXPECT_EQ(kind_of(example), document_kind::rest_example);
  auto body = find_rest_body(example);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->type, scale_set_type);
  EXPECT_EQ(body->name, "web");
  EXPECT_EQ(body->path, "parameters.parameters");
  // Azure's PATCH example of an autoscale setting names its body
  // autoscaleSettingResource (patchAutoscaleSetting.json, 2022-10-01).
  auto patch = json::parse(R"({"parameters": {"autoscaleSettingName": "as",
    "api-version": "2022-10-01", "autoscaleSettingResource": {"tags": {},
    "properties": {"profiles": []}}}, "responses": {"200": {}}})");
  EXPECT_EQ(kind_of(patch), document_kind::rest_example);
  auto patch_body = find_rest_body(patch);
  ASSERT_TRUE(patch_body);
  EXPECT_EQ(patch_body->type, autoscale_type);
  EXPECT_EQ(patch_body->name, "as");
  EXPECT_EQ(patch_body->path, "parameters.autoscaleSettingResource");
  EXPECT_EQ(kind_of(json::parse(R"({"properties": {"profiles": []}})")),
            document_kind::rest_body);
  EXPECT_EQ(
      find_rest_body(json::parse(R"({"properties": {"probes": []}})"))->type,
      load_balancer_type);
  EXPECT_EQ(kind_of(json::parse(R"({"name": "s", "duration": "1s"})")),
            document_kind::not_azure);
}

} // namespace
