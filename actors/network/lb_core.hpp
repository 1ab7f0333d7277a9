#pragma once
/// A load balancer (Microsoft.Network/loadBalancers; spec Layer 3 "Load
/// Balancer Integration"), as a pure core: its backend pools and their
/// members, its health probes (tcp or http, intervalInSeconds,
/// probeThreshold) and which rules use them, and draining when a member
/// leaves. Its shell (load_balancer.hpp) sends the probes, feeds the
/// replies and timeouts back, and traces `lb_backend` and `probe_result`.
/// docs/model.md gives each rule and default with its source. No CAF.
///
/// Each member is probed by every probe of the load balancer, one probe in
/// flight per member and probe:
///
///   join --> send --(reply: ok / not ok)------------------+
///             ^   \--(no reply within the timeout: fail)--+--> count
///             |                                           |
///             +------------ interval after the send ------+
///
/// `threshold` consecutive equal results set the probe's verdict (up or
/// down); a new member has none until then. A member receives new flows of
/// a pool (lb_backend member=true) while it is in the pool and every probe
/// of the rules sending to that pool finds it up (no such probe:
/// membership alone). Leaving a pool stops new flows at once; lb_drained
/// follows after the pool's drain time. A pool receives new flows only
/// while a rule names it (a load balancer without rules: membership
/// alone); lb_rule_set changes which pools a rule names.
///
/// Traffic (lb_traffic of one tick for a rule) is split over the members
/// receiving new flows of the rule's pools, one batch (vm_serve) each:
///
///   lb_traffic --> round: a batch per backend --(all vm_served)--> result
///                    \--(no backend: all failed)---------------> result
///                     \--(serve timeout: open batches failed)---> result

#include "kernel/sim_time.hpp"
#include "messages/network_messages.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vmss::azure::network {
class LoadBalancer;
} // namespace vmss::azure::network

namespace vmss::network {

struct probe_params {
  std::string name;
  bool tcp = true;
  sim_time interval = seconds(15);
  uint32_t threshold = 1; ///< probeThreshold
  /// A probe without an answer this long after it was sent fails: the
  /// interval, at most 30 s (HTTP(S) probes' built-in timeout).
  sim_time timeout() const;
};

/// A load-balancing rule: the pools it sends new flows to and the probe
/// that decides which members get them ("" : none).
struct rule_params {
  std::string name;
  std::vector<std::string> pools;
  std::string probe;
};

struct lb_params {
  std::string name;
  std::vector<probe_params> probes;
  std::vector<std::string> pools;
  std::vector<rule_params> rules;
  /// A leaving member's drain time: its pool's drainPeriodInSeconds where
  /// given, else `drain` (Azure's default: none, 0).
  std::map<std::string, sim_time> pool_drain;
  sim_time drain = 0;
  /// A backend that has not answered its batch this long after it was
  /// sent counts the batch failed (our choice: docs/model.md).
  sim_time serve_timeout = seconds(2);
};

/// The load balancer's settings from its typed REST body (read and checked
/// by input/azure/network.cpp), Azure's defaults filled in.
lb_params to_lb_params(const vmss::azure::network::LoadBalancer& lb);

/// A health probe for VM slot `vm`.
struct probe_send {
  uint32_t vm = 0;
  lb_probe msg;
};

/// `lb_backend`: `vm` (SETNAME/N) starts or stops receiving new flows of
/// `pool`.
struct backend_change {
  std::string vm;
  bool member = false;
  std::string pool;
};

/// A batch of requests for VM slot `vm`.
struct serve_send {
  uint32_t vm = 0;
  vm_serve msg;
};

/// The outcome of a tick's traffic for the entity `client` that sent it.
struct traffic_answer {
  uint32_t client = 0;
  lb_traffic_result msg;
};

/// Set a timer: lb_due{seq} after `delay`.
struct lb_timer {
  sim_time delay = 0;
  uint64_t seq = 0;
};

/// What an input did. `drained` and `health` go to the orchestrator of
/// their scale set; each `health` is also a `probe_result` record.
struct lb_effects {
  std::vector<probe_send> probes;
  std::vector<lb_drained> drained;
  std::vector<lb_backend_health> health;
  std::vector<backend_change> backends;
  std::vector<lb_timer> timers;
  std::vector<serve_send> serves;
  std::vector<traffic_answer> answers;
};

class lb_core {
public:
  explicit lb_core(const lb_params& params);

