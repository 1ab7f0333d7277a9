#include "actors/physical/vm_lifecycle.hpp"

#include "kernel/assert.hpp"

namespace vmss::physical {

const char* to_string(vm_input in) {
  switch (in) {
  case vm_input::placed:
    return "placed";
  case vm_input::adopted:
    return "adopted";
  case vm_input::phase_done:
    return "phase_done";
  case vm_input::probe_ok:
    return "probe_ok";
  case vm_input::probe_failed:
    return "probe_failed";
  case vm_input::reimage:
    return "reimage";
  case vm_input::stop:
    return "stop";
  case vm_input::start:
    return "start";
  case vm_input::delete_vm:
    return "delete";
  case vm_input::power_restored:
    return "power_restored";
  case vm_input::hydrated:
    return "hydrated";
  case vm_input::hydration_failed:
    return "hydration_failed";
  case vm_input::restart:
    return "restart";
  }
  return "unknown";
}

vm_step vm_lifecycle::enter(vm_state next, rng& r) {
  VMSS_ASSERT(state_ != vm_state::deleted, "a deleted VM changes no more");
  VMSS_ASSERT(state_ != vm_state::creating || next != vm_state::starting ||
                  (hydrated_ && phase_over_),
              "Creating ends only when its time is over and the boot blocks "
              "are in");
  vm_step step{true, state_, next, 0};
  state_ = next;
  if (next != vm_state::stopping)
    after_stop_ = then::stay_stopped;
  switch (next) {
  case vm_state::allocating:
    step.phase_ns = timings_->allocating.draw(r);
    break;
  case vm_state::creating: // a new OS disk: read its boot blocks
    step.phase_ns = timings_->creating.draw(r);
    hydrated_ = false;
    phase_over_ = false;
    step.hydrate = true;
    break;
  case vm_state::starting:
    step.phase_ns = timings_->starting.draw(r);
    break;
  case vm_state::running:
    step.phase_ns = timings_->running.draw(r);
    break;
  case vm_state::repairing:
    step.phase_ns = timings_->repairing.draw(r);
    break;
  case vm_state::stopping:
    step.phase_ns = timings_->stopping.draw(r);
    break;
  case vm_state::deleting:
    step.phase_ns = timings_->deleting.draw(r);
    break;
  default:
    break;
  }
  return step;
}

/// Where a timed phase leads when its timer fires.
vm_state vm_lifecycle::after_phase() const {
  switch (state_) {
  case vm_state::allocating:
    return vm_state::creating;
  case vm_state::starting: // Creating ends through on_creating
    return vm_state::running;
  case vm_state::repairing:
    return vm_state::creating; // reimage
  case vm_state::deleting:
    return vm_state::deleted;
  default:
    return state_;
  }
}

vm_step vm_lifecycle::on_creating(vm_input in, rng& r) {
  vm_step wait{true, state_, state_, 0};
  switch (in) {
  case vm_input::phase_done:
    phase_over_ = true;
    if (hydrated_)
      return enter(vm_state::starting, r);
    wait.hydrate = true;
    return wait;
  case vm_input::hydrated:
    VMSS_ASSERT(!hydrated_, "the boot blocks come in once per Creating");
    hydrated_ = true;
    return phase_over_ ? enter(vm_state::starting, r) : wait;
  case vm_input::hydration_failed:
    VMSS_ASSERT(!hydrated_, "no read of the boot blocks after they are in");
    wait.retry_hydration = phase_over_;
    return wait;
  default:
    break;
  }
  VMSS_ASSERT(false, "on_creating handles only the inputs of the join");
  return wait;
}

vm_step vm_lifecycle::stop_then(then next, rng& r) {
  after_stop_ = next;
  return enter(vm_state::stopping, r);
}

vm_step vm_lifecycle::after_stopping(rng& r) {
  auto next = after_stop_;
  after_stop_ = then::stay_stopped;
  switch (next) {
  case then::reimage:
    return enter(vm_state::repairing, r);
  case then::start: {
    auto step = enter(vm_state::stopped, r);
    step.start_next = true;
    return step;
  }
  case then::stay_stopped:
    break;
  }
  return enter(vm_state::stopped, r);
}

vm_step vm_lifecycle::on_power_restored(rng& r) {
  vm_step step{false, state_, state_, 0};
  switch (state_) {
  case vm_state::pending:
  case vm_state::stopped:
  case vm_state::deleted:
    return step; // nothing was running
  case vm_state::allocating:
  case vm_state::creating:
    step = enter(vm_state::creating, r);
    break;
  case vm_state::starting:
  case vm_state::running:
  case vm_state::healthy:
  case vm_state::unhealthy:
    step = enter(vm_state::starting, r);
    break;
  case vm_state::stopping: // a restart boots, a reimage goes on
    step = after_stopping(r);
    if (step.start_next) {
      step = enter(vm_state::starting, r);
      step.from = vm_state::stopping;
    }
    break;
  case vm_state::repairing:
  case vm_state::deleting:
    step = enter(state_, r); // the phase starts again
    break;
  }
  step.was_down = true;
  return step;
}

vm_step vm_lifecycle::on(vm_input in, rng& r) {
  vm_step ignored{false, state_, state_, 0};
  bool creating = state_ == vm_state::creating;
  bool gone = state_ == vm_state::deleting || state_ == vm_state::deleted;
  bool up = runs(state_);
  switch (in) {
  case vm_input::placed:
    return state_ == vm_state::pending ? enter(vm_state::allocating, r)
                                       : ignored;
  case vm_input::adopted:
    return state_ == vm_state::pending ? enter(vm_state::healthy, r) : ignored;
  case vm_input::phase_done:
    // Running's timer means "extensions done, first probe due": accepted,
    // no change of state; the owner probes and feeds the result back.
    if (state_ == vm_state::running)
      return {true, state_, state_, 0};
    if (creating)
      return on_creating(in, r);
    if (state_ == vm_state::stopping)
      return after_stopping(r);
    if (after_phase() == state_)
      return ignored;
    return enter(after_phase(), r);
  case vm_input::probe_ok:
    if (state_ == vm_state::running || state_ == vm_state::unhealthy)
      return enter(vm_state::healthy, r);
    return ignored;
  case vm_input::probe_failed:
    if (state_ == vm_state::running || state_ == vm_state::healthy)
      return enter(vm_state::unhealthy, r);
    return ignored;
  case vm_input::reimage:
    if (state_ == vm_state::stopped)
      return enter(vm_state::repairing, r);
    return up ? stop_then(then::reimage, r) : ignored;
  case vm_input::stop:
    return up ? stop_then(then::stay_stopped, r) : ignored;
  case vm_input::restart:
    return up ? stop_then(then::start, r) : ignored;
  case vm_input::start:
    return state_ == vm_state::stopped ? enter(vm_state::starting, r) : ignored;
  case vm_input::delete_vm:
    return gone ? ignored : enter(vm_state::deleting, r);
  case vm_input::power_restored:
    return on_power_restored(r);
  case vm_input::hydrated:
  case vm_input::hydration_failed:
    // Outside Creating a read's end means nothing (the VM moved on).
    return creating ? on_creating(in, r) : ignored;
  }
  return ignored;
}

} // namespace vmss::physical
