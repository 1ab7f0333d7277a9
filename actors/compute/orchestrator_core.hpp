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
/// answer it no longer waits for.

#include "actors/compute/instance.hpp"
#include "messages/compute_messages.hpp"
#include "messages/fabric_messages.hpp"
#include "messages/network_messages.hpp"

#include <optional>
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
/// `instance_refused`.
struct refused_report {
  uint32_t instance = 0;
  std::string action;
  std::string reason; ///< Azure's error code and message
};
using orchestrator_report =
    std::variant<capacity_report, view_report, operation_report,
                 refused_report>;

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
};

struct order {
  order_kind kind = order_kind::reimage_to_latest;
  uint32_t instance = 0; ///< unused by create_surge
  std::string reason;    ///< "upgrade", "repair", "rollback"
};

class orchestrator_core {
public:
  explicit orchestrator_core(const orchestrator_params& params);

  /// ARM accepted a model (version 1 creates the set).
  orchestrator_effects on_model(sim_time now, uint32_t version,
                                const set_model& model);
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
  /// The loop's tick, or a deadline the core asked for.
  orchestrator_effects on_tick(sim_time now);
  /// A planner's order; refused (no effect) if the instance is busy or gone.
  orchestrator_effects act(sim_time now, const order& o);

  const instance_map& instances() const { return instances_; }
  /// The model in force (none before the first on_model).
  const set_model* model() const;
  uint32_t model_version() const { return version_; }

private:
  const orchestrator_params* params_;
  std::optional<set_model> model_;
  uint32_t version_ = 0;
  instance_map instances_;
};

} // namespace vmss::compute
