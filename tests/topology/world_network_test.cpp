// Several regions: within one, region_network decides; between regions
// (and to the global entities) a message passes both regions' gateways and
// its one-way latency stays the source region's cross_region.

#include "topology/world_network.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

using namespace vmss;
using namespace vmss::topology;

namespace {

const entity_kind switch_kind{"tor_switch"};
const entity_kind gateway_kind{"region_gateway"};
const entity_kind host_kind{"host_agent"};
const entity_kind control_kind{"control"};
const entity_kind global_kind{"traffic_manager"};

region named(const std::string& name, sim_time cross_region) {
  auto r = preset("small");
  r.name = name;
  r.latency.cross_region = cross_region;
  return r;
}

/// A region's control entity, switches, hosts and VMs on the hosts, and
/// its gateway when `gateway`.
void lay_out(entity_table& table, const region& r, bool gateway) {
  table.add(r.name + "/control", control_kind);
  if (gateway)
    table.add(gateway_path(r), gateway_kind);
  for (uint32_t z = 0; z < r.zones; ++z)
    for (uint32_t k = 0; k < r.racks_per_zone; ++k) {
      table.add(tor_path(r, z, k), switch_kind);
      for (uint32_t h = 0; h < r.hosts_per_rack; ++h) {
        table.add(host_path(r, z, k, h), host_kind);
        table.add(host_path(r, z, k, h) + "/vm0", host_kind);
      }
    }
}

struct world {
  std::vector<region> regions;
  entity_table table;
  world_network net;

  explicit world(std::vector<region> rs)
      : regions(rs), net(std::move(rs), switch_kind, gateway_kind) {
    for (const auto& r : regions)
      lay_out(table, r, regions.size() > 1);
    table.add("global/tm/web", global_kind);
    table.add("global/workload/shop", global_kind);
    table.finalize();
    net.bind(table);
  }

  entity_id id(const std::string& path) const { return table.id_of(path); }

