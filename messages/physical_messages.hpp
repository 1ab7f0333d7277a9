#pragma once
/// Messages of the physical plane (actors/physical).

#include "messages/vm_vocabulary.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::physical {

/// The hypervisor tells a VM slot to become instance `instance_id` of scale
/// set `scale_set` (empty: another tenant's VM). `existing`: the VM was
/// already running when the simulation began (a background tenant).
struct vm_create {
  std::string scale_set;
  uint32_t instance_id = 0;
  bool existing = false;
  friend bool operator==(const vm_create& a, const vm_create& b) {
    return a.scale_set == b.scale_set && a.instance_id == b.instance_id &&
           a.existing == b.existing;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_create& x) {
  return f(caf::meta::type_name("vm_create"), x.scale_set, x.instance_id,
           x.existing);
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
/// VM of this size; the agent reserves capacity, picks a free VM slot and
/// passes the request on to its hypervisor with `vm` set to that slot.
struct vm_place {
  uint32_t vm = 0; ///< the VM slot's entity id (set by the host agent)
  std::string scale_set;
  uint32_t instance_id = 0;
  uint32_t vcpus = 0;
  uint32_t ram_gb = 0;
  bool existing = false; ///< see vm_create
  friend bool operator==(const vm_place& a, const vm_place& b) {
    return a.vm == b.vm && a.scale_set == b.scale_set &&
           a.instance_id == b.instance_id && a.vcpus == b.vcpus &&
           a.ram_gb == b.ram_gb && a.existing == b.existing;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_place& x) {
  return f(caf::meta::type_name("vm_place"), x.vm, x.scale_set, x.instance_id,
           x.vcpus, x.ram_gb, x.existing);
}

/// Asks the host agent (which passes it to the hypervisor, which passes it
/// to the VM) to start, stop, reimage or delete VM slot `vm`.
struct vm_command {
  uint32_t vm = 0;
  vm_op op = vm_op::start;
  friend bool operator==(const vm_command& a, const vm_command& b) {
    return a.vm == b.vm && a.op == b.op;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_command& x) {
  return f(caf::meta::type_name("vm_command"), x.vm, x.op);
}

/// A VM's new lifecycle state, VM -> hypervisor -> host agent.
/// `health`: what its Application Health extension reports (none without
/// one); a change of health alone is a vm_status too.
struct vm_status {
  uint32_t vm = 0;
  vm_state state = vm_state::pending;
  app_health health = app_health::none;
  friend bool operator==(const vm_status& a, const vm_status& b) {
    return a.vm == b.vm && a.state == b.state && a.health == b.health;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_status& x) {
  return f(caf::meta::type_name("vm_status"), x.vm, x.state, x.health);
}

/// Timer: a VM's next application health probe.
struct probe_due {
  uint32_t phase = 0; ///< the VM's phase number when it was set
  friend bool operator==(const probe_due& a, const probe_due& b) {
    return a.phase == b.phase;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, probe_due& x) {
  return f(caf::meta::type_name("probe_due"), x.phase);
}

/// Timer: a serving VM's minute is over (its metric sample is due).
struct vm_sample_due {
  uint32_t epoch = 0; ///< the VM's sampling epoch when it was set
  friend bool operator==(const vm_sample_due& a, const vm_sample_due& b) {
    return a.epoch == b.epoch;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_sample_due& x) {
  return f(caf::meta::type_name("vm_sample_due"), x.epoch);
}

/// A host agent tells the fabric controller it is alive, how much of the
/// server other tenants use (the controller knows its own VMs) and how many
/// VM slots are free.
struct host_heartbeat {
  uint64_t seq = 0;
  uint32_t tenant_vcpus = 0;
  uint32_t tenant_ram_gb = 0;
  uint32_t free_slots = 0;
  friend bool operator==(const host_heartbeat& a, const host_heartbeat& b) {
    return a.seq == b.seq && a.tenant_vcpus == b.tenant_vcpus &&
           a.tenant_ram_gb == b.tenant_ram_gb && a.free_slots == b.free_slots;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_heartbeat& x) {
  return f(caf::meta::type_name("host_heartbeat"), x.seq, x.tenant_vcpus,
           x.tenant_ram_gb, x.free_slots);
}

/// One scale-set VM a host holds.
struct held_vm {
  std::string scale_set;
  uint32_t instance = 0;
  friend bool operator==(const held_vm& a, const held_vm& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, held_vm& x) {
  return f(caf::meta::type_name("held_vm"), x.scale_set, x.instance);
}

/// Host agent -> fabric controller leader, answering fc_inventory_request:
/// the scale-set VMs the host holds (other tenants' VMs are not listed).
struct host_inventory {
  std::vector<held_vm> vms;
  friend bool operator==(const host_inventory& a, const host_inventory& b) {
    return a.vms == b.vms;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_inventory& x) {
  return f(caf::meta::type_name("host_inventory"), x.vms);
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

/// Fault: the application inside a VM crashes (up = false) or comes back.
struct app_fault {
  bool up = false;
  friend bool operator==(const app_fault& a, const app_fault& b) {
    return a.up == b.up;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, app_fault& x) {
  return f(caf::meta::type_name("app_fault"), x.up);
}

/// Fault, to a TOR switch: the state of its links to zone `zone` (0-based).
/// All zero: healthy.
struct link_fault {
  uint32_t zone = 0;
  bool partitioned = false;
  int64_t extra_latency_ns = 0;
  uint32_t loss_ppm = 0; ///< messages lost, per million
  friend bool operator==(const link_fault& a, const link_fault& b) {
    return a.zone == b.zone && a.partitioned == b.partitioned &&
           a.extra_latency_ns == b.extra_latency_ns && a.loss_ppm == b.loss_ppm;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, link_fault& x) {
  return f(caf::meta::type_name("link_fault"), x.zone, x.partitioned,
           x.extra_latency_ns, x.loss_ppm);
}

/// To the control entity: a fault was injected or recovered (it traces
/// `fault_injected` / `fault_recovered`).
struct fault_notice {
  std::string fault;
  std::string target;
  bool recovered = false;
  friend bool operator==(const fault_notice& a, const fault_notice& b) {
    return a.fault == b.fault && a.target == b.target &&
           a.recovered == b.recovered;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fault_notice& x) {
  return f(caf::meta::type_name("fault_notice"), x.fault, x.target,
           x.recovered);
}

/// Fault, to every fabric-controller replica of a region: the one that
/// believes it leads crashes itself (fc_leader_kill), and restarts after
/// `restart_after_ns` (0: only at fc_leader_restore).
struct leader_kill {
  int64_t restart_after_ns = 0;
  friend bool operator==(const leader_kill& a, const leader_kill& b) {
    return a.restart_after_ns == b.restart_after_ns;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, leader_kill& x) {
  return f(caf::meta::type_name("leader_kill"), x.restart_after_ns);
}

/// Fault, to every fabric-controller replica of a region: new allocations
/// in `zone` (0-based; -1: every zone of the region) fail while the VMs
/// there keep running (capacity_exhaustion), or succeed again
/// (capacity_restore).
struct capacity_fault {
  int64_t zone = -1;
  bool exhausted = false;
  friend bool operator==(const capacity_fault& a, const capacity_fault& b) {
    return a.zone == b.zone && a.exhausted == b.exhausted;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, capacity_fault& x) {
  return f(caf::meta::type_name("capacity_fault"), x.zone, x.exhausted);
}

/// Fault, to a region's gateway: its link to `peer` (another region's name,
/// or "global": the internet, Traffic Manager and the clients) is cut
/// (partitioned) or healed.
struct region_link {
  std::string peer;
  bool partitioned = false;
  friend bool operator==(const region_link& a, const region_link& b) {
    return a.peer == b.peer && a.partitioned == b.partitioned;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, region_link& x) {
  return f(caf::meta::type_name("region_link"), x.peer, x.partitioned);
}

} // namespace vmss::physical
