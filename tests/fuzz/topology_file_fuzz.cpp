/// Fuzz target: topology files, read as `vmss-sim topology show FILE` reads
/// them (topology::read_region), then what `topology show` and the region
/// model derive from a region that was accepted: paths at the largest
/// numbers, the replica hosts, where they are and the latencies between
/// them, the network's lookahead.

#include "fuzz_support.hpp"
#include "messages/physical_kinds.hpp"
#include "topology/region.hpp"
#include "topology/region_network.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = fuzz::write_scratch("topology.json", data, size);
  try {
    auto r = topology::read_region(path);
    auto first = topology::locate(r, topology::host_path(r, 0, 0, 0));
    topology::locate(r,
                     topology::host_path(r, r.zones - 1, r.racks_per_zone - 1,
                                         r.hosts_per_rack - 1));
    topology::locate(r, topology::storage_node_path(
                            r, r.zones - 1, r.storage_clusters_per_zone - 1,
                            r.storage_nodes_per_cluster - 1));
    for (const auto& host : topology::fc_replica_hosts(r))
      topology::latency(r, first, topology::locate(r, host));
    topology::spread_fc_sites(r, 9);
    topology::region_network(r, physical::kinds::tor_switch).lookahead();
  } catch (const std::exception&) {
    // A rejected file: the command prints the message and exits 2.
  }
  return 0;
}
