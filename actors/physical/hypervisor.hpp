#pragma once
/// The hypervisor of one server: it owns the VM partitions. The host agent
/// asks it to create a VM in a slot (vm_place) and passes it requests
/// (vm_command); it configures the partition and drives the VM slot
/// (vm_create, vm_command), and passes every state change the VM reports
/// (vm_status) back to the host agent. Traces `partition_created` (vm,
/// vcpus, ram_gb) and `partition_removed` (vm).
///
/// Its partitions are durable: after a power loss the server's VMs boot
/// again on their own (vm_lifecycle's power_restored).

#include "kernel/entity.hpp"
#include "messages/physical_messages.hpp"

#include <map>

namespace vmss::physical {

class hypervisor : public entity {
public:
  hypervisor(caf::actor_config& cfg, node_kernel& k, entity_id id,
             entity_id host_agent);

  caf::behavior make_behavior() override;

private:
  struct partition {
    uint32_t vcpus;
    uint32_t ram_gb;
  };
  entity_id host_agent_;
  std::map<entity_id, partition> partitions_;
};

} // namespace vmss::physical
