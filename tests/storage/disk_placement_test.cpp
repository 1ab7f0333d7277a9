#include "actors/storage/disk_placement.hpp"
#include "storage_net.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace {

using namespace vmss::storage;
using vmss::storage::testing::test_region;

std::set<uint32_t> fault_domains(const disk_servers& s) {
  return {s[0].fault_domain(), s[1].fault_domain(), s[2].fault_domain()};
}

TEST(disk_placement, lrs_uses_3_fault_domains_of_one_cluster_of_the_vm_zone) {
  auto r = test_region();
  for (uint64_t disk = 0; disk < 2000; ++disk) {
    auto s = place_disk(r, 1, disk, disk_redundancy::lrs);
    for (const auto& server : s) {
      ASSERT_EQ(server.zone, 1u) << disk;
      ASSERT_EQ(server.cluster, s[0].cluster) << disk;
      ASSERT_LT(server.node, r.storage_nodes_per_cluster);
    }
    ASSERT_EQ(fault_domains(s).size(), 3u) << disk;
  }
}

TEST(disk_placement, zrs_uses_3_zones_the_vm_zone_first) {
  auto r = test_region();
  for (uint64_t disk = 0; disk < 2000; ++disk) {
    auto s = place_disk(r, 2, disk, disk_redundancy::zrs);
    ASSERT_EQ(s[0].zone, 2u);
    ASSERT_EQ((std::set<uint32_t>{s[0].zone, s[1].zone, s[2].zone}).size(), 3u);
  }
  r.zones = 2;
  EXPECT_THROW(place_disk(r, 0, 7, disk_redundancy::zrs),
               std::invalid_argument);
  EXPECT_NO_THROW(place_disk(r, 0, 7, disk_redundancy::lrs));
}

TEST(disk_placement, is_deterministic_and_names_storage_paths) {
  auto r = test_region();
  auto a = disk_replica_paths(r, 1, 4242, disk_redundancy::lrs);
  EXPECT_EQ(a, disk_replica_paths(r, 1, 4242, disk_redundancy::lrs));
  auto s = place_disk(r, 1, 4242, disk_redundancy::lrs);
  EXPECT_EQ(a[0],
            vmss::topology::storage_node_path(r, 1, s[0].cluster, s[0].node));
  EXPECT_EQ(a[0].rfind("westeurope/z2/s", 0), 0u) << a[0];
}

TEST(disk_placement, spreads_replicas_and_primaries_evenly) {
  auto r = test_region();
  const uint64_t disks = 9000;
  std::map<std::pair<uint32_t, uint32_t>, int> replicas, primaries;
  for (uint64_t disk = 0; disk < disks; ++disk) {
    auto s = place_disk(r, 0, disk, disk_redundancy::lrs);
    ++primaries[{s[0].cluster, s[0].node}];
    for (const auto& server : s)
      ++replicas[{server.cluster, server.node}];
  }
  auto servers = r.storage_clusters_per_zone * r.storage_nodes_per_cluster;
  ASSERT_EQ(replicas.size(), servers);
  ASSERT_EQ(primaries.size(), servers);
  double mean_replicas = 3.0 * disks / servers,
         mean_primaries = 1.0 * disks / servers;
  for (const auto& [server, n] : replicas) {
    EXPECT_NEAR(n, mean_replicas, 0.15 * mean_replicas);
    EXPECT_NEAR(primaries[server], mean_primaries, 0.2 * mean_primaries);
  }
}

TEST(disk_placement,
     lrs_replacement_takes_the_lost_fault_domain_of_the_cluster) {
  auto r = test_region();
  auto initial = place_disk(r, 0, 77, disk_redundancy::lrs);
  std::vector<storage_server> members{initial[0], initial[2]};
  std::vector<storage_server> excluded{initial[1]};
  auto s = replacement_server(r, 77, initial, members, excluded,
                              disk_redundancy::lrs);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->zone, 0u);
  EXPECT_EQ(s->cluster, initial[0].cluster);
  EXPECT_EQ(s->fault_domain(), initial[1].fault_domain());
  EXPECT_FALSE(s->node == initial[1].node);
  // Once every server of that fault domain failed the disk, none is left.
  for (uint32_t n = initial[1].fault_domain(); n < r.storage_nodes_per_cluster;
       n += 3)
    excluded.push_back({0, initial[0].cluster, n});
  EXPECT_FALSE(replacement_server(r, 77, initial, members, excluded,
                                  disk_redundancy::lrs)
                   .has_value());
}

TEST(disk_placement, zrs_replacement_stays_in_the_lost_zone) {
  auto r = test_region();
  auto initial = place_disk(r, 1, 78, disk_redundancy::zrs);
  std::vector<storage_server> members{initial[0], initial[1]};
  auto s = replacement_server(r, 78, initial, members, {initial[2]},
                              disk_redundancy::zrs);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->zone, initial[2].zone);
  EXPECT_FALSE(*s == initial[2]);
}

} // namespace
