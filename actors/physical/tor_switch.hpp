#pragma once
/// The top-of-rack switch of one rack (or storage cluster): every message
/// that leaves or enters the rack passes it (topology::region_network
/// routes them here). It adds the bulk-data queueing of its links
/// (tor_links), applies the faults of its paths to other zones (partition:
/// dropped; degradation: added latency and seeded loss) and, while it is
/// down, the kernel drops everything routed through it: its rack is cut
/// off both ways. Traces `link_fault` when told about a path's state and
/// `dropped` (reason, to) for what it drops.

#include "actors/physical/tor_links.hpp"
#include "kernel/entity.hpp"
#include "topology/region_network.hpp"

namespace vmss::physical {

class tor_switch : public entity {
public:
  tor_switch(caf::actor_config& cfg, node_kernel& k, entity_id id,
             const topology::region_network* net);

  caf::behavior make_behavior() override;
  void on_crash() override { links_.reset_queues(); }
  sim_time on_transit(const event& ev) override;

private:
  /// The zone whose link a message from `src` to `dst` crosses here, or
  /// -1: none, or another switch applies it.
  int64_t crossed_zone(entity_id src, entity_id dst) const;

  const topology::region_network* net_;
  int64_t zone_;
  tor_links links_; ///< queues volatile, zone links durable
};

} // namespace vmss::physical
