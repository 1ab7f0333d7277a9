#pragma once
/// A workload's clients (kind workload, "global/workload/web-users"): a
/// thin shell around workload_core. Every second it sends lb_traffic to
/// each load balancer its client groups use; through Traffic Manager its
/// groups resolve the profile's name (dns_query, answered by dns_answer)
/// and follow the TTL. It traces `requests` (workload, target, region,
/// ok, failed, p50_ms, p95_ms, p99_ms, tick_ns) once per tick and target
/// when the tick is complete: every result in, or the result timeout
/// over; records go out in tick order. Its timer is workload_due.

#include "actors/control/workload_core.hpp"
#include "kernel/entity.hpp"

#include <string>

namespace vmss::control {

/// Filled by the scenario input from messages/scenario.proto's Workload.
struct workload_shell_params {
  rate_curve curve;
  /// A load balancer's entity path ("westeurope/lb/web-lb") or a Traffic
  /// Manager profile's (network::target_path): the entity's kind
  /// says which.
  std::string target;
  std::string rule;              ///< "" the load balancer's first rule
  uint32_t cpu_us = 10000;       ///< per request, of one vCPU
  uint32_t bytes_in = 2000;      ///< per request
  uint32_t bytes_out = 20000;    ///< per request
  uint32_t clients = 100;        ///< client groups (Traffic Manager)
  int64_t start_utc_seconds = 0; ///< the scenario's startTime
};

class workload : public entity {
public:
  workload(caf::actor_config& cfg, node_kernel& k, entity_id id,
           const workload_shell_params* params);

  void on_start() override;
  caf::behavior make_behavior() override;

private:
  void apply(workload_effects fx);
  void wake_at(sim_time t);

  std::string name_; ///< the workload's name (the last path component)
  entity_id target_ = 0;
  workload_core core_;
  sim_time next_wake_ = sim_time_never;
  uint64_t wake_seq_ = 0;
};

} // namespace vmss::control
