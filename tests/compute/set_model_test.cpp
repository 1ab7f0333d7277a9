// The control plane's model of a scale set from its REST body
// (actors/compute/set_model.cpp): REST bodies in Azure's shape, written for
// these tests, read by input::azure::read_scale_set and converted; every
// field of set_model is checked.

#include "actors/compute/set_model.hpp"
#include "input/azure/scale_set.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::compute;
using json = nlohmann::ordered_json;

/// A zone-redundant Uniform set behind a load balancer whose probe is its
/// health source; everything else left to Azure's defaults.
const char* const zonal_probe_body = R"({
  "location": "westeurope",
  "sku": {"name": "Standard_B2s", "tier": "Standard", "capacity": 3},
  "zones": ["1", "3"],
  "properties": {
    "virtualMachineProfile": {
      "storageProfile": {"imageReference": {"publisher": "Canonical",
        "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}},
      "networkProfile": {
        "healthProbe": {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/web-lb/probes/http"},
        "networkInterfaceConfigurations": [{"name": "nic", "properties": {
          "primary": true,
          "ipConfigurations": [{"name": "ip", "properties": {
            "subnet": {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a"},
            "loadBalancerBackendAddressPools": [
              {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/web-lb/backendAddressPools/web"},
              {"id": "/subscriptions/s1/resourcegroups/rg/providers/microsoft.network/loadBalancers/Internal-LB/backendAddressPools/Api"}
            ]}}]}}]},
      "osProfile": {"computerNamePrefix": "web", "adminUsername": "azure"}
    }
  }
})";

/// A regional set with the Application Health extension (rich states),
/// rolling upgrades, automatic repairs and a scale-in policy, all given.
const char* const regional_extension_body = R"({
  "name": "api",
  "location": "westeurope",
  "sku": {"name": "Standard_D4s_v3", "capacity": 10},
  "properties": {
    "orchestrationMode": "Uniform",
    "overprovision": false,
    "doNotRunExtensionsOnOverprovisionedVMs": true,
    "singlePlacementGroup": false,
    "platformFaultDomainCount": 3,
    "upgradePolicy": {"mode": "Rolling", "rollingUpgradePolicy": {
      "maxBatchInstancePercent": 10, "maxUnhealthyInstancePercent": 30,
      "maxUnhealthyUpgradedInstancePercent": 5,
      "pauseTimeBetweenBatches": "PT1M30S",
      "enableCrossZoneUpgrade": true, "prioritizeUnhealthyInstances": true,
      "rollbackFailedInstancesOnPolicyBreach": true, "maxSurge": true}},
    "automaticRepairsPolicy": {"enabled": true, "gracePeriod": "PT30M",
      "repairAction": "Restart"},
    "scaleInPolicy": {"rules": ["NewestVM"], "forceDeletion": true},
    "virtualMachineProfile": {
      "storageProfile": {"imageReference": {"publisher": "Canonical",
        "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}},
      "extensionProfile": {"extensions": [{"name": "health", "properties": {
        "publisher": "Microsoft.ManagedServices",
        "type": "ApplicationHealthLinux", "typeHandlerVersion": "2.0",
        "settings": {"protocol": "http", "port": 8080,
                     "requestPath": "/health"}}}]}
    }
  }
})";

set_model convert(const json& body, const std::string& name = "web") {
  input::read_report report;
  auto set = input::azure::read_scale_set(body, "", name, report);
  EXPECT_TRUE(report.errors.empty())
      << report.errors.front().path << ": " << report.errors.front().reason;
  return to_set_model(set);
}

set_model convert(const char* text, const std::string& name = "web") {
  return convert(json::parse(text), name);
}

/// `text` with `patch` merged (RFC 7396).
set_model convert_patched(const char* text, const char* patch) {
  auto body = json::parse(text);
  body.merge_patch(json::parse(patch));
  return convert(body);
}

TEST(set_model, sku_zones_and_defaults_of_a_zonal_set) {
  auto m = convert(zonal_probe_body);
  EXPECT_EQ(m.name, "web"); // the caller's name: the body has none
  EXPECT_EQ(m.capacity, 3u);
  EXPECT_EQ(m.sku, "Standard_B2s");
  EXPECT_EQ(m.vcpus, 2u);
  EXPECT_EQ(m.ram_gb, 4u);
  EXPECT_EQ(m.zones, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(m.mode, orchestration_mode::uniform);
  EXPECT_TRUE(m.overprovision);
  EXPECT_FALSE(m.no_extensions_on_overprovisioned);
  EXPECT_TRUE(m.single_placement_group);
  EXPECT_FALSE(m.zone_balance);
  EXPECT_EQ(m.fault_domains, 1u); // zonal: max spreading
  EXPECT_EQ(m.scale_in, scale_in_rule::default_rule);
  EXPECT_FALSE(m.force_deletion);
}

TEST(set_model, upgrade_and_repair_defaults) {
  auto m = convert(zonal_probe_body);
  EXPECT_EQ(m.upgrade, upgrade_mode::manual);
  EXPECT_EQ(m.rolling.max_batch_percent, 20u);
  EXPECT_EQ(m.rolling.max_unhealthy_percent, 20u);
  EXPECT_EQ(m.rolling.max_unhealthy_upgraded_percent, 20u);
  EXPECT_EQ(m.rolling.pause_between_batches, 0);
  EXPECT_FALSE(m.rolling.prioritize_unhealthy);
  EXPECT_FALSE(m.rolling.cross_zone);
  EXPECT_FALSE(m.rolling.max_surge);
  EXPECT_FALSE(m.rolling.rollback_on_breach);
  EXPECT_FALSE(m.repairs.enabled);
  EXPECT_EQ(m.repairs.grace, seconds(600));
  EXPECT_EQ(m.repairs.action, repair_action::replace);
}

TEST(set_model, load_balancer_probe_and_pools) {
  auto m = convert(zonal_probe_body);
  EXPECT_EQ(m.health, health_source::load_balancer_probe);
  EXPECT_EQ(m.probe_load_balancer, "web-lb");
  EXPECT_EQ(m.probe, "http");
  EXPECT_EQ(m.pools,
            (std::vector<pool_ref>{{"web-lb", "web"}, {"Internal-LB", "Api"}}));
}

TEST(set_model, given_values_of_a_regional_set) {
  auto m = convert(regional_extension_body);
  EXPECT_EQ(m.name, "api"); // the body's name
  EXPECT_EQ(m.sku, "Standard_D4s_v3");
  EXPECT_EQ(m.vcpus, 4u);
  EXPECT_EQ(m.ram_gb, 16u);
  EXPECT_TRUE(m.zones.empty());
  EXPECT_FALSE(m.overprovision);
  EXPECT_TRUE(m.no_extensions_on_overprovisioned);
  EXPECT_FALSE(m.single_placement_group);
  EXPECT_EQ(m.fault_domains, 3u);
  EXPECT_EQ(m.scale_in, scale_in_rule::newest_vm);
  EXPECT_TRUE(m.force_deletion);
  EXPECT_EQ(m.upgrade, upgrade_mode::rolling);
  EXPECT_EQ(m.rolling.max_batch_percent, 10u);
  EXPECT_EQ(m.rolling.max_unhealthy_percent, 30u);
  EXPECT_EQ(m.rolling.max_unhealthy_upgraded_percent, 5u);
  EXPECT_EQ(m.rolling.pause_between_batches, seconds(90));
  EXPECT_TRUE(m.rolling.prioritize_unhealthy);
  EXPECT_TRUE(m.rolling.cross_zone);
  EXPECT_TRUE(m.rolling.max_surge);
  EXPECT_TRUE(m.rolling.rollback_on_breach);
  EXPECT_TRUE(m.repairs.enabled);
  EXPECT_EQ(m.repairs.grace, seconds(1800));
  EXPECT_EQ(m.repairs.action, repair_action::restart);
  EXPECT_TRUE(m.pools.empty());
}

TEST(set_model, regional_uniform_default_is_five_fault_domains) {
  auto m = convert_patched(regional_extension_body,
                           R"({"properties": {"platformFaultDomainCount":
                                null}})");
  EXPECT_EQ(m.fault_domains, 5u);
}

TEST(set_model, rich_extension_defaults) {
  auto m = convert(regional_extension_body);
  EXPECT_EQ(m.health, health_source::extension);
  EXPECT_TRUE(m.extension.rich);
  EXPECT_FALSE(m.extension.tcp);
  EXPECT_EQ(m.extension.interval, seconds(5));
  EXPECT_EQ(m.extension.probes, 1u);
  EXPECT_EQ(m.extension.grace, seconds(5)); // interval x probes
  EXPECT_TRUE(m.probe_load_balancer.empty());
  EXPECT_TRUE(m.probe.empty());
}

TEST(set_model, binary_tcp_extension_with_given_interval_and_probes) {
  auto m = convert_patched(regional_extension_body, R"({"properties": {
    "virtualMachineProfile": {"extensionProfile": {"extensions": [
      {"name": "health", "properties": {
        "publisher": "Microsoft.ManagedServices",
        "type": "ApplicationHealthWindows", "typeHandlerVersion": "1.0",
        "settings": {"protocol": "tcp", "port": 443,
                     "intervalInSeconds": 10, "numberOfProbes": 3}}}]}}}})");
  EXPECT_EQ(m.health, health_source::extension);
  EXPECT_FALSE(m.extension.rich);
  EXPECT_TRUE(m.extension.tcp);
  EXPECT_EQ(m.extension.interval, seconds(10));
  EXPECT_EQ(m.extension.probes, 3u);
  EXPECT_EQ(m.extension.grace, seconds(30));
}

