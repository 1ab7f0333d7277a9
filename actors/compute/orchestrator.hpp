#pragma once
/// A scale set's orchestrator entity ("westeurope/vmss/web"): a thin CAF
/// shell around orchestrator_core and its two planners (repairs,
/// upgrades). It feeds them what arrives (the model and instance-level
/// requests from ARM, instance states from host agents, the fabric
/// controller's answers, the load balancer's verdicts, its timers) and
/// carries out their effects:
///   - traces the reports (capacity_changed, instance_view,
///     instance_operation, instance_refused, repair, service_state,
///     upgrade_batch, upgrade_status);
///   - sends fabric-controller requests to the leader (a leader_finder
///     follows fc_redirect and moves on after a retry period of silence)
///     and asks again every retry period until answered;
///   - sends load-balancer messages (a pool whose load balancer is not in
///     the run drains at once);
///   - after every input asks the planners for orders and gives them to
///     the core; runs the loop at the earliest deadline any of them set.

#include "actors/compute/orchestrator_core.hpp"
#include "actors/compute/repair_planner.hpp"
#include "actors/compute/upgrade_planner.hpp"
#include "actors/fabric/leader_finder.hpp"
#include "kernel/entity.hpp"

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace vmss::compute {

struct orchestrator_shell_params {
  orchestrator_params core;
  std::string region;                 ///< for the load balancers' paths
  sim_time retry = seconds(2);        ///< fabric-controller requests
  std::vector<entity_id> controllers; ///< the fabric controller's replicas
};

class orchestrator : public entity {
public:
  orchestrator(caf::actor_config& cfg, node_kernel& k, entity_id id,
               const orchestrator_shell_params* params);

  void on_start() override {}
  caf::behavior make_behavior() override;

private:
  using fc_request = std::variant<fabric::fc_allocate, fabric::fc_operate>;

  /// Carries out the core's effects, then the planners' orders.
  void execute(orchestrator_effects fx);
  void carry_out(orchestrator_effects fx);
  void plan();
  void report(const orchestrator_report& r);
  void wake_at(sim_time t);
  void ask(uint32_t request);
  /// The pending request `fc_allocate` / `fc_operate` answers, if any.
  void answered(const fc_request& answer_key);

  const orchestrator_shell_params* params_;
  std::string name_; ///< the scale set's name (the last path component)
  orchestrator_core core_;
  repair_planner repairs_;
  upgrade_planner upgrades_;
  fabric::leader_finder finder_;
  /// Requests to the fabric controller not yet answered, by number.
  std::map<uint32_t, fc_request> pending_;
  std::map<uint32_t, uint32_t> attempts_;
  uint32_t next_request_ = 0;
  sim_time next_wake_ = sim_time_never;
  uint64_t wake_seq_ = 0;
};

} // namespace vmss::compute