  /// The hops from `src` to `dst` and the total latency; every hop is at
  /// least the lookahead.
  std::pair<std::vector<std::string>, sim_time> walk(const std::string& src,
                                                     const std::string& dst) {
    std::vector<std::string> hops;
    sim_time total = 0;
    entity_id at = id(src);
    while (at != id(dst) && hops.size() <= 6) {
      auto hop = net.route(at, id(dst));
      EXPECT_GT(hop.latency, 0) << table[at].path << " -> " << dst;
      hops.push_back(table[hop.next].path);
      total += hop.latency;
      at = hop.next;
    }
    return {hops, total};
  }
};

using hops = std::vector<std::string>;

TEST(world_network, one_region_is_exactly_region_network) {
  world w({preset("small")});
  region_network alone{preset("small"), switch_kind};
  alone.bind(w.table);
  ASSERT_EQ(w.net.regions(), 1u);
  EXPECT_EQ(w.net.lookahead(), alone.lookahead());
  for (entity_id a = 0; a < w.table.size(); ++a)
    for (entity_id b = 0; b < w.table.size(); ++b) {
      if (a == b)
        continue;
      auto mine = w.net.route(a, b);
      auto theirs = alone.route(a, b);
      ASSERT_EQ(mine.next, theirs.next)
          << w.table[a].path << " -> " << w.table[b].path;
      ASSERT_EQ(mine.latency, theirs.latency);
      ASSERT_EQ(w.net.latency(a, b), alone.latency(a, b));
    }
}

TEST(world_network, inside_a_region_of_several_is_that_regions_network) {
  world w({named("westeurope", ms(30)), named("northeurope", ms(40))});
  region_network north{named("northeurope", ms(40)), switch_kind};
  north.bind(w.table);
  auto [path, total] = w.walk("northeurope/z1/r1/h1", "northeurope/z3/r2/h4");
  EXPECT_EQ(path, (hops{"northeurope/z1/r1/tor", "northeurope/z3/r2/tor",
                        "northeurope/z3/r2/h4"}));
  EXPECT_EQ(total, north.latency(w.id("northeurope/z1/r1/h1"),
                                 w.id("northeurope/z1/r1/tor")) +
                       north.latency(w.id("northeurope/z1/r1/tor"),
                                     w.id("northeurope/z3/r2/tor")) +
                       north.latency(w.id("northeurope/z3/r2/tor"),
                                     w.id("northeurope/z3/r2/h4")));
}

TEST(world_network, across_regions_through_both_gateways_at_cross_region) {
  world w({named("westeurope", ms(30)), named("northeurope", ms(40))});
  auto [path, total] =
      w.walk("westeurope/z2/r1/h3/vm0", "northeurope/z1/r2/h1");
  EXPECT_EQ(path, (hops{"westeurope/z2/r1/tor", "westeurope/gateway",
                        "northeurope/gateway", "northeurope/z1/r2/tor",
                        "northeurope/z1/r2/h1"}));
  EXPECT_EQ(total, ms(30)); // the source region's
  auto back = w.walk("northeurope/z1/r2/h1", "westeurope/z2/r1/h3/vm0");
  EXPECT_EQ(back.first.size(), 5u);
  EXPECT_EQ(back.second, ms(40));
  EXPECT_EQ(
      w.net.latency(w.id("northeurope/z1/r2/h1"), w.id("westeurope/z2/r1/h3")),
      ms(40));
  // Region-level entities have no rack: straight to the gateway.
  auto control = w.walk("westeurope/control", "northeurope/control");
  EXPECT_EQ(control.first, (hops{"westeurope/gateway", "northeurope/gateway",
                                 "northeurope/control"}));
  EXPECT_EQ(control.second, ms(30));
}

TEST(world_network, global_entities_pass_the_regions_gateway) {
  world w({named("westeurope", ms(30)), named("northeurope", ms(40))});
  auto in = w.walk("global/workload/shop", "northeurope/z1/r1/h2");
  EXPECT_EQ(in.first, (hops{"northeurope/gateway", "northeurope/z1/r1/tor",
                            "northeurope/z1/r1/h2"}));
  EXPECT_EQ(in.second, ms(40)); // no source region: the destination's
  auto out = w.walk("westeurope/z1/r1/h2", "global/tm/web");
  EXPECT_EQ(out.first, (hops{"westeurope/z1/r1/tor", "westeurope/gateway",
                             "global/tm/web"}));
  EXPECT_EQ(out.second, ms(30));
  auto global = w.walk("global/workload/shop", "global/tm/web");
  EXPECT_EQ(global.first, (hops{"global/tm/web"}));
  EXPECT_EQ(global.second, ms(30)); // the first region's
}

TEST(world_network, regions_and_gateways_by_path) {
  world w({named("westeurope", ms(30)), named("northeurope", ms(40))});
  EXPECT_EQ(w.net.region_index("northeurope/z1"), 1);
  EXPECT_EQ(w.net.region_index("westeurope"), 0);
  EXPECT_EQ(w.net.region_index("global/tm/web"), -1);
  EXPECT_EQ(w.net.region_index("eastus/z1"), -1);
  EXPECT_EQ(w.net.region_index("westeuropex/z1"), -1);
  EXPECT_EQ(w.net.region_of(w.id("northeurope/z2/r1/tor")), 1);
  EXPECT_EQ(w.net.region_of(w.id("global/tm/web")), -1);
  EXPECT_EQ(w.net.gateway(1), w.id("northeurope/gateway"));
  EXPECT_TRUE(w.net.is_gateway(w.id("westeurope/gateway")));
  EXPECT_FALSE(w.net.is_gateway(w.id("westeurope/control")));
}

TEST(world_network, several_regions_need_their_gateways) {
  std::vector<region> rs{named("westeurope", ms(30)),
                         named("northeurope", ms(30))};
  world_network net(rs, switch_kind, gateway_kind);
  entity_table table;
  lay_out(table, rs[0], true);
  lay_out(table, rs[1], false);
  table.finalize();
  try {
    net.bind(table);
    FAIL() << "bound without northeurope's gateway";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("northeurope/gateway"),
              std::string::npos)
        << e.what();
  }
}

TEST(world_network, lookahead_is_the_smallest_hop_between_nodes) {
  world w({named("westeurope", ms(30)), named("northeurope", ms(40))});
  region_network one{named("westeurope", ms(30)), switch_kind};
  // The zone-crossing switch hop stays the smallest (950 us).
  EXPECT_EQ(w.net.lookahead(), one.lookahead());
  EXPECT_EQ(w.net.lookahead(), us(950));
  // Regions 1.2 ms apart: the hop to the gateway is a third of the rest.
  world near({named("westeurope", us(1200)), named("northeurope", us(1200))});
  EXPECT_EQ(near.net.lookahead(), (us(1200) - us(50)) / 3);
  for (const auto& [src, dst] :
       std::vector<std::pair<std::string, std::string>>{
           {"westeurope/z1/r1/h1", "northeurope/z3/r2/h4"},
           {"westeurope/control", "global/tm/web"},
           {"global/tm/web", "northeurope/z2/r1/h1/vm0"}}) {
    entity_id at = near.id(src);
    sim_time total = 0;
    while (at != near.id(dst)) {
      auto hop = near.net.route(at, near.id(dst));
      if (near.net.region_of(at) != near.net.region_of(hop.next) ||
          near.net.is_gateway(at) || near.net.is_gateway(hop.next)) {
        EXPECT_GE(hop.latency, near.net.lookahead())
            << near.table[at].path << " -> " << near.table[hop.next].path;
      }
      total += hop.latency;
      at = hop.next;
    }
    EXPECT_EQ(total, us(1200)) << src << " -> " << dst;
  }
}

