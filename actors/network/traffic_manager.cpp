#include "actors/network/traffic_manager.hpp"

#include "messages/network_events.hpp"

#include <caf/all.hpp>

namespace vmss::network {

traffic_manager::traffic_manager(caf::actor_config& cfg, node_kernel& k,
                                 entity_id id, const tm_shell_params* params)
    : entity(cfg, k, id), core_(params->core) {
}

void traffic_manager::on_start() {
  apply(core_.start());
}

void traffic_manager::apply(tm_effects effects) {
  const auto& profile = core_.params().name;
  for (const auto& c : effects.changes)
    trace(events::tm_endpoint,
          {profile, c.endpoint, std::string(tm_status_name(c.status))});
  for (auto& p : effects.probes)
    send(static_cast<entity_id>(p.lb), std::move(p.msg));
  for (const auto& t : effects.timers)
    after(t.delay, tm_due{t.seq});
}

caf::behavior traffic_manager::make_behavior() {
  return {
      [=](const tm_probe_reply& r) { apply(core_.on_reply(r)); },
      [=](const tm_due& d) { apply(core_.on_due(d)); },
      [=](const dns_query& q) {
        auto a = core_.on_query(q, random());
        trace(events::tm_route,
              {core_.params().name, a.endpoint, static_cast<int64_t>(a.client),
               a.ttl_ns / seconds(1)});
        send(source(), std::move(a));
      },
      [=](const tm_endpoint_set& s) {
        bool known = false;
        apply(core_.on_set(s, known));
        if (!known)
          log(logging::level::warn,
              "tm_endpoint_set: no endpoint {} in profile {}", s.endpoint,
              core_.params().name);
      },
  };
}

} // namespace vmss::network
