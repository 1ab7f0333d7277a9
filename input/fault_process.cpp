#include "input/fault_process.hpp"

#include "kernel/assert.hpp"
#include "kernel/rng.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>

namespace vmss::input {

namespace {

namespace sc = vmss::scenario;

/// An exponential time of `mean`, at least 1 ns; `cap` if it would reach
/// `cap` or beyond (then the caller stops).
sim_time exponential(rng& g, sim_time mean, sim_time cap) {
  double u = static_cast<double>(g.next() >> 11) * 0x1.0p-53; // [0, 1)
  double x = -std::log1p(-u) * static_cast<double>(mean);
  if (!(x < static_cast<double>(cap)))
    return cap;
  return std::max<sim_time>(1, static_cast<sim_time>(x));
}

sim_time repair_time(rng& g, const sc::Repair& r, sim_time cap) {
  switch (r.distribution()) {
  case sc::Repair::uniform:
    return g.uniform(r.min_ns(), r.max_ns());
  case sc::Repair::fixed:
    return r.mean_ns();
  default:
    return exponential(g, r.mean_ns(), cap);
  }
}

/// The stream of process `index` on `target`: not the entity's own.
rng stream(uint64_t seed, size_t index, const std::string& target) {
  constexpr uint64_t fault_process_salt = 0x6661756c74707263ULL; // "faultprc"
  return rng(seed, path_key(target) ^ mix64(fault_process_salt + index));
}

} // namespace

std::vector<fault_occurrence>
expand_fault_process(const sc::FaultProcess& process, size_t index,
                     const std::vector<std::string>& targets, uint64_t seed,
                     sim_time duration) {
  sim_time from = process.has_from_ns() ? process.from_ns() : 0;
  sim_time until = process.has_until_ns() ? process.until_ns() : duration;
  VMSS_ASSERT(process.mtbf_ns() > 0 && from >= 0,
              "a fault process is checked before it is expanded");
  std::vector<fault_occurrence> out;
  for (const auto& target : targets) {
    auto g = stream(seed, index, target);
    for (sim_time t = from; t < until;) {
      sim_time up = exponential(g, process.mtbf_ns(), until - t);
      if (up >= until - t)
        break;
      fault_occurrence f{t + up, sim_time_never, target};
      sim_time repair =
          repair_time(g, process.repair(), sim_time_never - f.fail_at);
      VMSS_ASSERT(repair > 0, "a repair takes time");
      if (repair < sim_time_never - f.fail_at)
        f.recover_at = f.fail_at + repair;
      t = f.recover_at;
      if (out.size() == max_process_faults)
        throw std::invalid_argument(
            "draws more than " + std::to_string(max_process_faults) +
            " faults on " + std::to_string(targets.size()) +
            " targets: give a longer mtbf or fewer targets");
      out.push_back(std::move(f));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.fail_at, a.target) < std::tie(b.fail_at, b.target);
  });
  return out;
}

} // namespace vmss::input
