#pragma once
/// The kernel's network hook for a region: one-way latency by topology
/// distance (same host, same rack, across racks, across zones, across
/// regions; docs/topology.md). Faults and queueing come with the TOR model.

#include "kernel/network.hpp"
#include "topology/region.hpp"

#include <vector>

namespace vmss::topology {

class region_network final : public network_model {
public:
  explicit region_network(region r) : region_(std::move(r)) {}

  void bind(const entity_table& table) override {
    where_.clear();
    for (const auto& e : table.entries())
      where_.push_back(locate(region_, e.path));
  }

  sim_time latency(entity_id src, entity_id dst) override {
    return topology::latency(region_, where_[src], where_[dst]);
  }

  /// With zones partitioned onto nodes (node_of_zone), the smallest latency
  /// between entities on different nodes.
  sim_time lookahead() const {
    return std::min(region_.latency.cross_zone, region_.latency.cross_region);
  }

  const region& layout() const { return region_; }

private:
  region region_;
  std::vector<location> where_; ///< by entity id
};

} // namespace vmss::topology
