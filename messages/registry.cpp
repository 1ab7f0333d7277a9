#include "messages/registry.hpp"

#include "actors/fabric/raft_messages.hpp"
#include "kernel/wire.hpp"
#include "messages/bench_messages.hpp"
#include "messages/fabric_messages.hpp"
#include "messages/kernel_protocol.hpp"
#include "messages/physical_messages.hpp"
#include "messages/storage_messages.hpp"

#include <caf/actor_system_config.hpp>

namespace vmss {

namespace {

/// A simulation message: known to CAF and to the kernel's wire registry.
template <class T>
void add_sim(caf::actor_system_config& cfg, const char* name) {
  cfg.add_message_type<T>(name);
  wire::registry::instance().add<T>(name);
}

} // namespace

void register_messages(caf::actor_system_config& cfg) {
  // The window protocol (CAF messages between processes).
  cfg.add_message_type<protocol::node_setup>("vmss.node_setup");
  cfg.add_message_type<protocol::window_batch>("vmss.window_batch");
  cfg.add_message_type<protocol::node_status>("vmss.node_status");
  cfg.add_message_type<protocol::final_report>("vmss.final_report");
  cfg.add_message_type<std::vector<caf::actor>>("vmss.actor_list");
  cfg.add_message_type<std::vector<uint16_t>>("vmss.port_list");
  // Simulation events. Append only: the order gives the wire ids.
  add_sim<bench::ping>(cfg, "vmss.bench.ping");
  add_sim<bench::pong>(cfg, "vmss.bench.pong");
  add_sim<bench::heartbeat>(cfg, "vmss.bench.heartbeat");
  add_sim<bench::beat_due>(cfg, "vmss.bench.beat_due");
  add_sim<bench::phold_job>(cfg, "vmss.bench.phold_job");
  add_sim<bench::phold_due>(cfg, "vmss.bench.phold_due");
  add_sim<physical::vm_create>(cfg, "vmss.physical.vm_create");
  add_sim<physical::vm_phase_due>(cfg, "vmss.physical.vm_phase_due");
  add_sim<physical::vm_place>(cfg, "vmss.physical.vm_place");
  add_sim<physical::host_heartbeat>(cfg, "vmss.physical.host_heartbeat");
  add_sim<physical::heartbeat_due>(cfg, "vmss.physical.heartbeat_due");
  add_sim<physical::disk_io>(cfg, "vmss.physical.disk_io");
  add_sim<physical::disk_io_result>(cfg, "vmss.physical.disk_io_result");
  add_sim<physical::disk_data>(cfg, "vmss.physical.disk_data");
  add_sim<physical::disk_replicate>(cfg, "vmss.physical.disk_replicate");
  add_sim<physical::disk_replicated>(cfg, "vmss.physical.disk_replicated");
  add_sim<physical::disk_copy>(cfg, "vmss.physical.disk_copy");
  add_sim<physical::disk_copied>(cfg, "vmss.physical.disk_copied");
  add_sim<physical::disk_timer>(cfg, "vmss.physical.disk_timer");
  add_sim<physical::disk_io_due>(cfg, "vmss.physical.disk_io_due");
  add_sim<physical::disk_slow>(cfg, "vmss.physical.disk_slow");
  add_sim<physical::vm_command>(cfg, "vmss.physical.vm_command");
  add_sim<physical::vm_status>(cfg, "vmss.physical.vm_status");
  add_sim<physical::probe_due>(cfg, "vmss.physical.probe_due");
  add_sim<physical::app_fault>(cfg, "vmss.physical.app_fault");
  add_sim<physical::link_fault>(cfg, "vmss.physical.link_fault");
  add_sim<physical::fault_notice>(cfg, "vmss.physical.fault_notice");
  add_sim<fabric::pre_vote_request>(cfg, "vmss.fabric.pre_vote_request");
  add_sim<fabric::pre_vote_response>(cfg, "vmss.fabric.pre_vote_response");
  add_sim<fabric::vote_request>(cfg, "vmss.fabric.vote_request");
  add_sim<fabric::vote_response>(cfg, "vmss.fabric.vote_response");
  add_sim<fabric::append_entries>(cfg, "vmss.fabric.append_entries");
  add_sim<fabric::append_entries_response>(
      cfg, "vmss.fabric.append_entries_response");
  add_sim<fabric::install_snapshot>(cfg, "vmss.fabric.install_snapshot");
  add_sim<fabric::install_snapshot_response>(
      cfg, "vmss.fabric.install_snapshot_response");
  add_sim<fabric::raft_timer>(cfg, "vmss.fabric.raft_timer");
  add_sim<fabric::fc_allocate>(cfg, "vmss.fabric.fc_allocate");
  add_sim<fabric::fc_allocated>(cfg, "vmss.fabric.fc_allocated");
  add_sim<fabric::fc_redirect>(cfg, "vmss.fabric.fc_redirect");
  add_sim<fabric::fc_heartbeat_ack>(cfg, "vmss.fabric.fc_heartbeat_ack");
  add_sim<fabric::fc_vm_lost>(cfg, "vmss.fabric.fc_vm_lost");
  add_sim<fabric::fc_sweep_due>(cfg, "vmss.fabric.fc_sweep_due");
  add_sim<fabric::client_due>(cfg, "vmss.fabric.client_due");
  add_sim<fabric::fc_operate>(cfg, "vmss.fabric.fc_operate");
  add_sim<fabric::fc_operated>(cfg, "vmss.fabric.fc_operated");
}

std::vector<std::string> simulation_message_names() {
  auto& reg = wire::registry::instance();
  std::vector<std::string> names;
  for (wire::type_id id = 0; id < reg.size(); ++id)
    names.push_back(reg.at(id).name);
  return names;
}

} // namespace vmss
