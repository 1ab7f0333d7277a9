// Placement rules of the fabric controller (spec Layer 4; Azure docs on
// zones, fault domains and update domains of scale sets).

#include "actors/fabric/placement.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace {

using namespace vmss::fabric;

/// `zones` x `racks` x `hosts` hosts, each with `vcpus` / `ram` free.
std::vector<host_view> region(uint32_t zones, uint32_t racks, uint32_t hosts,
                              uint32_t vcpus = 124, uint32_t ram = 504) {
  std::vector<host_view> out;
  uint32_t id = 0;
  for (uint32_t z = 0; z < zones; ++z)
    for (uint32_t r = 0; r < racks; ++r)
      for (uint32_t h = 0; h < hosts; ++h)
        out.push_back({id++, z, r, vcpus, ram, true});
  return out;
}

/// Places `n` VMs of 2 vCPUs / 8 GB, reserving as it goes.
std::vector<placement> place_many(std::vector<host_view>& hosts,
                                  const scale_set_policy& policy,
                                  scale_set_layout& layout, int n) {
  std::vector<placement> out;
  for (int i = 0; i < n; ++i) {
    auto p = place(hosts, policy, layout, {}, 2, 8);
    if (!p.ok)
      return out;
    layout.add(p.zone, p.rack, p.host);
    auto& h = hosts[p.host];
    h.vcpus_free -= 2;
    h.ram_gb_free -= 8;
    out.push_back(p);
  }
  return out;
}

/// Other tenants' load, different on neighbouring hosts: host i keeps
/// 16 GB and 4 vCPUs less free for each step of i mod 8.
void add_tenants(std::vector<host_view>& hosts) {
  for (auto& h : hosts) {
    h.ram_gb_free -= 16 * (h.host % 8);
    h.vcpus_free -= 4 * (h.host % 8);
  }
}

/// The scale set's VMs per host.
std::map<vmss::entity_id, int> per_host(const std::vector<placement>& ps) {
  std::map<vmss::entity_id, int> out;
  for (const auto& p : ps)
    ++out[p.host];
  return out;
}

// Defect (issue 9, 4b): the emptiest host of the rack won even when it
// already held the set's VMs, so 300 VMs landed on about 200 hosts.
TEST(placement, a_scale_set_takes_a_new_host_while_one_has_room) {
  auto hosts = region(3, 4, 40);
  add_tenants(hosts);
  scale_set_policy policy{{0, 1, 2}, 1, 5, false};
  scale_set_layout layout;
  auto ps = place_many(hosts, policy, layout, 300);
  ASSERT_EQ(ps.size(), 300u);
  EXPECT_EQ(per_host(ps).size(), 300u);
  EXPECT_EQ(layout.per_host.size(), 300u);
}

TEST(placement, a_scale_set_larger_than_the_hosts_spreads_evenly) {
  auto hosts = region(1, 2, 5);
  add_tenants(hosts);
  scale_set_policy policy{{0}, 1, 5, false};
  scale_set_layout layout;
  auto ps = place_many(hosts, policy, layout, 30);
  ASSERT_EQ(ps.size(), 30u);
  auto counts = per_host(ps);
  ASSERT_EQ(counts.size(), hosts.size());
  for (const auto& [host, n] : counts)
    EXPECT_EQ(n, 3) << "host " << host;
}

TEST(placement, the_least_loaded_host_breaks_a_tie_of_the_sets_vms) {
  auto hosts = region(1, 1, 3);
  hosts[0].ram_gb_free = 500; // the emptiest, but it holds one of the set
  hosts[1].ram_gb_free = 300;
  hosts[2].ram_gb_free = 400;
  scale_set_policy policy{{0}, 1, 5, false};
  scale_set_layout layout;
  layout.add(0, 0, 0);
  auto p = place(hosts, policy, layout, {}, 2, 8);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.host, 2u);
}

TEST(placement, proposed_vms_count_with_the_committed_ones) {
  auto hosts = region(2, 1, 3);
  scale_set_policy policy{{0, 1}, 1, 5, false};
  scale_set_layout committed, proposed;
  committed.add(0, 0, 0);
  proposed.add(1, 0, 3);
  proposed.add(0, 0, 1);
  // Zone 1 holds two of the set, zone 2 one: zone 2, on a host without.
  auto p = place(hosts, policy, committed, proposed, 2, 8);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.zone, 1u);
  EXPECT_NE(p.host, 3u);
  EXPECT_EQ(p.update_domain, 3u); // the fourth VM of the set
  proposed.add(1, 0, p.host);
  auto q = place(hosts, policy, committed, proposed, 2, 8);
  ASSERT_TRUE(q.ok);
  EXPECT_EQ(q.host, 2u); // zone 1's host without the set's VMs
}

