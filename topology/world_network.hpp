#pragma once
/// The kernel's network hook for one or several regions (docs/topology.md,
/// "Several regions"). Inside a region, region_network decides (latency by
/// distance, routing through the racks' TOR switches). Between regions,
/// and between a region and the global entities (paths under "global/":
/// Traffic Manager, the workload's clients), a message also passes the
/// region's gateway ("westeurope/gateway", an entity of `gateway_kind`):
/// out of the source's region through its gateway, into the destination's
/// region through its gateway. The end-to-end one-way latency stays the
/// source region's `cross_region` latency; a gateway that is down, or cut
/// off from the other side (a region_partition fault), drops the message.
///
/// With one region there are no gateways: everything is exactly as
/// region_network says (a one-region run's trace does not change).

#include "kernel/network.hpp"
#include "topology/region.hpp"
#include "topology/region_network.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::topology {

/// The first component of the global entities' paths ("global/tm/NAME");
/// the same value as network::global_prefix (topology does not depend on
/// messages/).
inline constexpr const char* global_prefix = "global";

/// "westeurope/gateway": the entity through which a region's traffic to
/// other regions and to the global entities passes (multi-region only).
inline std::string gateway_path(const region& r) {
  return r.name + "/gateway";
}

class world_network final : public network_model {
public:
  /// `regions` in the scenario's order (names unique, each validated).
  world_network(std::vector<region> regions, const entity_kind& switch_kind,
                const entity_kind& gateway_kind);

  void bind(const entity_table& table) override;
  sim_time latency(entity_id src, entity_id dst) override;
  hop route(entity_id at, entity_id dst) override;

  /// The smallest latency of a hop between two nodes' entities when zones
  /// and regions are the partition (node_of).
  sim_time lookahead() const;
  /// The smallest latency of a hop between two shards' entities when
  /// region r's zones run on zones[r][z] and its entities outside the zones
  /// (control plane, gateway) on planes[r]; the global entities run on
  /// shard 0. A region whose entities share one
  /// shard adds none of its inner hops: regions on shards of their own
  /// synchronise at the inter-region latency. lookahead() when nothing
  /// crosses shards.
  sim_time lookahead(const std::vector<std::vector<uint32_t>>& zones,
                     const std::vector<uint32_t>& planes) const;

  size_t regions() const { return nets_.size(); }
  const region_network& region_net(size_t i) const { return nets_[i]; }
  const region& layout(size_t i) const { return nets_[i].layout(); }

  /// The region `path` is in (its first component names it), or -1 (a
  /// global entity, or no region of this world).
  int64_t region_index(const std::string& path) const;
  /// The region of a bound entity, or -1.
  int64_t region_of(entity_id id) const { return region_of_[id]; }
  /// Region i's gateway entity (multi-region, once bound).
  entity_id gateway(size_t i) const { return gateways_[i]; }
  bool is_gateway(entity_id id) const;

private:
  /// The hops of a message leaving region `r` (at one of its entities, its
  /// switches or its gateway) and entering it at its gateway.
  hop out_of_region(size_t r, entity_id at, entity_id dst) const;
  hop into_region(size_t r, entity_id at, entity_id dst) const;
  /// Gateway to gateway, from region `from` to region `to`.
  sim_time between_gateways(size_t from, size_t to) const;
  /// Between region `r`'s gateway and a global entity, either way.
  sim_time global_hop(size_t r) const;

  std::vector<region_network> nets_;
  /// A switch's (or a region-level entity's, after its port) hop to its
  /// region's gateway and back (multi-region).
  sim_time edge_ = 1;
  const entity_kind* gateway_kind_;
  std::vector<int64_t> region_of_;  ///< by entity id
  std::vector<entity_id> gateways_; ///< by region
};

/// The node process that runs zone `zone` of region `region` of a world of
/// `regions` regions on `nodes` nodes: with one region, node_of_zone;
/// with several, regions are spread over the nodes first (the
/// inter-region latency is the largest lookahead the model has), then a
/// region's zones over the nodes it has.
uint32_t node_of(uint32_t region, uint32_t regions, uint32_t zone,
                 uint32_t nodes);

} // namespace vmss::topology
