#include "actors/physical/vm.hpp"

#include "messages/physical_events.hpp"

#include "actors/physical/host_agent.hpp"
#include "messages/compute_kinds.hpp"
#include "messages/compute_messages.hpp"
#include "messages/network_messages.hpp"

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
  case vm_op::restart:
    return vm_input::restart;
  case vm_op::delete_vm:
    break;
  }
  return vm_input::delete_vm;
}

std::string parent_of(const std::string& path) {
  return path.substr(0, path.rfind('/'));
}

/// The run's monitor of the VM's region (its path's first component).
std::optional<entity_id> monitor_of(const entity_table& table,
                                    const std::string& path) {
  auto monitor = compute::monitor_path(path.substr(0, path.find('/')));
  if (!table.contains(monitor))
    return std::nullopt;
  return table.id_of(monitor);
}

} // namespace

vm::vm(caf::actor_config& cfg, node_kernel& k, entity_id id,
       const vm_params* params)
    : entity(cfg, k, id), params_(params),
      hypervisor_(
          k.table().id_of(hypervisor_path(parent_of(k.table()[id].path)))),
      lifecycle_(params->timings),
      monitor_(monitor_of(k.table(), k.table()[id].path)) {
}

void vm::on_restart() {
  app_up_ = true;
  stop_sampling(); // the minute in progress died with the VM
  if (disk_) {     // the I/O in flight died with the VM
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
  if (extension_) {
    on_extension_probe(ok);
    return;
  }
  apply(ok && app_up_ ? vm_input::probe_ok : vm_input::probe_failed);
  auto s = lifecycle_.state();
  if (s == vm_state::healthy || s == vm_state::unhealthy)
    after(params_->tenant_probe_period, probe_due{phase_});
}

app_health vm::health() const {
  return extension_ ? extension_->state() : app_health::none;
}

void vm::record(vm_state s, const char* reason) {
  trace(events::vm_state, {std::string(to_string(s)), instance_id_, scale_set_,
                           std::string(reason)});
  send(hypervisor_, vm_status{id(), s, health()});
}

void vm::apply(vm_input in) {
  auto step = lifecycle_.on(in, random());
  if (!step.accepted)
    return;
  if (!runs(step.to)) {
    stop_extension(); // reported with the new state
    serving_ = false;
    stop_sampling();
  }
  if (step.was_down)
    record(vm_state::stopped, "host_down");
  if (step.was_down ? step.to != vm_state::stopped : step.to != step.from)
    record(step.to, to_string(in));
  // A new timed phase makes every older timer stale (phase_due, probe_due).
  if (step.phase_ns > 0)
    after(step.phase_ns, vm_phase_due{++phase_});
  else if (step.from == vm_state::running && step.to == vm_state::running)
    extensions_done();
  else if (in == vm_input::adopted) // spread the first probes of a region
    after(random().uniform(1, params_->tenant_probe_period), probe_due{phase_});
  if (step.hydrate && !disk_->busy())
    start_io(disk_op::hydrate);
  if (step.retry_hydration)
    after(params_->hydrate_retry, vm_phase_due{phase_});
  if (step.start_next) // a restart: stopped, now start again
    apply(vm_input::start);
}

void vm::extensions_done() {
  serving_ = true; // the workload the extensions install listens now
  if (extension_)
    extension_->start(now());
  if (extension_ || scale_set_.empty()) // a set without one: no probes
    probe();
}

void vm::stop_extension() {
  if (!extension_ || !extension_->running())
    return;
  bool reported = extension_->state() != app_health::none;
  extension_->stop();
  if (reported)
    trace(events::app_health,
          {std::string(to_string(app_health::none)), instance_id_, scale_set_});
}

void vm::on_extension_probe(bool write_ok) {
  if (!extension_->running())
    return; // the VM stopped while the probe's write was out
  auto answer = !app_up_   ? app_answer::none
                : write_ok ? app_answer::healthy
                           : app_answer::unhealthy;
  if (extension_->on_probe(answer, now()))
    report_health();
  after(extension_->interval(), probe_due{phase_});
}

void vm::report_health() {
  auto h = extension_->state();
  trace(events::app_health,
        {std::string(to_string(h)), instance_id_, scale_set_});
  auto before = lifecycle_.state();
  // The VM state follows the binary view; Initializing leaves it Running.
  if (h == app_health::healthy)
    apply(vm_input::probe_ok);
  else if (h == app_health::unhealthy || h == app_health::unknown)
    apply(vm_input::probe_failed);
  if (lifecycle_.state() == before) // no vm_state record carried it
    send(hypervisor_, vm_status{id(), before, h});
}

void vm::probe() {
  if (!app_up_ || disk_->busy()) {
    on_disk({disk_outcome_kind::failed, disk_failure::none, {}});
    return;
  }
  start_io(disk_op::write); // the probe's answer needs a disk write
}

void vm::serve(const network::vm_serve& s) {
  if (!runs(lifecycle_.state()))
    return; // silent: the load balancer's timeout fails the batch
  auto out = load_->serve(s, serving_ && app_up_);
  send(source(),
       network::vm_served{s.batch, out.ok, out.failed, out.latency_us});
  if (!monitor_)
    return;
  if (auto delay = load_->start_sampling(now()))
    after(*delay, vm_sample_due{sample_epoch_});
}

void vm::sample() {
  auto m = load_->end_minute(now());
  send(*monitor_, compute::metric_sample{
                      scale_set_, static_cast<uint32_t>(instance_id_),
                      m.grain_start, m.cpu_percent, m.bytes_in, m.bytes_out});
  after(vm_load::minute, vm_sample_due{sample_epoch_});
}

void vm::stop_sampling() {
  if (load_)
    load_->stop();
  ++sample_epoch_; // the timer set goes stale
}

caf::behavior vm::make_behavior() {
  return {
      [=](const vm_create& create) {
        // A slot whose VM was deleted hosts a new one from Pending; the old
        // one's timers are stale.
        lifecycle_ = vm_lifecycle(params_->timings);
        ++phase_;
        serving_ = false;
        app_up_ = true;
        scale_set_ = create.scale_set;
        instance_id_ = create.instance_id;
        auto size = params_->vcpus.find(create.scale_set);
        load_.emplace(size == params_->vcpus.end() ? 1 : size->second);
        stop_sampling();
        auto ext = params_->extensions.find(create.scale_set);
        if (!create.scale_set.empty() && ext != params_->extensions.end())
          extension_.emplace(ext->second);
        else
          extension_.reset();
        disk_.emplace(id(), params_->directory->initial(id()), params_->disk);
        if (!create.existing) // background tenants predate the trace
          record(vm_state::pending, "created");
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
      [=](const network::lb_probe& p) {
        // A VM that does not run is silent (the probe times out); one whose
        // extensions have not installed its workload yet, or whose
        // application crashed, refuses the connection.
        if (runs(lifecycle_.state()))
          send(source(), network::lb_probe_reply{p.seq, serving_ && app_up_});
      },
      [=](const network::vm_serve& s) { serve(s); },
      [=](const vm_sample_due& due) {
        if (load_ && due.epoch == sample_epoch_ && load_->sampling())
          sample();
      },
      [=](const app_fault& fault) {
        app_up_ = fault.up;
        trace(fault.up ? events::app_restored : events::app_crashed);
      },
  };
}

} // namespace vmss::physical
