#include "actors/physical/tor_links.hpp"

#include <algorithm>
#include <cmath>

namespace vmss::physical {

sim_time tor_links::pipe::pass(sim_time now, uint64_t bytes) {
  sim_time start = std::max(now, busy_until);
  busy_until = start + static_cast<sim_time>(
                           std::ceil(static_cast<double>(bytes) * ns_per_byte));
  return busy_until - now;
}

tor_links::tor_links(uint32_t ports, uint32_t port_gbps, uint32_t uplinks,
                     uint32_t uplink_gbps, uint32_t zones)
    : ports_(ports), zones_(zones) {
  // 8 bits a byte; a gigabit per second is a bit per nanosecond.
  double uplink_ns = 8.0 / (static_cast<double>(uplinks) * uplink_gbps);
  out_.ns_per_byte = uplink_ns;
  in_.ns_per_byte = uplink_ns;
  for (auto& p : ports_)
    p.ns_per_byte = 8.0 / port_gbps;
}

sim_time tor_links::uplink_out(sim_time now, uint64_t bytes) {
  return out_.pass(now, bytes);
}

sim_time tor_links::uplink_in(sim_time now, uint64_t bytes) {
  return in_.pass(now, bytes);
}

sim_time tor_links::port_down(sim_time now, uint32_t port, uint64_t bytes) {
  return ports_.at(port).pass(now, bytes);
}

void tor_links::set_zone_link(uint32_t zone, const zone_link& state) {
  zones_.at(zone) = state;
}

void tor_links::reset_queues() {
  out_.busy_until = 0;
  in_.busy_until = 0;
  for (auto& p : ports_)
    p.busy_until = 0;
}

} // namespace vmss::physical
