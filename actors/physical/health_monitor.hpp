#pragma once
/// A zone's host health monitor, standing in for the fabric controller's
/// host health until that exists (issue 4): it marks a host down after
/// `missed` silent heartbeat periods (`host_down`: host, last_seen_ns) and
/// up when it speaks again (`host_up`: host, seq). Each zone's hosts report
/// to the next zone's monitor, so a zone outage is seen from outside it.

#include "kernel/entity.hpp"

#include <map>

namespace vmss::physical {

struct health_params {
  sim_time period = seconds(1);
  int64_t missed = 3;
};

class health_monitor : public entity {
public:
  health_monitor(caf::actor_config& cfg, node_kernel& k, entity_id id,
                 const health_params* params);

  void on_start() override;
  caf::behavior make_behavior() override;

private:
  struct host_health {
    sim_time last_seen = 0;
    bool down = false;
  };
  const health_params* params_;
  std::map<entity_id, host_health> hosts_;
};

/// The control entity: for now it records the faults the scenario injects
/// (`fault_injected` / `fault_recovered`: fault, target).
class control : public entity {
public:
  using entity::entity;
  caf::behavior make_behavior() override;
};

} // namespace vmss::physical
