#pragma once
/// Messages of the network family (actors/network): a scale set's
/// orchestrator and a load balancer, a load balancer and the VMs it probes.
///
///   orchestrator --lb_member (join / leave)--> load_balancer
///   load_balancer --lb_drained--> orchestrator (a leaving member drained)
///   load_balancer --lb_backend_health--> orchestrator (the probe's verdict
///                                         changed; for sets whose health
///                                         source is this probe)
///   load_balancer --lb_probe--> VM --lb_probe_reply--> load_balancer

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

namespace vmss::network {

/// An instance's NIC joins (`join`) or leaves backend pool `pool`. The VM
/// slot `vm` is the entity the load balancer probes.
struct lb_member {
  std::string scale_set;
  uint32_t instance = 0;
  uint32_t vm = 0;
  std::string pool;
  bool join = true;
  friend bool operator==(const lb_member& a, const lb_member& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.vm == b.vm && a.pool == b.pool && a.join == b.join;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_member& x) {
  return f(caf::meta::type_name("lb_member"), x.scale_set, x.instance, x.vm,
           x.pool, x.join);
}

/// A member that left has no connections left (or its drain time is over).
struct lb_drained {
  std::string scale_set;
  uint32_t instance = 0;
  friend bool operator==(const lb_drained& a, const lb_drained& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_drained& x) {
  return f(caf::meta::type_name("lb_drained"), x.scale_set, x.instance);
}

/// The probe `probe` now finds the instance up or down.
struct lb_backend_health {
  std::string scale_set;
  uint32_t instance = 0;
  std::string probe;
  bool up = false;
  friend bool operator==(const lb_backend_health& a,
                         const lb_backend_health& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.probe == b.probe && a.up == b.up;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_backend_health& x) {
  return f(caf::meta::type_name("lb_backend_health"), x.scale_set, x.instance,
           x.probe, x.up);
}

/// A health probe to a VM: `tcp` (a connection) or HTTP GET (answered 200
/// only by a healthy application). `seq` matches the reply.
struct lb_probe {
  uint64_t seq = 0;
  bool tcp = true;
  friend bool operator==(const lb_probe& a, const lb_probe& b) {
    return a.seq == b.seq && a.tcp == b.tcp;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_probe& x) {
  return f(caf::meta::type_name("lb_probe"), x.seq, x.tcp);
}

/// The VM's answer: `ok` for a connection accepted / HTTP 200. A VM that
/// is not running does not answer (the probe times out).
struct lb_probe_reply {
  uint64_t seq = 0;
  bool ok = false;
  friend bool operator==(const lb_probe_reply& a, const lb_probe_reply& b) {
    return a.seq == b.seq && a.ok == b.ok;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_probe_reply& x) {
  return f(caf::meta::type_name("lb_probe_reply"), x.seq, x.ok);
}

/// Timer of a load balancer: `seq` numbers them (the core says what for).
struct lb_due {
  uint64_t seq = 0;
  friend bool operator==(const lb_due& a, const lb_due& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_due& x) {
  return f(caf::meta::type_name("lb_due"), x.seq);
}

} // namespace vmss::network
