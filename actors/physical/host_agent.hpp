#pragma once
/// The host agent of one server: heartbeats to the fabric controller's
/// leader (it finds it with a leader_finder: it follows fc_redirect answers,
/// moves on to another replica when one knows no leader, and after `missed`
/// unacknowledged beats), admits
/// VMs within the host's capacity (host_capacity: RAM strictly, vCPUs up to
/// 2:1, hypervisor overhead kept back), puts each in a free VM slot through
/// the hypervisor, passes the fabric controller's requests about its VMs
/// on (fc_operate: start, stop, reimage, restart, delete, as vm_command to
/// the hypervisor), tells the leader which scale-set VMs it holds when
/// asked (fc_inventory_request -> host_inventory: the leader deletes those
/// not allocated here, no zombies), forwards each scale-set VM's status
/// (state and health) to its scale set's orchestrator as
/// compute::instance_status when the run has one (host_instances), and
/// releases a VM's capacity and slot once the VM reports it is deleted.
///
/// At its first start it fills the server with other tenants' VMs up to the
/// configured utilisation (background tenants), already running, from the
/// last slot down, leaving a tenth of the slots (at least one) free.
///
/// Traces `host_started`, `vm_admitted` (vm, vcpus, ram_gb, ram_gb_free),
/// `vm_rejected` (reason), `capacity_released` (vm) and, once,
/// `tenants_placed` (vms, vcpus, ram_gb).

#include "actors/fabric/leader_finder.hpp"
#include "actors/physical/host_capacity.hpp"
#include "actors/physical/host_instances.hpp"
#include "kernel/entity.hpp"
#include "messages/physical_messages.hpp"

#include <map>
#include <string>
#include <vector>

namespace vmss::physical {

/// Paths of a server's hypervisor and VM slots: ".../h13/hv",
/// ".../h13/vm07" (zero-padded to the width of `slots - 1`).
std::string hypervisor_path(const std::string& host);
std::string vm_slot_path(const std::string& host, uint32_t slot,
                         uint32_t slots);

struct host_agent_params {
  sim_time heartbeat_period = seconds(1);
  uint32_t cores = 64;
  uint32_t ram_gb = 512;
  uint32_t slots = 8; ///< VM slots (VM entities) per server
  int64_t missed = 3; ///< unacknowledged beats before trying another replica
  /// Background tenants fill this share of the server's threads and of its
  /// RAM (fill_tenants).
  double tenant_utilisation = 0;
};

class host_agent : public entity {
public:
  /// `controllers`: the fabric controller's replicas.
  host_agent(caf::actor_config& cfg, node_kernel& k, entity_id id,
             std::vector<entity_id> controllers,
             const host_agent_params* params);

  void on_start() override;
  void on_restart() override;
  void on_crash() override;
  caf::behavior make_behavior() override;

private:
  /// Up to 1% of the heartbeat period, from this host's seeded stream.
  sim_time jitter();
  void place(vm_place request);
  void place_tenants();
  /// Index of the slot holding entity `vm`, or -1.
  int64_t slot_of(entity_id vm) const;

  void heartbeat();
  void operate(const std::string& scale_set, uint32_t instance, vm_op op);
  void on_status(const vm_status& status);

  const host_agent_params* params_;
  std::string region_; ///< the first component of the host's path
  entity_id hypervisor_;
  std::vector<entity_id> slots_;
  // Durable: survives an agent restart.
  host_capacity capacity_;
  std::vector<bool> slot_used_;
  host_instances instances_;
  uint32_t tenant_vcpus_ = 0;
  uint32_t tenant_ram_gb_ = 0;
  // Volatile: from 0 after a crash.
  uint64_t heartbeat_seq_ = 0;
  /// Measures time in heartbeats sent (heartbeat_seq_).
  fabric::leader_finder finder_;
};

} // namespace vmss::physical
