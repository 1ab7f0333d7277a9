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
