// The scale-set REST body (input/azure/scale_set.cpp): the schema, Azure's
// rules with a passing and a failing input each, leniency, not-modelled
// fields and defaults (docs/azure-input.md, "Scale sets").

#include "input/azure/scale_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using namespace vmss::input;
using namespace vmss::input::azure;
namespace cp = vmss::azure::compute;
using json = nlohmann::ordered_json;
using lines = std::vector<std::string>;

const char* const lb = "/subscriptions/s1/resourceGroups/rg/providers/"
                       "Microsoft.Network/loadBalancers/";

/// A zone-redundant Uniform set behind a load balancer with its probe: the
/// shape of a REST PUT body, written for these tests.
json base_body() {
  auto probe = std::string(lb) + "web-lb/probes/http";
  auto pool = std::string(lb) + "web-lb/backendAddressPools/web";
  return json::parse(R"({
    "name": "web",
    "location": "westeurope",
    "sku": {"name": "Standard_D2s_v3", "tier": "Standard", "capacity": 3},
    "zones": ["1", "2", "3"],
    "properties": {
      "virtualMachineProfile": {
        "storageProfile": {"imageReference": {"publisher": "Canonical",
          "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}},
        "networkProfile": {
          "healthProbe": {"id": ")" +
                     probe + R"("},
          "networkInterfaceConfigurations": [{"name": "nic", "properties": {
            "primary": true,
            "ipConfigurations": [{"name": "ip", "properties": {
              "subnet": {"id": "/subscriptions/s1/virtualNetworks/v/subnets/a"},
              "loadBalancerBackendAddressPools": [{"id": ")" +
                     pool + R"("}]}}]}}]},
        "osProfile": {"computerNamePrefix": "web", "adminUsername": "azure"}
      }
    }
  })");
}

/// The Application Health extension over HTTP (rich states), as a
/// networkProfile-free health source.
json health_extension(const char* version = "2.0") {
  return json::parse(R"({"name": "health", "properties": {
    "publisher": "Microsoft.ManagedServices", "type": "ApplicationHealthLinux",
    "typeHandlerVersion": ")" +
                     std::string(version) +
                     R"(", "autoUpgradeMinorVersion": true,
    "settings": {"protocol": "http", "port": 8080, "requestPath": "/health"}}})");
}

/// A JSON merge patch (RFC 7396) turning the base body into the same body
/// with the extension as its only health source.
json with_extension_only(json patch = json::object()) {
  json p = json::parse(R"({"properties": {"virtualMachineProfile": {
    "networkProfile": {"healthProbe": null},
    "extensionProfile": {"extensions": []}}}})");
  p["properties"]["virtualMachineProfile"]["extensionProfile"]["extensions"]
      .push_back(health_extension());
  p.merge_patch(patch);
  return p;
}

struct result {
  scale_set set;
  read_report report;
};

result read(const json& patch, const std::string& name = "") {
  auto body = base_body();
  body.merge_patch(patch);
  result r;
  r.set = read_scale_set(body, "", name, r.report);
  return r;
}

result read_text(const std::string& patch) {
  return read(json::parse(patch));
}

lines lines_of(const std::vector<diagnostic>& ds) {
  lines out;
  for (const auto& d : ds)
    out.push_back(d.path + ": " + d.reason);
  return out;
}

lines errors(const char* patch) {
  return lines_of(read_text(patch).report.errors);
}

lines errors(const json& patch) {
  return lines_of(read(patch).report.errors);
}

bool defaulted(const scale_set& s, const std::string& path) {
  return std::find(s.defaulted.begin(), s.defaulted.end(), path) !=
         s.defaulted.end();
}

TEST(scale_set, reads_the_modelled_fields_and_lists_the_others_by_path) {
  auto r = read(json::object());
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(lines_of(r.report.warnings), lines{});
  EXPECT_EQ(r.set.name, "web");
  const auto& m = r.set.model;
  EXPECT_EQ(m.sku().capacity(), 3);
  EXPECT_EQ(m.zones_size(), 3);
  const auto& vm = m.properties().virtual_machine_profile();
  EXPECT_EQ(vm.storage_profile().image_reference().version(), "latest");
  EXPECT_EQ(vm.network_profile().health_probe().id(),
            std::string(lb) + "web-lb/probes/http");
  EXPECT_EQ(vm.network_profile()
                .network_interface_configurations(0)
                .properties()
                .ip_configurations(0)
                .properties()
                .load_balancer_backend_address_pools(0)
                .id(),
            std::string(lb) + "web-lb/backendAddressPools/web");
  EXPECT_EQ(r.report.not_modelled,
            (lines{"properties.virtualMachineProfile.networkProfile."
                   "networkInterfaceConfigurations[0].properties."
                   "ipConfigurations[0].properties.subnet",
                   "properties.virtualMachineProfile.osProfile"}));
  EXPECT_FALSE(r.set.application_health);
}

