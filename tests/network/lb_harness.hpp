#pragma once
/// A test harness for lb_core: runs its timers in virtual time and keeps
/// every effect (tests/network).

#include "actors/network/lb_core.hpp"

#include <map>
#include <utility>
#include <vector>

namespace vmss::network::lb_test {

/// Runs a core's timers in virtual time and keeps what it did.
struct harness {
  explicit harness(const lb_params& p) : core(p) {}

  lb_core core;
  sim_time now = 0;
  std::multimap<sim_time, uint64_t> timers;
  std::vector<probe_send> probes; ///< every probe sent, in order
  std::vector<std::pair<sim_time, lb_drained>> drained;
  std::vector<lb_backend_health> health;
  std::vector<std::pair<sim_time, backend_change>> backends;
  std::vector<serve_send> serves;      ///< every batch sent, in order
  std::vector<traffic_answer> answers; ///< every traffic result, in order

  void take(lb_effects e) {
    for (auto& p : e.probes)
      probes.push_back(p);
    for (auto& d : e.drained)
      drained.emplace_back(now, d);
    for (auto& h : e.health)
      health.push_back(h);
    for (auto& b : e.backends)
      backends.emplace_back(now, b);
    for (auto& t : e.timers)
      timers.emplace(now + t.delay, t.seq);
    for (auto& s : e.serves)
      serves.push_back(s);
    for (auto& a : e.answers)
      answers.push_back(a);
  }
  void join(const std::string& pool, uint32_t instance = 0, uint32_t vm = 7) {
    take(core.on_member({"web", instance, vm, pool, true}));
  }
  void leave(const std::string& pool, uint32_t instance = 0) {
    take(core.on_member({"web", instance, 7, pool, false}));
  }
  /// Answers the last probe sent.
  void reply(bool ok) { take(core.on_reply({probes.back().msg.seq, ok})); }
  /// Fires every timer due up to `t`.
  void run_until(sim_time t) {
    while (!timers.empty() && timers.begin()->first <= t) {
      auto [at, seq] = *timers.begin();
      timers.erase(timers.begin());
      now = at;
      take(core.on_due({seq}));
    }
    now = t;
  }
};

inline lb_params probed(bool tcp, sim_time interval, uint32_t threshold) {
  lb_params p;
  p.name = "web-lb";
  p.pools = {"backend"};
  p.probes = {{"health", tcp, interval, threshold}};
  p.rules = {{"http", {"backend"}, "health"}};
  return p;
}

} // namespace vmss::network::lb_test
