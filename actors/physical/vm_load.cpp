#include "actors/physical/vm_load.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <cmath>

namespace vmss::physical {

namespace {

constexpr uint64_t cpu_us_per_vcpu_tick = 1'000'000; ///< 1 s per second
constexpr double us_per_minute = 60e6;
/// Utilisation above this answers as if at it (caps the M/M/1 delay at
/// 100 x the service time): our choice.
constexpr double rho_max = 0.99;

} // namespace

vm_load::vm_load(uint32_t vcpus)
    : capacity_us_(uint64_t{vcpus} * cpu_us_per_vcpu_tick), vcpus_(vcpus) {
  VMSS_ASSERT(vcpus > 0, "a VM has at least one vCPU");
}

serve_outcome vm_load::serve(const network::vm_serve& s, bool up) {
  serve_outcome out;
  minute_in_ += double(s.requests) * s.bytes_in;
  if (!up) {
    out.failed = s.requests;
    return out;
  }
  if (!tick_ || s.tick > *tick_) { // a new tick: its CPU is all free
    tick_ = s.tick;
    tick_used_us_ = 0;
  }
  uint64_t admitted = s.requests;
  if (s.cpu_us > 0)
    admitted = std::min<uint64_t>(s.requests,
                                  (capacity_us_ - tick_used_us_) / s.cpu_us);
  auto used = admitted * s.cpu_us;
  tick_used_us_ += used;
  minute_used_us_ += used;
  minute_out_ += double(admitted) * s.bytes_out;
  out.ok = static_cast<uint32_t>(admitted);
  out.failed = s.requests - out.ok;
  double rho = std::min(rho_max, double(tick_used_us_) / capacity_us_);
  out.latency_us =
      out.ok ? static_cast<uint32_t>(std::lround(s.cpu_us / (1 - rho))) : 0;
  return out;
}

std::optional<sim_time> vm_load::start_sampling(sim_time now) {
  if (sampling_)
    return std::nullopt;
  sampling_ = true;
  return minute - now % minute;
}

minute_load vm_load::end_minute(sim_time now) {
  VMSS_ASSERT(now % minute == 0, "a sample is taken at a minute's end");
  minute_load out{now - minute,
                  100.0 * double(minute_used_us_) /
                      (double(vcpus_) * us_per_minute),
                  minute_in_, minute_out_};
  minute_used_us_ = 0;
  minute_in_ = 0;
  minute_out_ = 0;
  return out;
}

void vm_load::stop() {
  sampling_ = false;
  minute_used_us_ = 0;
  minute_in_ = 0;
  minute_out_ = 0;
}

} // namespace vmss::physical
