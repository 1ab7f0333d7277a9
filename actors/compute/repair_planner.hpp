#pragma once
/// Automatic instance repairs (automaticRepairsPolicy; spec Layer 3
/// "Health Monitoring & Automatic Repairs", Layer 6 "Automatic Repair
/// Flow"), as a pure planner over the orchestrator's instance table: which
/// instance to repair now and how, within the grace period, the rate limit
/// and protection; whether a repair completed or failed; when repeated
/// failures suspend the service. The orchestrator's shell calls plan()
/// after every change of the table and at the planner's deadline, carries
/// out the orders through orchestrator_core::act() and traces the reports.
/// docs/model.md gives each rule's source. No CAF.
///
/// One repair, from its order to its outcome:
///
///   instance Unhealthy/Unknown, idle, unprotected, and its grace period
///   (changed_at + gracePeriod) over, within the rate limit
///        |  order replace | reimage | restart; report started
///        v
///   operation running (the target busy; Replace: the target deleted and
///        |            a new instance created)
///        |  operation done: the instance (Replace: the new one) idle
///        v
///   waiting for health ---- healthy ----------------> completed
///        |
///        +---- still not healthy gracePeriod after ---> failed
///              the operation completed               (suspend_after
///                                                    failures in a row:
///                                                    service Suspended)
///
/// A repair whose order the orchestrator refused, or whose instance left
/// the set, ends failed without counting toward the suspension.
///
/// The planner expects of the orchestrator: `changed_at` stamped at the end
/// of every operation and at every health change (the grace period counts
/// from it); an accepted order marks the instance's work at once; a
/// Replace's new instance has `created_at` at or after the order.

#include "actors/compute/instance.hpp"
#include "actors/compute/orchestrator_core.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vmss::compute {

/// `repair` (phase started, completed or failed).
struct repair_report {
  uint32_t instance = 0;
  repair_action action = repair_action::replace;
  std::string phase;
};
/// `service_state` of AutomaticRepairs (Running or Suspended).
struct service_report {
  bool running = true;
  std::string reason;
};
using repair_planner_report = std::variant<repair_report, service_report>;

struct repair_plan {
  std::vector<order> orders;
  std::vector<repair_planner_report> reports;
  /// Call plan() again at this time (sim_time_never: no deadline).
  sim_time wake = sim_time_never;
};

struct repair_planner_params {
  /// Failed repairs in a row (no completed one between) that suspend the
  /// service (spec Layer 3/6: "max 5 attempts"; Azure publishes no count).
  uint32_t suspend_after = 5;
};

class repair_planner {
public:
  explicit repair_planner(const repair_planner_params& params = {});

  /// `model`: the set's model in force (its repairs policy and health
  /// source); `instances`: the orchestrator's table; `now`: the time.
  repair_plan plan(sim_time now, const set_model& model,
                   const instance_map& instances);
  /// setOrchestrationServiceState: resume (Running) or suspend. On resume
  /// the wake is `now`: call plan() at once.
  repair_plan set_running(sim_time now, bool running);
  bool running() const { return running_; }
  /// Repairs ordered and not yet completed or failed.
  size_t in_progress() const { return repairs_.size(); }

private:
  struct repair {
    uint32_t target = 0;
    repair_action action = repair_action::replace;
    sim_time ordered_at = 0;
    bool seen_busy = false; ///< the target was seen under the operation
    /// Replace: the new instance, once it appears.
    std::optional<uint32_t> replacement;
    /// Replace: when the target was first seen gone.
    sim_time gone_at = sim_time_never;
    /// When the operation was first seen completed.
    sim_time done_at = sim_time_never;
  };
  enum class outcome : uint8_t { pending, completed, failed, abandoned };

  outcome track(sim_time now, const set_model& model,
                const instance_map& instances, repair& r, repair_plan& out);
  outcome track_in_place(sim_time now, const set_model& model,
                         const instance_map& instances, repair& r,
                         repair_plan& out);
  outcome track_replace(sim_time now, const set_model& model,
                        const instance_map& instances, repair& r,
                        repair_plan& out);
  /// The operation is done and `i` is what it left: healthy, or not within
  /// the grace period.
  outcome judge(sim_time now, const set_model& model, const instance& i,
                repair& r, repair_plan& out);
  void finish(const repair& r, outcome o, repair_plan& out);
  void start(sim_time now, const set_model& model,
             const instance_map& instances, repair_plan& out);
  /// An instance some repair in progress targets or created.
  bool involved(uint32_t id) const;

  repair_planner_params params_;
  bool running_ = true;
  bool enabled_ = false;  ///< the policy's last `enabled` plan() saw
  uint32_t failures_ = 0; ///< failed repairs in a row
  std::vector<repair> repairs_;
};

/// How many instances automatic repairs may repair at once in a set of
/// `capacity`: one below 20 instances, else 5% (at least one).
uint32_t repair_limit(uint32_t capacity);

/// Unhealthy for automatic repairs: the extension's Unhealthy or Unknown
/// (not Initializing, not no report yet), or the load balancer probe down;
/// never with no health source.
bool needs_repair(const instance& i, health_source source);

} // namespace vmss::compute
