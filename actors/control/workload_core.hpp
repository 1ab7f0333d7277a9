#pragma once
/// A workload's clients as a pure core (issue 12; docs/model.md
/// "Workload"): the request rate over time, the requests of each
/// one-second tick, the client groups and their DNS caches (through a
/// Traffic Manager profile), and the per-tick `requests` records with
/// their response-time percentiles. Its shell (workload.hpp) moves the
/// messages. No CAF.
///
/// A tick, every second from t = 0:
///
///   rate(t) --carry the fraction--> n requests --split over groups-->
///   per load balancer: lb_traffic --> ... --> lb_traffic_result
///   all results in (or the result timeout) --> one record per target,
///   in tick order
///
/// A client group's DNS cache (Traffic Manager only):
///
///   none --query--> asking --answer--> cached --ttl over--> expired
///                     ^                                      |
///                     +---- query; the stale answer serves ---+
///                           one more second, then none;
///                           unanswered: ask again every retry

#include "kernel/sim_time.hpp"
#include "messages/network_messages.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace vmss::input {
class time_zone;
} // namespace vmss::input

namespace vmss::control {

/// The rate from `at` on (steps, and the lines of a CSV series).
struct rate_step {
  sim_time at = 0;
  double rate = 0;
};

/// `from` until `start`, linear to `to` at `end`, `to` after.
struct rate_ramp {
  double from = 0;
  double to = 0;
  sim_time start = 0;
  sim_time end = 0;
};

/// `min` at the local hour opposite `peak_hour`, `max` at `peak_hour`,
/// a cosine of the local clock between.
struct rate_diurnal {
  double min = 0;
  double max = 0;
  uint32_t peak_hour = 14;
  std::string time_zone; ///< Windows or tz database name; "" UTC
};

/// `rate` more requests per second in [at, at + duration).
struct rate_spike {
  sim_time at = 0;
  sim_time duration = 0;
  double rate = 0;
};

/// messages/scenario.proto's RateCurve, filled by the scenario input.
struct rate_curve {
  enum class shape { constant, steps, ramp, diurnal, series };
  shape kind = shape::constant;
  double constant = 0;
  std::vector<rate_step> steps; ///< steps, or the CSV series
  rate_ramp ramp;
  rate_diurnal diurnal;
  std::vector<rate_spike> spikes;
};

/// The largest rate a curve may reach (requests per second, spikes
/// included); our choice, so that a tick's requests fit lb_traffic.
inline constexpr double max_rate_per_second = 1e8;

/// Reads a CSV series: lines "time,requests_per_second", time a duration
/// ("90s", "1h") or plain seconds ("90", "1.5"), strictly increasing;
/// blank lines and a first line "time,requests_per_second" are skipped.
/// Throws std::invalid_argument "FILE:LINE: reason" (or "FILE: reason").
std::vector<rate_step> read_rate_csv(const std::string& path);

/// The rate of a curve at virtual time t; `start_utc_seconds` is the
/// run's startTime (the diurnal curve's local clock). Throws
/// std::invalid_argument for an unknown time zone.
class rate_function {
public:
  rate_function(rate_curve curve, int64_t start_utc_seconds);
  ~rate_function();
  rate_function(rate_function&&) noexcept;
  rate_function& operator=(rate_function&&) noexcept;

  double at(sim_time t) const;

private:
  double base(sim_time t) const;
  double diurnal(sim_time t) const;

