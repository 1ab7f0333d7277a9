#pragma once
/// A scale set's orchestrator (spec Layer 3 "The Orchestration Engine"), as
/// a pure core: it owns the instance table and reconciles the set's
/// desired state (its model, from ARM) with the actual one (what host
/// agents report, what the fabric controller answers), acting through the
/// fabric controller: scale out (with overprovisioning), scale in (by
/// scaleInPolicy and instance protection, draining through the load
/// balancer), zone balance, instance-level requests, and the orders of the
/// upgrade and repair planners (act()). Its shell (orchestrator.hpp) feeds
/// it every input with the time and carries out the effects: trace the
/// reports, send the fabric-controller requests (retrying until answered)
/// and the load-balancer messages, and call on_tick() at `wake`.
///
/// The core never sends a fabric-controller request twice for one intent:
/// the shell retries. Answers may arrive late or twice; the core ignores an
/// answer it no longer waits for, and a status from a host the instance
/// has left.
///
/// An instance's work (instance_work) and its provisioningState:
///
///   (new) --fc_allocate--> creating [Creating] --Running--> none [Succeeded]
///            refused: best effort tries the next zone (one zone down at
///            most), else creating [Failed] until on_tick allocates again
///   none --reimage / upgrade--> reimaging  [Updating] --VM left Running,
///   none --restart-----------> restarting [Updating]   then Running--> none
///   none --start (stopped)---> starting   [Updating] --Running--> none
///   none --start (deallocated): fc_allocate, starting --Running--> none
///   none --powerOff----------> stopping   [Updating] --Stopped--> none
///   none --deallocate: fc delete, stopping --Deleted--> none (deallocated)
///   any --scale-in, delete, overprovision extra, Replace-->
///        draining [Deleting] (lb leave per pool; at once without pools)
///        --every pool drained--> deleting (fc delete) --Deleted--> gone
///   fc_vm_lost: power unknown, kept; fc_vm_moved: creating on the new host
///
/// Inputs reconcile at once: capacity deficit -> scale out (overprovision
/// in Uniform), surplus -> scale in (policy, protection). on_model of
/// version 1 and on_tick return `wake` (the loop); the others leave it.

#include "actors/compute/instance.hpp"
#include "messages/compute_messages.hpp"
#include "messages/fabric_messages.hpp"
#include "messages/network_messages.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace vmss::compute {

struct orchestrator_params {
  /// The reconciliation loop's period (spec Layer 3: "typically 30-60
  /// seconds"); every input also reconciles at once.
  sim_time loop = seconds(30);
  /// Overprovisioning: extras = ceil(needed * ratio_percent / 100) - needed
  /// (spec Layer 3/4: 20%).
  uint32_t overprovision_percent = 120;
  /// The rack of a host agent entity (the fabric controller's fault
  /// domain of a host is its rack mod platformFaultDomainCount,
  /// actors/fabric/placement.hpp); empty: every host is on rack 0.
  std::function<uint32_t(uint32_t host)> host_rack;
  /// Update domains of a Uniform set (instance id mod this).
  uint32_t update_domains = 5;
};

/// `capacity_changed`.
struct capacity_report {
  uint32_t from = 0;
  uint32_t to = 0;
  std::string reason;
};
/// `instance_view`: the instance after a change (provisioning Deleted: it
/// left the table).
struct view_report {
  instance view;
  std::string provisioning_state; ///< Creating, Updating, Succeeded, ...
  std::string power_state;        ///< running, stopped, deallocated, ...
  bool latest_model = true;
};
/// `instance_operation`.
struct operation_report {
  uint32_t instance = 0;
  std::string operation; ///< create, delete, reimage, restart, start, stop
  std::string reason;    ///< scale_out, scale_in, overprovision, request,
                         ///< repair, upgrade, rollback
};
/// `instance_refused`. A refused scale-in (protected instances) concerns
/// the set: `action` "scale_in", `instance` unused (0).
struct refused_report {
  uint32_t instance = 0;
  std::string action;
  std::string reason; ///< Azure's error code and message
};
using orchestrator_report = std::variant<capacity_report, view_report,
                                         operation_report, refused_report>;