TEST(placement, a_layout_forgets_a_host_when_its_last_vm_leaves) {
  scale_set_layout layout;
  layout.add(0, 1, 7);
  layout.add(2, 0, 9);
  layout.remove(2, 0, 9);
  EXPECT_EQ(layout.per_host, (std::map<vmss::entity_id, uint32_t>{{7, 1}}));
  EXPECT_EQ(layout.per_rack.count({2, 0}), 0u);
  EXPECT_EQ(layout.per_zone.count(2), 0u);
  EXPECT_EQ(layout.placed, 2u); // the update-domain turn goes on
}

TEST(placement, removing_a_vm_the_layout_never_counted_is_a_bug) {
  scale_set_layout layout;
  layout.add(0, 1, 7);
  EXPECT_DEATH(layout.remove(0, 1, 8),
               "a scale set's VM leaves only where it was counted");
}

TEST(placement, zones_stay_balanced_within_one_vm) {
  auto hosts = region(3, 4, 4);
  scale_set_policy policy{{0, 1, 2}, 1, 5, false};
  scale_set_layout layout;
  for (const auto& p : place_many(hosts, policy, layout, 100)) {
    (void)p;
    auto [lo, hi] = std::minmax_element(
        layout.per_zone.begin(), layout.per_zone.end(),
        [](auto& a, auto& b) { return a.second < b.second; });
    EXPECT_LE(hi->second - lo->second, 1u);
  }
  EXPECT_EQ(layout.placed, 100u);
}

TEST(placement, max_spreading_uses_every_rack_before_doubling_up) {
  auto hosts = region(1, 5, 4);
  scale_set_policy policy{{0}, 1, 5, false};
  scale_set_layout layout;
  auto ps = place_many(hosts, policy, layout, 5);
  std::set<uint32_t> racks;
  for (const auto& p : ps)
    racks.insert(p.rack);
  EXPECT_EQ(racks.size(), 5u);
}

TEST(placement, fixed_fault_domain_count_maps_racks_round_robin) {
  auto hosts = region(1, 6, 2);
  scale_set_policy policy{{0}, 3, 5, false};
  scale_set_layout layout;
  auto ps = place_many(hosts, policy, layout, 9);
  std::map<uint32_t, int> per_fd;
  for (const auto& p : ps) {
    EXPECT_EQ(p.fault_domain, p.rack % 3);
    ++per_fd[p.fault_domain];
  }
  EXPECT_EQ(per_fd, (std::map<uint32_t, int>{{0, 3}, {1, 3}, {2, 3}}));
}

TEST(placement, update_domains_take_turns) {
  auto hosts = region(1, 2, 2);
  scale_set_policy policy{{0}, 1, 5, false};
  scale_set_layout layout;
  auto ps = place_many(hosts, policy, layout, 7);
  for (size_t i = 0; i < ps.size(); ++i)
    EXPECT_EQ(ps[i].update_domain, i % 5);
}

TEST(placement, least_loaded_host_of_the_rack_wins_and_down_hosts_never) {
  auto hosts = region(1, 1, 3);
  hosts[0].ram_gb_free = 100;
  hosts[1].ram_gb_free = 400;
  hosts[2].ram_gb_free = 500;
  hosts[2].up = false;
  scale_set_policy policy{{0}, 1, 5, false};
  scale_set_layout layout;
  auto p = place(hosts, policy, layout, {}, 2, 8);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.host, 1u);
}

TEST(placement, full_region_fails_naming_zone_and_constraint) {
  auto hosts = region(2, 1, 1, 124, 4);
  scale_set_policy policy{{0, 1}, 1, 5, false};
  scale_set_layout layout;
  auto p = place(hosts, policy, layout, {}, 2, 8);
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.failure.find("zone 1: no host has 2 vCPUs, 8 GB and a VM slot "
                           "free"),
            std::string::npos)
      << p.failure;
  EXPECT_NE(p.failure.find("zone 2:"), std::string::npos) << p.failure;
}