TEST(scale_set, paths_carry_the_body_path_and_the_caller_names_a_nameless_set) {
  auto body = base_body();
  body.erase("name");
  body["sku"]["capacity"] = 2000;
  read_report report;
  auto s = read_scale_set(body, "resources[2]", "from-template", report);
  EXPECT_EQ(s.name, "from-template");
  EXPECT_EQ(lines_of(report.errors),
            lines{"resources[2].sku.capacity: 2000 is out of range (0 to "
                  "1000)"});
  EXPECT_TRUE(defaulted(s, "resources[2].properties.overprovision"));
  read_report none;
  body["sku"]["capacity"] = 3;
  // A PUT body's name is in its URL, not in the body.
  auto unnamed = read_scale_set(body, "", "", none);
  EXPECT_EQ(lines_of(none.errors), lines{});
  EXPECT_EQ(unnamed.name, "");
}

TEST(scale_set, unknown_fields_are_errors_with_a_suggestion) {
  EXPECT_EQ(errors(R"({"properties": {"overprovisioned": true}})"),
            lines{"properties.overprovisioned: unknown field (did you mean "
                  "overprovision?)"});
  EXPECT_EQ(errors(R"({"sku": {"size": "Standard_D2s_v3"}})"),
            lines{"sku.size: unknown field (fields: name, tier, capacity)"});
}

TEST(scale_set, reads_quoted_numbers_and_booleans_and_any_letter_case) {
  auto r = read_text(R"({"sku": {"capacity": "4"}, "properties": {
    "Overprovision": "false", "upgradePolicy": {"mode": "rolling",
      "rollingUpgradePolicy": {"MaxSurge": "true"}},
    "automaticRepairsPolicy": {"enabled": "true", "gracePeriod": "PT30M"}}})");
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  const auto& p = r.set.model.properties();
  EXPECT_EQ(r.set.model.sku().capacity(), 4);
  EXPECT_FALSE(p.overprovision());
  EXPECT_EQ(p.upgrade_policy().mode(), cp::UpgradePolicy::Rolling);
  EXPECT_TRUE(p.upgrade_policy().rolling_upgrade_policy().max_surge());
  EXPECT_TRUE(p.automatic_repairs_policy().enabled());
  EXPECT_EQ(lines_of(r.report.warnings),
            (lines{"sku.capacity: the string \"4\" read as 4",
                   "properties.Overprovision: read as overprovision (Azure "
                   "ignores letter case in names)",
                   "properties.Overprovision: the string \"false\" read as "
                   "false",
                   "properties.upgradePolicy.rollingUpgradePolicy.MaxSurge: "
                   "read as maxSurge (Azure ignores letter case in names)",
                   "properties.upgradePolicy.rollingUpgradePolicy.MaxSurge: "
                   "the string \"true\" read as true",
                   "properties.automaticRepairsPolicy.enabled: the string "
                   "\"true\" read as true"}));
}

TEST(scale_set_rules, sku_capacity_is_a_whole_number_from_0_to_1000) {
  EXPECT_EQ(errors(R"({"sku": {"capacity": 0}})"), lines{});
  EXPECT_EQ(errors(R"({"sku": {"capacity": 1000},
                       "properties": {"singlePlacementGroup": false}})"),
            lines{});
  EXPECT_EQ(errors(R"({"sku": {"capacity": 1001}})"),
            lines{"sku.capacity: 1001 is out of range (0 to 1000)"});
  EXPECT_EQ(errors(R"({"sku": {"capacity": -1}})"),
            lines{"sku.capacity: -1 is out of range (0 to 1000)"});
  EXPECT_EQ(errors(R"({"sku": {"capacity": 2.5}})"),
            lines{"sku.capacity: is a fraction, not a whole number"});
  EXPECT_EQ(errors(R"({"sku": {"capacity": null}})"),
            lines{"sku.capacity: missing (required: Azure documents no "
                  "default instance count)"});
}

TEST(scale_set_rules, sku_name_is_a_modelled_vm_size_and_sku_is_required) {
  EXPECT_EQ(errors(R"({"sku": {"name": "Standard_D64_v3"}})"), lines{});
  // Azure's examples' sizes, in any letter case.
  EXPECT_EQ(errors(R"({"sku": {"name": "Standard_DS1_v2"}})"), lines{});
  EXPECT_EQ(errors(R"({"sku": {"name": "Standard_A2_V2"}})"), lines{});
  EXPECT_EQ(errors(R"({"sku": {"name": "Standard_B2s"}})"), lines{});
  EXPECT_EQ(errors(R"({"sku": {"name": "Standard_D2s_v9"}})"),
            lines{"sku.name: \"Standard_D2s_v9\" is not a modelled VM size "
                  "(did you mean Standard_D2s_v3?)"});
  EXPECT_EQ(errors(R"({"sku": {"name": "Basic_Tiny"}})"),
            lines{"sku.name: \"Basic_Tiny\" is not a modelled VM size "
                  "(docs/model.md lists them)"});
  EXPECT_EQ(errors(R"({"sku": {"name": null}})"),
            lines{"sku.name: missing (required)"});
  EXPECT_EQ(errors(R"({"sku": null})"),
            lines{"sku: missing (required: the VM size and the instance "
                  "count)"});
}

