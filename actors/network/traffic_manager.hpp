#pragma once
/// The Traffic Manager entity (kind traffic_manager, "global/tm/NAME"): a
/// thin shell around tm_core. It probes each endpoint's load balancer
/// (tm_probe, answered by tm_probe_reply) every monitoring interval (its
/// timers are tm_due), answers dns_query with dns_answer to the sender,
/// applies the scenario's endpoint PATCHes (tm_endpoint_set), and traces
/// `tm_endpoint` (profile, endpoint, status) on every status change and
/// once per endpoint at start, and `tm_route` (profile, endpoint, client,
/// ttl_s) per answer. Weighted routing draws from the entity's random
/// stream.

#include "actors/network/tm_core.hpp"
#include "kernel/entity.hpp"

namespace vmss::network {

/// Filled by the region model: the core's settings (to_tm_params with the
/// load balancer each endpoint reaches).
struct tm_shell_params {
  tm_params core;
};

class traffic_manager : public entity {
public:
  traffic_manager(caf::actor_config& cfg, node_kernel& k, entity_id id,
                  const tm_shell_params* params);

  void on_start() override;
  caf::behavior make_behavior() override;

private:
  void apply(tm_effects effects);

  tm_core core_;
};

} // namespace vmss::network
