#pragma once
/// The VM instance state machine (spec Layer 4 "Instance State Machine",
/// timeline of Layer 6 "Complete Scale-Out Flow"), as a pure core: feed it
/// an input, it changes state and says how long the next phase takes and
/// whether to read the OS disk's boot blocks.
///
///   Pending --adopted--> Healthy (a VM running before the simulation)
///   Pending --placed--> Allocating --done--> Creating --join--> Starting
///                                               ^                  |
///                                               |                done
///                                          Repairing               v
///                                               ^               Running
///                                     repair, reimage              |
///                                               |          done (extensions,
///                                           Unhealthy <--+  first probe due)
///                                               |        |         v
///                                            probe_ok    +--- probe_failed
///                                               v        |         |
///                                            Healthy ----+ <--probe_ok
///
///   Running, Healthy, Unhealthy --stop--> Stopping --done--> Stopped
///   Stopped --start--> Starting;  Stopped --reimage--> Repairing
///   any state but Deleting/Deleted --delete--> Deleting --done--> Deleted
///
///   After a power loss of its host (power_restored): Allocating and
///   Creating start creating again, Starting to Unhealthy boot again
///   (Starting), Stopping is Stopped, Repairing and Deleting start their
///   phase again; the rest stay where they were.
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
  probe_ok,         ///< a health probe passed
  probe_failed,     ///< a health probe failed
  repair,           ///< automatic repair of an unhealthy VM: reimage
  reimage,          ///< requested reimage (running or stopped VM)
  stop,             ///< power off (the host keeps its reservation)
  start,            ///< power on a stopped VM
  delete_vm,        ///< scale-in or manual delete
  power_restored,   ///< the host came back after a power loss
  hydrated,         ///< Creating: the OS disk's boot blocks are in
  hydration_failed, ///< Creating: reading the boot blocks failed
};

/// Lower-case name of an input ("stop").
const char* to_string(vm_input in);

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
  phase_range stopping{seconds(10), seconds(30)};
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
  vm_step enter(vm_state next, rng& r);
  vm_state after_phase() const;
  /// phase_done, hydrated, hydration_failed while Creating (the join).
  vm_step on_creating(vm_input in, rng& r);

  const vm_timings* timings_;
  vm_state state_ = vm_state::pending;
  // The Creating join; reset when Creating is entered.
  bool hydrated_ = false;   ///< the boot blocks are in
  bool phase_over_ = false; ///< Creating's drawn time is over
};

} // namespace vmss::physical
