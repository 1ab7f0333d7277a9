#include "actors/network/load_balancer.hpp"

#include "messages/compute_kinds.hpp"
#include "messages/network_events.hpp"
#include "messages/vm_vocabulary.hpp"

#include <caf/all.hpp>

namespace vmss::network {

namespace {

/// "westeurope/lb/web-lb" -> "westeurope" (network::load_balancer_path).
std::string region_of(const std::string& path) {
  return path.substr(0, path.rfind("/lb/"));
}

} // namespace

load_balancer::load_balancer(caf::actor_config& cfg, node_kernel& k,
                             entity_id id, const lb_params* params)
    : entity(cfg, k, id), region_(region_of(k.table()[id].path)),
      core_(*params) {
}

entity_id load_balancer::orchestrator_of(const std::string& scale_set) const {
  return kernel_.table().id_of(compute::orchestrator_path(region_, scale_set));
}

void load_balancer::apply(lb_effects effects) {
  for (auto& p : effects.probes)
    send(p.vm, std::move(p.msg));
  for (const auto& b : effects.backends)
    trace(events::lb_backend, {b.vm, b.member, b.pool});
  for (auto& h : effects.health) {
    trace(events::probe_result,
          {physical::vm_name(h.scale_set, h.instance), h.probe, h.up});
    auto to = orchestrator_of(h.scale_set);
    send(to, std::move(h));
  }
  for (auto& d : effects.drained) {
    auto to = orchestrator_of(d.scale_set);
    send(to, std::move(d));
  }
  for (const auto& t : effects.timers)
    after(t.delay, lb_due{t.seq});
  for (auto& b : effects.serves)
    send(b.vm, std::move(b.msg));
  for (auto& a : effects.answers)
    send(a.client, std::move(a.msg));
}

caf::behavior load_balancer::make_behavior() {
  return {
      [=](const lb_member& m) { apply(core_.on_member(m)); },
      [=](const lb_probe_reply& r) { apply(core_.on_reply(r)); },
      [=](const lb_due& d) { apply(core_.on_due(d)); },
      [=](const lb_traffic& t) { apply(core_.on_traffic(t, source())); },
      [=](const vm_served& s) { apply(core_.on_served(s)); },
      [=](const lb_rule_set& r) { apply(core_.on_rule_set(r)); },
      [=](const lb_pool_query& q) { send(source(), core_.on_pool_query(q)); },
      [=](const tm_probe& p) {
        send(source(), tm_probe_reply{p.seq, core_.frontend_status()});
      },
  };
}

} // namespace vmss::network
