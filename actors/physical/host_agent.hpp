#pragma once
/// The host agent of one server: heartbeats to its health monitor, and
/// admits VMs within the host's capacity (host_capacity: RAM strictly,
/// vCPUs up to 2:1, hypervisor overhead kept back) before creating them.
/// Traces `host_started`, `vm_admitted` and `vm_rejected`. Not modelled
/// yet: stop, delete and reimage requests, reports to the fabric
/// controller, the VMs' fate when the host crashes.

#include "actors/physical/host_capacity.hpp"
#include "kernel/entity.hpp"
#include "messages/physical_messages.hpp"

namespace vmss::physical {

struct host_agent_params {
  sim_time heartbeat_period = seconds(1);
  uint32_t cores = 64;
  uint32_t ram_gb = 512;
};

class host_agent : public entity {
public:
  host_agent(caf::actor_config& cfg, node_kernel& k, entity_id id,
             entity_id monitor, const host_agent_params* params);

  void on_start() override;
  void on_crash() override { heartbeat_seq_ = 0; }
  caf::behavior make_behavior() override;

private:
  /// Up to 1% of the heartbeat period, from this host's seeded stream.
  sim_time jitter();
  void place(const vm_place& request);

  entity_id monitor_;
  const host_agent_params* params_;
  host_capacity capacity_;     ///< durable: survives an agent restart
  uint64_t heartbeat_seq_ = 0; ///< volatile: from 0 after a crash
};

} // namespace vmss::physical