TEST(scale_set_rules, no_sku_and_no_vm_profile_is_an_old_style_flexible_set) {
  // As Azure's Flexible quickstart (api-version 2020-12-01) writes one.
  scale_set set;
  read_report report;
  auto body = json::parse(R"({"name": "flex", "location": "westeurope",
    "properties": {"singlePlacementGroup": false,
    "platformFaultDomainCount": 1}})");
  set = read_scale_set(body, "", "", report);
  EXPECT_EQ(lines_of(report.errors), lines{});
  EXPECT_EQ(set.model.properties().orchestration_mode(),
            vmss::azure::compute::VirtualMachineScaleSetProperties::Flexible);
  EXPECT_EQ(lines_of(report.warnings),
            lines{"properties.orchestrationMode: read as Flexible: no sku and "
                  "no virtualMachineProfile (a scale set that VMs join, as "
                  "written before orchestrationMode)"});
  // A Uniform set still needs its sku.
  body["properties"]["orchestrationMode"] = "Uniform";
  read_report uniform;
  read_scale_set(body, "", "", uniform);
  EXPECT_EQ(lines_of(uniform.errors),
            lines{"sku: missing (required: the VM size and the instance "
                  "count)"});
}

TEST(scale_set_rules, the_resource_is_a_scale_set_in_a_location) {
  EXPECT_EQ(errors(R"({"type": "Microsoft.Compute/virtualMachineScaleSets"})"),
            lines{});
  EXPECT_EQ(errors(R"({"type": "Microsoft.Compute/virtualMachines"})"),
            lines{"type: \"Microsoft.Compute/virtualMachines\" is not "
                  "Microsoft.Compute/virtualMachineScaleSets"});
  EXPECT_EQ(errors(R"({"location": null})"),
            lines{"location: missing (required)"});
}

TEST(scale_set_rules, zones_are_1_2_or_3_each_once) {
  EXPECT_EQ(errors(R"({"zones": ["2"]})"), lines{});
  EXPECT_EQ(errors(R"({"zones": ["1", "4", "1"]})"),
            (lines{"zones[1]: \"4\" is not an availability zone (\"1\", \"2\" "
                   "or \"3\")",
                   "zones[2]: \"1\" is listed twice"}));
  EXPECT_EQ(errors(R"({"zones": [1]})"),
            lines{"zones[0]: is an integer, not a string"});
}

TEST(scale_set_rules, upgrade_mode_is_automatic_manual_or_rolling) {
  for (const char* mode : {"Automatic", "Manual", "Rolling"})
    EXPECT_EQ(
        errors(json{{"properties", {{"upgradePolicy", {{"mode", mode}}}}}}),
        lines{})
        << mode;
  EXPECT_EQ(errors(R"({"properties": {"upgradePolicy": {"mode": "Roling"}}})"),
            lines{"properties.upgradePolicy.mode: \"Roling\" is not a known "
                  "value (did you mean Rolling?)"});
}

TEST(scale_set_rules, rolling_needs_exactly_one_health_source) {
  const char* rolling =
      R"({"properties": {"upgradePolicy": {"mode": "Rolling"}}})";
  EXPECT_EQ(errors(with_extension_only(json::parse(rolling))), lines{});
  auto none = json::parse(rolling);
  none["properties"]["virtualMachineProfile"]["networkProfile"]["healthProbe"] =
      nullptr;
  EXPECT_EQ(errors(none),
            lines{"properties.upgradePolicy.mode: Rolling needs a health "
                  "source: virtualMachineProfile.networkProfile.healthProbe "
                  "or the Application Health extension"});
  auto both = json::parse(rolling);
  both["properties"]["virtualMachineProfile"]["extensionProfile"]
      ["extensions"] = json::array({health_extension()});
  EXPECT_EQ(errors(both),
            lines{"properties.upgradePolicy.mode: Rolling needs one health "
                  "source, and the set has two: networkProfile.healthProbe "
                  "and the Application Health extension (properties."
                  "virtualMachineProfile.extensionProfile.extensions[0])"});
}