  /// An instance joins or leaves a pool (the pool named as the load
  /// balancer names it, letter case ignored).
  lb_effects on_member(const lb_member& m);
  lb_effects on_reply(const lb_probe_reply& r);
  lb_effects on_due(const lb_due& d);
  /// A tick's requests from entity `client` for rule `t.rule` ("": the
  /// first); the rule must be one of the load balancer's (the scenario
  /// reader checks it).
  lb_effects on_traffic(const lb_traffic& t, uint32_t client);
  lb_effects on_served(const vm_served& s);
  /// Rule `r.rule` sends new flows to `r.pools` from now on (both named as
  /// the load balancer names them, letter case ignored).
  lb_effects on_rule_set(const lb_rule_set& r);
  /// The pool's members, those every probe finds up, and the requests its
  /// members answered and failed since the previous query of the pool.
  lb_pool_health on_pool_query(const lb_pool_query& q);
  /// A Traffic Manager probe's HTTP status: 200 while a member receives
  /// new flows of a pool a rule names, else 503.
  uint32_t frontend_status() const;

  /// Whether the instance receives new flows of `pool`.
  bool serving(const std::string& scale_set, uint32_t instance,
               const std::string& pool) const;
  /// The verdict of probe `probe` on the instance (none yet, or not a
  /// member).
  std::optional<bool> verdict(const std::string& scale_set, uint32_t instance,
                              const std::string& probe) const;

private:
  using key = std::pair<std::string, uint32_t>; ///< scale set, instance
  struct probe_state {
    uint32_t streak = 0; ///< consecutive results equal to `last_ok`
    bool last_ok = false;
    std::optional<bool> verdict;
    uint64_t in_flight = 0; ///< the probe's seq, 0 when none
  };
  struct member {
    uint32_t vm = 0;
    uint64_t epoch = 0; ///< a new one on every (re)start of probing
    std::vector<std::string> pools;
    std::vector<std::string> serving; ///< pools it receives new flows of
    std::vector<probe_state> probes;  ///< one per params_.probes
  };
  enum class due_kind : uint8_t { send, conclude, drained, traffic };
  struct due_ref {
    key who;
    uint64_t epoch = 0; ///< traffic: the round
    size_t probe = 0;
    due_kind kind = due_kind::send;
    std::string pool; ///< drained
  };
  /// A tick's traffic waiting for its batches.
  struct round {
    uint32_t client = 0;
    lb_traffic_result result;
    std::vector<uint64_t> batches; ///< those still open
  };
  struct batch {
    uint64_t round = 0;
    std::string pool; ///< the pool whose member serves it
    uint32_t requests = 0;
  };
  struct pool_counts {
    uint64_t ok = 0;
    uint64_t failed = 0;
  };
  /// (VM slot, pool) of each member receiving new flows of `pools`, each
  /// member once, in pool then member order.
  std::vector<std::pair<uint32_t, std::string>>
  backends_of(const std::vector<std::string>& pools) const;
  /// The rule named `name` (letter case ignored).
  size_t rule_index(const std::string& name) const;
  void close_batch(uint64_t seq, uint32_t ok, uint32_t failed);
  /// Answers the round if no batch is open.
  void finish(uint64_t id, lb_effects& out);
  void expire(uint64_t id, lb_effects& out);
  const std::string* find_pool(const std::string& given) const;
  bool named_by_rule(const std::string& pool) const;

  const std::string& pool_name(const std::string& given) const;
  void join(const lb_member& m, lb_effects& out);
  void leave(const lb_member& m, lb_effects& out);
  /// Drops the probes `m` has in flight (their replies will be ignored).
  void forget_probes(member& m);
  void start_probing(const key& who, member& m, lb_effects& out);
  void send_probe(const key& who, member& m, size_t probe, lb_effects& out);
  void conclude(const key& who, member& m, size_t probe, lb_effects& out);
  void count(const key& who, member& m, size_t probe, bool ok, lb_effects& out);
  /// Recomputes which pools `m` receives new flows of; traces changes.
  void update_serving(const key& who, member& m, lb_effects& out);
  bool pool_open_to(const member& m, const std::string& pool) const;
  uint64_t timer(sim_time delay, due_ref ref, lb_effects& out);

  lb_params params_;
  std::map<key, member> members_;
  std::map<uint64_t, due_ref> dues_;
  std::map<uint64_t, std::pair<key, size_t>> in_flight_; ///< probe seq
  uint64_t next_seq_ = 1;
  uint64_t next_epoch_ = 1;
  // Traffic: every round ends within serve_timeout, so these stay bounded.
  std::map<uint64_t, round> rounds_;
  std::map<uint64_t, batch> batches_; ///< by vm_serve::batch
  std::map<std::string, pool_counts> pool_counts_;
  uint64_t next_round_ = 1;
  uint64_t next_batch_ = 1;
};

} // namespace vmss::network
