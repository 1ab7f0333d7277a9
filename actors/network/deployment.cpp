#include "actors/network/deployment.hpp"

#include "messages/network_events.hpp"
#include "messages/network_kinds.hpp"

#include <caf/all.hpp>

namespace vmss::network {

namespace {

/// "westeurope/deploy/release-2" -> "westeurope" (deployment_path).
std::string region_of(const std::string& path) {
  return path.substr(0, path.rfind("/deploy/"));
}

} // namespace

deployment::deployment(caf::actor_config& cfg, node_kernel& k, entity_id id,
                       const deployment_shell_params* params)
    : entity(cfg, k, id),
      load_balancer_(k.table().id_of(load_balancer_path(
          region_of(k.table()[id].path), params->core.load_balancer))),
      core_(params->core) {
}

void deployment::on_start() {
  apply(core_.start(now()));
}

void deployment::apply(deployment_effects effects) {
  for (auto& r : effects.rule_sets)
    send(load_balancer_, std::move(r));
  for (auto& q : effects.queries)
    send(load_balancer_, std::move(q));
  for (const auto& r : effects.reports)
    trace(events::blue_green, {core_.params().name, r.phase, r.pool, r.reason});
  for (const auto& t : effects.timers)
    after(t.delay, tm_due{t.seq});
}

caf::behavior deployment::make_behavior() {
  return {
      [=](const tm_due& d) { apply(core_.on_due(d, now())); },
      [=](const lb_pool_health& h) { apply(core_.on_health(h)); },
  };
}

} // namespace vmss::network
