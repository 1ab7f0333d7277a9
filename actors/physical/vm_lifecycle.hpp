#pragma once
/// The VM instance state machine (spec Layer 4 "Instance State Machine",
/// timeline of Layer 6 "Complete Scale-Out Flow"), as a pure core: feed it
/// an input, it changes state and says how long the next phase takes and
/// whether to read the OS disk's boot blocks.
///
///   Pending --placed--> Allocating --done--> Creating --join--> Starting
///      |                                        ^                  |
///   adopted                                   done               done
///   (ran before the simulation)                 |                  v
///      |                                    Repairing           Running
///      |                                        ^          (extensions; then
///      |                                      done         the health probes
///      |                                        |          begin, if any)
///      |                            Stopping (a reimage)           |
///      |                                        ^         probe_ok |
///      probe_failed |                                     reimage v
///      +-----------------------> Healthy <--probe_ok/probe_failed--> Unhealthy
///                       (Running, Healthy and Unhealthy take reimage)
///
///   Running, Healthy, Unhealthy --stop--> Stopping --done--> Stopped
///   Running, Healthy, Unhealthy --restart--> Stopping --done--> Stopped,
///     then step.start_next: the owner feeds start (Starting)
///   Stopped --start--> Starting;  Stopped --reimage--> Repairing
///   any state but Deleting/Deleted --delete--> Deleting --done--> Deleted
///
///   After a power loss of its host (power_restored): step.was_down for a
///   VM that was neither Pending, Stopped nor Deleted (the owner records
///   that it went down: Stopped, reason host_down); Allocating and
///   Creating start creating again, Starting to Unhealthy boot again
///   (Starting), Stopping is Stopped (a restart's or reimage's Stopping
///   goes on with Starting or Repairing), Repairing and Deleting start
///   their phase again.
///
///   Creating is a join: it ends when both its drawn time is over
///   (phase_done) and the boot blocks of the new OS disk are in (hydrated),
///   in either order. Hydration is the owner's disk I/O; the core says when:
///
///     enter Creating ..................... step.hydrate (read the blocks)
///     hydrated, time not over ............ wait for phase_done
///     phase_done, blocks not in .......... wait; step.hydrate (read them
///                                          unless a read is in flight)
///     hydrated after phase_done, or
///     phase_done after hydrated .......... Starting
///     hydration_failed, time not over .... wait: phase_done reads again
///     hydration_failed, time over ........ step.retry_hydration (a timer
///                                          whose phase_done reads again)
///
/// Phase durations are drawn from the VM's seeded stream, uniform within
/// each phase's [min, max] (vm_timings; docs/model.md gives the sources).

#include "kernel/rng.hpp"
#include "kernel/sim_time.hpp"
#include "messages/vm_vocabulary.hpp"

#include <cstdint>

namespace vmss::physical {

enum class vm_input : uint8_t {
  placed,           ///< the fabric controller reserved a host
  adopted,          ///< already running when the simulation began
  phase_done,       ///< the current phase's timer fired
  probe_ok,         ///< the VM's health became Healthy
  probe_failed,     ///< the VM's health became Unhealthy (or Unknown)
  reimage,          ///< reimage (a running VM stops first, or a stopped VM)
  stop,             ///< power off (the host keeps its reservation)
  start,            ///< power on a stopped VM
  delete_vm,        ///< scale-in or manual delete
  power_restored,   ///< the host came back after a power loss
  hydrated,         ///< Creating: the OS disk's boot blocks are in
  hydration_failed, ///< Creating: reading the boot blocks failed
  restart,          ///< stop, then start again (host and disks kept)
};

/// Lower-case name of an input ("stop").
const char* to_string(vm_input in);

/// Running, Healthy or Unhealthy: the VM's OS runs.
inline bool runs(vm_state s) {
  return s == vm_state::running || s == vm_state::healthy ||
         s == vm_state::unhealthy;
}

/// A duration drawn uniformly from [min, max].
struct phase_range {
  sim_time min;
  sim_time max;
  sim_time draw(rng& r) const { return r.uniform(min, max); }
};

struct vm_timings {
  phase_range allocating{ms(500), ms(1500)}; ///< placement to host agent start
  phase_range creating{seconds(55),
                       seconds(75)}; ///< OS disk copy, NIC, Hyper-V
  phase_range starting{seconds(20), seconds(30)}; ///< boot to VM agent ready
  phase_range running{seconds(65), seconds(90)};  ///< extensions, first probe
  phase_range repairing{seconds(5), seconds(10)}; ///< reimage starts
  /// Graceful shutdown (ACPI, 30 s timeout), also a reimage's first step.
  phase_range stopping{seconds(25), seconds(35)};
  phase_range deleting{seconds(10), seconds(30)};
};

/// What an input did.
struct vm_step {
  bool accepted = false; ///< false: the input means nothing in this state
  vm_state from = vm_state::pending;
  vm_state to = vm_state::pending;
  sim_time phase_ns = 0; ///< > 0: set a timer; phase_done when it fires
  /// Read the OS disk's boot blocks (hydrate) unless a disk I/O is in
  /// flight; when that one ends, read them if awaits_boot_blocks().
  bool hydrate = false;
  /// Set the hydration retry timer; phase_done when it fires.
  bool retry_hydration = false;
  /// A restart's stop is over (to is Stopped): feed start next.
  bool start_next = false;
  /// power_restored: the VM was up (or on its way) when its host went down.
  bool was_down = false;
};

class vm_lifecycle {
public:
  explicit vm_lifecycle(const vm_timings& timings) : timings_(&timings) {}

  vm_state state() const { return state_; }

  /// Creating, and its boot blocks are not in yet.
  bool awaits_boot_blocks() const {
    return state_ == vm_state::creating && !hydrated_;
  }

  /// Applies `in`; draws the next phase's duration from `r`.
  vm_step on(vm_input in, rng& r);

private:
  /// What follows Stopping.
  enum class then : uint8_t { stay_stopped, start, reimage };

  vm_step enter(vm_state next, rng& r);
  vm_state after_phase() const;
  /// phase_done, hydrated, hydration_failed while Creating (the join).
  vm_step on_creating(vm_input in, rng& r);
  vm_step on_power_restored(rng& r);
  /// Enters Stopping; `next` says what follows it.
  vm_step stop_then(then next, rng& r);
  /// Stopping is over: Stopped, or what a restart or reimage does next.
  vm_step after_stopping(rng& r);

  const vm_timings* timings_;
  vm_state state_ = vm_state::pending;
  then after_stop_ = then::stay_stopped;
  // The Creating join; reset when Creating is entered.
  bool hydrated_ = false;   ///< the boot blocks are in
  bool phase_over_ = false; ///< Creating's drawn time is over
};

} // namespace vmss::physical
