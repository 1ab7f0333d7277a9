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
///
/// The rolling upgrade's batch loop (Rolling mode; a new model version
/// whose instances are not all on the latest profile starts it):
///
///       new version, instances not on the latest model
///   idle ----------------------------------------------> RollingForward
///    ^                                                        |
///    |  Completed: nothing left to upgrade                    v
///    +------------------------------------------------ before a batch:
///    |  Faulted: more than maxUnhealthyInstancePercent   unhealthy check
///    +-------------------------------------------------       |
///    |                                                        v
///    |                                         batch: reimage_to_latest
///    |                                         (maxSurge: create_surge,
///    |                                          then delete_instance)
///    |                                                        |
///    |  Faulted: more than                                    v
///    |  maxUnhealthyUpgradedInstancePercent        batch done: on the
///    +---------------------------------------- latest model, idle, healthy
///    |                                          or health_wait passed
///    |                                                        |
///    |                                                        v
///    |                                         pause pauseTimeBetweenBatches
///    |                                          ---> back to the check
///    +-- Cancelled: cancel(), or the mode leaves Rolling (from any state)
///
/// A new version with another profile during the upgrade restarts it
/// (RollingForward again, batches counted from 1); the batch in flight is
/// let finish first. Automatic mode orders every instance at once, Manual
/// mode orders nothing. A breach ends Faulted; with
/// rollbackFailedInstancesOnPolicyBreach the upgraded instances that are
/// unhealthy are also ordered back to the previous model
/// (order_kind::reimage_to_previous, reason "rollback").
///
/// The planner expects that an order act() accepts marks the instance's
/// work at once, and that a refused one leaves it idle: an instance still
/// idle on the old model after its order leaves the batch, not upgraded.

#include "actors/compute/instance.hpp"
#include "actors/compute/orchestrator_core.hpp"

#include <map>
#include <optional>
#include <set>
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

struct upgrade_planner_params {
  /// How long a batch waits for an upgraded instance to become healthy
  /// once it runs the latest model; one still unhealthy then counts as an
  /// unhealthy upgraded instance (Azure's automatic OS upgrades: "waits up
  /// to 5 minutes for the instance to become healthy").
  sim_time health_wait = seconds(300);
};

class upgrade_planner {
public:
  explicit upgrade_planner(const upgrade_planner_params& params = {});

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
  /// The batch in flight. In place: its instances are reimaged. With
  /// maxSurge: `surge` new instances are created, then `instances` (the
  /// old ones) deleted. `stale`: its upgrade ended or restarted; it is only
  /// let finish.
  struct batch {
    std::vector<uint32_t> instances;
    sim_time started = 0;
    bool stale = false;
    uint32_t surge = 0;
    std::vector<uint32_t> surge_new; ///< the new instances, as they appear
    std::set<uint32_t> known;        ///< the table's ids when ordered
    bool deleting = false;           ///< maxSurge: old ones ordered deleted
    sim_time deleted_at = 0;
  };

  void on_version(uint32_t version, const set_model& model,
                  const instance_map& instances, upgrade_plan& out);
  void start_run(const set_model& model, const std::string& reason,
                 upgrade_plan& out);
  void end_run(const char* status, const std::string& reason,
               upgrade_plan& out);
  void plan_automatic(const set_model& model, const instance_map& instances,
                      upgrade_plan& out);
  /// Advances the batch in flight; true when it is finished (or none).
  bool advance(sim_time now, const set_model& model,
               const instance_map& instances, upgrade_plan& out);
  /// In place: drops instances that are gone or whose order was refused;
  /// true when every remaining one is settled.
  bool advance_in_place(sim_time now, const set_model& model,
                        const instance_map& instances, upgrade_plan& out);
  bool advance_surge(sim_time now, const set_model& model,
                     const instance_map& instances, upgrade_plan& out);
  /// Upgraded, idle, and healthy or past health_wait; sets the wake.
  bool settled(sim_time now, const set_model& model, const instance& i,
               upgrade_plan& out);
  /// After a batch: the upgraded-instance check, then the pause.
  void finish_batch(sim_time now, const set_model& model,
                    const instance_map& instances, upgrade_plan& out);
  /// More upgraded instances unhealthy than maxUnhealthyUpgradedInstance-
  /// Percent allows: ends the run Faulted.
  /// Ends the upgrade Faulted for `reason`, rolling the failed instances
  /// back when the policy says so.
  void fault(const set_model& model, const instance_map& instances,
             std::string reason, upgrade_plan& out);
  bool upgraded_breach(const set_model& model, const instance_map& instances,
                       upgrade_plan& out);
  void next_batch(sim_time now, const set_model& model,
                  const instance_map& instances, upgrade_plan& out);
  void order_batch(sim_time now, const set_model& model,
                   const instance_map& instances,
                   const std::vector<uint32_t>& ids, upgrade_plan& out);
  /// Not on the latest model and to be upgraded by this run.
  bool pending(const set_model& model, const instance& i) const;

  upgrade_planner_params params_;
  bool active_ = false;
  uint32_t version_ = 0; ///< the last version plan() saw
  uint64_t profile_ = 0; ///< the profile the run upgrades to
  uint32_t batches_ = 0; ///< batches started by this run
  sim_time pause_until_ = 0;
  std::optional<batch> batch_;
  /// Instances this run (or this version, in Automatic mode) ordered.
  std::set<uint32_t> attempted_;
  /// Instances this run brought to the latest model.
  std::set<uint32_t> upgraded_;
  /// When each instance was first seen upgraded and idle.
  std::map<uint32_t, sim_time> settled_at_;
};

/// max(1, floor(capacity * percent / 100)): a batch's size, and the rule
/// that a batch of 20% of 10 instances has two (Azure's rolling upgrade
/// policy).
uint32_t batch_size(uint32_t capacity, uint32_t percent);

/// `count` of `capacity` instances is more than `percent` percent.
bool over_percent(uint32_t count, uint32_t capacity, uint32_t percent);

} // namespace vmss::compute