/// A message for the load balancer `load_balancer`.
struct lb_send {
  std::string load_balancer;
  network::lb_member msg;
};

struct orchestrator_effects {
  std::vector<orchestrator_report> reports;
  std::vector<fabric::fc_allocate> allocations;
  std::vector<fabric::fc_operate> operations;
  std::vector<lb_send> lb;
  /// Call on_tick() at this time (sim_time_never: no deadline).
  sim_time wake = sim_time_never;
};

/// What a planner asks the orchestrator to do to an instance.
enum class order_kind : uint8_t {
  reimage_to_latest, ///< upgrade: reimage with the latest model
  replace,           ///< repair Replace: delete, and create a new instance
  reimage,           ///< repair Reimage (keeps the instance id, new OS disk)
  restart,           ///< repair Restart (keeps everything)
  create_surge,      ///< upgrade with maxSurge: one more instance, latest model
  delete_instance,   ///< upgrade with maxSurge: remove an old instance
  /// rollbackFailedInstancesOnPolicyBreach: reimage with the model in force
  /// before the latest profile change
  reimage_to_previous,
};

struct order {
  order_kind kind = order_kind::reimage_to_latest;
  uint32_t instance = 0; ///< unused by create_surge
  std::string reason;    ///< "upgrade", "repair", "rollback"
};

class orchestrator_core {
public:
  explicit orchestrator_core(const orchestrator_params& params);

  /// ARM accepted a model (version 1 creates the set); `reason` is the
  /// request's (model_changed::reason), capacity_changed's when the
  /// capacity changes.
  orchestrator_effects on_model(sim_time now, uint32_t version,
                                const set_model& model,
                                const std::string& reason = "request");
  /// An instance-level request ARM accepted (instance_action,
  /// set_protection); refuses what the instances do not allow.
  orchestrator_effects on_request(sim_time now, const arm_request& request);
  orchestrator_effects on_status(sim_time now, const instance_status& status);
  orchestrator_effects on_allocated(sim_time now,
                                    const fabric::fc_allocated& answer);
  orchestrator_effects on_operated(sim_time now,
                                   const fabric::fc_operated& answer);
  orchestrator_effects on_lost(sim_time now, const fabric::fc_vm_lost& lost);
  orchestrator_effects on_moved(sim_time now, const fabric::fc_vm_moved& moved);
  orchestrator_effects on_drained(sim_time now,
                                  const network::lb_drained& drained);
  orchestrator_effects on_backend_health(sim_time now,
                                         const network::lb_backend_health& h);
  /// extension_failure (`failed`) or extension_restore of instance `id`
  /// (`all`: of every instance): marks or clears extension_failed on the
  /// placed instances it names that are idle (an instance under an
  /// operation, deallocated or not yet placed is left as it is).
  orchestrator_effects on_extension(sim_time now, uint32_t id, bool all,
                                    bool failed);
  /// The loop's tick, or a deadline the core asked for.
  orchestrator_effects on_tick(sim_time now);
  /// A planner's order; refused (no effect) if the instance is busy or gone.
  orchestrator_effects act(sim_time now, const order& o);

  const instance_map& instances() const { return instances_; }
  /// The model in force (none before the first on_model).
  const set_model* model() const;
  uint32_t model_version() const { return version_; }

private:
  /// What the core keeps about an instance beyond the shared table.
  struct track {
    /// The fabric-controller request it waits for an answer to.
    enum class wait : uint8_t { none, allocate, operate } pending = wait::none;
    physical::vm_op op = physical::vm_op::start; ///< pending == operate
    bool failed = false;                         ///< provisioningState Failed
    bool unreachable = false; ///< its host is down (fc_vm_lost)
    bool joined = false;      ///< its NIC is in the set's pools
    uint32_t drains_left = 0; ///< draining: lb_drained still to come
    bool transition = false;  ///< the VM left Running since the op began
    bool to_latest = false;   ///< reimaging: to the latest model
    bool to_previous = false; ///< reimaging: back to the previous model
    bool deallocate = false;  ///< stopping: deallocate (free the host)
    std::string reason;       ///< of the operation in progress
    uint32_t rack = 0;
  };
  /// An overprovisioned scale-out: `needed` of `members` are kept, the
  /// first to become ready.
  struct op_batch {
    std::vector<uint32_t> members;
    uint32_t needed = 0;
    std::vector<uint32_t> kept;
  };
  /// What a view_report shows, to report only changes.
  struct shown {
    std::string provisioning, power;
    bool latest = true;
    uint32_t host = 0, vm = 0, fault_domain = 0, model_version = 0;
    int64_t zone = -1;
    bool protect_in = false, protect_actions = false;
    physical::app_health health = physical::app_health::none;
    bool operator==(const shown& o) const;
  };

