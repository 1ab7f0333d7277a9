#include "topology/region.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace {

using namespace vmss;
using namespace vmss::topology;

std::string write_file(const std::string& name, const std::string& text) {
  auto path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

/// The error text of read_region on `text`, or "" if it was accepted.
std::string error_of(const std::string& text) {
  auto path = write_file("topology-test.json", text);
  try {
    read_region(path);
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

TEST(topology, region_preset_matches_spec_layer_7) {
  auto r = preset("region");
  EXPECT_EQ(r.zones, 3u);
  EXPECT_EQ(r.racks_per_zone, 40u);
  EXPECT_EQ(r.hosts_per_rack, 40u);
  EXPECT_EQ(r.hosts(), 4800u);
  EXPECT_EQ(r.host_cores, 64u);
  EXPECT_EQ(r.host_ram_gb, 512u);
  EXPECT_EQ(r.tor_port_gbps, 25u);
  EXPECT_EQ(r.tor_uplinks, 2u);
  EXPECT_EQ(r.tor_uplink_gbps, 100u);
  EXPECT_EQ(r.fc_replica_sites.size(), 5u);
  EXPECT_NO_THROW(validate(r));
  EXPECT_THROW(preset("huge"), std::invalid_argument);
}

TEST(topology, paths_are_padded_and_locate_back) {
  auto r = preset("region");
  EXPECT_EQ(host_path(r, 1, 6, 12), "westeurope/z2/r07/h13");
  auto loc = locate(r, "westeurope/z2/r07/h13/vm4");
  EXPECT_EQ(loc.zone, 1);
  EXPECT_EQ(loc.rack, 6);
  EXPECT_EQ(loc.host, 12);
  auto zone_only = locate(r, zone_path(r, 2));
  EXPECT_EQ(zone_only.zone, 2);
  EXPECT_EQ(zone_only.rack, -1);
  EXPECT_EQ(locate(r, "eastus/z1").zone, -1);
  EXPECT_EQ(tor_path(r, 1, 6), "westeurope/z2/r07/tor");
  auto tor = locate(r, tor_path(r, 1, 6));
  EXPECT_EQ(tor.rack, 6);
  EXPECT_EQ(tor.host, -1);
  // Storage clusters are racks numbered after the compute racks.
  EXPECT_EQ(storage_node_path(r, 2, 1, 3), "westeurope/z3/s2/n4");
  auto server = locate(r, storage_node_path(r, 2, 1, 3));
  EXPECT_EQ(server.zone, 2);
  EXPECT_EQ(server.rack, 41);
  EXPECT_EQ(server.host, 3);
}

TEST(topology, latency_grows_with_distance) {
  auto r = preset("small");
  auto at = [&](const std::string& p) { return locate(r, p); };
  auto h = at("westeurope/z1/r1/h1/vm0");
  EXPECT_EQ(latency(r, h, at("westeurope/z1/r1/h1/vm1")), r.latency.same_host);
  EXPECT_EQ(latency(r, h, at("westeurope/z1/r1/h2")), r.latency.same_rack);
  EXPECT_EQ(latency(r, h, at("westeurope/z1/r2/h1")), r.latency.cross_rack);
  EXPECT_EQ(latency(r, h, at("westeurope/z3/r1/h1")), r.latency.cross_zone);
  EXPECT_EQ(latency(r, h, at("northeurope/z1/r1/h1")), r.latency.cross_region);
  EXPECT_LT(r.latency.same_host, r.latency.same_rack);
  EXPECT_LT(r.latency.cross_rack, r.latency.cross_zone);
}

TEST(topology, zones_partition_onto_nodes) {
  EXPECT_EQ(node_of_zone(0, 1), 0u);
  EXPECT_EQ(node_of_zone(2, 3), 2u);
  EXPECT_EQ(node_of_zone(2, 2), 0u);
}

TEST(topology, file_overrides_the_region_preset) {
  auto path = write_file("topology-ok.json", R"({
    "region": "northeurope", "zones": 2, "racks_per_zone": 3,
    "hosts_per_rack": 5, "host": {"cores": 32},
    "latency_us": {"cross_zone": 1500},
    "fc_replica_sites": ["z1", "z2/r03", "z1/r02"]
  })");
  auto r = read_region(path);
  EXPECT_EQ(r.name, "northeurope");
  EXPECT_EQ(r.hosts(), 30u);
  EXPECT_EQ(r.host_cores, 32u);
  EXPECT_EQ(r.host_ram_gb, 512u); // kept from the preset
  EXPECT_EQ(r.latency.cross_zone, us(1500));
}

TEST(topology, bad_files_name_the_field_and_the_reason) {
  EXPECT_NE(error_of(R"({"zone": 3})").find("topology.zone: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"racks_per_zone": -4})")
                .find("topology.racks_per_zone: must be a whole number"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"host": {"cpus": 8}})")
                .find("topology.host.cpus: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"zones": "three"})")
                .find("topology.zones: must be a whole number"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"fc_replica_sites": ["z4/r01"]})")
                .find("fc_replica_sites: 'z4/r01' does not exist"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"latency_us": {"cross_zone": -1}})")
                .find("latency_us.cross_zone: must be a non-negative"),
            std::string::npos);
  EXPECT_NE(error_of("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of("{}"), "");
}

// Each of these was accepted by `topology show` (read_region) before.
TEST(topology, files_a_run_would_reject_are_rejected) {
  // nlohmann kept the last of two equal keys.
  EXPECT_NE(
      error_of(R"({"zones": 3, "zones": 4})").find("duplicate key \"zones\""),
      std::string::npos)
      << error_of(R"({"zones": 3, "zones": 4})");
  EXPECT_NE(error_of(R"({"host": {"cores": 8, "cores": 9}})")
                .find("duplicate key \"cores\""),
            std::string::npos);
  // Control characters, spaces and plan separators in the region name.
  for (auto name : {"west\\u0001europe", "west europe", "west:eu", "west+eu",
                    "west/eu", ""})
    EXPECT_NE(error_of(std::string(R"({"region": ")") + name + "\"}")
                  .find("topology.region: "),
              std::string::npos)
        << name;
  // A latency below 1 ns became 0, 1.5 ns became 1.
  EXPECT_NE(error_of(R"({"latency_us": {"same_host": 0.0001}})")
                .find("latency_us.same_host: 0.0001 us is not a whole number "
                      "of nanoseconds"),
            std::string::npos)
      << error_of(R"({"latency_us": {"same_host": 0.0001}})");
  EXPECT_NE(error_of(R"({"latency_us": {"same_host": 0.0015}})")
                .find("not a whole number of nanoseconds"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"latency_us": {"same_host": 0.001}})"), "");
  // A run failed building the fabric controller's replicas.
  EXPECT_NE(error_of(R"({"hosts_per_rack": 2,
                         "fc_replica_sites": ["z1/r01", "z1/r01", "z1/r01"]})")
                .find("more replicas in rack 'z1/r01' than it has hosts"),
            std::string::npos);
  // sscanf's %u took a sign and wrapped.
  EXPECT_NE(error_of(R"({"fc_replica_sites": ["z+1"]})")
                .find("'z+1' is not zN or zN/rM"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"fc_replica_sites": ["z1/r-1"]})")
                .find("is not zN or zN/rM"),
            std::string::npos);
}

