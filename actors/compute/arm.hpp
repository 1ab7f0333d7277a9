#pragma once
/// The ARM front door entity of a region ("westeurope/arm"): a thin CAF
/// shell around arm_core. Requests arrive from the scenario's timeline (and
/// later from `vmss-sim ctl`); it traces each with its answer
/// (`arm_request`), traces each accepted model change (`model_updated`)
/// and sends it to the set's orchestrator (model_changed), and passes the
/// accepted instance-level requests on to the orchestrator.

#include "actors/compute/arm_core.hpp"
#include "kernel/entity.hpp"

namespace vmss::compute {

struct arm_shell_params {
  arm_params core;
  std::string region; ///< for the orchestrators' paths
};

class arm : public entity {
public:
  arm(caf::actor_config& cfg, node_kernel& k, entity_id id,
      const arm_shell_params* params);

  void on_start() override {}
  caf::behavior make_behavior() override;

private:
  /// Traces the answer to `r` and carries it out.
  void answer(const arm_request& r, arm_answer result);

  const arm_shell_params* params_;
  arm_core core_;
};

} // namespace vmss::compute