  uint32_t members() const;
  uint32_t target() const { return desired_ + surge_; }
  bool leaving(const instance& i) const;
  bool busy(uint32_t id) const;
  std::map<int64_t, uint32_t> zone_counts() const;
  std::optional<int64_t> choose_zone(const std::set<int64_t>& excluded) const;
  uint32_t spread_domain(const instance& i) const;
  /// The zone of a new instance: the least used (best effort: of the
  /// zones that did not refuse since the last tick).
  int64_t new_zone() const;
  shown view_of(const instance& i) const;
  void touch(orchestrator_effects& e, uint32_t id);
  void remove(orchestrator_effects& e, uint32_t id);
  void set_capacity(orchestrator_effects& e, uint32_t to,
                    const std::string& reason);

  void reconcile(sim_time now, orchestrator_effects& e);
  void scale_out(sim_time now, orchestrator_effects& e, uint32_t needed);
  void scale_in(orchestrator_effects& e, uint32_t surplus);
  std::vector<uint32_t> choose_scale_in(uint32_t count) const;
  uint32_t create(sim_time now, orchestrator_effects& e, int64_t zone,
                  const std::string& reason);
  void allocate(orchestrator_effects& e, uint32_t id,
                const std::string& operation, const std::string& reason);
  void start_delete(orchestrator_effects& e, uint32_t id,
                    const std::string& reason);
  void finish_drain(orchestrator_effects& e, uint32_t id);
  void operate(orchestrator_effects& e, uint32_t id, physical::vm_op op,
               instance_work work, const std::string& operation,
               const std::string& reason);
  void complete(sim_time now, orchestrator_effects& e, instance& i);
  void join_pools(orchestrator_effects& e, instance& i);
  void place(instance& i, uint32_t host);
  void retry_elsewhere(orchestrator_effects& e, instance& i);
  void on_deleted(orchestrator_effects& e, instance& i);
  void progress(sim_time now, orchestrator_effects& e, instance& i,
                bool health_changed);
  void check_batches(orchestrator_effects& e);
  void forget_batch_member(uint32_t id);
  bool ready(const instance& i) const;

  orchestrator_effects on_instance_action(sim_time now, const arm_request& r);
  orchestrator_effects set_protection(const arm_request& r);
  std::optional<std::string> action_refusal(const instance& i,
                                            instance_action a) const;
  void apply_action(orchestrator_effects& e, instance& i, instance_action a);
  bool orderable(const order& o) const;

  const orchestrator_params* params_;
  /// The profile (and its version) in force before the latest profile
  /// change: what a rollback reimages to.
  uint64_t previous_profile_ = 0;
  uint32_t profile_version_ = 0; ///< the version that set the profile
  uint32_t previous_version_ = 0;
  std::optional<set_model> model_;
  uint32_t version_ = 0;
  instance_map instances_;
  std::map<uint32_t, track> tracks_;
  std::map<uint32_t, shown> shown_;
  std::vector<op_batch> batches_;
  /// The capacity in force (the model's, less instance deletes since).
  uint32_t desired_ = 0;
  /// Surge instances created by the upgrade planner not yet balanced by a
  /// delete_instance order.
  uint32_t surge_ = 0;
  uint32_t next_id_ = 0;
  /// Best-effort zone balance: zones that refused an allocation since the
  /// last tick.
  std::set<int64_t> refused_zones_;
  /// Protected instances that kept the last scale-in short (reported once).
  uint32_t scale_in_short_ = 0;
};

} // namespace vmss::compute
