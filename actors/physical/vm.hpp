#pragma once
/// The VM entity actor: a thin shell around vm_lifecycle. It traces every
/// state change as `vm_state` (state, instance_id, scale_set) and probes its
/// application when the first probe is due. Not modelled yet: the host it
/// runs on (a host crash does not stop it), disks, the application failing.

#include "actors/physical/vm_lifecycle.hpp"
#include "kernel/entity.hpp"
#include "messages/physical_messages.hpp"

namespace vmss::physical {

class vm : public entity {
public:
  vm(caf::actor_config& cfg, node_kernel& k, entity_id id,
     const vm_timings* timings);

  caf::behavior make_behavior() override;

private:
  void apply(vm_input in);

  vm_lifecycle lifecycle_;
  std::string scale_set_;
  int64_t instance_id_ = -1;
  uint32_t phase_ = 0; ///< numbers the phase timers
};

} // namespace vmss::physical
