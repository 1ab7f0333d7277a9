#include "actors/physical/hypervisor.hpp"

#include "messages/physical_events.hpp"

#include "actors/physical/vm_lifecycle.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

hypervisor::hypervisor(caf::actor_config& cfg, node_kernel& k, entity_id id,
                       entity_id host_agent)
    : entity(cfg, k, id), host_agent_(host_agent) {
}

caf::behavior hypervisor::make_behavior() {
  return {
      [=](const vm_place& place) {
        partitions_[place.vm] = {place.vcpus, place.ram_gb};
        if (!place.existing) // background tenants predate the trace
          trace(events::partition_created,
                {kernel_.table()[place.vm].path,
                 static_cast<int64_t>(place.vcpus),
                 static_cast<int64_t>(place.ram_gb)});
        send(place.vm,
             vm_create{place.scale_set, place.instance_id, place.existing});
      },
      [=](const vm_command& command) {
        if (partitions_.count(command.vm))
          send(command.vm, command);
      },
      [=](const vm_status& status) {
        if (status.state == vm_state::deleted && partitions_.erase(status.vm))
          trace(events::partition_removed, {kernel_.table()[status.vm].path});
        send(host_agent_, status);
      },
  };
}

} // namespace vmss::physical
