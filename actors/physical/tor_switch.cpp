#include "actors/physical/tor_switch.hpp"

#include "messages/physical_events.hpp"

#include "messages/physical_messages.hpp"
#include "messages/storage_payload.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

using namespace vmss::storage; // the disks VMs use

namespace {

/// Servers below the switch of a rack: hosts, or a storage cluster's
/// servers (storage clusters count as racks after the compute racks).
uint32_t ports_of(const topology::region& r, const topology::location& at) {
  return at.rack < static_cast<int64_t>(r.racks_per_zone)
             ? r.hosts_per_rack
             : r.storage_nodes_per_cluster;
}

} // namespace

tor_switch::tor_switch(caf::actor_config& cfg, node_kernel& k, entity_id id,
                       const topology::region_network* net)
    : entity(cfg, k, id), net_(net), zone_(net->where(id).zone),
      links_(ports_of(net->layout(), net->where(id)),
             net->layout().tor_port_gbps, net->layout().tor_uplinks,
             net->layout().tor_uplink_gbps, net->layout().zones) {
}

int64_t tor_switch::crossed_zone(entity_id src, entity_id dst) const {
  auto from = net_->where(src).zone;
  auto to = net_->where(dst).zone;
  if (from < 0 || to < 0 || from == to)
    return -1;
  if (net_->gateway(src) == id())
    return to; // leaving this rack for another zone
  if (net_->gateway(src) == topology::region_network::no_gateway && to == zone_)
    return from; // from outside the racks of another zone into this rack
  return -1;     // the sender's own switch applied it
}

sim_time tor_switch::on_transit(const event& ev) {
  sim_time wait = 0;
  auto zone = crossed_zone(ev.src, ev.to);
  if (zone >= 0) {
    const auto& link = links_.to_zone(static_cast<uint32_t>(zone));
    const char* reason = nullptr;
    if (link.partitioned)
      reason = "partition";
    else if (link.loss_ppm > 0 &&
             random().uniform(0, 999'999) < static_cast<int64_t>(link.loss_ppm))
      reason = "link_loss";
    if (reason) {
      log(logging::level::trace, "dropped a message to {} ({})",
          kernel_.table()[ev.to].path, reason);
      trace(events::dropped,
            {std::string(reason), kernel_.table()[ev.to].path});
      return -1;
    }
    wait += link.extra_latency;
  }
  uint64_t bytes = storage_payload_bytes(ev.type, ev.msg);
  if (bytes == 0)
    return wait; // control traffic: priority queue, no waiting
  bool from_inside = net_->gateway(ev.src) == id();
  bool to_inside = net_->gateway(ev.to) == id();
  if (!from_inside)
    wait += links_.uplink_in(now() + wait, bytes);
  else if (!to_inside)
    wait += links_.uplink_out(now() + wait, bytes);
  if (to_inside)
    wait += links_.port_down(
        now() + wait, static_cast<uint32_t>(net_->where(ev.to).host), bytes);
  return wait;
}

caf::behavior tor_switch::make_behavior() {
  return {
      [=](const link_fault& fault) {
        zone_link state{fault.partitioned, fault.extra_latency_ns,
                        fault.loss_ppm};
        links_.set_zone_link(fault.zone, state);
        trace(events::link_fault,
              {static_cast<int64_t>(fault.zone + 1),
               static_cast<int64_t>(fault.partitioned), fault.extra_latency_ns,
               static_cast<int64_t>(fault.loss_ppm)});
      },
  };
}

} // namespace vmss::physical
