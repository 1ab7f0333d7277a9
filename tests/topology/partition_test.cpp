// The partition rules of cluster.conf: which node process and which lane
// (shard s runs in process s % P, lane s / P) runs each zone.
#include "topology/partition.hpp"
#include "topology/world_network.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace vmss::topology;

/// Zone paths of regions with the given zone counts ("r0/z1", ...).
std::vector<std::vector<std::string>> world(std::vector<uint32_t> zones) {
  std::vector<std::vector<std::string>> out;
  for (size_t r = 0; r < zones.size(); ++r) {
    out.emplace_back();
    for (uint32_t z = 0; z < zones[r]; ++z)
      out.back().push_back("r" + std::to_string(r) + "/z" +
                           std::to_string(z + 1));
  }
  return out;
}

using shards = std::vector<std::vector<uint32_t>>;

TEST(partition, without_processes_by_zone_is_node_of_on_the_shards) {
  partition p; // not given: every shard a process (today's rule)
  auto w = world({3, 3});
  for (uint32_t n : {1u, 2u, 3u, 5u}) {
    auto got = zone_shards(p, w, n);
    for (uint32_t r = 0; r < 2; ++r)
      for (uint32_t z = 0; z < 3; ++z)
        EXPECT_EQ(got[r][z], node_of(r, 2, z, n)) << n << " " << r << z;
  }
}

TEST(partition, by_zone_on_one_region_matches_node_of_with_lanes) {
  // One region: zone z is on process z % P, and the zones of a process go
  // round-robin over its lanes, which is node_of_zone(z, P * L).
  partition p;
  p.processes = 3;
  auto w = world({12});
  auto got = zone_shards(p, w, 6); // 2 lanes
  for (uint32_t z = 0; z < 12; ++z) {
    EXPECT_EQ(got[0][z], node_of_zone(z, 6)) << z;
    EXPECT_EQ(got[0][z] % 3, z % 3) << z;
  }
}

TEST(partition, by_region_keeps_a_region_in_one_process_over_its_lanes) {
  partition p;
  p.rule = partition_rule::by_region;
  p.processes = 2;
  auto got = zone_shards(p, world({3, 3, 2}), 4); // 2 lanes a process
  // Region 0 on process 0: shards 0, 2, 0; region 1 on process 1: 1, 3, 1;
  // region 2 on process 0 again, its zones continuing the round: 2, 0.
  EXPECT_EQ(got, (shards{{0, 2, 0}, {1, 3, 1}, {2, 0}}));
  for (const auto& region : got)
    for (auto s : region)
      EXPECT_LT(s, 4u);
  // One lane: a region is one shard.
  EXPECT_EQ(zone_shards(p, world({3, 3}), 2), (shards{{0, 0, 0}, {1, 1, 1}}));
}

TEST(partition, explicit_map_takes_regions_and_zones) {
  partition p;
  p.rule = partition_rule::explicit_map;
  p.processes = 3;
  p.assign = {{"r0", 2}, {"r0/z2", 0}, {"r1", 1}};
  EXPECT_EQ(zone_shards(p, world({3, 2}), 3), (shards{{2, 0, 2}, {1, 1}}));
  // Two lanes: process 2's zones r0/z1, r0/z3 go to shards 2 and 5.
  EXPECT_EQ(zone_shards(p, world({3, 2}), 6), (shards{{2, 0, 5}, {1, 4}}));
}

TEST(partition, explicit_map_errors_name_the_source_and_the_zone) {
  partition p;
  p.rule = partition_rule::explicit_map;
  p.processes = 2;
  p.source = "c.conf";
  p.assign = {{"r0", 0}};
  try {
    zone_shards(p, world({1, 2}), 2);
    FAIL() << "r1 has no node";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "c.conf: cluster.assign: zone r1/z1 has no node "
                           "(give r1=K or r1/z1=K)");
  }
  p.assign = {{"r0", 0}, {"r1", 1}, {"r9", 1}};
  EXPECT_THROW(zone_shards(p, world({1, 2}), 2), std::invalid_argument);
  p.assign = {{"r0", 0}, {"r1", 2}};
  EXPECT_THROW(zone_shards(p, world({1, 2}), 2), std::invalid_argument);
}

TEST(partition, shards_must_be_whole_lanes) {
  partition p;
  p.processes = 2;
  EXPECT_THROW(zone_shards(p, world({3}), 3), std::invalid_argument);
}

TEST(partition, text_round_trip) {
  partition p;
  p.rule = partition_rule::explicit_map;
  p.processes = 3;
  p.source = "/tmp/my cluster.conf";
  p.assign = {{"westeurope", 0}, {"northeurope/z2", 2}};
  EXPECT_EQ(parse_partition(partition_text(p)), p);
  EXPECT_THROW(parse_partition("by-zone"), std::invalid_argument);
  EXPECT_THROW(parse_partition("by-land\t1\tx"), std::invalid_argument);
  EXPECT_EQ(parse_rule("by-region"), partition_rule::by_region);
}

} // namespace
