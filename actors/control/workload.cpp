#include "actors/control/workload.hpp"

#include "messages/control_events.hpp"
#include "messages/control_messages.hpp"
#include "messages/network_kinds.hpp"

#include <caf/all.hpp>

namespace vmss::control {

namespace {

bool is_traffic_manager(const node_kernel& k, entity_id id) {
  return *k.table()[id].kind == network::kinds::traffic_manager;
}

workload_core make_core(const node_kernel& k, entity_id target,
                        const workload_shell_params& p) {
  workload_core_params c;
  c.direct_lb = is_traffic_manager(k, target) ? int64_t{-1} : int64_t{target};
  c.clients = p.clients;
  c.rule = p.rule;
  c.cpu_us = p.cpu_us;
  c.bytes_in = p.bytes_in;
  c.bytes_out = p.bytes_out;
  return workload_core(std::move(c),
                       rate_function(p.curve, p.start_utc_seconds));
}

} // namespace

workload::workload(caf::actor_config& cfg, node_kernel& k, entity_id id,
                   const workload_shell_params* params)
    : entity(cfg, k, id),
      name_(k.table()[id].path.substr(k.table()[id].path.rfind('/') + 1)),
      target_(k.table().id_of(params->target)),
      core_(make_core(k, target_, *params)) {
}

void workload::on_start() {
  apply(core_.on_start(now()));
}

void workload::wake_at(sim_time t) {
  if (t >= next_wake_)
    return;
  next_wake_ = t;
  after(t > now() ? t - now() : 0, workload_due{++wake_seq_});
}

void workload::apply(workload_effects fx) {
  for (auto& q : fx.queries)
    send(target_, std::move(q));
  for (auto& t : fx.traffic)
    send(static_cast<entity_id>(t.lb), std::move(t.msg));
  for (const auto& r : fx.records) {
    std::string target, region;
    if (r.lb >= 0) {
      target = kernel_.table()[static_cast<entity_id>(r.lb)].path;
      region = target.substr(0, target.find('/'));
    }
    trace(events::requests, {name_, target, region, static_cast<int64_t>(r.ok),
                             static_cast<int64_t>(r.failed), r.p50_ms, r.p95_ms,
                             r.p99_ms, static_cast<int64_t>(r.tick)});
  }
  wake_at(core_.next_wake());
}

caf::behavior workload::make_behavior() {
  return {
      [=](const workload_due& d) {
        if (d.seq != wake_seq_)
          return; // an earlier timer replaced it
        next_wake_ = sim_time_never;
        apply(core_.on_wake(now()));
      },
      [=](const network::dns_answer& a) { apply(core_.on_answer(now(), a)); },
      [=](const network::lb_traffic_result& r) {
        apply(core_.on_result(now(), source(), r));
      },
  };
}

} // namespace vmss::control
