#pragma once
/// Messages between the fabric controller's replicas and their clients
/// (host agents, the scale-set client), actors/fabric. The replicas' own
/// Raft messages are in actors/fabric/raft_messages.hpp.

#include "messages/vm_vocabulary.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

namespace vmss::fabric {

/// Client -> fabric controller: place VM `instance` of `scale_set` in
/// zone `zone` (0-based; -1: any zone of the controller's policy), spread
/// over `fault_domains` fault domains (0: the policy's).
struct fc_allocate {
  std::string scale_set;
  uint32_t instance = 0;
  uint32_t vcpus = 0;
  uint32_t ram_gb = 0;
  int32_t zone = -1;
  uint32_t fault_domains = 0;
  friend bool operator==(const fc_allocate& a, const fc_allocate& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.vcpus == b.vcpus && a.ram_gb == b.ram_gb && a.zone == b.zone &&
           a.fault_domains == b.fault_domains;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_allocate& x) {
  return f(caf::meta::type_name("fc_allocate"), x.scale_set, x.instance,
           x.vcpus, x.ram_gb, x.zone, x.fault_domains);
}

/// Fabric controller leader -> client: the allocation is committed (ok,
/// on `host`) or failed (`failure` names the zone and the constraint).
struct fc_allocated {
  std::string scale_set;
  uint32_t instance = 0;
  bool ok = false;
  uint32_t host = 0;
  std::string failure;
  friend bool operator==(const fc_allocated& a, const fc_allocated& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.ok == b.ok && a.host == b.host && a.failure == b.failure;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_allocated& x) {
  return f(caf::meta::type_name("fc_allocated"), x.scale_set, x.instance, x.ok,
           x.host, x.failure);
}

/// A follower's answer to a client or host agent: ask the leader instead
/// (`known` false: no leader known yet).
struct fc_redirect {
  bool known = false;
  uint32_t leader = 0;
  friend bool operator==(const fc_redirect& a, const fc_redirect& b) {
    return a.known == b.known && a.leader == b.leader;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_redirect& x) {
  return f(caf::meta::type_name("fc_redirect"), x.known, x.leader);
}

/// Leader -> host agent: your heartbeat arrived.
struct fc_heartbeat_ack {
  uint64_t seq = 0;
  friend bool operator==(const fc_heartbeat_ack& a, const fc_heartbeat_ack& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_heartbeat_ack& x) {
  return f(caf::meta::type_name("fc_heartbeat_ack"), x.seq);
}

/// Leader -> client: a VM it asked for is on a host marked down (the VM is
/// unreachable; service healing moves it when it can: fc_vm_moved).
struct fc_vm_lost {
  std::string scale_set;
  uint32_t instance = 0;
  uint32_t host = 0;
  friend bool operator==(const fc_vm_lost& a, const fc_vm_lost& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.host == b.host;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_vm_lost& x) {
  return f(caf::meta::type_name("fc_vm_lost"), x.scale_set, x.instance, x.host);
}

/// Leader -> client: service healing placed the VM, lost with its host, on
/// `host` (same instance; it goes through Creating there).
struct fc_vm_moved {
  std::string scale_set;
  uint32_t instance = 0;
  uint32_t host = 0;
  friend bool operator==(const fc_vm_moved& a, const fc_vm_moved& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.host == b.host;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_vm_moved& x) {
  return f(caf::meta::type_name("fc_vm_moved"), x.scale_set, x.instance,
           x.host);
}

/// Leader -> host agent: tell me which scale-set VMs you hold (answered
/// with physical::host_inventory). Sent to a host the leader hears for the
/// first time and to one whose host_up committed.
struct fc_inventory_request {
  friend bool operator==(const fc_inventory_request&,
                         const fc_inventory_request&) {
    return true;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_inventory_request&) {
  return f(caf::meta::type_name("fc_inventory_request"));
}

/// Client -> fabric controller: start, stop, reimage or delete VM
/// `instance` of `scale_set`. Fabric controller leader -> host agent: the
/// same, once committed.
struct fc_operate {
  std::string scale_set;
  uint32_t instance = 0;
  physical::vm_op op = physical::vm_op::start;
  friend bool operator==(const fc_operate& a, const fc_operate& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.op == b.op;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_operate& x) {
  return f(caf::meta::type_name("fc_operate"), x.scale_set, x.instance, x.op);
}

/// Leader -> client: the operation is committed (ok) or refused.
struct fc_operated {
  std::string scale_set;
  uint32_t instance = 0;
  physical::vm_op op = physical::vm_op::start;
  bool ok = false;
  std::string failure;
  friend bool operator==(const fc_operated& a, const fc_operated& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.op == b.op && a.ok == b.ok && a.failure == b.failure;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_operated& x) {
  return f(caf::meta::type_name("fc_operated"), x.scale_set, x.instance, x.op,
           x.ok, x.failure);
}

/// Timers: a leader's host-health sweep; a client's retry.
struct fc_sweep_due {
  friend bool operator==(const fc_sweep_due&, const fc_sweep_due&) {
    return true;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fc_sweep_due&) {
  return f(caf::meta::type_name("fc_sweep_due"));
}

/// `request`: a VM's allocation (its instance number) or, from
/// `operation_base` on, operation `request - operation_base` of the plan.
struct client_due {
  uint32_t request = 0;
  uint32_t attempt = 0;
  friend bool operator==(const client_due& a, const client_due& b) {
    return a.request == b.request && a.attempt == b.attempt;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_due& x) {
  return f(caf::meta::type_name("client_due"), x.request, x.attempt);
}

} // namespace vmss::fabric