TEST(placement, a_host_without_a_free_slot_is_full) {
  auto hosts = region(1, 1, 2);
  hosts[0].slots_free = 0; // the roomier host has no slot left
  hosts[0].ram_gb_free = 500;
  scale_set_policy policy{{0}, 1, 5, false};
  scale_set_layout layout;
  auto p = place(hosts, policy, layout, {}, 2, 8);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.host, 1u);
  hosts[1].slots_free = 0;
  EXPECT_FALSE(place(hosts, policy, layout, {}, 2, 8).ok);
}

TEST(placement, strict_zone_balance_fails_rather_than_unbalance) {
  auto hosts = region(2, 1, 1);
  hosts[0].ram_gb_free = 4; // zone 1 is full
  scale_set_policy strict{{0, 1}, 1, 5, true};
  scale_set_layout layout;
  auto p = place(hosts, strict, layout, {}, 2, 8);
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.failure.find("strict zone balance"), std::string::npos);
  scale_set_policy relaxed{{0, 1}, 1, 5, false};
  auto q = place(hosts, relaxed, layout, {}, 2, 8);
  ASSERT_TRUE(q.ok);
  EXPECT_EQ(q.zone, 1u);
}

TEST(placement, a_zonal_request_places_only_in_its_zone) {
  auto hosts = region(3, 1, 1);
  scale_set_policy policy{{0, 1, 2}, 1, 5, false};
  scale_set_layout layout;
  layout.add(0, 0, 0);
  layout.add(1, 0, 1); // zone 3 is the emptiest: a regional VM goes there
  EXPECT_EQ(place(hosts, policy, layout, {}, 2, 8).zone, 2u);
  auto zonal = policy_for(policy, 0, 0);
  ASSERT_TRUE(zonal.ok) << zonal.failure;
  auto p = place(hosts, zonal.policy, layout, {}, 2, 8);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.zone, 0u);
  // Its zone full: refused, naming that zone only (no other zone takes it).
  hosts[0].ram_gb_free = 4;
  auto full = place(hosts, zonal.policy, layout, {}, 2, 8);
  EXPECT_FALSE(full.ok);
  EXPECT_EQ(full.failure.find("zone 1: no host has"), 0u) << full.failure;
  EXPECT_EQ(full.failure.find("zone 2"), std::string::npos) << full.failure;
}

TEST(placement, a_request_overrides_the_fault_domain_count) {
  auto hosts = region(1, 6, 1);
  scale_set_policy policy{{0}, 1, 5, false}; // max spreading
  auto five = policy_for(policy, -1, 5);
  ASSERT_TRUE(five.ok);
  EXPECT_EQ(five.policy.fault_domains, 5u);
  EXPECT_EQ(five.policy.zones, policy.zones); // any zone of the policy
  scale_set_layout layout;
  auto ps = place_many(hosts, five.policy, layout, 6);
  ASSERT_EQ(ps.size(), 6u);
  std::set<uint32_t> fds;
  for (const auto& p : ps)
    fds.insert(p.fault_domain);
  EXPECT_EQ(fds, (std::set<uint32_t>{0, 1, 2, 3, 4})); // racks 0 and 5 share
  EXPECT_EQ(policy_for(policy, -1, 0).policy.fault_domains, 1u); // 0: policy's
}

TEST(placement, a_bad_request_is_refused_naming_zone_and_constraint) {
  scale_set_policy policy{{0, 1}, 1, 5, false};
  auto zone = policy_for(policy, 2, 0);
  EXPECT_FALSE(zone.ok);
  EXPECT_EQ(zone.failure, "zone 3: not a zone the controller places in");
  auto fd = policy_for(policy, 1, 4);
  EXPECT_FALSE(fd.ok);
  EXPECT_EQ(fd.failure, "zone 2: platformFaultDomainCount 4 is not 1, 2, 3 "
                        "or 5");
  EXPECT_EQ(policy_for(policy, -1, 4).failure,
            "any zone: platformFaultDomainCount 4 is not 1, 2, 3 or 5");
}

TEST(placement, bad_policies_are_rejected_with_the_field) {
  EXPECT_THROW(validate({{}, 1, 5, false}, 3), std::invalid_argument);
  EXPECT_THROW(validate({{3}, 1, 5, false}, 3), std::invalid_argument);
  try {
    validate({{0}, 4, 5, false}, 3);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("platformFaultDomainCount"),
              std::string::npos);
  }
}

} // namespace
