#pragma once
/// One fabric-controller replica: a thin CAF shell around the Raft core
/// (raft.hpp) and the replicated state machine (fc_state.hpp). It runs on
/// a server (".../h01/fc"), so it goes down with its host, rack or zone.
///
/// The leader serves; followers answer clients and host agents with
/// fc_redirect. The leader:
///   - takes host heartbeats (and acknowledges them), keeps each host's
///     last beat and its other tenants' usage as soft state, and proposes
///     host_down after `missed` silent periods, host_up when it beats
///     again; a new leader gives every host a fresh grace period;
///   - places a client's VM (placement.hpp) over the hosts it has heard
///     from, less committed and proposed allocations, and proposes it (a
///     new leader first listens for `missed` + 2 heartbeat periods, and
///     refuses a VM only when every host not marked down has reported);
///   - when an allocation commits: traces `placement` (vm, host, zone,
///     fault_domain), asks the host agent to create the VM (vm_place) and
///     answers the client; when an operation on a VM (start, stop,
///     reimage, delete) commits: traces `vm_operation` (vm, op, host),
///     passes it to the VM's host agent and answers the client (a delete
///     frees the reservation); when host_down commits: traces `host_down`
///     and `vm_lost` (vm, host) and tells the requester (fc_vm_lost).
/// Every replica traces `leader_elected` (term) when it becomes leader.

#include "actors/fabric/fc_state.hpp"
#include "actors/fabric/raft.hpp"
#include "kernel/entity.hpp"
#include "messages/fabric_messages.hpp"
#include "messages/physical_messages.hpp"

#include <map>
#include <set>

namespace vmss::fabric {

struct fc_params {
  raft_config raft; ///< members: every replica
  sim_time heartbeat_period = seconds(1);
  int64_t missed = 3;        ///< silent periods before host_down
  uint32_t host_vcpus = 124; ///< usable per host (after overhead)
  uint32_t host_ram_gb = 504;
  scale_set_policy policy; ///< for every scale set of the run
  /// Every host agent with its zone and rack (the inventory).
  std::vector<host_view> inventory;
};

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
  void apply(const raft_entry& entry);
  void on_heartbeat(const physical::host_heartbeat& beat);
  void on_allocate(const fc_allocate& request);
  void on_operate(const fc_operate& request);
  void sweep();
  /// Drops a proposal (committed, or not taken) from proposed_ and the
  /// indexes over it.
  void unpropose(const vm_key& vm);
  void forget_proposals();
  /// Hosts not marked down: a view smaller than this is incomplete.
  size_t hosts_not_down() const;
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
  struct host_soft {
    sim_time last_seen = 0;
    uint32_t tenant_vcpus = 0;
    uint32_t tenant_ram_gb = 0;
    uint32_t free_slots = 0;
    uint32_t placed_since_beat = 0; ///< committed here since its last beat
    bool heard = false;
  };
  std::map<entity_id, host_soft> hosts_;
  std::map<vm_key, allocation> proposed_; ///< allocations not yet committed
  /// What proposed_ holds, by host (vCPUs, GB) and by scale set.
  std::map<entity_id, std::pair<uint32_t, uint32_t>> in_flight_;
  std::map<entity_id, uint32_t> in_flight_vms_;
  std::map<std::string, scale_set_layout> proposed_layout_;
  std::set<entity_id> health_proposed_; ///< host_down/up in flight
  sim_time serving_from_ = 0; ///< a new leader places after hearing hosts
};

} // namespace vmss::fabric
