#pragma once
/// Messages of the physical plane (actors/physical).

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

namespace vmss::physical {

/// Create this VM as instance `instance_id` of scale set `scale_set`: the
/// fabric controller has placed it on its host.
struct vm_create {
  std::string scale_set;
  uint32_t instance_id = 0;
  friend bool operator==(const vm_create& a, const vm_create& b) {
    return a.scale_set == b.scale_set && a.instance_id == b.instance_id;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_create& x) {
  return f(caf::meta::type_name("vm_create"), x.scale_set, x.instance_id);
}

/// Timer: the VM's current lifecycle phase is over. `phase` numbers the
/// phases so that a timer from an abandoned phase is recognised.
struct vm_phase_due {
  uint32_t phase = 0;
  friend bool operator==(const vm_phase_due& a, const vm_phase_due& b) {
    return a.phase == b.phase;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_phase_due& x) {
  return f(caf::meta::type_name("vm_phase_due"), x.phase);
}

} // namespace vmss::physical
