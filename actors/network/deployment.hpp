#pragma once
/// A blue-green deployment entity (kind deployment,
/// network::deployment_path(region, name): "westeurope/deploy/release-2"):
/// a thin shell around deployment_core. It sends lb_rule_set and
/// lb_pool_query to its load balancer (in its own region), feeds the
/// answers (lb_pool_health) and its timers (tm_due) to the core and traces
/// `blue_green` (deployment, phase, pool, reason).

#include "actors/network/deployment_core.hpp"
#include "kernel/entity.hpp"

namespace vmss::network {

/// Filled by the region model from the scenario's Deployment (its
/// defaults: messages/scenario.proto); `core.grace` from the probe of the
/// rule's load balancer.
struct deployment_shell_params {
  deployment_params core;
};

class deployment : public entity {
public:
  deployment(caf::actor_config& cfg, node_kernel& k, entity_id id,
             const deployment_shell_params* params);

  void on_start() override;
  caf::behavior make_behavior() override;

private:
  void apply(deployment_effects effects);

  entity_id load_balancer_;
  deployment_core core_;
};

} // namespace vmss::network
