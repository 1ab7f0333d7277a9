#include "actors/physical/module.hpp"

#include "actors/physical/checkers.hpp"
#include "kernel/message_family.hpp"
#include "messages/physical_events.hpp"
#include "messages/physical_kinds.hpp"
#include "messages/physical_messages.hpp"

namespace vmss::physical {

namespace {

/// Indices are fixed: a new message takes the next free one.
void register_messages(message_family& f) {
  f.add<vm_create>(0, "vm_create");
  f.add<vm_phase_due>(1, "vm_phase_due");
  f.add<vm_place>(2, "vm_place");
  f.add<host_heartbeat>(3, "host_heartbeat");
  f.add<heartbeat_due>(4, "heartbeat_due");
  f.add<vm_command>(5, "vm_command");
  f.add<vm_status>(6, "vm_status");
  f.add<probe_due>(7, "probe_due");
  f.add<app_fault>(8, "app_fault");
  f.add<link_fault>(9, "link_fault");
  f.add<fault_notice>(10, "fault_notice");
  f.add<host_inventory>(11, "host_inventory");
  f.add<region_link>(12, "region_link");
  f.add<vm_sample_due>(13, "vm_sample_due");
  f.add<leader_kill>(14, "leader_kill");
  f.add<capacity_fault>(15, "capacity_fault");
}

std::vector<const trace::event_def*> declared_events() {
  return {std::begin(events::all), std::end(events::all)};
}

} // namespace

const family_module& module() {
  static const family_module m{"physical",
                               2,
                               &register_messages,
                               {&kinds::host_agent, &kinds::hypervisor,
                                &kinds::vm, &kinds::tor_switch,
                                &kinds::region_gateway},
                               declared_events(),
                               &register_checkers};
  return m;
}

} // namespace vmss::physical
