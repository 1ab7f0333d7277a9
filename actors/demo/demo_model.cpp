#include "actors/demo/demo_model.hpp"

#include "actors/physical/host_agent.hpp"
#include "actors/physical/vm.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/demo_messages.hpp"
#include "topology/region_network.hpp"

#include <caf/all.hpp>

#include <map>

namespace vmss::demo {

namespace {

struct demo_params {
  sim_time period, crash_at, restart_at;
  int64_t missed;
};

std::string monitor_path(const topology::region& r, uint32_t zone) {
  return topology::zone_path(r, zone) + "/monitor";
}

/// One VM of the demo scale set per zone, on the zone's first host.
std::string vm_path(const topology::region& r, uint32_t zone) {
  return topology::host_path(r, zone, 0, 0) + "/vm0";
}

/// Marks a host down after `missed` silent periods, up when it speaks again.
class demo_monitor : public entity {
public:
  demo_monitor(caf::actor_config& cfg, node_kernel& k, entity_id id,
               const demo_params* params)
      : entity(cfg, k, id), params_(params) {}

  void on_start() override { after(params_->period, sweep_due{}); }

  caf::behavior make_behavior() override {
    return {
        [=](const physical::host_heartbeat& msg) {
          auto& h = hosts_[source()];
          if (h.down)
            trace("host_up", {{"host", kernel_.table()[source()].path},
                              {"seq", static_cast<int64_t>(msg.seq)}});
          h.down = false;
          h.last_seen = now();
        },
        [=](const sweep_due&) {
          for (auto& [host, h] : hosts_) {
            if (!h.down &&
                now() - h.last_seen > params_->missed * params_->period) {
              h.down = true;
              trace("host_down", {{"host", kernel_.table()[host].path},
                                  {"last_seen_ns", h.last_seen}});
            }
          }
          after(params_->period, sweep_due{});
        },
    };
  }

private:
  struct host_health {
    sim_time last_seen = 0;
    bool down = false;
  };
  const demo_params* params_;
  std::map<entity_id, host_health> hosts_;
};

class demo_model final : public model {
public:
  explicit demo_model(model_spec& spec)
      : params_{spec.get_duration("period", seconds(1)),
                spec.get_duration("crash_at", seconds(30)),
                spec.get_duration("restart_at", seconds(60)),
                spec.get_int("missed", 3)},
        net_(make_region(spec)) {
    spec.reject_unknown();
    if (params_.period <= 0 || params_.missed < 1)
      throw std::invalid_argument("demo: period and missed must be positive");
    const auto& r = net_.layout();
    host_params_ = {params_.period, r.host_cores, r.host_ram_gb};
  }

  void describe(entity_table& table) override {
    const auto& r = net_.layout();
    for (uint32_t z = 0; z < r.zones; ++z) {
      auto node = topology::node_of_zone(z, table.num_nodes());
      table.add(monitor_path(r, z), "demo_monitor", node);
      table.add(vm_path(r, z), "vm", node);
      for (uint32_t k = 0; k < r.racks_per_zone; ++k)
        for (uint32_t h = 0; h < r.hosts_per_rack; ++h)
          table.add(topology::host_path(r, z, k, h), "host_agent", node);
    }
  }

  network_model& network() override { return net_; }
  sim_time lookahead() const override { return net_.lookahead(); }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    const auto& e = k.table()[id];
    if (e.kind == "demo_monitor") {
      spawn_entity<demo_monitor>(sys, k, id, &params_);
      return;
    }
    if (e.kind == "vm") {
      spawn_entity<physical::vm>(sys, k, id, &vm_timings_);
      return;
    }
    // Each zone's hosts report to the next zone's monitor.
    const auto& r = net_.layout();
    auto zone = static_cast<uint32_t>(topology::locate(r, e.path).zone);
    auto watcher = monitor_path(r, (zone + 1) % r.zones);
    spawn_entity<physical::host_agent>(sys, k, id, k.table().id_of(watcher),
                                       &host_params_);
  }

  void inject(node_kernel& k) override {
    const auto& r = net_.layout();
    auto victim = k.table().id_of(topology::host_path(
        r, std::min(1u, r.zones - 1), 0, std::min(1u, r.hosts_per_rack - 1)));
    k.inject(params_.crash_at, victim, event_kind::crash);
    k.inject(params_.restart_at, victim, event_kind::restart);
    // A scale set of one VM per zone, placed at 1 s (until the fabric
    // controller exists, the scenario places them).
    for (uint32_t z = 0; z < r.zones; ++z) {
      physical::vm_place place{k.table().id_of(vm_path(r, z)), "demo-vmss", z,
                               2, 8};
      k.inject(seconds(1), k.table().id_of(topology::host_path(r, z, 0, 0)),
               event_kind::message, caf::make_message(std::move(place)),
               wire::id_of<physical::vm_place>);
    }
  }

  std::vector<std::string> describe_run() const override {
    const auto& r = net_.layout();
    return {"demo region=" + r.name + " zones=" + std::to_string(r.zones) +
            " racks=" + std::to_string(r.racks_per_zone) +
            " hosts_per_rack=" + std::to_string(r.hosts_per_rack) +
            " crash_at_s=" + std::to_string(to_seconds(params_.crash_at)) +
            " restart_at_s=" + std::to_string(to_seconds(params_.restart_at))};
  }

private:
  /// The "small" preset, resized by the zones=, racks= and hosts= options.
  static topology::region make_region(model_spec& spec) {
    auto r = topology::preset("small");
    auto size = [&](const char* key, uint32_t fallback) {
      auto v = spec.get_int(key, fallback);
      if (v < 1 || v > 10000)
        throw std::invalid_argument(std::string("demo: ") + key +
                                    " must be from 1 to 10000");
      return static_cast<uint32_t>(v);
    };
    r.zones = size("zones", r.zones);
    r.racks_per_zone = size("racks", r.racks_per_zone);
    r.hosts_per_rack = size("hosts", r.hosts_per_rack);
    r.fc_replica_sites = {"z1"};
    topology::validate(r);
    return r;
  }

  demo_params params_;
  physical::vm_timings vm_timings_;
  physical::host_agent_params host_params_;
  topology::region_network net_;
};

} // namespace

std::unique_ptr<model> make_demo(model_spec& spec, uint64_t, uint32_t) {
  return std::make_unique<demo_model>(spec);
}

} // namespace vmss::demo
