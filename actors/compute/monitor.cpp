#include "actors/compute/monitor.hpp"

#include <caf/all.hpp>

namespace vmss::compute {

monitor::monitor(caf::actor_config& cfg, node_kernel& k, entity_id id,
                 const monitor_shell_params* params)
    : entity(cfg, k, id), core_(params->core) {
}

caf::behavior monitor::make_behavior() {
  return {
      [=](const metric_sample& s) { core_.on_sample(s, now()); },
      [=](const metric_query& q) { send(source(), core_.on_query(q, now())); },
  };
}

} // namespace vmss::compute
