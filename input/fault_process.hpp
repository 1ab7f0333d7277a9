#pragma once
/// A scenario's random fault process (messages/scenario.proto
/// FaultProcess) expanded into concrete faults, deterministically: each
/// target has its own random stream, drawn from the run seed, the
/// process's position in the scenario and the target's path (kernel/rng.hpp),
/// so a target's faults depend on nothing else: not on the order of the
/// targets, nor on how many there are. From `from` on, each target is up
/// for an exponential time of mean `mtbf`, then fails, and is repaired
/// after a time drawn from `repair`; again until `until` (or the run's
/// end): a failure at or after it does not happen. No CAF in here.

#include "kernel/sim_time.hpp"
#include "messages/scenario.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::input {

struct fault_occurrence {
  sim_time fail_at = 0;
  /// After fail_at; may lie after the run's end (then the target stays
  /// failed); sim_time_never if it lies beyond the largest time.
  sim_time recover_at = 0;
  std::string target;
};

/// The most faults one process may draw (a tiny MTBF over many targets
/// would plan more faults than a run can hold).
constexpr size_t max_process_faults = 100000;

/// The faults of process number `index` of a scenario on the candidate
/// `targets` (the entities its `targets` selector names), in a run of
/// `duration` with `seed`, sorted by fail time, then target. `process` is
/// checked (as load_scenario_text checks it). Throws std::invalid_argument
/// if it draws more than max_process_faults.
std::vector<fault_occurrence>
expand_fault_process(const vmss::scenario::FaultProcess& process, size_t index,
                     const std::vector<std::string>& targets, uint64_t seed,
                     sim_time duration);

} // namespace vmss::input
