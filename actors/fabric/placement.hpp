#pragma once
/// Where the fabric controller puts a scale set's new VM, as a pure core
/// (spec Layer 4 "Placement"; Azure docs on availability zones, fault and
/// update domains of scale sets):
///   1. zone: the scale set's zone with the fewest of its VMs, so zones
///      stay balanced within one VM (ties: the lower zone). With strict
///      zone balance a full zone is a failure; otherwise the next zone;
///   2. fault domain: with platformFaultDomainCount = 1, "max spreading":
///      every rack is its own fault domain and the rack with the fewest of
///      the scale set's VMs wins; with 2, 3 or 5, rack r is in fault
///      domain r mod N and the fault domain with the fewest VMs wins, then
///      its rack with the fewest;
///   3. host: among the up hosts of that rack with room for the VM (RAM,
///      vCPUs and a free VM slot), the one with the fewest of the scale
///      set's VMs, then the most free RAM, then vCPUs (the least loaded),
///      then the lowest id;
///   4. update domain: the scale set's VMs in turn over 5 update domains.
/// A failure names the zone and the constraint that failed.

#include "topology/entity_table.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vmss::fabric {

/// What the fabric controller knows of a host.
struct host_view {
  entity_id host = 0;
  uint32_t zone = 0;
  uint32_t rack = 0;
  uint32_t vcpus_free = 0;
  uint32_t ram_gb_free = 0;
  bool up = true;
  uint32_t slots_free = 1; ///< VM slots left on the host
};

struct scale_set_policy {
  std::vector<uint32_t> zones; ///< 0-based; at least one
  uint32_t fault_domains = 1;  ///< 1 (max spreading), 2, 3 or 5
  uint32_t update_domains = 5; ///< Uniform orchestration
  bool strict_zone_balance = false;
};

/// Where a scale set's VMs are, kept by the controller.
struct scale_set_layout {
  std::map<uint32_t, uint32_t> per_zone;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> per_rack; ///< (zone, rack)
  std::map<entity_id, uint32_t> per_host;
  uint32_t placed = 0; ///< ever placed: the update-domain turn

  /// A VM placed on `host` in `zone`, `rack`; `placed` counts it unless
  /// it is a VM moving there (`fresh` false: it keeps its update domain).
  void add(uint32_t zone, uint32_t rack, entity_id host, bool fresh = true);
  /// A VM gone from there; asserts that it was counted (`placed` stays).
  void remove(uint32_t zone, uint32_t rack, entity_id host);
};

struct placement {
  bool ok = false;
  entity_id host = 0;
  uint32_t zone = 0;
  uint32_t rack = 0;
  uint32_t fault_domain = 0;
  uint32_t update_domain = 0;
  std::string failure; ///< "zone 2: ..." when !ok
};

/// The policy for one request (fc_allocate.zone, .fault_domains): `zone`
/// >= 0 restricts placement to that zone (0-based), which must be one of
/// the policy's; `fault_domains` > 0 overrides the count (1, 2, 3 or 5).
/// !ok with the reason, naming the zone and the constraint.
struct request_policy {
  bool ok = false;
  scale_set_policy policy;
  std::string failure;
};
request_policy policy_for(const scale_set_policy& base, int32_t zone,
                          uint32_t fault_domains);

/// Checks a policy: zones exist (< `zones`), fault domains 1, 2, 3 or 5,
/// update domains >= 1. Throws std::invalid_argument naming the field.
void validate(const scale_set_policy& policy, uint32_t zones);

/// Chooses a host for a VM of `vcpus` / `ram_gb`; does not reserve. The
/// scale set's VMs are those of `layout` (committed) and of `proposed`
/// (placed, not committed yet), counted together without a copy.
placement place(const std::vector<host_view>& hosts,
                const scale_set_policy& policy, const scale_set_layout& layout,
                const scale_set_layout& proposed, uint32_t vcpus,
                uint32_t ram_gb);

} // namespace vmss::fabric
