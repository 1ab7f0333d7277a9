#pragma once
/// The VM instance state machine (spec Layer 4 "Instance State Machine",
/// timeline of Layer 6 "Complete Scale-Out Flow"), as a pure core: feed it
/// an input, it changes state and says how long the next phase takes.
///
///   Pending --adopted--> Healthy (a VM running before the simulation)
///   Pending --placed--> Allocating --done--> Creating --done--> Starting
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
/// Phase durations are drawn from the VM's seeded stream, uniform within
/// each phase's [min, max] (vm_timings; docs/model.md gives the sources).

#include "kernel/rng.hpp"
#include "kernel/sim_time.hpp"

#include <cstdint>

namespace vmss::physical {

enum class vm_state : uint8_t {
  pending,
  allocating,
  creating,
  starting,
  running,
  healthy,
  unhealthy,
  repairing,
  stopping,
  stopped,
  deleting,
  deleted,
};

/// Lower-case name as used in traces ("allocating").
const char* to_string(vm_state s);

enum class vm_input : uint8_t {
  placed,         ///< the fabric controller reserved a host
  adopted,        ///< already running when the simulation began
  phase_done,     ///< the current phase's timer fired
  probe_ok,       ///< a health probe passed
  probe_failed,   ///< a health probe failed
  repair,         ///< automatic repair of an unhealthy VM: reimage
  reimage,        ///< requested reimage (running or stopped VM)
  stop,           ///< power off (the host keeps its reservation)
  start,          ///< power on a stopped VM
  delete_vm,      ///< scale-in or manual delete
  power_restored, ///< the host came back after a power loss
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
};

class vm_lifecycle {
public:
  explicit vm_lifecycle(const vm_timings& timings) : timings_(&timings) {}

  vm_state state() const { return state_; }

  /// Applies `in`; draws the next phase's duration from `r`.
  vm_step on(vm_input in, rng& r);

private:
  vm_step enter(vm_state next, rng& r);
  vm_state after_phase() const;

  const vm_timings* timings_;
  vm_state state_ = vm_state::pending;
};

} // namespace vmss::physical
