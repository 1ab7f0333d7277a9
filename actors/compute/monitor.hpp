#pragma once
/// Azure Monitor's metrics of a region ("westeurope/monitor", kind
/// metrics_monitor): a thin CAF shell around monitor_core. VMs send it
/// their one-minute samples (metric_sample); an autoscale setting asks it
/// for its rules' metrics (metric_query) and gets the answer back
/// (metric_values). It writes no trace records: a record per sample would
/// be the largest stream of a run, and the autoscale engine traces the
/// values it saw.

#include "actors/compute/monitor_core.hpp"
#include "kernel/entity.hpp"

namespace vmss::compute {

struct monitor_shell_params {
  monitor_params core;
};

class monitor : public entity {
public:
  monitor(caf::actor_config& cfg, node_kernel& k, entity_id id,
          const monitor_shell_params* params);

  caf::behavior make_behavior() override;

private:
  monitor_core core_;
};

} // namespace vmss::compute
