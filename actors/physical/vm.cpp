#include "actors/physical/vm.hpp"

#include "messages/physical_events.hpp"

#include "actors/physical/host_agent.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

using namespace vmss::storage; // the disks VMs use

namespace {

vm_input input_of(vm_op op) {
  switch (op) {
  case vm_op::start:
    return vm_input::start;
  case vm_op::stop:
    return vm_input::stop;
  case vm_op::reimage:
    return vm_input::reimage;
  case vm_op::delete_vm:
    break;
  }
  return vm_input::delete_vm;
}

std::string parent_of(const std::string& path) {
  return path.substr(0, path.rfind('/'));
}

} // namespace

vm::vm(caf::actor_config& cfg, node_kernel& k, entity_id id,
       const vm_params* params)
    : entity(cfg, k, id), params_(params),
      hypervisor_(
          k.table().id_of(hypervisor_path(parent_of(k.table()[id].path)))),
      lifecycle_(params->timings) {
}

void vm::on_restart() {
  app_up_ = true;
  if (disk_) { // the I/O in flight died with the VM
    auto view = disk_->view();
    disk_.emplace(id(), std::move(view), params_->disk);
  }
  apply(vm_input::power_restored);
}

void vm::start_io(disk_op op) {
  io_op_ = op;
  auto request = disk_->start(op);
  send(request.target, std::move(request.msg));
  after(request.timeout, request.due);
}

void vm::on_disk(const disk_outcome& outcome) {
  switch (outcome.kind) {
  case disk_outcome_kind::stale:
    return;
  case disk_outcome_kind::retry:
    send(outcome.retry->target, outcome.retry->msg);
    after(outcome.retry->timeout, outcome.retry->due);
    return;
  case disk_outcome_kind::ok:
  case disk_outcome_kind::failed:
    break;
  }
  bool ok = outcome.kind == disk_outcome_kind::ok;
  if (!ok && outcome.reason != disk_failure::none)
    trace(events::disk_io_failed,
          {to_string(io_op_),
           std::string(outcome.reason == disk_failure::quorum_lost
                           ? "quorum_lost"
                           : "no_answer")});
  if (io_op_ == disk_op::hydrate) {
    apply(ok ? vm_input::hydrated : vm_input::hydration_failed);
    return;
  }
  if (lifecycle_.awaits_boot_blocks()) { // a probe's write ended in Creating
    start_io(disk_op::hydrate);
    return;
  }
  apply(ok && app_up_ ? vm_input::probe_ok : vm_input::probe_failed);
  auto s = lifecycle_.state();
  if (s == vm_state::healthy || s == vm_state::unhealthy)
    schedule_probe();
}

void vm::apply(vm_input in) {
  auto step = lifecycle_.on(in, random());
  if (!step.accepted)
    return;
  if (step.to != step.from) {
    trace(events::vm_state,
          {std::string(to_string(step.to)), instance_id_, scale_set_});
    send(hypervisor_, vm_status{id(), step.to});
  }
  // A new timed phase makes every older timer stale (phase_due, probe_due).
  if (step.phase_ns > 0)
    after(step.phase_ns, vm_phase_due{++phase_});
  else if (step.to == vm_state::running)
    probe();                        // extensions done: the first probe
  else if (in == vm_input::adopted) // spread the first probes of a region
    after(random().uniform(1, params_->tenant_probe_period), probe_due{phase_});
  if (step.hydrate && !disk_->busy())
    start_io(disk_op::hydrate);
  if (step.retry_hydration)
    after(params_->hydrate_retry, vm_phase_due{phase_});
}

void vm::schedule_probe() {
  after(scale_set_.empty() ? params_->tenant_probe_period
                           : params_->probe_period,
        probe_due{phase_});
}

void vm::probe() {
  if (!app_up_ || disk_->busy()) {
    on_disk({disk_outcome_kind::failed, disk_failure::none, {}});
    return;
  }
  start_io(disk_op::write); // the probe's answer needs a disk write
}

caf::behavior vm::make_behavior() {
  return {
      [=](const vm_create& create) {
        scale_set_ = create.scale_set;
        instance_id_ = create.instance_id;
        disk_.emplace(id(), params_->directory->initial(id()), params_->disk);
        apply(create.existing ? vm_input::adopted : vm_input::placed);
      },
      [=](const vm_phase_due& due) {
        if (due.phase == phase_)
          apply(vm_input::phase_done);
      },
      [=](const disk_io_result& result) { on_disk(disk_->on_result(result)); },
      [=](const disk_data& data) { on_disk(disk_->on_data(data)); },
      [=](const disk_io_due& due) { on_disk(disk_->on_timeout(due)); },
      [=](const probe_due& due) {
        if (due.phase == phase_)
          probe();
      },
      [=](const vm_command& command) { apply(input_of(command.op)); },
      [=](const app_fault& fault) {
        app_up_ = fault.up;
        trace(fault.up ? events::app_restored : events::app_crashed);
      },
  };
}

} // namespace vmss::physical
