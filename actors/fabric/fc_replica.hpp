#pragma once
/// One fabric-controller replica: a thin CAF shell around the Raft core
/// (raft.hpp), the replicated state machine (fc_state.hpp) and the leader's
/// core (fc_leader.hpp, which keeps the leader's soft state and decides). It
/// runs on a server (".../h01/fc"), so it goes down with its host, rack or
/// zone.
///
/// The leader serves; followers answer clients and host agents with
/// fc_redirect. The shell moves messages in and out: Raft messages and
/// timers to the Raft core; heartbeats, host inventories, requests, the
/// sweep tick (every
/// heartbeat period) and, on the leader, each committed command to the
/// leader's core; it carries out their effects and traces what the leader
/// reports: `placement` (vm, host, zone, fault_domain, update_domain),
/// `allocation_failed` (vm, reason), `vm_operation` (vm, op, host),
/// `host_down`, `host_up`, `vm_lost` (vm, host), and of service healing
/// `vm_healed` (vm, from, to, fault_domain), `heal_deferred` (vm, host,
/// reason) and `zombie_deleted` (vm, host). Every replica traces
/// `leader_elected` (term) when it becomes leader and `fc_applied` (index,
/// term, command) for each entry it applies.

#include "actors/fabric/fc_leader.hpp"
#include "kernel/entity.hpp"

namespace vmss::fabric {

class fc_replica : public entity {
public:
  fc_replica(caf::actor_config& cfg, node_kernel& k, entity_id id,
             const fc_params* params);

  void on_start() override;
  void on_crash() override;
  void on_restart() override;
  caf::behavior make_behavior() override;

private:
  template <class M>
  void from_peer(const M& msg) {
    execute(core_.step(source(), raft_message{msg}));
  }
  void execute(raft_effects fx);
  void execute(leader_effects fx);
  void report(const leader_report& r);
  void apply(const raft_entry& entry);
  void sweep();
  /// False if the core did not take it (not leader, too many in flight).
  bool propose(const command& c);
  bool leading() const { return core_.role() == raft_role::leader; }
  void redirect();

  const fc_params* params_;
  // Durable (with the core's log and snapshot).
  raft core_;
  fc_state state_;
  uint64_t applied_ = 0;
  // Volatile: the leader's soft state.
  fc_leader leader_;
};

} // namespace vmss::fabric
