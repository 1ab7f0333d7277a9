#include "topology/region_network.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace vmss::topology {

void region_network::bind(const entity_table& table) {
  info_.clear();
  std::map<std::pair<int64_t, int64_t>, entity_id> switches; // (zone, rack)
  for (entity_id id = 0; id < table.size(); ++id) {
    const auto& e = table[id];
    entity_info info;
    info.where = locate(region_, e.path);
    info.is_switch = *e.kind == *switch_kind_;
    if (info.is_switch)
      switches[{info.where.zone, info.where.rack}] = id;
    info_.push_back(info);
  }
  for (auto& info : info_) {
    if (info.is_switch || info.where.host < 0)
      continue;
    auto i = switches.find({info.where.zone, info.where.rack});
    if (i != switches.end())
      info.gateway = i->second;
  }
}

bool region_network::same_host(const entity_info& a,
                               const entity_info& b) const {
  return a.where.host >= 0 && a.where.host == b.where.host &&
         a.where.rack == b.where.rack && a.where.zone == b.where.zone;
}

sim_time region_network::latency(entity_id src, entity_id dst) {
  const auto& a = info_[src];
  const auto& b = info_[dst];
  sim_time full = topology::latency(region_, a.where, b.where);
  sim_time port = region_.latency.same_rack / 2; // host <-> its switch
  sim_time l = full - (a.is_switch ? port : 0) - (b.is_switch ? port : 0);
  return std::max<sim_time>(l, 0);
}

network_model::hop region_network::route(entity_id at, entity_id dst) {
  const auto& a = info_[at];
  const auto& b = info_[dst];
  entity_id next = dst;
  if (a.is_switch) {
    if (b.gateway != no_gateway && b.gateway != at)
      next = b.gateway; // on to the destination's rack
  } else if (!same_host(a, b)) {
    if (a.gateway != no_gateway && a.gateway != dst)
      next = a.gateway; // out of this rack
    else if (a.gateway == no_gateway && b.gateway != no_gateway)
      next = b.gateway; // from outside the racks into dst's rack
  }
  return {next, latency(at, next)};
}

sim_time region_network::lookahead() const {
  const auto& l = region_.latency;
  return std::max<sim_time>(
      std::min(l.cross_zone, l.cross_region) - l.same_rack, 1);
}

} // namespace vmss::topology