TEST(scale_set_rules, automatic_repairs_grace_period_action_and_health) {
  auto ok = read_text(R"({"properties": {"automaticRepairsPolicy": {
    "enabled": true, "gracePeriod": "PT30M", "repairAction": "Reimage"}}})");
  EXPECT_EQ(lines_of(ok.report.errors), lines{});
  const auto& ar = ok.set.model.properties().automatic_repairs_policy();
  EXPECT_EQ(ar.grace_period_ns(), 30 * 60'000'000'000LL);
  EXPECT_EQ(ar.repair_action(), cp::AutomaticRepairsPolicy::Reimage);
  EXPECT_EQ(errors(R"({"properties": {"automaticRepairsPolicy": {
    "gracePeriod": "PT90M"}}})"),
            lines{});
  EXPECT_EQ(errors(R"({"properties": {"automaticRepairsPolicy": {
    "gracePeriod": "PT5M"}}})"),
            lines{"properties.automaticRepairsPolicy.gracePeriod: \"PT5M\" is "
                  "out of range (PT10M to PT1H30M)"});
  EXPECT_EQ(errors(R"({"properties": {"automaticRepairsPolicy": {
    "gracePeriod": "PT91M"}}})"),
            lines{"properties.automaticRepairsPolicy.gracePeriod: \"PT91M\" "
                  "is out of range (PT10M to PT1H30M)"});
  EXPECT_EQ(errors(R"({"properties": {"automaticRepairsPolicy": {
    "repairAction": "Redeploy"}}})"),
            lines{"properties.automaticRepairsPolicy.repairAction: "
                  "\"Redeploy\" is not one of Replace, Restart, Reimage"});
  auto no_health = json::parse(
      R"({"properties": {"automaticRepairsPolicy": {"enabled": true},
          "virtualMachineProfile": {"networkProfile": {"healthProbe": null}}}})");
  EXPECT_EQ(errors(no_health),
            lines{"properties.automaticRepairsPolicy.enabled: automatic "
                  "repairs needs a health source: virtualMachineProfile."
                  "networkProfile.healthProbe or the Application Health "
                  "extension"});
}

TEST(scale_set_rules, rolling_upgrade_percentages_and_pause) {
  auto ok = read_text(R"({"properties": {"upgradePolicy": {
    "rollingUpgradePolicy": {"maxBatchInstancePercent": 5,
      "maxUnhealthyInstancePercent": 100,
      "maxUnhealthyUpgradedInstancePercent": 0,
      "pauseTimeBetweenBatches": "PT10S"}}}})");
  EXPECT_EQ(lines_of(ok.report.errors), lines{});
  EXPECT_EQ(ok.set.model.properties()
                .upgrade_policy()
                .rolling_upgrade_policy()
                .pause_time_between_batches_ns(),
            10'000'000'000);
  const std::string at = "properties.upgradePolicy.rollingUpgradePolicy.";
  EXPECT_EQ(errors(R"({"properties": {"upgradePolicy": {
    "rollingUpgradePolicy": {"maxBatchInstancePercent": 4,
      "maxUnhealthyInstancePercent": 101,
      "maxUnhealthyUpgradedInstancePercent": -1,
      "pauseTimeBetweenBatches": "10s"}}}})"),
            (lines{at + "maxBatchInstancePercent: 4 is out of range (5 to 100)",
                   at + "maxUnhealthyInstancePercent: 101 is out of range (5 "
                        "to 100)",
                   at + "maxUnhealthyUpgradedInstancePercent: -1 is out of "
                        "range (0 to 100)",
                   at + "pauseTimeBetweenBatches: \"10s\" is not an ISO 8601 "
                        "duration (e.g. PT30M, PT1H30M, P1D)"}));
  EXPECT_EQ(errors(R"({"properties": {"upgradePolicy": {
    "rollingUpgradePolicy": {"maxBatchInstancePercent": 50,
      "maxUnhealthyInstancePercent": 30}}}})"),
            lines{at + "maxBatchInstancePercent: 50 is more than "
                       "maxUnhealthyInstancePercent (30)"});
}

TEST(scale_set_rules, scale_in_policy_takes_one_known_rule) {
  EXPECT_EQ(errors(R"({"properties": {"scaleInPolicy": {"rules": ["OldestVM"],
    "forceDeletion": true}}})"),
            lines{});
  EXPECT_EQ(errors(R"({"properties": {"scaleInPolicy": {
    "rules": ["Default", "NewestVM"]}}})"),
            lines{"properties.scaleInPolicy.rules: lists 2 rules (give one: "
                  "Default, NewestVM or OldestVM)"});
  EXPECT_EQ(
      errors(R"({"properties": {"scaleInPolicy": {"rules": ["Youngest"]}}})"),
      lines{"properties.scaleInPolicy.rules[0]: \"Youngest\" is not one "
            "of Default, OldestVM, NewestVM"});
}

