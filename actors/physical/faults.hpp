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
///   - app_crash / app_restore are app_fault messages to a VM.
/// Every fault also sends a fault_notice to the control entity, which
/// traces `fault_injected` or `fault_recovered` (fault, target).
///
/// Every node process must make the same calls in the same order (the
/// kernel numbers injected events), so faults are planned identically on
/// all nodes.

#include "kernel/node_kernel.hpp"
#include "topology/region_network.hpp"

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
};

/// The fault's name as in traces and commands ("zone_partition").
const char* to_string(fault_kind kind);

/// A fault's kind from its name; false if there is none.
bool parse_fault_kind(const std::string& name, fault_kind& kind);

/// Names of every fault kind, in declaration order.
std::vector<std::string> fault_kind_names();

struct fault {
  fault_kind kind = fault_kind::host_crash;
  /// A host, rack, zone, TOR switch, storage server or VM path.
  std::string target;
  /// The other zone of zone_partition, zone_heal, link_degrade and
  /// link_restore.
  std::string peer;
  sim_time extra_latency = 0;    ///< link_degrade
  uint32_t loss_ppm = 0;         ///< link_degrade: messages lost, per million
  uint32_t slow_permille = 1000; ///< slow_disk: service time, 1000 = normal
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

/// Splits a plan into its items (separated by '+') and parses their times;
/// throws std::invalid_argument naming the item and the reason.
std::vector<plan_item> split_plan(const std::string& text);

/// Parses a fault plan: faults separated by '+', each
/// "KIND@TIME:TARGET[:PEER][:latency=DURATION][:loss=PPM][:factor=PERMILLE]",
/// e.g. "tor_fail@90s:westeurope/z3/r2/tor+tor_repair@2m:westeurope/z3/r2/tor"
/// or "link_degrade@10s:westeurope/z1:westeurope/z2:latency=5ms:loss=1000".
/// Checks the syntax only (inject_fault checks the targets); throws
/// std::invalid_argument naming the item and the reason.
std::vector<planned_fault> parse_fault_plan(const std::string& text);

/// Schedules fault `f` at time `t`. `control` is the control entity.
/// Throws std::invalid_argument naming the target and the reason when the
/// target does not exist or does not fit the kind (nothing is scheduled
/// then).
void inject_fault(node_kernel& k, const topology::region_network& net,
                  entity_id control, sim_time t, const fault& f);

} // namespace vmss::physical
