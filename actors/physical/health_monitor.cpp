#include "actors/physical/health_monitor.hpp"

#include "messages/physical_messages.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

health_monitor::health_monitor(caf::actor_config& cfg, node_kernel& k,
                               entity_id id, const health_params* params)
    : entity(cfg, k, id), params_(params) {
}

void health_monitor::on_start() {
  after(params_->period, health_sweep_due{});
}

caf::behavior health_monitor::make_behavior() {
  return {
      [=](const host_heartbeat& msg) {
        auto& h = hosts_[source()];
        if (h.down)
          trace("host_up", {{"host", kernel_.table()[source()].path},
                            {"seq", static_cast<int64_t>(msg.seq)}});
        h.down = false;
        h.last_seen = now();
      },
      [=](const health_sweep_due&) {
        for (auto& [host, h] : hosts_) {
          if (!h.down &&
              now() - h.last_seen > params_->missed * params_->period) {
            h.down = true;
            trace("host_down", {{"host", kernel_.table()[host].path},
                                {"last_seen_ns", h.last_seen}});
          }
        }
        after(params_->period, health_sweep_due{});
      },
  };
}

caf::behavior control::make_behavior() {
  return {
      [=](const fault_notice& notice) {
        trace(notice.recovered ? "fault_recovered" : "fault_injected",
              {{"fault", notice.fault}, {"target", notice.target}});
      },
  };
}

} // namespace vmss::physical
