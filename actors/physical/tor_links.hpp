#pragma once
/// A TOR switch's links, as a pure core: the uplinks to the aggregation
/// layer (both directions), the ports down to its servers, and the state of
/// its paths to other zones (partition, added latency, loss).
///
/// Bulk data (disk copies) queues first-in first-out on each link at the
/// link's speed; the rack's uplinks are one shared pipe of uplinks x speed
/// (ECMP spreads flows over them). Control messages are small and go
/// through a priority queue of their own, so they never wait behind bulk
/// data (spec Layer 7, "Network Path": 25 Gbps ports, 2 x 100 Gbps uplinks).

#include "kernel/sim_time.hpp"

#include <cstdint>
#include <vector>

namespace vmss::physical {

/// The state of a switch's paths to one zone; all zero is healthy.
struct zone_link {
  bool partitioned = false;
  sim_time extra_latency = 0;
  uint32_t loss_ppm = 0; ///< messages lost, per million
};

class tor_links {
public:
  /// `ports`: servers below the switch; speeds in Gbps.
  tor_links(uint32_t ports, uint32_t port_gbps, uint32_t uplinks,
            uint32_t uplink_gbps, uint32_t zones);

  /// How long `bytes` of bulk data entering the switch at `now` wait and
  /// take to leave: over the uplinks out of the rack, over the uplinks into
  /// the rack, or down the port of server `port`.
  sim_time uplink_out(sim_time now, uint64_t bytes);
  sim_time uplink_in(sim_time now, uint64_t bytes);
  sim_time port_down(sim_time now, uint32_t port, uint64_t bytes);

  void set_zone_link(uint32_t zone, const zone_link& state);
  const zone_link& to_zone(uint32_t zone) const { return zones_.at(zone); }

  /// The switch lost power: queued data is gone (the zone links are
  /// configuration and stay).
  void reset_queues();

private:
  struct pipe {
    double ns_per_byte = 0;
    sim_time busy_until = 0;
    sim_time pass(sim_time now, uint64_t bytes);
  };
  pipe out_, in_;
  std::vector<pipe> ports_;
  std::vector<zone_link> zones_;
};

} // namespace vmss::physical
