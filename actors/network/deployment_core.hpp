#pragma once
/// A blue-green deployment (spec Layer 8 example 5) as a pure core: two
/// backend pools of one load balancer, "blue" (live) and "green" (the new
/// version). At `switch_at` the rule is patched to send new flows to green
/// (flows to blue drain); over the `watch` window the core polls the green
/// pool's health and switches back to blue the first time the gate fails.
/// Its shell (deployment.hpp) sends lb_rule_set / lb_pool_query to the load
/// balancer, feeds lb_pool_health and its timers (tm_due) back and traces
/// `blue_green`. docs/model.md "Blue-green" gives the rules and sources.
/// No CAF.
///
///   waiting --switch_at: rule -> green--> watching
///   watching --poll answer fails the gate: rule -> blue--> rolled_back
///   watching --answer to a poll at or after the watch's end passes-->
///            completed
///
/// Polls: the first one `grace` (one probe interval of the load balancer)
/// after the switch, so that the green members' probes have been answered
/// once under load; then every `poll`, the last one at the watch's end
/// (and every `poll` after it until one is answered).

#include "kernel/sim_time.hpp"
#include "messages/network_messages.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vmss::network {

struct deployment_params {
  std::string name;
  std::string load_balancer; ///< its name, in the deployment's region
  std::string rule;          ///< "": the load balancer's first rule
  std::string blue_pool;
  std::string green_pool;
  sim_time switch_at = 0;
  sim_time watch = seconds(5 * 60);
  uint32_t min_healthy_percent = 100;
  double max_failed_percent = 1;
  /// Between two polls of the green pool (our choice).
  sim_time poll = seconds(10);
  /// From the switch to the first poll: the probe interval of the rule's
  /// health probe (Azure's default intervalInSeconds 15).
  sim_time grace = seconds(15);
};

enum class deployment_phase : uint8_t {
  waiting,
  watching,
  completed,
  rolled_back
};

/// "waiting", "watching", "completed", "rolled_back".
const char* to_string(deployment_phase p);

/// One `blue_green` record: phase switched / completed / rolled_back, the
/// pool the rule sends to afterwards, and why.
struct blue_green_report {
  std::string phase;
  std::string pool;
  std::string reason;
};

struct deployment_timer {
  sim_time delay = 0;
  uint64_t seq = 0;
};

/// What an input did; everything goes to the load balancer.
struct deployment_effects {
  std::vector<lb_rule_set> rule_sets;
  std::vector<lb_pool_query> queries;
  std::vector<deployment_timer> timers;
  std::vector<blue_green_report> reports;
};

/// Why the gate fails on `h` ("" : it passes): fewer than
/// min_healthy_percent of the members healthy (an empty pool has none), or
/// more than max_failed_percent of the requests failed (no requests: none
/// failed).
std::string gate_failure(const deployment_params& p, const lb_pool_health& h);

class deployment_core {
public:
  explicit deployment_core(deployment_params params);

  /// At the start (or a restart) at `now`: arms the next step of the
  /// current phase.
  deployment_effects start(sim_time now);
  deployment_effects on_due(const tm_due& d, sim_time now);
  /// The answer to a query of ours (older or repeated answers are
  /// ignored).
  deployment_effects on_health(const lb_pool_health& h);

  deployment_phase phase() const { return phase_; }
  const deployment_params& params() const { return params_; }

private:
  void timer(sim_time delay, deployment_effects& out);
  void switch_to(const std::string& pool, deployment_effects& out);
  void poll(sim_time now, deployment_effects& out);
  sim_time watch_end() const { return params_.switch_at + params_.watch; }

  deployment_params params_;
  deployment_phase phase_ = deployment_phase::waiting;
  uint64_t armed_ = 0;    ///< the one timer that counts
  uint64_t next_seq_ = 1; ///< timers and queries
  /// Queries from this seq on are sent at or after the watch's end.
  uint64_t final_from_ = UINT64_MAX;
  uint64_t judged_ = 0; ///< the last query whose answer was judged
};

} // namespace vmss::network
