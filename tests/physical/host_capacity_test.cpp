#include "actors/physical/host_capacity.hpp"
#include "kernel/rng.hpp"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace vmss::physical;

TEST(host_capacity, keeps_hypervisor_overhead_and_allows_2_to_1_vcpus) {
  host_capacity host(64, 512);
  EXPECT_EQ(host.ram_gb_usable(), 504u);
  EXPECT_EQ(host.vcpus_usable(), 124u);
  // 62 VMs of 2 vCPUs / 8 GB use 124 vCPUs on 62 free cores: 2:1.
  for (uint64_t vm = 0; vm < 62; ++vm)
    ASSERT_EQ(host.reserve(vm, {2, 8}), reserve_result::ok) << vm;
  EXPECT_EQ(host.reserve(100, {1, 1}), reserve_result::no_vcpus);
  EXPECT_EQ(host.reserve(5, {2, 8}), reserve_result::duplicate);
  EXPECT_TRUE(host.release(5));
  EXPECT_FALSE(host.release(5));
  EXPECT_EQ(host.reserve(100, {2, 8}), reserve_result::ok);
}

TEST(host_capacity, ram_is_reserved_strictly) {
  host_capacity host(64, 512);
  EXPECT_EQ(host.reserve(1, {4, 500}), reserve_result::ok);
  EXPECT_EQ(host.reserve(2, {1, 5}), reserve_result::no_ram);
  EXPECT_EQ(host.reserve(3, {1, 4}), reserve_result::ok);
  EXPECT_EQ(host.ram_gb_reserved(), 504u);
}

TEST(host_capacity, ram_never_over_committed_under_random_creates) {
  host_capacity host(64, 512);
  vmss::rng r(2024, 1);
  std::map<uint64_t, vm_size> live;
  for (uint64_t step = 0; step < 20000; ++step) {
    if (!live.empty() && r.below(3) == 0) {
      auto it =
          std::next(live.begin(), static_cast<long>(r.below(live.size())));
      ASSERT_TRUE(host.release(it->first));
      live.erase(it);
    } else {
      vm_size size{static_cast<uint32_t>(1 << r.below(5)),
                   static_cast<uint32_t>(4 << r.below(6))};
      if (host.reserve(step, size) == reserve_result::ok)
        live.emplace(step, size);
    }
    uint32_t ram = 0, vcpus = 0;
    for (auto& [vm, size] : live) {
      ram += size.ram_gb;
      vcpus += size.vcpus;
    }
    ASSERT_EQ(host.ram_gb_reserved(), ram);
    ASSERT_LE(ram, host.ram_gb_usable());
    ASSERT_LE(vcpus, host.vcpus_usable());
  }
}

} // namespace

namespace vmss_fill_test {

using namespace vmss::physical;

std::vector<uint64_t> vm_ids(size_t n) {
  std::vector<uint64_t> out;
  for (uint64_t i = 0; i < n; ++i)
    out.push_back(1000 + i);
  return out;
}

/// The region preset's server (64 cores, 512 GB, 42 slots of which 38 for
/// tenants) reaches the spec's 93% of threads and of RAM on every seed,
/// within the usable capacity.
TEST(fill_tenants, region_server_reaches_93_percent_of_vcpus_and_ram) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    host_capacity host(64, 512);
    vmss::rng r(seed, 7);
    auto placed = fill_tenants(host, 0.93, vm_ids(38), r);
    ASSERT_LE(placed, 38u);
    ASSERT_GE(host.vcpus_reserved(), 0.93 * 128) << "seed " << seed;
    ASSERT_GE(host.ram_gb_reserved(), 0.93 * 512) << "seed " << seed;
    ASSERT_LE(host.vcpus_reserved(), host.vcpus_usable());
    ASSERT_LE(host.ram_gb_reserved(), host.ram_gb_usable());
    // No more than the smallest tenant past the share: room is left.
    ASSERT_LE(host.vcpus_reserved(), 120u + 2) << "seed " << seed;
  }
}

/// The small preset's server has 7 tenant slots: big sizes reach 50%.
TEST(fill_tenants, few_slots_still_reach_the_share) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    host_capacity host(64, 512);
    vmss::rng r(seed, 3);
    auto placed = fill_tenants(host, 0.5, vm_ids(7), r);
    ASSERT_LE(placed, 7u);
    ASSERT_GE(host.vcpus_reserved(), 64u) << "seed " << seed;
    ASSERT_GE(host.ram_gb_reserved(), 256u) << "seed " << seed;
  }
}

/// Asked for more than the server holds, the fill stops at the usable
/// capacity: RAM is never over-committed, vCPUs never past 2:1.
TEST(fill_tenants, a_full_share_never_over_commits) {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    host_capacity host(64, 512);
    vmss::rng r(seed, 5);
    auto placed = fill_tenants(host, 1.0, vm_ids(200), r);
    EXPECT_GT(placed, 0u);
    ASSERT_LE(host.ram_gb_reserved(), host.ram_gb_usable());
    ASSERT_LE(host.vcpus_reserved(), host.vcpus_usable());
    // Full up to less than the smallest tenant.
    ASSERT_GT(host.vcpus_reserved() + 2, host.vcpus_usable());
  }
}

TEST(fill_tenants, nothing_for_a_zero_share_and_each_vm_reserved_once) {
  host_capacity host(64, 512);
  vmss::rng r(1, 1);
  EXPECT_EQ(fill_tenants(host, 0, vm_ids(38), r), 0u);
  EXPECT_EQ(host.vcpus_reserved(), 0u);
  auto ids = vm_ids(38);
  auto placed = fill_tenants(host, 0.93, ids, r);
  uint32_t vcpus = 0;
  for (size_t i = 0; i < placed; ++i)
    vcpus += host.reservation(ids[i]).vcpus;
  EXPECT_EQ(vcpus, host.vcpus_reserved());
  EXPECT_THROW(host.reservation(ids[placed]), std::out_of_range);
}

} // namespace vmss_fill_test
