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

#include "actors/compute/instance.hpp"
#include "actors/compute/orchestrator_core.hpp"

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

class repair_planner {
public:
  /// `model`: the set's model in force (its repairs policy and health
  /// source); `instances`: the orchestrator's table; `now`: the time.
  repair_plan plan(sim_time now, const set_model& model,
                   const instance_map& instances);
  /// setOrchestrationServiceState: resume (Running) or suspend.
  repair_plan set_running(sim_time now, bool running);
  bool running() const { return running_; }

private:
  bool running_ = true;
};

} // namespace vmss::compute
