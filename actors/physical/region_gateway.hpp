#pragma once
/// A region's gateway (multi-region worlds only, "westeurope/gateway"):
/// every message between this region and another region or a global
/// entity passes it (topology::world_network routes them here). It drops
/// those to and from a region it is partitioned from (a region_partition
/// fault: region_link messages), tracing `dropped` (reason
/// region_partition, to); while it is down (region_outage), the kernel
/// drops all of them. Traces `region_link` when told about a peer's state.
///
///        region_link{peer, true}
///   open ----------------------> cut off from peer (drops both ways)
///        <----------------------
///        region_link{peer, false}
///
/// The partition state is configuration, as a TOR switch's zone links are:
/// it survives a crash.

#include "kernel/entity.hpp"
#include "topology/world_network.hpp"

#include <set>
#include <string>

namespace vmss::physical {

/// What the region model gives its gateways.
struct region_gateway_params {
  const topology::world_network* net = nullptr;
};

class region_gateway : public entity {
public:
  region_gateway(caf::actor_config& cfg, node_kernel& k, entity_id id,
                 const region_gateway_params* params);

  caf::behavior make_behavior() override;
  sim_time on_transit(const event& ev) override;

private:
  /// The other side of a message crossing here: a region's name, or
  /// "global".
  std::string peer_of(entity_id src, entity_id dst) const;

  const topology::world_network* net_;
  int64_t region_;
  std::set<std::string> cut_off_; ///< durable: peers partitioned from
};

} // namespace vmss::physical