TEST(scale_set_rules, fault_domain_counts_by_orchestration_mode_and_zones) {
  auto count = [](int n, const char* mode, bool zonal) {
    json patch = {{"properties",
                   {{"platformFaultDomainCount", n},
                    {"orchestrationMode", mode},
                    {"overprovision", false}}}};
    if (std::string(mode) == "Flexible") {
      patch = with_extension_only(patch);
      patch["properties"]["singlePlacementGroup"] = nullptr;
    }
    if (!zonal)
      patch["zones"] = nullptr;
    return errors(patch);
  };
  const std::string at = "properties.platformFaultDomainCount: ";
  EXPECT_EQ(count(5, "Uniform", true), lines{});
  EXPECT_EQ(
      count(3, "Uniform", true),
      lines{at + "3 is not allowed for a zonal Uniform scale set (1, 5)"});
  EXPECT_EQ(count(4, "Uniform", false), lines{});
  EXPECT_EQ(count(6, "Uniform", false),
            lines{at + "6 is not allowed for a regional Uniform scale set (1, "
                       "2, 3, 4, 5)"});
  EXPECT_EQ(count(3, "Flexible", false), lines{});
  EXPECT_EQ(count(5, "Flexible", false),
            lines{at + "5 is not allowed for a regional Flexible scale set "
                       "(1, 2, 3)"});
  EXPECT_EQ(count(1, "Flexible", true), lines{});
  EXPECT_EQ(count(2, "Flexible", true),
            lines{at + "2 is not allowed for a zonal Flexible scale set (1)"});
}

TEST(scale_set_rules, single_placement_group_and_custom_images_cap_capacity) {
  EXPECT_EQ(errors(R"({"sku": {"capacity": 100}})"), lines{});
  EXPECT_EQ(errors(R"({"sku": {"capacity": 101}})"),
            lines{"sku.capacity: 101 instances exceed 100, the most one "
                  "placement group holds (properties.singlePlacementGroup is "
                  "true, the default for Uniform; false allows up to 1000)"});
  EXPECT_EQ(errors(R"({"sku": {"capacity": 101},
                       "properties": {"singlePlacementGroup": true}})"),
            lines{"sku.capacity: 101 instances exceed 100, the most one "
                  "placement group holds (properties.singlePlacementGroup is "
                  "true; false allows up to 1000)"});
  json custom = json::parse(R"({"sku": {"capacity": 601},
    "properties": {"singlePlacementGroup": false, "virtualMachineProfile": {
      "storageProfile": {"imageReference": {"publisher": null, "offer": null,
        "sku": null, "version": null, "id":
        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/images/golden"}}}}})");
  EXPECT_EQ(errors(custom),
            lines{"sku.capacity: 601 instances exceed 600, the most for a "
                  "scale set from a custom image "
                  "(storageProfile.imageReference.id)"});
  custom["sku"]["capacity"] = 600;
  EXPECT_EQ(errors(custom), lines{});
}

TEST(scale_set_rules, zone_balance_needs_more_than_one_zone) {
  EXPECT_EQ(errors(R"({"properties": {"zoneBalance": true}})"), lines{});
  EXPECT_EQ(errors(R"({"zones": ["1"], "properties": {"zoneBalance": true}})"),
            lines{"properties.zoneBalance: can be set only when zones lists "
                  "more than one zone (it lists 1)"});
  EXPECT_EQ(errors(R"({"zones": null, "properties": {"zoneBalance": false}})"),
            lines{"properties.zoneBalance: can be set only when zones lists "
                  "more than one zone (it lists 0)"});
}

TEST(scale_set_rules, orchestration_mode_and_what_flexible_refuses) {
  EXPECT_EQ(errors(with_extension_only(
                json::parse(R"({"properties": {"orchestrationMode": "Flexible",
                  "upgradePolicy": {"mode": "Rolling"},
                  "automaticRepairsPolicy": {"enabled": true}}})"))),
            lines{});
  EXPECT_EQ(errors(R"({"properties": {"orchestrationMode": "Mixed"}})"),
            lines{"properties.orchestrationMode: \"Mixed\" is not one of "
                  "Uniform, Flexible"});
  EXPECT_EQ(
      errors(R"({"properties": {"orchestrationMode": "Flexible",
        "overprovision": true, "singlePlacementGroup": true,
        "upgradePolicy": {"mode": "Rolling", "automaticOSUpgradePolicy": {
          "enableAutomaticOSUpgrade": true}}}})"),
      (lines{"properties.overprovision: true is not supported with "
             "orchestrationMode Flexible (overprovisioning is Uniform only)",
             "properties.singlePlacementGroup: true is not supported with "
             "orchestrationMode Flexible (leave it out: the platform chooses)",
             "properties.virtualMachineProfile.networkProfile.healthProbe: is "
             "not supported with orchestrationMode Flexible (use the "
             "Application Health extension)",
             "properties.upgradePolicy.mode: Rolling needs the Application "
             "Health extension (orchestrationMode Flexible has no load "
             "balancer health probe)",
             "properties.upgradePolicy.automaticOSUpgradePolicy."
             "enableAutomaticOSUpgrade: true is not supported with "
             "orchestrationMode Flexible (image-based automatic OS upgrades "
             "are Uniform only)"}));
}

TEST(scale_set_rules, automatic_os_upgrades_need_a_health_source) {
  auto os = json::parse(R"({"properties": {"upgradePolicy": {
    "automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": true}}}})");
  EXPECT_EQ(errors(with_extension_only(os)), lines{});
  EXPECT_EQ(errors(os), lines{});
  os["properties"]["virtualMachineProfile"]["networkProfile"]["healthProbe"] =
      nullptr;
  EXPECT_EQ(errors(os),
            lines{"properties.upgradePolicy.automaticOSUpgradePolicy."
                  "enableAutomaticOSUpgrade: automatic OS upgrades needs a "
                  "health source: virtualMachineProfile.networkProfile."
                  "healthProbe or the Application Health extension"});
}

