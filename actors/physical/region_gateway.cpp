#include "actors/physical/region_gateway.hpp"

#include "messages/physical_events.hpp"
#include "messages/physical_messages.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

region_gateway::region_gateway(caf::actor_config& cfg, node_kernel& k,
                               entity_id id,
                               const region_gateway_params* params)
    : entity(cfg, k, id), net_(params->net), region_(net_->region_of(id)) {
}

std::string region_gateway::peer_of(entity_id src, entity_id dst) const {
  auto from = net_->region_of(src);
  auto other = from == region_ ? net_->region_of(dst) : from;
  return other < 0 ? std::string(topology::global_prefix)
                   : net_->layout(static_cast<size_t>(other)).name;
}

sim_time region_gateway::on_transit(const event& ev) {
  if (cut_off_.empty() || cut_off_.count(peer_of(ev.src, ev.to)) == 0)
    return 0;
  const auto& to = kernel_.table()[ev.to].path;
  log(logging::level::trace, "dropped a message to {} (region_partition)", to);
  trace(events::dropped, {std::string("region_partition"), to});
  return -1;
}

caf::behavior region_gateway::make_behavior() {
  return {
      [=](const region_link& link) {
        if (link.partitioned)
          cut_off_.insert(link.peer);
        else
          cut_off_.erase(link.peer);
        trace(events::region_link, {link.peer, link.partitioned});
      },
  };
}

} // namespace vmss::physical
