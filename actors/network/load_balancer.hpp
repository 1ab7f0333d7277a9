#pragma once
/// The load balancer entity (kind load_balancer, "westeurope/lb/web-lb"): a
/// thin shell around lb_core. Orchestrators tell it which instances join
/// and leave its pools (lb_member); it probes their VMs (lb_probe, answered
/// by lb_probe_reply), tells the orchestrator of each member's scale set
/// when a probe's verdict changes (lb_backend_health) and when a leaving
/// member is drained (lb_drained), and traces `lb_backend` (vm, member,
/// pool) and `probe_result` (vm, probe, up). Its timers are lb_due.
///
/// Traffic: a workload's lb_traffic is split into vm_serve batches to the
/// VMs receiving new flows; their vm_served answers (or the serve timeout)
/// make the lb_traffic_result sent back to the workload. It answers a
/// deployment's lb_rule_set and lb_pool_query (lb_pool_health) and a
/// Traffic Manager's tm_probe (tm_probe_reply, 200 or 503).

#include "actors/network/lb_core.hpp"
#include "kernel/entity.hpp"

#include <string>

namespace vmss::network {

class load_balancer : public entity {
public:
  load_balancer(caf::actor_config& cfg, node_kernel& k, entity_id id,
                const lb_params* params);

  caf::behavior make_behavior() override;

private:
  void apply(lb_effects effects);
  entity_id orchestrator_of(const std::string& scale_set) const;

  std::string region_;
  lb_core core_;
};

} // namespace vmss::network