TEST(scale_set_rules, application_health_settings) {
  auto r = read(with_extension_only());
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  ASSERT_TRUE(r.set.application_health);
  EXPECT_TRUE(r.set.rich_health_states);
  EXPECT_EQ(r.set.application_health_path,
            "properties.virtualMachineProfile.extensionProfile.extensions[0]");
  EXPECT_EQ(r.set.application_health->port(), 8080);
  EXPECT_EQ(r.set.application_health->request_path(), "/health");
  auto settings = [](const char* text) {
    auto patch = with_extension_only();
    patch["properties"]["virtualMachineProfile"]["extensionProfile"]
         ["extensions"][0]["properties"]["settings"] = json::parse(text);
    return errors(patch);
  };
  const std::string at = "properties.virtualMachineProfile.extensionProfile."
                         "extensions[0].properties.settings.";
  EXPECT_EQ(settings(R"({"protocol": "tcp", "port": 22,
    "intervalInSeconds": 60, "numberOfProbes": 24, "gracePeriod": 14400})"),
            lines{});
  EXPECT_EQ(settings(R"({"protocol": "tcp", "requestPath": "/"})"),
            (lines{at + "port: missing (required with protocol tcp)",
                   at + "requestPath: is not allowed with protocol tcp"}));
  EXPECT_EQ(settings(R"({"protocol": "https", "port": 443})"),
            lines{at + "requestPath: missing (required with protocol http or "
                       "https)"});
  EXPECT_EQ(settings(R"({"protocol": "http", "requestPath": "/",
    "intervalInSeconds": 4, "numberOfProbes": 25, "gracePeriod": 14401,
    "port": 0})"),
            (lines{at + "intervalInSeconds: 4 is out of range (5 to 60)",
                   at + "numberOfProbes: 25 is out of range (1 to 24)",
                   at + "gracePeriod: 14401 is out of range (0 to 14400)",
                   at + "port: 0 is out of range (1 to 65535)"}));
  EXPECT_EQ(settings(R"({"protocol": "udp", "port": 53})"),
            lines{at + "protocol: \"udp\" is not one of http, https, tcp"});
}

TEST(scale_set_rules, one_application_health_extension_and_unique_names) {
  auto patch = with_extension_only();
  auto& list = patch["properties"]["virtualMachineProfile"]["extensionProfile"]
                    ["extensions"];
  list.push_back(health_extension());
  EXPECT_EQ(errors(patch),
            (lines{"properties.virtualMachineProfile.extensionProfile."
                   "extensions[1].name: \"health\" names an earlier extension "
                   "too",
                   "properties.virtualMachineProfile.extensionProfile."
                   "extensions[1]: is a second Application Health extension "
                   "(the first is properties.virtualMachineProfile."
                   "extensionProfile.extensions[0])"}));
}

TEST(scale_set_rules, other_extensions_settings_are_not_modelled) {
  auto patch = with_extension_only();
  patch["properties"]["virtualMachineProfile"]["extensionProfile"]["extensions"]
      .push_back(json::parse(R"({"name": "install", "properties": {
        "publisher": "Microsoft.Azure.Extensions", "type": "CustomScript",
        "typeHandlerVersion": "2.1", "settings": {"commandToExecute": "x"},
        "protectedSettings": {"script": "secret"}}})"));
  auto r = read(patch);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  const std::string at =
      "properties.virtualMachineProfile.extensionProfile.extensions[1]."
      "properties.";
  auto& nm = r.report.not_modelled;
  EXPECT_NE(std::find(nm.begin(), nm.end(), at + "protectedSettings"),
            nm.end());
  EXPECT_NE(std::find(nm.begin(), nm.end(), at + "settings"), nm.end());
  EXPECT_EQ(std::count_if(nm.begin(), nm.end(),
                          [](const std::string& p) {
                            return p.find("extensions[0]") != std::string::npos;
                          }),
            0);
}