TEST(topology, locate_reads_path_numbers_strictly) {
  auto r = preset("small");
  // std::stoll threw std::out_of_range on this.
  EXPECT_EQ(locate(r, "westeurope/z99999999999999999999").zone, -1);
  EXPECT_EQ(locate(r, "westeurope/z1/r+1").rack, -1);
  EXPECT_EQ(locate(r, "westeurope/z0/r1").rack, -1);
}

TEST(topology, sizes_are_checked_before_anything_is_built) {
  auto r = preset("region");
  // 211,386 entities and the client (counted always).
  EXPECT_EQ(entity_count(r, default_vm_slots), 211'387u);
  EXPECT_NO_THROW(check_size(r, default_vm_slots));
  auto path = write_file("topology-huge.json", R"({
    "zones": 1000, "racks_per_zone": 1000, "hosts_per_rack": 1000})");
  auto huge = read_region(path);
  try {
    check_size(huge, default_vm_slots);
    FAIL() << "accepted 10^9 hosts";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(1000000000 hosts, 42 VM slots "
                                         "each): 44001020007 entities would "
                                         "need ≈ "),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("GB; this machine has "),
              std::string::npos)
        << e.what();
  }
  // Saturates instead of wrapping.
  huge.zones = huge.racks_per_zone = huge.hosts_per_rack = 1'000'000;
  EXPECT_EQ(entity_count(huge, 1000), UINT64_MAX);
}

} // namespace

TEST(topology, fc_replicas_take_the_first_free_host_of_their_site) {
  auto r = preset("small");
  EXPECT_EQ(
      fc_replica_hosts(r),
      (std::vector<std::string>{"westeurope/z1/r1/h1", "westeurope/z1/r2/h1",
                                "westeurope/z2/r1/h1", "westeurope/z2/r2/h1",
                                "westeurope/z3/r1/h1"}));
  r.fc_replica_sites = {"z2", "z2/r1", "z2/r01"};
  EXPECT_EQ(
      fc_replica_hosts(r),
      (std::vector<std::string>{"westeurope/z2/r1/h1", "westeurope/z2/r1/h2",
                                "westeurope/z2/r1/h3"}));
  r.hosts_per_rack = 2;
  EXPECT_THROW(fc_replica_hosts(r), std::invalid_argument);
  // Spread: zones first, then racks.
  auto one_zone = preset("small");
  one_zone.zones = 1;
  EXPECT_EQ(spread_fc_sites(one_zone, 3),
            (std::vector<std::string>{"z1/r1", "z1/r2", "z1/r1"}));
  EXPECT_EQ(spread_fc_sites(preset("small"), 4),
            (std::vector<std::string>{"z1/r1", "z2/r1", "z3/r1", "z1/r2"}));
}