TEST(world_network, regions_over_nodes_first) {
  // One region: zones are the partition.
  EXPECT_EQ(node_of(0, 1, 2, 3), node_of_zone(2, 3));
  EXPECT_EQ(node_of(0, 1, 4, 3), 1u);
  // No more nodes than regions: a region is on one node.
  for (uint32_t z = 0; z < 3; ++z) {
    EXPECT_EQ(node_of(0, 2, z, 2), 0u);
    EXPECT_EQ(node_of(1, 2, z, 2), 1u);
    EXPECT_EQ(node_of(2, 3, z, 2), 0u);
    EXPECT_EQ(node_of(1, 3, z, 1), 0u);
  }
  // Five nodes for two regions: westeurope on 0, 2, 4; the other on 1, 3.
  EXPECT_EQ(node_of(0, 2, 0, 5), 0u);
  EXPECT_EQ(node_of(0, 2, 1, 5), 2u);
  EXPECT_EQ(node_of(0, 2, 2, 5), 4u);
  EXPECT_EQ(node_of(0, 2, 3, 5), 0u);
  EXPECT_EQ(node_of(1, 2, 0, 5), 1u);
  EXPECT_EQ(node_of(1, 2, 1, 5), 3u);
  EXPECT_EQ(node_of(1, 2, 2, 5), 1u);
  EXPECT_EQ(node_of(0, 2, 0, 0), 0u);
}

/// The shard of `path` when region r's zones are on zones[r] and its
/// entities outside the zones on planes[r]; global entities on 0.
uint32_t shard_of(const world& w, const std::string& path,
                  const std::vector<std::vector<uint32_t>>& zones,
                  const std::vector<uint32_t>& planes) {
  auto r = w.net.region_index(path);
  if (r < 0)
    return 0;
  auto rest = path.substr(path.find('/') + 1);
  if (rest[0] != 'z' || !std::isdigit(static_cast<unsigned char>(rest[1])))
    return planes[r];
  return zones[r][std::stoul(rest.substr(1)) - 1];
}

TEST(world_network, lookahead_of_a_partition_bounds_every_crossing_hop) {
  world w({named("westeurope", ms(30)), named("northeurope", ms(40))});
  using zone_map = std::vector<std::vector<uint32_t>>;
  struct layout {
    zone_map zones;
    std::vector<uint32_t> planes;
  };
  const std::vector<layout> layouts{
      {{{0, 0, 0}, {1, 1, 1}}, {0, 1}}, // a region a shard
      {{{1, 1, 1}, {0, 0, 0}}, {1, 0}}, // swapped (an explicit map)
      {{{0, 1, 2}, {3, 3, 3}}, {0, 3}}, // the first region's zones split
      {{{0, 0, 0}, {0, 0, 0}}, {0, 0}}, // one shard
  };
  std::vector<sim_time> got;
  for (const auto& l : layouts) {
    auto lookahead = w.net.lookahead(l.zones, l.planes);
    got.push_back(lookahead);
    sim_time smallest = sim_time_never;
    for (entity_id a = 0; a < w.table.size(); ++a)
      for (entity_id b = 0; b < w.table.size(); ++b)
        for (entity_id at = a; at != b;) {
          auto hop = w.net.route(at, b);
          auto from = shard_of(w, w.table[at].path, l.zones, l.planes);
          auto to = shard_of(w, w.table[hop.next].path, l.zones, l.planes);
          if (from != to) {
            ASSERT_GE(hop.latency, lookahead)
                << w.table[at].path << " -> " << w.table[hop.next].path;
            smallest = std::min(smallest, hop.latency);
          }
          at = hop.next;
        }
    if (smallest != sim_time_never)
      EXPECT_EQ(lookahead, smallest); // and it is the smallest
  }
  // Regions on shards of their own synchronise at the inter-region hop,
  // far above the zone-crossing 950 us of a split region.
  EXPECT_GT(got[0], ms(20));
  EXPECT_GT(got[1], ms(20));
  EXPECT_LE(got[2], us(950));
  EXPECT_EQ(got[3], w.net.lookahead());
}

} // namespace