TEST(set_model, rich_extension_grace_period_given) {
  auto m = convert_patched(regional_extension_body, R"({"properties": {
    "virtualMachineProfile": {"extensionProfile": {"extensions": [
      {"name": "health", "properties": {
        "publisher": "Microsoft.ManagedServices",
        "type": "ApplicationHealthLinux", "typeHandlerVersion": "2.0",
        "settings": {"protocol": "https", "port": 443, "requestPath": "/",
                     "gracePeriod": 600}}}]}}}})");
  EXPECT_TRUE(m.extension.rich);
  EXPECT_EQ(m.extension.grace, seconds(600));
}

TEST(set_model, oldest_vm_and_automatic_upgrades) {
  auto m = convert_patched(zonal_probe_body, R"({"properties": {
    "upgradePolicy": {"mode": "Automatic"},
    "scaleInPolicy": {"rules": ["OldestVM"]},
    "automaticRepairsPolicy": {"enabled": true, "repairAction": "Reimage"}}})");
  EXPECT_EQ(m.upgrade, upgrade_mode::automatic);
  EXPECT_EQ(m.scale_in, scale_in_rule::oldest_vm);
  EXPECT_TRUE(m.repairs.enabled);
  EXPECT_EQ(m.repairs.action, repair_action::reimage);
}

