#include "actors/physical/host_agent.hpp"

#include "messages/physical_events.hpp"

#include "actors/physical/vm_lifecycle.hpp"

#include "messages/compute_messages.hpp"
#include "messages/fabric_messages.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace vmss::physical {

std::string hypervisor_path(const std::string& host) {
  return host + "/hv";
}

std::string vm_slot_path(const std::string& host, uint32_t slot,
                         uint32_t slots) {
  auto digits = std::to_string(std::max(slots, 1u) - 1).size();
  auto number = std::to_string(slot);
  return host + "/vm" +
         std::string(digits - std::min(digits, number.size()), '0') + number;
}

host_agent::host_agent(caf::actor_config& cfg, node_kernel& k, entity_id id,
                       std::vector<entity_id> controllers,
                       const host_agent_params* params)
    : entity(cfg, k, id), params_(params),
      region_(region_of(k.table()[id].path)),
      capacity_(params->cores, params->ram_gb),
      slot_used_(params->slots, false),
      finder_(std::move(controllers), params->missed) {
  const auto& path = k.table()[id].path;
  hypervisor_ = k.table().id_of(hypervisor_path(path));
  for (uint32_t s = 0; s < params->slots; ++s)
    slots_.push_back(k.table().id_of(vm_slot_path(path, s, params->slots)));
}

sim_time host_agent::jitter() {
  return random().uniform(0, params_->heartbeat_period / 100);
}

void host_agent::on_start() {
  trace(events::host_started);
  place_tenants();
  after(jitter(), heartbeat_due{});
}

void host_agent::on_crash() {
  heartbeat_seq_ = 0;
  finder_.reset(0);
}

void host_agent::heartbeat() {
  auto to = finder_.ask(static_cast<int64_t>(heartbeat_seq_));
  auto free_slots = static_cast<uint32_t>(
      std::count(slot_used_.begin(), slot_used_.end(), false));
  send(to, host_heartbeat{heartbeat_seq_++, tenant_vcpus_, tenant_ram_gb_,
                          free_slots});
  after(params_->heartbeat_period + jitter(), heartbeat_due{});
}

void host_agent::on_restart() {
  after(jitter(), heartbeat_due{});
}

void host_agent::place_tenants() {
  if (params_->tenant_utilisation <= 0)
    return;
  // Tenants fill slots from the last one down and leave a tenth of them
  // (at least one) free for new VMs, which take the lowest free slot.
  auto keep_free = std::max<size_t>(1, slots_.size() / 10);
  std::vector<uint64_t> vms;
  for (size_t s = slots_.size(); s > keep_free; --s)
    vms.push_back(slots_[s - 1]);
  auto placed =
      fill_tenants(capacity_, params_->tenant_utilisation, vms, random());
  for (size_t i = 0; i < placed; ++i) {
    auto slot = slots_.size() - 1 - i;
    slot_used_[slot] = true;
    const auto& size = capacity_.reservation(slots_[slot]);
    send(hypervisor_, vm_place{slots_[slot], "", static_cast<uint32_t>(slot),
                               size.vcpus, size.ram_gb, true});
  }
  tenant_vcpus_ = capacity_.vcpus_reserved();
  tenant_ram_gb_ = capacity_.ram_gb_reserved();
  trace(events::tenants_placed,
        {static_cast<int64_t>(placed),
         static_cast<int64_t>(capacity_.vcpus_reserved()),
         static_cast<int64_t>(capacity_.ram_gb_reserved())});
}

int64_t host_agent::slot_of(entity_id vm) const {
  auto i = std::find(slots_.begin(), slots_.end(), vm);
  return i == slots_.end() ? -1 : i - slots_.begin();
}

void host_agent::place(vm_place request) {
  if (instances_.slot_of(request.scale_set, request.instance_id))
    return; // a repeated request: the VM is here already
  auto free = std::find(slot_used_.begin(), slot_used_.end(), false);
  if (free == slot_used_.end()) {
    trace(events::vm_rejected,
          {request.scale_set, static_cast<int64_t>(request.instance_id),
           std::string("no_slot")});
    return;
  }
  request.vm = slots_[free - slot_used_.begin()];
  auto result = capacity_.reserve(request.vm, {request.vcpus, request.ram_gb});
  if (result != reserve_result::ok) {
    trace(events::vm_rejected,
          {request.scale_set, static_cast<int64_t>(request.instance_id),
           std::string(to_string(result))});
    return;
  }
  *free = true;
  instances_.add(request.scale_set, request.instance_id, request.vm);
  trace(events::vm_admitted,
        {kernel_.table()[request.vm].path, static_cast<int64_t>(request.vcpus),
         static_cast<int64_t>(request.ram_gb),
         static_cast<int64_t>(capacity_.ram_gb_usable() -
                              capacity_.ram_gb_reserved())});
  send(hypervisor_, std::move(request));
}

void host_agent::operate(const std::string& scale_set, uint32_t instance,
                         vm_op op) {
  auto slot = instances_.slot_of(scale_set, instance);
  if (!slot) {
    trace(events::vm_command_rejected,
          {vm_name(scale_set, instance), std::string(to_string(op))});
    return;
  }
  if (op == vm_op::delete_vm)
    instances_.deleting(*slot);
  send(hypervisor_, vm_command{*slot, op});
}

void host_agent::on_status(const vm_status& status) {
  if (const auto* held = instances_.in(status.vm))
    if (auto to = instances_.orchestrator_of(held->scale_set, region_,
                                             kernel_.table()))
      send(*to,
           compute::instance_status{held->scale_set, held->instance, status.vm,
                                    id(), status.state, status.health});
  if (status.state != vm_state::deleted)
    return;
  auto slot = slot_of(status.vm);
  if (slot >= 0 && capacity_.release(status.vm)) {
    slot_used_[slot] = false;
    instances_.remove(status.vm);
    trace(events::capacity_released,
          {kernel_.table()[status.vm].path,
           static_cast<int64_t>(capacity_.ram_gb_usable() -
                                capacity_.ram_gb_reserved())});
  }
}

caf::behavior host_agent::make_behavior() {
  return {
      [=](const heartbeat_due&) { heartbeat(); },
      [=](const fabric::fc_heartbeat_ack&) {
        finder_.on_answer(static_cast<int64_t>(heartbeat_seq_));
      },
      [=](const fabric::fc_redirect& r) {
        finder_.on_redirect(static_cast<int64_t>(heartbeat_seq_), source(),
                            r.known, r.leader);
      },
      [=](const vm_place& request) { place(request); },
      [=](const fabric::fc_operate& request) {
        operate(request.scale_set, request.instance, request.op);
      },
      [=](const fabric::fc_inventory_request&) {
        send(source(), instances_.inventory());
      },
      [=](const vm_status& status) { on_status(status); },
  };
}

} // namespace vmss::physical