  rate_curve curve_;
  int64_t start_utc_seconds_;
  std::unique_ptr<input::time_zone> zone_; ///< diurnal only
};

/// Whole requests per tick from rates: carries the fraction, so the total
/// after k ticks is floor(sum of the k rates), the rates counted in
/// millionths of a request (exact integer arithmetic: no drift).
class tick_rounder {
public:
  uint64_t next(double rate);

private:
  int64_t carry_micro_ = 0; ///< < one request
};

/// One backend's answered requests: `weight` of them, taking `shift_us`
/// (the network round trip) plus an exponential time of mean `mean_us`.
struct latency_part {
  double weight = 0;
  double shift_us = 0;
  double mean_us = 0;
};

/// The q-quantile (0 < q < 1) of the mixture, in microseconds, by
/// bisection on its distribution function; 0 when the weights sum to 0.
double mixture_quantile(const std::vector<latency_part>& parts, double q);

/// One `requests` record: a tick's outcome at one target (lb -1: the
/// requests of groups without a DNS answer).
struct requests_record {
  sim_time tick = 0;
  int64_t lb = -1;
  uint64_t ok = 0;
  uint64_t failed = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
};

struct workload_core_params {
  /// The load balancer's entity id (direct), or -1: through Traffic
  /// Manager with `clients` groups.
  int64_t direct_lb = -1;
  uint32_t clients = 100;
  std::string rule;
  uint32_t cpu_us = 10000;
  uint32_t bytes_in = 2000;
  uint32_t bytes_out = 20000;
  sim_time tick = seconds(1);
  /// A tick's results not in after this count failed (our choice: a
  /// client's request timeout).
  sim_time result_timeout = seconds(10);
  /// An unanswered DNS query is sent again after this (our choice: the
  /// glibc resolver's default timeout).
  sim_time dns_retry = seconds(5);
};

struct workload_effects {
  struct traffic {
    int64_t lb = -1;
    network::lb_traffic msg;
  };
  std::vector<traffic> traffic;
  std::vector<network::dns_query> queries;
  std::vector<requests_record> records;
};

class workload_core {
public:
  workload_core(workload_core_params params, rate_function rate);

  /// At t = 0: the first DNS queries (Traffic Manager).
  workload_effects on_start(sim_time now);
  /// The shell's timer: ticks, DNS expiries and retries, result timeouts
  /// due by `now`.
  workload_effects on_wake(sim_time now);
  workload_effects on_answer(sim_time now, const network::dns_answer& a);
  /// `lb`'s result (the sender's entity id).
  workload_effects on_result(sim_time now, int64_t lb,
                             const network::lb_traffic_result& r);
  /// The earliest time on_wake has something to do.
  sim_time next_wake() const;

  /// Group g's cached load balancer (-1: none), for tests.
  int64_t group_lb(uint32_t g) const { return groups_[g].lb; }

private:
  struct group {
    int64_t lb = -1;
    bool answered = false;    ///< has had an answer
    uint64_t asking = 0;      ///< the pending query's seq, 0 none
    sim_time stale_until = 0; ///< the expired answer serves until then
    sim_time deadline = sim_time_never; ///< its entry in deadlines_
  };
  struct target_state {
    uint64_t requests = 0;
    bool done = false;
    uint64_t ok = 0, failed = 0;
    std::vector<latency_part> parts;
  };
  struct tick_state {
    sim_time sent = 0;
    uint64_t unresolved = 0; ///< requests of groups without an answer
    std::map<int64_t, target_state> targets;
  };

  void ask(sim_time now, uint32_t g, workload_effects& fx);
  void set_deadline(uint32_t g, sim_time t);
  void run_dns(sim_time now, workload_effects& fx);
  void run_tick(sim_time now, workload_effects& fx);
  /// Whose requests group g's go to now (-1: none).
  int64_t destination(sim_time now, const group& gr) const;
  void flush(sim_time now, workload_effects& fx);

  workload_core_params params_;
  rate_function rate_;
  tick_rounder rounder_;
  std::vector<group> groups_;
  uint32_t rotate_ = 0; ///< the group that gets the next odd request
  uint64_t next_seq_ = 0;
  sim_time next_tick_ = 0;
  std::map<sim_time, tick_state> pending_; ///< by tick, in order
  /// Each group's next expiry or retry: (time, group).
  std::set<std::pair<sim_time, uint32_t>> deadlines_;
};

} // namespace vmss::control
