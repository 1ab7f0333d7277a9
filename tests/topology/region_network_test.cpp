// Routing through TOR switches: every message that leaves or enters a rack
// passes its switch, and the end-to-end latency stays the distance's.

#include "topology/region_network.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace vmss;
using namespace vmss::topology;

namespace {

const entity_kind monitor_kind{"health_monitor"};
const entity_kind switch_kind{"tor_switch"};
const entity_kind host_kind{"host_agent"};
const entity_kind hypervisor_kind{"hypervisor"};

struct small_region {
  region r = preset("small");
  entity_table table;
  region_network net{r, switch_kind};

  small_region() {
    for (uint32_t z = 0; z < r.zones; ++z) {
      table.add(zone_path(r, z) + "/monitor", monitor_kind);
      for (uint32_t k = 0; k < r.racks_per_zone; ++k) {
        table.add(tor_path(r, z, k), switch_kind);
        for (uint32_t h = 0; h < r.hosts_per_rack; ++h) {
          table.add(host_path(r, z, k, h), host_kind);
          table.add(host_path(r, z, k, h) + "/hv", hypervisor_kind);
        }
      }
    }
    table.finalize();
    net.bind(table);
  }

  entity_id id(const std::string& path) const { return table.id_of(path); }

  /// The hops from `src` to `dst` and the total latency.
  std::pair<std::vector<std::string>, sim_time> walk(const std::string& src,
                                                     const std::string& dst) {
    std::vector<std::string> hops;
    sim_time total = 0;
    entity_id at = id(src);
    while (at != id(dst)) {
      auto hop = net.route(at, id(dst));
      EXPECT_EQ(hop.latency, net.latency(at, hop.next));
      hops.push_back(table[hop.next].path);
      total += hop.latency;
      at = hop.next;
      if (hops.size() > 4)
        break;
    }
    return {hops, total};
  }
};

} // namespace

TEST(region_network, same_host_goes_straight) {
  small_region s;
  auto host = host_path(s.r, 0, 0, 0);
  auto [hops, total] = s.walk(host, host + "/hv");
  EXPECT_EQ(hops, std::vector<std::string>{host + "/hv"});
  EXPECT_EQ(total, s.r.latency.same_host);
}

TEST(region_network, inside_a_rack_passes_its_switch) {
  small_region s;
  auto [hops, total] =
      s.walk(host_path(s.r, 0, 1, 0), host_path(s.r, 0, 1, 3) + "/hv");
  EXPECT_EQ(hops, (std::vector<std::string>{tor_path(s.r, 0, 1),
                                            host_path(s.r, 0, 1, 3) + "/hv"}));
  EXPECT_EQ(total, s.r.latency.same_rack);
}

TEST(region_network, across_racks_and_zones_passes_both_switches) {
  small_region s;
  auto [hops, total] = s.walk(host_path(s.r, 0, 0, 1), host_path(s.r, 0, 1, 2));
  EXPECT_EQ(hops,
            (std::vector<std::string>{tor_path(s.r, 0, 0), tor_path(s.r, 0, 1),
                                      host_path(s.r, 0, 1, 2)}));
  EXPECT_EQ(total, s.r.latency.cross_rack);
  auto cross = s.walk(host_path(s.r, 2, 1, 0), host_path(s.r, 0, 0, 0));
  EXPECT_EQ(cross.first,
            (std::vector<std::string>{tor_path(s.r, 2, 1), tor_path(s.r, 0, 0),
                                      host_path(s.r, 0, 0, 0)}));
  EXPECT_EQ(cross.second, s.r.latency.cross_zone);
  // The zone-crossing hop is switch to switch: the lookahead.
  EXPECT_EQ(s.net.latency(s.id(tor_path(s.r, 2, 1)), s.id(tor_path(s.r, 0, 0))),
            s.net.lookahead());
}

TEST(region_network, entities_outside_racks_enter_through_the_switch) {
  small_region s;
  auto monitor = zone_path(s.r, 1) + "/monitor";
  auto in = s.walk(monitor, host_path(s.r, 0, 1, 1));
  EXPECT_EQ(in.first, (std::vector<std::string>{tor_path(s.r, 0, 1),
                                                host_path(s.r, 0, 1, 1)}));
  EXPECT_EQ(in.second, s.r.latency.cross_zone);
  auto out = s.walk(host_path(s.r, 0, 1, 1), monitor);
  EXPECT_EQ(out.first,
            (std::vector<std::string>{tor_path(s.r, 0, 1), monitor}));
  EXPECT_EQ(out.second, s.r.latency.cross_zone);
  EXPECT_GE(s.net.latency(s.id(monitor), s.id(tor_path(s.r, 0, 1))),
            s.net.lookahead());
}
