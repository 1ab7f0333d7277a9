#include "actors/fabric/module.hpp"

#include "actors/fabric/checkers.hpp"
#include "actors/fabric/raft_messages.hpp"
#include "kernel/message_family.hpp"
#include "messages/fabric_events.hpp"
#include "messages/fabric_kinds.hpp"
#include "messages/fabric_messages.hpp"

namespace vmss::fabric {

namespace {

/// Indices are fixed: a new message takes the next free one.
void register_messages(message_family& f) {
  f.add<pre_vote_request>(0, "pre_vote_request");
  f.add<pre_vote_response>(1, "pre_vote_response");
  f.add<vote_request>(2, "vote_request");
  f.add<vote_response>(3, "vote_response");
  f.add<append_entries>(4, "append_entries");
  f.add<append_entries_response>(5, "append_entries_response");
  f.add<install_snapshot>(6, "install_snapshot");
  f.add<install_snapshot_response>(7, "install_snapshot_response");
  f.add<raft_timer>(8, "raft_timer");
  f.add<fc_allocate>(9, "fc_allocate");
  f.add<fc_allocated>(10, "fc_allocated");
  f.add<fc_redirect>(11, "fc_redirect");
  f.add<fc_heartbeat_ack>(12, "fc_heartbeat_ack");
  f.add<fc_vm_lost>(13, "fc_vm_lost");
  f.add<fc_sweep_due>(14, "fc_sweep_due");
  f.add<client_due>(15, "client_due");
  f.add<fc_operate>(16, "fc_operate");
  f.add<fc_operated>(17, "fc_operated");
  f.add<fc_vm_moved>(18, "fc_vm_moved");
  f.add<fc_inventory_request>(19, "fc_inventory_request");
}

std::vector<const trace::event_def*> declared_events() {
  return {std::begin(events::all), std::end(events::all)};
}

} // namespace

const family_module& module() {
  static const family_module m{
      "fabric",           4,
      &register_messages, {&kinds::fc_replica, &kinds::client},
      declared_events(),  &register_checkers};
  return m;
}

} // namespace vmss::fabric