TEST(scale_set_rules, probe_and_pool_ids_name_load_balancer_children) {
  auto probe = json::parse(R"({"properties": {"virtualMachineProfile": {
    "networkProfile": {"healthProbe": {"id": "/subscriptions/s1/probes/x"}}}}})");
  EXPECT_EQ(errors(probe),
            lines{"properties.virtualMachineProfile.networkProfile.healthProbe."
                  "id: \"/subscriptions/s1/probes/x\" is not a load balancer "
                  "probe id (.../providers/Microsoft.Network/loadBalancers/LB/"
                  "probes/NAME)"});
  auto pools = [](std::vector<std::string> ids) {
    json list = json::array();
    for (const auto& id : ids)
      list.push_back({{"id", id}});
    json patch = base_body();
    patch["properties"]["virtualMachineProfile"]["networkProfile"]
         ["networkInterfaceConfigurations"][0]["properties"]["ipConfigurations"]
         [0]["properties"]["loadBalancerBackendAddressPools"] = list;
    return errors(patch);
  };
  auto pool = [](const char* balancer) {
    return std::string(lb) + balancer + "/backendAddressPools/web";
  };
  EXPECT_EQ(pools({pool("public"), pool("internal")}), lines{});
  EXPECT_EQ(pools({pool("a"), pool("b"), pool("c")}),
            lines{"properties.virtualMachineProfile.networkProfile."
                  "networkInterfaceConfigurations: references the backend "
                  "pools of 3 load balancers (at most one public and one "
                  "internal)"});
  EXPECT_EQ(pools({std::string(lb) + "a/probes/web"}),
            lines{"properties.virtualMachineProfile.networkProfile."
                  "networkInterfaceConfigurations[0].properties."
                  "ipConfigurations[0].properties."
                  "loadBalancerBackendAddressPools[0].id: \"" +
                  std::string(lb) +
                  "a/probes/web\" is not a load balancer backend pool id "
                  "(.../providers/Microsoft.Network/loadBalancers/LB/"
                  "backendAddressPools/NAME)"});
}

TEST(scale_set_rules, several_nics_have_exactly_one_primary) {
  auto nics = [](bool first, bool second) {
    json patch = base_body();
    auto& list = patch["properties"]["virtualMachineProfile"]["networkProfile"]
                      ["networkInterfaceConfigurations"];
    list.push_back(list[0]);
    list[1]["name"] = "nic2";
    list[0]["properties"]["primary"] = first;
    list[1]["properties"]["primary"] = second;
    return errors(patch);
  };
  EXPECT_EQ(nics(true, false), lines{});
  EXPECT_EQ(nics(false, false),
            lines{"properties.virtualMachineProfile.networkProfile."
                  "networkInterfaceConfigurations: 2 configurations, 0 of "
                  "them primary (exactly one must be)"});
}

TEST(scale_set_rules, eviction_policy_is_for_spot_priority) {
  EXPECT_EQ(errors(R"({"properties": {"virtualMachineProfile": {
    "priority": "Spot", "evictionPolicy": "Delete"}}})"),
            lines{});
  EXPECT_EQ(errors(R"({"properties": {"virtualMachineProfile": {
    "evictionPolicy": "Deallocate"}}})"),
            lines{"properties.virtualMachineProfile.evictionPolicy: is for "
                  "Spot instances only (priority is not given)"});
}

TEST(scale_set_rules, instances_need_a_virtual_machine_profile) {
  EXPECT_EQ(errors(R"({"sku": {"capacity": 0},
    "properties": {"virtualMachineProfile": null}})"),
            lines{});
  EXPECT_EQ(errors(R"({"properties": {"virtualMachineProfile": null}})"),
            lines{"properties.virtualMachineProfile: missing (required: the 3 "
                  "instances of sku.capacity are created from it)"});
}

TEST(scale_set_rules, extensions_time_budget_is_15_minutes_to_2_hours) {
  EXPECT_EQ(errors(R"({"properties": {"virtualMachineProfile": {
    "extensionProfile": {"extensionsTimeBudget": "PT2H"}}}})"),
            lines{});
  EXPECT_EQ(errors(R"({"properties": {"virtualMachineProfile": {
    "extensionProfile": {"extensionsTimeBudget": "PT10M"}}}})"),
            lines{"properties.virtualMachineProfile.extensionProfile."
                  "extensionsTimeBudget: \"PT10M\" is out of range (PT15M to "
                  "PT2H)"});
}

