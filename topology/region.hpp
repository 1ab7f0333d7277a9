#pragma once
/// A region's physical description: zones -> racks -> hosts, host sizes,
/// TOR ports and uplinks, one-way latencies by distance, storage clusters
/// and fabric-controller replica sites. Read from a JSON file
/// (docs/topology.md) or built from a named preset. No CAF in here.

#include "kernel/sim_time.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::topology {

/// One-way latency between two points, by how far apart they are.
struct latencies {
  sim_time same_host = us(5);
  sim_time same_rack = us(50);    ///< through the rack's TOR switch
  sim_time cross_rack = us(150);  ///< TOR, aggregation, TOR
  sim_time cross_zone = ms(1);    ///< between availability zones
  sim_time cross_region = ms(30); ///< to another region
};

struct region {
  std::string name = "westeurope";
  uint32_t zones = 3;
  uint32_t racks_per_zone = 40;
  uint32_t hosts_per_rack = 40;
  uint32_t host_cores = 64;
  uint32_t host_ram_gb = 512;
  uint32_t tor_port_gbps = 25;
  uint32_t tor_uplinks = 2;
  uint32_t tor_uplink_gbps = 100;
  uint32_t storage_clusters_per_zone = 2;
  uint32_t storage_nodes_per_cluster = 9; ///< storage servers, 3 fault domains
  latencies latency;
  /// Where the fabric-controller replicas run: zone ("z2") or rack
  /// ("z2/r07") paths relative to the region.
  std::vector<std::string> fc_replica_sites;

  uint64_t hosts() const {
    return uint64_t{zones} * racks_per_zone * hosts_per_rack;
  }
};

/// Names of the built-in presets.
std::vector<std::string> preset_names();

/// A built-in preset: "region" (spec Layer 7: 3 zones, racks of 40 hosts of
/// 64 cores / 512 GB, 25 Gbps TOR ports, 2 x 100 Gbps uplinks; 40 racks a
/// zone) or "small" (3 zones x 2 racks x 4 hosts). Throws
/// std::invalid_argument naming the known presets.
region preset(const std::string& name);

/// Reads a topology file. Unknown keys, wrong types, non-positive sizes and
/// replica sites that do not exist are errors: std::runtime_error whose text
/// names the file, the field and the reason. Missing keys keep the
/// "region" preset's values.
region read_region(const std::string& path);

/// Checks the name (letters, digits, '-', '_', '.'), sizes, latencies and
/// replica sites (each exists, no rack holds more replicas than hosts);
/// throws std::invalid_argument naming the field and the reason. Every
/// region a run or `topology show` uses passes here.
void validate(const region& r);

/// VM slots per host of the region model on the `region` preset (`slots=`).
constexpr uint32_t default_vm_slots = 42;

/// How many entities the region model lays out on `r` with `vm_slots` slots
/// per host: the control and client entities, the fabric-controller
/// replicas, per rack a TOR switch and per host a host agent, a hypervisor
/// and the slots, per storage cluster a switch and its servers. Saturates
/// at UINT64_MAX.
uint64_t entity_count(const region& r, uint32_t vm_slots);

/// Refuses a region whose entities do not fit 32-bit ids or this machine's
/// memory (vmss::check_size): std::invalid_argument with the numbers.
void check_size(const region& r, uint32_t vm_slots);

/// Topology paths, e.g. "westeurope/z2", "westeurope/z2/r07",
/// "westeurope/z2/r07/h13" (1-based, zero-padded to the width of the
/// largest number).
std::string zone_path(const region& r, uint32_t zone);
std::string rack_path(const region& r, uint32_t zone, uint32_t rack);
std::string host_path(const region& r, uint32_t zone, uint32_t rack,
                      uint32_t host);
/// The TOR switch of a rack: "westeurope/z2/r07/tor".
std::string tor_path(const region& r, uint32_t zone, uint32_t rack);
/// A storage cluster is a rack of storage servers with its own TOR:
/// "westeurope/z2/s1", its servers "westeurope/z2/s1/n04" and its switch
/// "westeurope/z2/s1/tor".
std::string storage_cluster_path(const region& r, uint32_t zone,
                                 uint32_t cluster);
std::string storage_node_path(const region& r, uint32_t zone, uint32_t cluster,
                              uint32_t node);
/// Storage servers spread over 3 fault domains: node n is in n mod 3.
constexpr uint32_t storage_fault_domains = 3;

/// The hosts of the fabric-controller replicas, one per site in order: a
/// site's rack ("z2/r01"; a zone site means its first rack), on the
/// rack's first host not taken by an earlier site.
std::vector<std::string> fc_replica_hosts(const region& r);

/// Replica sites spread over zones, then racks, then hosts: `count` of
/// them (fewer if the region has fewer hosts).
std::vector<std::string> spread_fc_sites(const region& r, uint32_t count);

/// Where a path is: zone, rack and host numbers (0-based), -1 where the
/// path stops above that level. Paths below a host (".../h13/vm4") count as
/// on that host. Storage clusters count as racks numbered after the compute
/// racks (s1 is rack racks_per_zone), their servers ("n04") as hosts.
struct location {
  int64_t zone = -1;
  int64_t rack = -1;
  int64_t host = -1;
};
location locate(const region& r, const std::string& path);

/// One-way latency between two located points of this region.
sim_time latency(const region& r, const location& a, const location& b);

/// The node process that runs a zone's entities: zones are the natural
/// partition, since cross-zone latency is the largest inside a region.
uint32_t node_of_zone(uint32_t zone, uint32_t nodes);

} // namespace vmss::topology
