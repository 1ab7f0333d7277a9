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

/// The fabric controller (for now: the scenario) asks a host agent to run a
/// VM of this size; the agent reserves capacity and creates it.
struct vm_place {
  uint32_t vm = 0; ///< the VM's entity id
  std::string scale_set;
  uint32_t instance_id = 0;
  uint32_t vcpus = 0;
  uint32_t ram_gb = 0;
  friend bool operator==(const vm_place& a, const vm_place& b) {
    return a.vm == b.vm && a.scale_set == b.scale_set &&
           a.instance_id == b.instance_id && a.vcpus == b.vcpus &&
           a.ram_gb == b.ram_gb;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_place& x) {
  return f(caf::meta::type_name("vm_place"), x.vm, x.scale_set, x.instance_id,
           x.vcpus, x.ram_gb);
}

/// A host agent tells its health monitor it is alive.
struct host_heartbeat {
  uint64_t seq = 0;
  friend bool operator==(const host_heartbeat& a, const host_heartbeat& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_heartbeat& x) {
  return f(caf::meta::type_name("host_heartbeat"), x.seq);
}

/// Timer: time for a host agent's next heartbeat.
struct heartbeat_due {
  friend bool operator==(const heartbeat_due&, const heartbeat_due&) {
    return true;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat_due&) {
  return f(caf::meta::type_name("heartbeat_due"));
}

} // namespace vmss::physical