TEST(set_model, no_health_source) {
  auto m = convert_patched(zonal_probe_body, R"({"properties": {
    "virtualMachineProfile": {"networkProfile": {"healthProbe": null}}}})");
  EXPECT_EQ(m.health, health_source::none);
  EXPECT_TRUE(m.probe.empty());
}

TEST(set_model, flexible_set_without_sku_holds_no_instances) {
  // Azure's Flexible quickstart before orchestrationMode: no sku, no VM
  // profile, the VMs joined one by one. The conversion used to assert on
  // the missing VM size.
  auto m = convert(R"({"location": "westeurope",
    "properties": {"platformFaultDomainCount": 1}})");
  EXPECT_EQ(m.mode, orchestration_mode::flexible);
  EXPECT_EQ(m.capacity, 0u);
  EXPECT_TRUE(m.sku.empty());
  EXPECT_EQ(m.vcpus, 0u);
  EXPECT_FALSE(m.overprovision);
  EXPECT_FALSE(m.single_placement_group);
}

TEST(set_model, vm_size_in_azure_spelling) {
  // Azure matches size names in any letter case; the model holds Azure's
  // spelling, so the same size is the same model.
  auto lower =
      convert_patched(zonal_probe_body, R"({"sku": {"name": "standard_b2S"}})");
  auto given = convert(zonal_probe_body);
  EXPECT_EQ(lower.sku, "Standard_B2s");
  EXPECT_EQ(lower.profile, given.profile);
}

TEST(set_model, profile_fingerprint) {
  auto a = convert(zonal_probe_body);
  auto b = convert(zonal_probe_body);
  EXPECT_NE(a.profile, 0u);
  EXPECT_EQ(a.profile, b.profile);
  auto more = convert_patched(zonal_probe_body, R"({"sku": {"capacity": 7}})");
  EXPECT_EQ(more.capacity, 7u);
  EXPECT_EQ(more.profile, a.profile);
  auto policy = convert_patched(zonal_probe_body,
                                R"({"properties": {"upgradePolicy":
                                   {"mode": "Automatic"}}})");
  EXPECT_EQ(policy.profile, a.profile); // not part of the VM profile
  auto image = convert_patched(zonal_probe_body, R"({"properties": {
    "virtualMachineProfile": {"storageProfile": {"imageReference": {
      "version": "24.04.202501010"}}}}})");
  EXPECT_NE(image.profile, a.profile);
  auto resized = convert_patched(zonal_probe_body,
                                 R"({"sku": {"name": "Standard_B4ms"}})");
  EXPECT_NE(resized.profile, a.profile);
}

} // namespace
