#pragma once
/// What the fabric controller's leader does, as a pure core (no CAF, no
/// clock): its shell (fc_replica) feeds it a host's heartbeat or inventory,
/// a client's request, a sweep tick or a committed command, with the time;
/// it returns what to send, what to propose to the log and what to trace.
/// It reads the replicated state (fc_state) and keeps the leader's soft
/// state, which a new leader starts afresh:
///   - per host: its last beat, its other tenants' usage, its free VM slots
///     and the VMs committed there since its last beat;
///   - the in-flight overlay: allocations and relocations proposed but not
///     committed, by VM, host and scale set, so that two requests never get
///     the same room;
///   - the host_down / host_up proposals in flight;
///   - per host marked down: when its VMs may move (service healing).
///
///       elected at t                    t + (missed + 2) periods
///   ------+------------------------------------+---------------------->
///         | grace: every host counts as heard  | serving: places VMs,
///         | at the end; no VM is placed (host  | marks a host down after
///         | agents need up to missed + 1 beats | `down_after` of silence
///         | to find the new leader)            |
///
/// A host's health and its VMs (service healing):
///
///    beats     silent > missed periods      silent > down_after
///   up ------> suspect (no new VMs) -------> down: fc_vm_lost to each
///    ^              | beats                   VM's requester; VMs stay
///    |              v                         allocated there
///    +----------- up                            |             |
///    |                            beats: host_up|             | heal_after
///    +-------- host_up commits <----------------+             v
///    |         (nothing moves; the leader asks   relocate each VM to a host
///    |          the host what it holds and       of its zone (no host: try
///    |          deletes what is not its own)     again after heal_retry);
///    |                                           commit: vm_place there,
///    +------------------ beats: host_up <------- fc_vm_moved
///
/// The shell carries out the effects in this order: trace `reports`, send
/// `sends`, propose `proposals` (telling the core of each one the log did
/// not take, not_taken()). The shell calls the core only while its replica
/// leads, and answers with fc_redirect otherwise.

#include "actors/fabric/fc_state.hpp"
#include "actors/fabric/raft.hpp"
#include "kernel/sorted_map.hpp"
#include "messages/fabric_messages.hpp"
#include "messages/physical_messages.hpp"

#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

namespace vmss::fabric {

struct fc_params {
  raft_config raft; ///< members: every replica
  sim_time heartbeat_period = seconds(1);
  /// Host agents' patience (unacknowledged beats) finding the leader; a
  /// host silent for more periods than this gets no new VM.
  int64_t missed = 3;
  sim_time down_after = seconds(120); ///< silence before host_down
  sim_time heal_after = seconds(600); ///< host_down until its VMs move
  sim_time heal_retry = seconds(60);  ///< when no host of the zone has room
  uint32_t host_vcpus = 124;          ///< usable per host (after overhead)
  uint32_t host_ram_gb = 504;
  scale_set_policy policy; ///< for every scale set of the run
  /// Every host agent with its zone and rack (the inventory).
  std::vector<host_view> inventory;
};

/// The operation code a command carries (fc_state's type for it).
using command_op = decltype(command::op);

/// `placement`: an allocation committed and the VM goes to its host.
struct placed_report {
  vm_key vm;
  allocation where;
};
/// `allocation_failed`: no host can take the VM.
struct refused_report {
  vm_key vm;
  std::string reason;
};
/// `host_down` (down) or `host_up` committed and changed the host's health.
struct health_report {
  entity_id host = 0;
  bool down = false;
};
/// `vm_lost`: the VM is on a host marked down.
struct lost_report {
  vm_key vm;
  entity_id host = 0;
};
/// `vm_healed`: service healing moved the VM from `from` to `to.host`.
struct healed_report {
  vm_key vm;
  entity_id from = 0;
  allocation to;
};
/// `heal_deferred`: no host of the VM's zone can take it now.
struct deferred_report {
  vm_key vm;
  entity_id host = 0;
  std::string reason;
};
/// `zombie_deleted`: a host holds a VM not allocated to it.
struct zombie_report {
  vm_key vm;
  entity_id host = 0;
};
/// `vm_operation`: an operation on a VM committed.
struct operation_report {
  vm_key vm;
  command_op op{};
  entity_id host = 0;
};
using leader_report = std::variant<placed_report, refused_report, health_report,
                                   lost_report, operation_report, healed_report,
                                   deferred_report, zombie_report>;

using leader_message = std::variant<fc_allocated, fc_heartbeat_ack, fc_operated,
                                    fc_operate, fc_vm_lost, fc_vm_moved,
                                    fc_inventory_request, physical::vm_place>;

struct leader_send {
  entity_id to = 0;
  leader_message msg;
};

struct leader_effects {
  std::vector<leader_report> reports;
  std::vector<leader_send> sends;
  std::vector<command> proposals;
};

class fc_leader {
public:
  /// Keeps references to `params` and to `state`, the replica's state
  /// machine, which it only reads.
  fc_leader(const fc_params& params, const fc_state& state);

