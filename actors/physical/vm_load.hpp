#pragma once
/// What a VM's share of the load costs it (spec Layer 2 §4, Layer 8
/// example 2): a pure core, no CAF. The VM shell (vm.hpp) feeds it each
/// batch of requests (vm_serve) and takes a metric sample at the end of
/// every minute of virtual time.
///
/// Capacity: `vcpus` x 1 s of CPU per one-second tick. The requests of a
/// tick are admitted while the tick's CPU lasts; those beyond it fail at
/// once (HTTP 503, no queue from tick to tick: our choice, docs/model.md).
/// Response time of an admitted batch: M/M/1 at the tick's utilisation
/// rho, cpu_us / (1 - rho), rho capped at 0.99 (at most 100 x cpu_us).
/// Percentage CPU of a minute: CPU time used / (vcpus x 60 s) x 100.
///
/// Sampling (one metric_sample per minute of virtual time):
///
///   off --serve--> on: a sample at the end of every minute --stop--> off
///
/// A stop (the VM stops or crashes) drops the minute in progress.

#include "kernel/sim_time.hpp"
#include "messages/network_messages.hpp"

#include <cstdint>
#include <optional>

namespace vmss::physical {

/// A batch's answer: requests answered (200) and refused (503), and the
/// admitted ones' mean response time.
struct serve_outcome {
  uint32_t ok = 0;
  uint32_t failed = 0;
  uint32_t latency_us = 0;
};

/// A minute's load: Percentage CPU and the bytes received and sent.
struct minute_load {
  sim_time grain_start = 0; ///< the minute's start
  double cpu_percent = 0;
  double bytes_in = 0;
  double bytes_out = 0;
};

class vm_load {
public:
  explicit vm_load(uint32_t vcpus);

  /// Serves batch `s`; `up`: the application answers (else every request
  /// fails and costs no CPU). Bytes in count every request received,
  /// bytes out the answered ones.
  serve_outcome serve(const network::vm_serve& s, bool up);
  /// After a batch served at `now`: when sampling was off, it is on and
  /// the first sample is due after the returned delay (the minute's end).
  std::optional<sim_time> start_sampling(sim_time now);
  /// The load of the minute that ends at `now`; the next one starts.
  minute_load end_minute(sim_time now);
  /// The VM stopped: sampling is off, the minute in progress dropped.
  void stop();
  bool sampling() const { return sampling_; }

  static constexpr sim_time minute = seconds(60);

private:
  uint64_t capacity_us_; ///< CPU microseconds per tick
  uint32_t vcpus_;
  std::optional<uint64_t> tick_; ///< the latest tick served
  uint64_t tick_used_us_ = 0;
  uint64_t minute_used_us_ = 0;
  double minute_in_ = 0;
  double minute_out_ = 0;
  bool sampling_ = false;
};

} // namespace vmss::physical
