#pragma once
/// Upgrades of a scale set's instances to its latest model
/// (upgradePolicy: Automatic, Manual, Rolling with rollingUpgradePolicy;
/// spec Layer 3 "Updating Instances", Layer 6 "Instance Update Flow"), as a
/// pure planner over the orchestrator's instance table: batches (zone by
/// zone and within update domains unless cross-zone upgrades are enabled),
/// the health checks before and after each batch, the pause between
/// batches, maxSurge, prioritised unhealthy instances, rollback on a policy
/// breach, cancel, and a model change that restarts the upgrade. The
/// orchestrator's shell calls plan() after every change of the table and at
/// the planner's deadline, carries out the orders through
/// orchestrator_core::act() and traces the reports. docs/model.md gives
/// each rule's source. No CAF.

#include "actors/compute/instance.hpp"
#include "actors/compute/orchestrator_core.hpp"

#include <string>
#include <variant>
#include <vector>

namespace vmss::compute {

/// `upgrade_batch`: batch number (1-based) and its instances.
struct batch_report {
  uint32_t batch = 0;
  std::vector<uint32_t> instances;
};
/// `upgrade_status`: RollingForward, Completed, Faulted, Cancelled.
struct status_report {
  std::string status;
  std::string reason;
};
using upgrade_planner_report = std::variant<batch_report, status_report>;

struct upgrade_plan {
  std::vector<order> orders;
  std::vector<upgrade_planner_report> reports;
  /// Call plan() again at this time (sim_time_never: no deadline).
  sim_time wake = sim_time_never;
};

class upgrade_planner {
public:
  /// `model`, `version`: the set's model in force (a new version whose
  /// profile differs starts or restarts an upgrade, per the mode);
  /// `instances`: the orchestrator's table.
  upgrade_plan plan(sim_time now, uint32_t version, const set_model& model,
                    const instance_map& instances);
  /// POST rollingUpgrades/cancel: stops after the batch in flight.
  upgrade_plan cancel(sim_time now);
  /// An upgrade in progress (RollingForward).
  bool active() const { return active_; }

private:
  bool active_ = false;
};

} // namespace vmss::compute