TEST(scale_set_defaults, a_uniform_zonal_set_gets_azures_defaults_marked) {
  auto r = read(json::object());
  const auto& p = r.set.model.properties();
  EXPECT_EQ(p.orchestration_mode(),
            cp::VirtualMachineScaleSetProperties::Uniform);
  EXPECT_TRUE(p.overprovision());
  EXPECT_TRUE(p.single_placement_group());
  EXPECT_EQ(p.platform_fault_domain_count(), 1);
  EXPECT_FALSE(p.zone_balance());
  EXPECT_EQ(p.upgrade_policy().mode(), cp::UpgradePolicy::Manual);
  const auto& rolling = p.upgrade_policy().rolling_upgrade_policy();
  EXPECT_EQ(rolling.max_batch_instance_percent(), 20);
  EXPECT_EQ(rolling.max_unhealthy_instance_percent(), 20);
  EXPECT_EQ(rolling.max_unhealthy_upgraded_instance_percent(), 20);
  EXPECT_TRUE(rolling.has_pause_time_between_batches_ns());
  EXPECT_FALSE(p.automatic_repairs_policy().enabled());
  EXPECT_EQ(p.automatic_repairs_policy().grace_period_ns(),
            10 * 60'000'000'000LL);
  EXPECT_EQ(p.automatic_repairs_policy().repair_action(),
            cp::AutomaticRepairsPolicy::Replace);
  ASSERT_EQ(p.scale_in_policy().rules_size(), 1);
  EXPECT_EQ(p.scale_in_policy().rules(0), cp::ScaleInPolicy::Default);
  EXPECT_EQ(p.virtual_machine_profile()
                .extension_profile()
                .extensions_time_budget_ns(),
            90 * 60'000'000'000LL);
  const std::string up = "properties.upgradePolicy.";
  const std::string roll = up + "rollingUpgradePolicy.";
  const std::string ar = "properties.automaticRepairsPolicy.";
  EXPECT_EQ(
      r.set.defaulted,
      (lines{"properties.orchestrationMode", "properties.overprovision",
             "properties.singlePlacementGroup",
             "properties.platformFaultDomainCount", "properties.zoneBalance",
             "properties.virtualMachineProfile.extensionProfile."
             "extensionsTimeBudget",
             up + "mode", roll + "maxBatchInstancePercent",
             roll + "maxUnhealthyInstancePercent",
             roll + "maxUnhealthyUpgradedInstancePercent",
             roll + "pauseTimeBetweenBatches", ar + "enabled",
             ar + "gracePeriod", ar + "repairAction",
             "properties.scaleInPolicy.rules"}));
}

TEST(scale_set_defaults, given_values_are_kept_and_not_marked) {
  auto r = read_text(R"({"properties": {"overprovision": false,
    "platformFaultDomainCount": 5, "upgradePolicy": {"mode": "Automatic"}}})");
  const auto& p = r.set.model.properties();
  EXPECT_FALSE(p.overprovision());
  EXPECT_EQ(p.platform_fault_domain_count(), 5);
  EXPECT_EQ(p.upgrade_policy().mode(), cp::UpgradePolicy::Automatic);
  EXPECT_FALSE(defaulted(r.set, "properties.overprovision"));
  EXPECT_FALSE(defaulted(r.set, "properties.platformFaultDomainCount"));
  EXPECT_FALSE(defaulted(r.set, "properties.upgradePolicy.mode"));
}

TEST(scale_set_defaults, regional_and_flexible_sets) {
  auto regional = read_text(R"({"zones": null})");
  EXPECT_EQ(regional.set.model.properties().platform_fault_domain_count(), 5);
  EXPECT_FALSE(regional.set.model.properties().has_zone_balance());
  auto flexible = read(with_extension_only(json::parse(
      R"({"zones": null, "properties": {"orchestrationMode": "Flexible"}})")));
  EXPECT_EQ(lines_of(flexible.report.errors), lines{});
  const auto& p = flexible.set.model.properties();
  EXPECT_FALSE(p.overprovision());
  EXPECT_FALSE(p.single_placement_group());
  EXPECT_EQ(p.platform_fault_domain_count(), 1);
  EXPECT_TRUE(defaulted(flexible.set, "properties.overprovision"));
}

TEST(scale_set_defaults, application_health_settings_defaults) {
  auto rich = read(with_extension_only());
  const std::string at = "properties.virtualMachineProfile.extensionProfile."
                         "extensions[0].properties.settings.";
  ASSERT_TRUE(rich.set.application_health);
  EXPECT_EQ(rich.set.application_health->interval_in_seconds(), 5);
  EXPECT_EQ(rich.set.application_health->number_of_probes(), 1);
  EXPECT_EQ(rich.set.application_health->grace_period(), 5);
  EXPECT_TRUE(defaulted(rich.set, at + "gracePeriod"));
  auto patch = with_extension_only();
  patch["properties"]["virtualMachineProfile"]["extensionProfile"]["extensions"]
       [0] = health_extension("1.0");
  patch["properties"]["virtualMachineProfile"]["extensionProfile"]["extensions"]
       [0]["properties"]["settings"]["numberOfProbes"] = 3;
  auto binary = read(patch);
  ASSERT_TRUE(binary.set.application_health);
  EXPECT_FALSE(binary.set.rich_health_states);
  EXPECT_EQ(binary.set.application_health->number_of_probes(), 3);
  EXPECT_FALSE(binary.set.application_health->has_grace_period());
  EXPECT_TRUE(defaulted(binary.set, at + "intervalInSeconds"));
  EXPECT_FALSE(defaulted(binary.set, at + "numberOfProbes"));
}

} // namespace
