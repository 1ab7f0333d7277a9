#pragma once
/// Physical faults, the API the control actor calls (docs/faults.md).
///
/// A fault becomes kernel events, never a global "is it down" flag:
///   - power faults (host_crash, rack_power_off, zone_power_off) crash
///     every entity under the target path at once (host agent, hypervisor,
///     VMs, TOR switch, storage servers, monitors), and the matching
///     restore restarts them;
///   - tor_fail / tor_repair crash and restart one TOR switch: its rack is
///     cut off both ways because all of its traffic is routed through it;
///   - replica_loss / replica_restore crash and restart a storage server;
///   - zone_partition / zone_heal and link_degrade / link_restore are
///     link_fault messages to every TOR switch of the two zones;
///   - slow_disk / disk_restore are disk_slow messages to a storage server;
///   - app_crash / app_restore are app_fault messages to a VM;
///   - region_outage / region_restore crash and restart every entity of a
///     region (its control plane, gateway and zones; not the control
///     entity, which records the faults);
///   - region_partition / region_heal are region_link messages to the
///     region's gateway and, when the peer is a region, to the peer's;
///   - fc_leader_kill is a leader_kill message to every fabric-controller
///     replica of a region: the one that believes it leads crashes itself
///     (node_kernel::crash_self), and restarts after `duration` when one
///     is given; fc_leader_restore restarts every replica of the region
///     (a replica that is up is left alone);
///   - capacity_exhaustion / capacity_restore are capacity_fault messages
///     to every fabric-controller replica of the zone's (or named)
///     region: new allocations there fail, running VMs keep running;
///   - extension_failure / extension_restore name a scale set's instance
///     (SETNAME/N) or a set (SETNAME): the region model sends them to the
///     set's orchestrator (compute::instance_fault); inject_fault refuses
///     them (they have no entity of their own).
/// Every fault also sends a fault_notice to the control entity, which
/// traces `fault_injected` or `fault_recovered` (fault, target).
///
/// Every node process must make the same calls in the same order (the
/// kernel numbers injected events), so faults are planned identically on
/// all nodes.

#include "kernel/node_kernel.hpp"
#include "topology/world_network.hpp"

#include <string>
#include <vector>

namespace vmss::physical {

enum class fault_kind : uint8_t {
  host_crash,
  host_restore,
  tor_fail,
  tor_repair,
  rack_power_off,
  rack_power_on,
  zone_power_off,
  zone_power_on,
  zone_partition,
  zone_heal,
  link_degrade,
  link_restore,
  replica_loss,
  replica_restore,
  slow_disk,
  disk_restore,
  app_crash,
  app_restore,
  region_outage, ///< target: a region's name; every entity under it
  region_restore,
  region_partition, ///< target: a region; peer: another region or "global"
  region_heal,
  fc_leader_kill, ///< target: a region's name; its current FC leader
  fc_leader_restore,
  capacity_exhaustion, ///< target: a zone, or a region's name
  capacity_restore,
  extension_failure, ///< target: SETNAME/N or SETNAME (region_model)
  extension_restore,
};

/// The fault's name as in traces and commands ("zone_partition").
const char* to_string(fault_kind kind);

/// A fault's kind from its name; false if there is none.
bool parse_fault_kind(const std::string& name, fault_kind& kind);

/// Names of every fault kind, in declaration order.
std::vector<std::string> fault_kind_names();

/// The recovery that ends a fault of `kind` (host_restore for host_crash,
/// tor_repair for tor_fail, ...); a recovery is its own.
fault_kind recovery_of(fault_kind kind);

/// Whether `path` is `prefix` or an entity below it ("westeurope/z1/r1/h1"
/// is under "westeurope/z1", not under "westeurope/z").
bool is_at_or_under(const std::string& path, const std::string& prefix);

struct fault {
  fault_kind kind = fault_kind::host_crash;
  /// A host, rack, zone, TOR switch, storage server or VM path, or a
  /// region's name.
  std::string target;
  /// The other zone of zone_partition, zone_heal, link_degrade and
  /// link_restore; the other region (or "global") of region_partition and
  /// region_heal.
  std::string peer;
  sim_time extra_latency = 0;    ///< link_degrade
  uint32_t loss_ppm = 0;         ///< link_degrade: messages lost, per million
  uint32_t slow_permille = 1000; ///< slow_disk: service time, 1000 = normal
  /// fc_leader_kill: the killed leader restarts after this (0: only at
  /// fc_leader_restore).
  sim_time duration = 0;
};

/// A fault of a plan, at a virtual time.
struct planned_fault {
  sim_time at = 0;
  fault what;
};

/// One item of a scenario plan, "NAME@TIME:ARG[:ARG...]".
struct plan_item {
  std::string text; ///< the whole item, for error messages
  std::string name;
  sim_time at = 0;
  std::vector<std::string> args;
};

/// Splits a plan into its items (separated by '+') and parses their times
/// strictly (parse_duration); throws std::invalid_argument naming the
/// `noun` ("fault", "request"), the item and the reason.
std::vector<plan_item> split_plan(const std::string& text,
                                  const std::string& noun);

/// Parses a fault plan: faults separated by '+', each
/// "KIND@TIME:TARGET[:PEER][:latency=DURATION][:loss=PPM][:factor=PERMILLE]
/// [:duration=DURATION]",
/// e.g. "tor_fail@90s:westeurope/z3/r2/tor+tor_repair@2m:westeurope/z3/r2/tor"
/// or "link_degrade@10s:westeurope/z1:westeurope/z2:latency=5ms:loss=1000".
/// Checks the syntax: a known kind, a strict time, a peer exactly for the
/// zone-pair kinds (zone_partition, zone_heal, link_degrade, link_restore)
/// and the region partitions ("region_partition@1m:westeurope:global"),
/// each parameter at most once and only where it applies (latency= and
/// loss= 0..1000000 for link_degrade, factor= 1..1000000 for slow_disk,
/// duration= above 0 for fc_leader_kill).
/// Throws std::invalid_argument naming the item and the reason.
std::vector<planned_fault> parse_fault_plan(const std::string& text);

/// The fault as a plan item: "host_crash@30s:westeurope/z2/r1/h2".
std::string plan_text(const planned_fault& p);

/// Checks the order of a plan: every recovery (host_restore, tor_repair,
/// ...) follows, in time, a fault of its pair (host_crash, tor_fail, ...)
/// on the same target (and the same two zones) that no earlier recovery
/// ended: two crashes of a host may overlap, each with its restore. Throws
/// std::invalid_argument naming the recovery.
void check_fault_sequence(const std::vector<planned_fault>& plan);

/// Checks that the target of `f` exists among the entities of `table`
/// (finalized; the region model's entities on the regions of `net`) and
/// fits the kind: a host agent's path for host faults, exactly a rack or
/// storage cluster for rack faults, a zone for zone faults and zone pairs
/// (both in the target's region), a TOR switch, a storage server, a VM
/// slot; a region of the world for region faults, whose peer is another
/// region or "global" (a world of one region has no gateways: no region
/// partitions). Throws std::invalid_argument naming the target and the
/// reason ("fault host_crash westeurope/z1/r1/h1/vm0: is a vm, not a
/// host_agent"). inject_fault makes the same check.
void check_fault_target(const topology::world_network& net,
                        const entity_table& table, const fault& f);

/// Schedules fault `f` at time `t`. `control` is the control entity.
/// Throws std::invalid_argument as check_fault_target does (nothing is
/// scheduled then).
void inject_fault(node_kernel& k, const topology::world_network& net,
                  entity_id control, sim_time t, const fault& f);

} // namespace vmss::physical
