#include "topology/world_network.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace vmss::topology {

namespace {

/// The first component of a path ("westeurope" of "westeurope/z1/r1").
std::string first_component(const std::string& path) {
  return path.substr(0, path.find('/'));
}

/// A host's (or a server's) hop to its rack's switch, as region_network
/// prices it: the distance `same_rack` less the switch's half.
sim_time port(const region& r) {
  return r.latency.same_rack - r.latency.same_rack / 2;
}

} // namespace

// Across regions a message from a rack goes host -> TOR -> gateway ->
// gateway -> TOR -> host. The host-TOR hops cost what region_network says
// (the port); the TOR-gateway hops cost `edge_`: the smallest of every
// region's lookahead (a zone-crossing switch hop) and a third of its
// cross-region distance, so that they stay under the whole; the
// gateway-to-gateway hop takes the rest of the source region's
// `cross_region`. A region-level entity (no rack) goes straight to its
// gateway at port + edge, and a global entity straight to the gateway at
// the rest: every path between two regions, or between a region and a
// global entity, costs exactly `cross_region` (unless the latencies are so
// lopsided that a rest would be below 1 ns).

world_network::world_network(std::vector<region> regions,
                             const entity_kind& switch_kind,
                             const entity_kind& gateway_kind)
    : gateway_kind_(&gateway_kind) {
  for (auto& r : regions)
    nets_.emplace_back(std::move(r), switch_kind);
  if (nets_.size() > 1) {
    edge_ = sim_time_never;
    for (const auto& net : nets_) {
      const auto& l = net.layout().latency;
      edge_ = std::min(
          {edge_, net.lookahead(), (l.cross_region - l.same_rack) / 3});
    }
    edge_ = std::max<sim_time>(edge_, 1);
  }
}

int64_t world_network::region_index(const std::string& path) const {
  auto name = first_component(path);
  if (name == global_prefix)
    return -1;
  for (size_t i = 0; i < nets_.size(); ++i)
    if (nets_[i].layout().name == name)
      return static_cast<int64_t>(i);
  return -1;
}

void world_network::bind(const entity_table& table) {
  for (auto& net : nets_)
    net.bind(table);
  region_of_.assign(table.size(), -1);
  for (entity_id id = 0; id < table.size(); ++id)
    region_of_[id] = region_index(table[id].path);
  gateways_.clear();
  if (nets_.size() == 1)
    return;
  for (const auto& net : nets_) {
    auto path = gateway_path(net.layout());
    if (!table.contains(path) ||
        *table[table.id_of(path)].kind != *gateway_kind_)
      throw std::invalid_argument(
          "world_network: region " + net.layout().name + " has no " +
          std::string(gateway_kind_->name) + " entity " + path);
    gateways_.push_back(table.id_of(path));
  }
}

bool world_network::is_gateway(entity_id id) const {
  return std::find(gateways_.begin(), gateways_.end(), id) != gateways_.end();
}

sim_time world_network::between_gateways(size_t from, size_t to) const {
  const auto& a = nets_[from].layout();
  const auto& b = nets_[to].layout();
  auto rest = a.latency.cross_region - port(a) - port(b) - 2 * edge_;
  return std::max<sim_time>(rest, 1);
}

sim_time world_network::global_hop(size_t r) const {
  const auto& l = nets_[r].layout();
  return std::max<sim_time>(l.latency.cross_region - port(l) - edge_, 1);
}

sim_time world_network::latency(entity_id src, entity_id dst) {
  if (nets_.size() == 1)
    return nets_[0].latency(src, dst);
  auto a = region_of_[src];
  auto b = region_of_[dst];
  if (a >= 0 && a == b)
    return nets_[static_cast<size_t>(a)].latency(src, dst);
  // One-way, end to end: the source region's (a global source: the
  // destination's; between global entities: the first region's).
  auto r = a >= 0 ? a : (b >= 0 ? b : 0);
  return nets_[static_cast<size_t>(r)].layout().latency.cross_region;
}

network_model::hop world_network::into_region(size_t r, entity_id at,
                                              entity_id dst) const {
  const auto& net = nets_[r];
  auto tor = net.gateway(dst);
  if (tor != region_network::no_gateway && tor != at)
    return {tor, edge_};
  return {dst, edge_ + port(net.layout())};
}

network_model::hop world_network::out_of_region(size_t r, entity_id at,
                                                entity_id dst) const {
  const auto& net = nets_[r];
  auto b = region_of_[dst];
  if (at == gateways_[r]) {
    if (b < 0)
      return {dst, global_hop(r)};
    return {gateways_[static_cast<size_t>(b)],
            between_gateways(r, static_cast<size_t>(b))};
  }
  if (net.is_switch(at))
    return {gateways_[r], edge_};
  auto tor = net.gateway(at);
  if (tor != region_network::no_gateway)
    return {tor, port(net.layout())};
  return {gateways_[r], port(net.layout()) + edge_};
}

network_model::hop world_network::route(entity_id at, entity_id dst) {
  if (nets_.size() == 1)
    return nets_[0].route(at, dst);
  auto a = region_of_[at];
  auto b = region_of_[dst];
  if (a >= 0 && a == b) {
    auto r = static_cast<size_t>(a);
    if (at == gateways_[r])
      return into_region(r, at, dst);
    return nets_[r].route(at, dst);
  }
  if (a >= 0)
    return out_of_region(static_cast<size_t>(a), at, dst);
  if (b >= 0) {
    auto r = static_cast<size_t>(b);
    return {gateways_[r], global_hop(r)};
  }
  return {dst, latency(at, dst)};
}

sim_time world_network::lookahead() const {
  if (nets_.size() == 1)
    return nets_[0].lookahead();
  // Every hop that may cross node processes: inside a region (zone to
  // zone), to and from a gateway, between gateways, to global entities.
  sim_time l = edge_;
  for (size_t i = 0; i < nets_.size(); ++i) {
    l = std::min({l, nets_[i].lookahead(), global_hop(i)});
    for (size_t j = 0; j < nets_.size(); ++j)
      if (i != j)
        l = std::min(l, between_gateways(i, j));
  }
  return l;
}

sim_time
world_network::lookahead(const std::vector<std::vector<uint32_t>>& zones,
                         const std::vector<uint32_t>& planes) const {
  sim_time l = sim_time_never;
  for (size_t i = 0; i < nets_.size(); ++i) {
    bool split = false;
    for (auto s : zones[i])
      split = split || s != planes[i];
    if (split) // zone to zone, and (several regions) switch to gateway
      l = std::min(l, nets_.size() > 1 ? std::min(edge_, nets_[i].lookahead())
                                       : nets_[i].lookahead());
    if (nets_.size() == 1)
      continue;
    if (planes[i] != 0)
      l = std::min(l, global_hop(i));
    for (size_t j = 0; j < nets_.size(); ++j)
      if (planes[i] != planes[j])
        l = std::min(l, between_gateways(i, j));
  }
  return l == sim_time_never ? lookahead() : l;
}

uint32_t node_of(uint32_t region, uint32_t regions, uint32_t zone,
                 uint32_t nodes) {
  if (regions <= 1)
    return node_of_zone(zone, nodes);
  if (nodes <= regions)
    return nodes == 0 ? 0 : region % nodes;
  // Region r has the nodes r, r + regions, r + 2 * regions, ...
  uint32_t own = nodes / regions + (region < nodes % regions ? 1 : 0);
  return region + regions * (zone % own);
}

} // namespace vmss::topology
