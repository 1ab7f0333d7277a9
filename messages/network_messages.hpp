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
///
/// The workload's requests (issue 12):
///   workload --lb_traffic--> load_balancer --vm_serve--> VM
///   VM --vm_served--> load_balancer --lb_traffic_result--> workload
/// Traffic Manager:
///   traffic_manager --tm_probe--> load_balancer --tm_probe_reply--> tm
///   workload --dns_query--> traffic_manager --dns_answer--> workload
///   scenario --tm_endpoint_set--> traffic_manager
/// Blue-green (deployment):
///   deployment --lb_rule_set--> load_balancer
///   deployment --lb_pool_query--> load_balancer --lb_pool_health--> dep.

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

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

/// Workload -> load balancer: `requests` new requests (flows) arrive in the
/// one-second tick `tick` (its start, virtual ns) at the frontend of rule
/// `rule` ("" : the first rule). Each request costs `cpu_us` microseconds
/// of one vCPU and moves `bytes_in` / `bytes_out` bytes. The load
/// balancer answers with lb_traffic_result once every backend answered
/// or timed out.
struct lb_traffic {
  uint64_t tick = 0;
  uint32_t requests = 0;
  std::string rule;
  uint32_t cpu_us = 0;
  uint32_t bytes_in = 0;
  uint32_t bytes_out = 0;
  friend bool operator==(const lb_traffic& a, const lb_traffic& b) {
    return a.tick == b.tick && a.requests == b.requests && a.rule == b.rule &&
           a.cpu_us == b.cpu_us && a.bytes_in == b.bytes_in &&
           a.bytes_out == b.bytes_out;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_traffic& x) {
  return f(caf::meta::type_name("lb_traffic"), x.tick, x.requests, x.rule,
           x.cpu_us, x.bytes_in, x.bytes_out);
}

/// Load balancer -> VM: serve `requests` requests of the tick starting at
/// `tick` (each of `cpu_us`, `bytes_in`, `bytes_out`); `batch` matches the
/// reply.
struct vm_serve {
  uint64_t batch = 0;
  uint64_t tick = 0;
  uint32_t requests = 0;
  uint32_t cpu_us = 0;
  uint32_t bytes_in = 0;
  uint32_t bytes_out = 0;
  friend bool operator==(const vm_serve& a, const vm_serve& b) {
    return a.batch == b.batch && a.tick == b.tick && a.requests == b.requests &&
           a.cpu_us == b.cpu_us && a.bytes_in == b.bytes_in &&
           a.bytes_out == b.bytes_out;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_serve& x) {
  return f(caf::meta::type_name("vm_serve"), x.batch, x.tick, x.requests,
           x.cpu_us, x.bytes_in, x.bytes_out);
}

/// VM -> load balancer: of the batch, `ok` were answered (HTTP 200) with
/// mean response time `latency_us` (queueing at the VM's utilisation
/// included) and `failed` were refused (the application is down). A VM
/// that is not running does not answer: the load balancer counts the
/// batch failed when its timeout is over.
struct vm_served {
  uint64_t batch = 0;
  uint32_t ok = 0;
  uint32_t failed = 0;
  uint32_t latency_us = 0;
  friend bool operator==(const vm_served& a, const vm_served& b) {
    return a.batch == b.batch && a.ok == b.ok && a.failed == b.failed &&
           a.latency_us == b.latency_us;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_served& x) {
  return f(caf::meta::type_name("vm_served"), x.batch, x.ok, x.failed,
           x.latency_us);
}

/// Load balancer -> workload: the outcome of lb_traffic `tick`: `ok` and
/// `failed` requests (failed: no backend receives new flows, a backend
/// refused or never answered), and per answering backend its ok count and
/// mean response time (same order), from which the workload draws
/// percentiles; `region` is the load balancer's.
struct lb_traffic_result {
  uint64_t tick = 0;
  uint32_t ok = 0;
  uint32_t failed = 0;
  std::vector<uint32_t> backend_ok;
  std::vector<uint32_t> backend_latency_us;
  friend bool operator==(const lb_traffic_result& a,
                         const lb_traffic_result& b) {
    return a.tick == b.tick && a.ok == b.ok && a.failed == b.failed &&
           a.backend_ok == b.backend_ok &&
           a.backend_latency_us == b.backend_latency_us;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_traffic_result& x) {
  return f(caf::meta::type_name("lb_traffic_result"), x.tick, x.ok, x.failed,
           x.backend_ok, x.backend_latency_us);
}

/// Traffic Manager -> an endpoint's load balancer: a monitoring probe
/// (protocol, port and path of the profile's monitorConfig). The load
/// balancer answers for its frontend: `status` 200 when a backend of
/// its rules receives new flows (the probe reaches a healthy instance),
/// else 503 (Azure's answer with no healthy backend, an HTTP error).
struct tm_probe {
  uint64_t seq = 0;
  friend bool operator==(const tm_probe& a, const tm_probe& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tm_probe& x) {
  return f(caf::meta::type_name("tm_probe"), x.seq);
}

struct tm_probe_reply {
  uint64_t seq = 0;
  uint32_t status = 200;
  friend bool operator==(const tm_probe_reply& a, const tm_probe_reply& b) {
    return a.seq == b.seq && a.status == b.status;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tm_probe_reply& x) {
  return f(caf::meta::type_name("tm_probe_reply"), x.seq, x.status);
}

/// Workload (a client's resolver) -> Traffic Manager: resolve the
/// profile's DNS name for client group `client`.
struct dns_query {
  uint64_t seq = 0;
  uint32_t client = 0;
  friend bool operator==(const dns_query& a, const dns_query& b) {
    return a.seq == b.seq && a.client == b.client;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dns_query& x) {
  return f(caf::meta::type_name("dns_query"), x.seq, x.client);
}

/// Traffic Manager -> workload: the endpoint chosen (its name, and the
/// entity id of its load balancer; endpoint "" and lb -1 when the profile
/// returns nothing), cached by the client for `ttl_ns` (dnsConfig.ttl).
struct dns_answer {
  uint64_t seq = 0;
  uint32_t client = 0;
  std::string endpoint;
  int64_t lb = -1;
  int64_t ttl_ns = 0;
  friend bool operator==(const dns_answer& a, const dns_answer& b) {
    return a.seq == b.seq && a.client == b.client && a.endpoint == b.endpoint &&
           a.lb == b.lb && a.ttl_ns == b.ttl_ns;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dns_answer& x) {
  return f(caf::meta::type_name("dns_answer"), x.seq, x.client, x.endpoint,
           x.lb, x.ttl_ns);
}

/// Timer of a Traffic Manager profile or a deployment; `seq` numbers them.
struct tm_due {
  uint64_t seq = 0;
  friend bool operator==(const tm_due& a, const tm_due& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tm_due& x) {
  return f(caf::meta::type_name("tm_due"), x.seq);
}

/// The scenario (timeline) -> Traffic Manager: a PATCH of one endpoint:
/// endpointStatus Enabled / Disabled, and its weight and priority (-1:
/// unchanged).
struct tm_endpoint_set {
  std::string endpoint;
  int8_t enabled = -1; ///< 1 Enabled, 0 Disabled, -1 unchanged
  int64_t weight = -1;
  int64_t priority = -1;
  friend bool operator==(const tm_endpoint_set& a, const tm_endpoint_set& b) {
    return a.endpoint == b.endpoint && a.enabled == b.enabled &&
           a.weight == b.weight && a.priority == b.priority;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tm_endpoint_set& x) {
  return f(caf::meta::type_name("tm_endpoint_set"), x.endpoint, x.enabled,
           x.weight, x.priority);
}

/// Deployment -> load balancer: rule `rule` sends new flows to `pools`
/// from now on (a PATCH of the rule's backendAddressPool(s)); flows of
/// pools it no longer names drain.
struct lb_rule_set {
  std::string rule;
  std::vector<std::string> pools;
  friend bool operator==(const lb_rule_set& a, const lb_rule_set& b) {
    return a.rule == b.rule && a.pools == b.pools;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_rule_set& x) {
  return f(caf::meta::type_name("lb_rule_set"), x.rule, x.pools);
}

/// Deployment -> load balancer: how healthy is pool `pool`? Answered by
/// lb_pool_health: its members, those whose probes all find them up, and
/// the requests its members answered and failed since the last query.
struct lb_pool_query {
  uint64_t seq = 0;
  std::string pool;
  friend bool operator==(const lb_pool_query& a, const lb_pool_query& b) {
    return a.seq == b.seq && a.pool == b.pool;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_pool_query& x) {
  return f(caf::meta::type_name("lb_pool_query"), x.seq, x.pool);
}

struct lb_pool_health {
  uint64_t seq = 0;
  std::string pool;
  uint32_t members = 0;
  uint32_t healthy = 0;
  uint64_t ok = 0;
  uint64_t failed = 0;
  friend bool operator==(const lb_pool_health& a, const lb_pool_health& b) {
    return a.seq == b.seq && a.pool == b.pool && a.members == b.members &&
           a.healthy == b.healthy && a.ok == b.ok && a.failed == b.failed;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lb_pool_health& x) {
  return f(caf::meta::type_name("lb_pool_health"), x.seq, x.pool, x.members,
           x.healthy, x.ok, x.failed);
}

} // namespace vmss::network
