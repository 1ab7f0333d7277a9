#pragma once
/// A scale set's model as the control plane simulates it: the fields of
/// Azure's VirtualMachineScaleSet (messages/azure_compute.proto) that the
/// ARM front door, the orchestrator, its upgrade and repair planners and
/// the load balancer act on, with Azure's defaults already filled in by the
/// reader (input/azure/scale_set.cpp). Plain data with `inspect`, so that
/// it travels in messages (ARM -> orchestrator). No CAF.
///
/// actors/compute/set_model.hpp builds it from the typed REST body.

#include "kernel/sim_time.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::compute {

enum class orchestration_mode : uint8_t { uniform, flexible };
enum class upgrade_mode : uint8_t { automatic, manual, rolling };
enum class repair_action : uint8_t { replace, restart, reimage };
/// scaleInPolicy.rules[0] (Azure takes the first rule).
enum class scale_in_rule : uint8_t { default_rule, newest_vm, oldest_vm };
/// Where the set's instance health comes from: nowhere, a load balancer's
/// probe (networkProfile.healthProbe) or the Application Health extension.
/// Azure allows one at a time.
enum class health_source : uint8_t { none, load_balancer_probe, extension };

/// "Uniform", "Automatic", "Replace", "Default", "extension": Azure's
/// spelling, for traces and the instance view.
const char* to_string(orchestration_mode m);
const char* to_string(upgrade_mode m);
const char* to_string(repair_action a);
const char* to_string(scale_in_rule r);
const char* to_string(health_source h);

/// upgradePolicy.rollingUpgradePolicy (percentages of the set's instances).
struct rolling_policy {
  uint32_t max_batch_percent = 20;
  uint32_t max_unhealthy_percent = 20;
  uint32_t max_unhealthy_upgraded_percent = 20;
  sim_time pause_between_batches = 0;
  bool prioritize_unhealthy = false;
  bool cross_zone = false;
  bool max_surge = false;
  bool rollback_on_breach = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rolling_policy& x) {
  return f(x.max_batch_percent, x.max_unhealthy_percent,
           x.max_unhealthy_upgraded_percent, x.pause_between_batches,
           x.prioritize_unhealthy, x.cross_zone, x.max_surge,
           x.rollback_on_breach);
}

/// automaticRepairsPolicy.
struct repair_policy {
  bool enabled = false;
  sim_time grace = seconds(600);
  repair_action action = repair_action::replace;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, repair_policy& x) {
  return f(x.enabled, x.grace, x.action);
}

/// The Application Health extension's settings, defaults filled in.
struct extension_health {
  bool rich = false; ///< rich health states (typeHandlerVersion 2.x)
  bool tcp = false;  ///< protocol tcp (else http/https: 200 is healthy)
  sim_time interval = seconds(5);
  uint32_t probes = 1; ///< numberOfProbes: consecutive results to change
  sim_time grace = seconds(5); ///< rich states: Initializing at most this
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, extension_health& x) {
  return f(x.rich, x.tcp, x.interval, x.probes, x.grace);
}

/// A load balancer backend pool the set's NICs join: the load balancer's
/// name and the pool's.
struct pool_ref {
  std::string load_balancer;
  std::string pool;
  friend bool operator==(const pool_ref& a, const pool_ref& b) {
    return a.load_balancer == b.load_balancer && a.pool == b.pool;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pool_ref& x) {
  return f(x.load_balancer, x.pool);
}

struct set_model {
  std::string name;
  uint32_t capacity = 0;
  std::string sku; ///< "Standard_B2s"
  uint32_t vcpus = 0;
  uint32_t ram_gb = 0;
  /// 0-based zones; empty for a regional set.
  std::vector<uint32_t> zones;
  orchestration_mode mode = orchestration_mode::uniform;
  bool overprovision = true;
  bool no_extensions_on_overprovisioned = false;
  bool single_placement_group = true;
  bool zone_balance = false;
  /// platformFaultDomainCount as given (1 for a zonal set is max spreading).
  uint32_t fault_domains = 5;
  scale_in_rule scale_in = scale_in_rule::default_rule;
  bool force_deletion = false;
  upgrade_mode upgrade = upgrade_mode::manual;
  rolling_policy rolling;
  repair_policy repairs;
  health_source health = health_source::none;
  extension_health extension; ///< health == extension
  /// health == load_balancer_probe: the load balancer and its probe's name.
  std::string probe_load_balancer;
  std::string probe;
  std::vector<pool_ref> pools;
  /// A fingerprint of virtualMachineProfile and sku.name: instances whose
  /// profile differs from the set's are not on the latest model.
  uint64_t profile = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_model& x) {
  return f(x.name, x.capacity, x.sku, x.vcpus, x.ram_gb, x.zones, x.mode,
           x.overprovision, x.no_extensions_on_overprovisioned,
           x.single_placement_group, x.zone_balance, x.fault_domains,
           x.scale_in, x.force_deletion, x.upgrade, x.rolling, x.repairs,
           x.health, x.extension, x.probe_load_balancer, x.probe, x.pools,
           x.profile);
}

} // namespace vmss::compute
