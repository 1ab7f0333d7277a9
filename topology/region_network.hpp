#pragma once
/// The kernel's network hook for a region: one-way latency by topology
/// distance (same host, same rack, across racks, across zones, across
/// regions; docs/topology.md) and routing through the racks' TOR switches.
///
/// A message that leaves a host goes through its rack's switch (an entity
/// of kind `tor_switch`, path ".../rNN/tor"); one that enters a rack goes
/// through that rack's switch. Messages between two entities of one host
/// go straight. The end-to-end latency is the same as without switches:
/// the host-to-switch hop costs half of `same_rack`, and a switch-to-switch
/// hop the rest of the distance.

#include "kernel/network.hpp"
#include "topology/region.hpp"

#include <vector>

namespace vmss::topology {

class region_network final : public network_model {
public:
  static constexpr entity_id no_gateway = static_cast<entity_id>(-1);

  /// Entities of `switch_kind` are the racks' switches: every message to or
  /// from a rack passes its switch.
  region_network(region r, const entity_kind& switch_kind)
      : region_(std::move(r)), switch_kind_(&switch_kind) {}

  void bind(const entity_table& table) override;
  sim_time latency(entity_id src, entity_id dst) override;
  hop route(entity_id at, entity_id dst) override;

  /// The smallest latency of a hop between zones (zones are the partition
  /// onto nodes, node_of_zone).
  sim_time lookahead() const;

  const region& layout() const { return region_; }
  const location& where(entity_id id) const { return info_[id].where; }
  /// The switch of the rack `id` is in; no_gateway for switches themselves
  /// and for entities outside racks.
  entity_id gateway(entity_id id) const { return info_[id].gateway; }
  bool is_switch(entity_id id) const { return info_[id].is_switch; }

private:
  struct entity_info {
    location where;
    entity_id gateway = no_gateway;
    bool is_switch = false;
  };
  bool same_host(const entity_info& a, const entity_info& b) const;

  region region_;
  const entity_kind* switch_kind_;
  std::vector<entity_info> info_; ///< by entity id
};

} // namespace vmss::topology