  /// The replica became leader at `now`: forgets the soft state and gives
  /// every host of the inventory a grace period.
  void on_elected(sim_time now);
  /// The replica crashed: forgets the soft state.
  void on_crash();

  /// Host `host`'s heartbeat: acknowledge it; propose host_up if the host
  /// is marked down; ask a host heard for the first time what it holds.
  leader_effects on_heartbeat(sim_time now, entity_id host,
                              const physical::host_heartbeat& beat);
  /// What host `host` holds: delete each VM not allocated to it (moved
  /// elsewhere or deleted while the host was unreachable).
  leader_effects on_inventory(entity_id host,
                              const physical::host_inventory& held);
  /// A client's request for a VM. `uncommitted`: log entries waiting for a
  /// majority. No effect means the client asks again later.
  leader_effects on_allocate(sim_time now, entity_id requester,
                             const fc_allocate& request, uint64_t uncommitted);
  /// A client's request for an operation on a VM.
  leader_effects on_operate(entity_id requester, const fc_operate& request);
  /// Every heartbeat period: propose host_down for each host silent for
  /// more than `down_after`, and relocate the VMs of each host down for
  /// `heal_after` (service healing).
  leader_effects on_sweep(sim_time now);
  /// `c` committed at `now` and the state machine returned `done` for it.
  leader_effects on_committed(sim_time now, const command& c,
                              const applied& done);
  /// `c`, a proposal of this core, was not taken by the log.
  void not_taken(const command& c);

  /// capacity_exhaustion / capacity_restore (docs/faults.md): new
  /// allocations in zone `zone` (0-based) fail (Azure's
  /// ZonalAllocationFailed; AllocationFailed when every zone of the
  /// region is exhausted) while the VMs there keep running. The region's
  /// capacity, not the leader's soft state: a crash keeps it.
  void set_exhausted(uint32_t zone, bool exhausted);

  /// Allocations proposed and not committed.
  size_t proposed() const { return proposed_.size(); }
  /// When a new leader starts placing VMs.
  sim_time serving_from() const { return serving_from_; }
  /// When the VMs of host `host`, marked down, may move (none: the host is
  /// not waiting for service healing).
  std::optional<sim_time> heal_at(entity_id host) const;

private:
  struct host_soft {
    sim_time last_seen = 0;
    uint32_t tenant_vcpus = 0;
    uint32_t tenant_ram_gb = 0;
    uint32_t free_slots = 0;
    uint32_t placed_since_beat = 0; ///< committed here since its last beat
    bool heard = false;
  };
  struct in_flight {
    uint32_t vcpus = 0;
    uint32_t ram_gb = 0;
    uint32_t vms = 0;
  };

  /// Azure's error when no zone of `zones` has capacity; "" otherwise.
  std::string exhausted_refusal(const std::vector<uint32_t>& zones) const;

  /// Zones whose capacity is exhausted (set_exhausted).
  std::set<uint32_t> exhausted_;

  /// The hosts heard from within `missed` periods and not marked down,
  /// with what committed and proposed VMs and other tenants leave free.
  std::vector<host_view> view(sim_time now) const;
  /// The scale set's proposed (not yet committed) VMs per zone, rack, host.
  const scale_set_layout&
  proposed_layout_of(const std::string& scale_set) const;
  /// Hosts not marked down: a view smaller than this is incomplete.
  size_t hosts_not_down() const;
  /// Records `c`, an allocation about to be proposed, in the overlay.
  void propose_allocation(const command& c);
  /// Drops a proposal (committed, or not taken) from the overlay.
  void unpropose(const vm_key& vm);
  void forget();

  /// Proposes a move for each VM of the hosts due for healing.
  void heal(sim_time now, leader_effects& fx);
  /// Where VM `vm` (now at `a`) can go in its zone.
  placement relocation_for(const vm_key& vm, const allocation& a,
                           const std::vector<host_view>& hosts) const;

  leader_effects committed_allocation(const command& c, const applied& done);
  leader_effects committed_relocation(const command& c, const applied& done);
  leader_effects committed_host_down(sim_time now, const command& c,
                                     const applied& done);
  leader_effects committed_host_up(const command& c, const applied& done);
  leader_effects committed_operation(const command& c, const applied& done);

  const fc_params* params_;
  const fc_state* state_;
  /// By host, in id order (as a std::map would iterate): a heartbeat from
  /// every host every period makes this the leader's hottest lookup.
  sorted_map<entity_id, host_soft> hosts_;
  std::map<vm_key, allocation> proposed_;    ///< allocations not yet committed
  std::map<entity_id, in_flight> in_flight_; ///< what proposed_ holds by host
  std::map<std::string, scale_set_layout> proposed_layout_; ///< by scale set
  std::set<entity_id> health_proposed_;   ///< host_down/up in flight
  std::map<entity_id, sim_time> heal_at_; ///< hosts down: when VMs move
  sim_time serving_from_ = 0; ///< a new leader places after hearing hosts
};

} // namespace vmss::fabric
