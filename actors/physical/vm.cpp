#include "actors/physical/vm.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

vm::vm(caf::actor_config& cfg, node_kernel& k, entity_id id,
       const vm_timings* timings)
    : entity(cfg, k, id), lifecycle_(*timings) {
}

void vm::apply(vm_input in) {
  auto step = lifecycle_.on(in, random());
  if (!step.accepted)
    return;
  if (step.to != step.from)
    trace("vm_state", {{"state", std::string(to_string(step.to))},
                       {"instance_id", instance_id_},
                       {"scale_set", scale_set_}});
  if (step.phase_ns > 0)
    after(step.phase_ns, vm_phase_due{++phase_});
  else if (step.to == vm_state::running)
    apply(vm_input::probe_ok); // the application answers its first probe
}

caf::behavior vm::make_behavior() {
  return {
      [=](const vm_create& create) {
        scale_set_ = create.scale_set;
        instance_id_ = create.instance_id;
        apply(vm_input::placed);
      },
      [=](const vm_phase_due& due) {
        if (due.phase == phase_)
          apply(vm_input::phase_done);
      },
  };
}

} // namespace vmss::physical
