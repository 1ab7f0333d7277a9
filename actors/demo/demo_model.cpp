#include "actors/demo/demo_model.hpp"

#include "kernel/spawn_entity.hpp"
#include "messages/demo_messages.hpp"

#include <caf/all.hpp>

#include <map>

namespace vmss::demo {

namespace {

struct demo_params {
  int64_t zones, racks, hosts;
  sim_time period, crash_at, restart_at;
  int64_t missed;
};

std::string zone_path(int64_t z) {
  return "demo/z" + std::to_string(z + 1);
}

std::string host_path(int64_t z, int64_t r, int64_t h) {
  return zone_path(z) + "/r" + std::to_string(r + 1) + "/h" +
         std::to_string(h + 1);
}

std::string monitor_path(int64_t z) {
  return zone_path(z) + "/monitor";
}

int64_t zone_of(const std::string& path) {
  return std::stoll(path.substr(6, path.find('/', 6) - 6)) - 1;
}

/// A host that says it is alive every period, with seeded jitter.
class demo_host : public entity {
public:
  demo_host(caf::actor_config& cfg, node_kernel& k, entity_id id,
            entity_id monitor, const demo_params* params)
      : entity(cfg, k, id), monitor_(monitor), params_(params) {}

  void on_start() override {
    trace("host_started");
    after(jitter(), alive_due{});
  }

  void on_crash() override { seq_ = 0; }

  caf::behavior make_behavior() override {
    return {[=](const alive_due&) {
      send(monitor_, host_alive{seq_++});
      after(params_->period + jitter(), alive_due{});
    }};
  }

private:
  /// Up to 1% of the period, drawn from this host's seeded stream.
  sim_time jitter() { return random().uniform(0, params_->period / 100); }

  entity_id monitor_;
  const demo_params* params_;
  uint64_t seq_ = 0; ///< volatile: restarts from 0 after a crash
};

/// Marks a host down after `missed` silent periods, up when it speaks again.
class demo_monitor : public entity {
public:
  demo_monitor(caf::actor_config& cfg, node_kernel& k, entity_id id,
               const demo_params* params)
      : entity(cfg, k, id), params_(params) {}

  void on_start() override { after(params_->period, sweep_due{}); }

  caf::behavior make_behavior() override {
    return {
        [=](const host_alive& msg) {
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
  demo_model(model_spec& spec, uint32_t nodes)
      : params_{spec.get_int("zones", 3),
                spec.get_int("racks", 2),
                spec.get_int("hosts", 4),
                spec.get_duration("period", seconds(1)),
                spec.get_duration("crash_at", seconds(30)),
                spec.get_duration("restart_at", seconds(60)),
                spec.get_int("missed", 3)},
        nodes_(nodes) {
    spec.reject_unknown();
    if (params_.zones < 1 || params_.racks < 1 || params_.hosts < 1 ||
        params_.period <= 0 || params_.missed < 1)
      throw std::invalid_argument("demo: zones, racks, hosts, period and "
                                  "missed must be positive");
  }

  void describe(entity_table& table) override {
    for (int64_t z = 0; z < params_.zones; ++z) {
      auto node = static_cast<uint32_t>(z % nodes_);
      table.add(monitor_path(z), "demo_monitor", node);
      for (int64_t r = 0; r < params_.racks; ++r)
        for (int64_t h = 0; h < params_.hosts; ++h)
          table.add(host_path(z, r, h), "demo_host", node);
    }
  }

  network_model& network() override { return net_; }
  sim_time lookahead() const override { return net_.cross_zone; }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    const auto& e = k.table()[id];
    if (e.kind == "demo_monitor") {
      spawn_entity<demo_monitor>(sys, k, id, &params_);
      return;
    }
    // Each zone's hosts report to the next zone's monitor.
    auto watcher = monitor_path((zone_of(e.path) + 1) % params_.zones);
    spawn_entity<demo_host>(sys, k, id, k.table().id_of(watcher), &params_);
  }

  void inject(node_kernel& k) override {
    auto victim =
        k.table().id_of(host_path(std::min<int64_t>(1, params_.zones - 1), 0,
                                  std::min<int64_t>(1, params_.hosts - 1)));
    k.inject(params_.crash_at, victim, event_kind::crash);
    k.inject(params_.restart_at, victim, event_kind::restart);
  }

  std::vector<std::string> describe_run() const override {
    return {"demo zones=" + std::to_string(params_.zones) +
            " racks=" + std::to_string(params_.racks) +
            " hosts_per_rack=" + std::to_string(params_.hosts) +
            " crash_at_s=" + std::to_string(to_seconds(params_.crash_at)) +
            " restart_at_s=" + std::to_string(to_seconds(params_.restart_at))};
  }

private:
  /// 0.2 ms inside a zone, 1 ms across zones.
  struct zone_latency final : network_model {
    std::vector<int64_t> zone; ///< by entity id
    sim_time same_zone = us(200);
    sim_time cross_zone = ms(1);

    void bind(const entity_table& table) override {
      zone.clear();
      for (const auto& e : table.entries())
        zone.push_back(zone_of(e.path));
    }

    sim_time latency(entity_id src, entity_id dst) override {
      return zone[src] == zone[dst] ? same_zone : cross_zone;
    }
  };

  demo_params params_;
  uint32_t nodes_;
  zone_latency net_;
};

} // namespace

std::unique_ptr<model> make_demo(model_spec& spec, uint64_t, uint32_t nodes) {
  return std::make_unique<demo_model>(spec, nodes);
}

} // namespace vmss::demo
