// Service healing through the vmss-sim binary (issue 11), with short
// detection and healing times (down_after, heal_after) so that the runs
// stay short; the defaults are Azure's minutes (docs/model.md).
//   - a host under a scale-set VM crashes: marked down, its VM lost, after
//     heal_after moved to another host of the same zone (same instance, it
//     goes through Creating there); when the host comes back, the stale
//     copy it still runs is deleted (no zombie);
//   - a zone only cut off from the controller: its hosts are marked down
//     but no host of the zone can be reached, so nothing moves; when the
//     partition heals, host_up, and the VMs were never moved.

#include "tests/support/traced_run.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace vmss_test;

constexpr long long s_ns = 1'000'000'000LL;
const std::string base = "region vms=3 tenants=0 down_after=5s heal_after=20s";

/// The host of VM `vm` in a calm run's placements.
std::string host_of(const std::vector<jsonl_record>& all,
                    const std::string& vm) {
  for (const auto& p : having(all, "placement"))
    if (p.field("vm") == vm)
      return p.field("host");
  return "";
}

TEST(fabric_healing, a_crashed_hosts_vm_moves_and_its_stale_copy_is_deleted) {
  auto calm =
      run_traced("run --model '" + base + "' --until 15s", "healing-calm");
  auto host = host_of(calm, "demo-vmss/1");
  ASSERT_FALSE(host.empty());
  auto all =
      run_traced("run --model '" + base + " faults=host_crash@200s:" + host +
                     "+host_restore@300s:" + host + "' --until 500s",
                 "healing");
  auto down = having(all, "host_down");
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].field("host"), host);
  // 5 s of silence, then a sweep (if the host ran the leader, as
  // westeurope/zN/r1/h1 does, a new leader first waits its 5 s grace).
  EXPECT_LT(down[0].t_ns, 215 * s_ns);
  auto healed = having(all, "vm_healed");
  ASSERT_EQ(healed.size(), 1u);
  EXPECT_EQ(healed[0].field("vm"), "demo-vmss/1");
  EXPECT_EQ(healed[0].field("from"), host);
  auto to = healed[0].field("to");
  EXPECT_NE(to, host);
  EXPECT_EQ(zone_of(to), zone_of(host));               // it stays in its zone
  EXPECT_GE(healed[0].t_ns, down[0].t_ns + 20 * s_ns); // after heal_after
  EXPECT_LT(healed[0].t_ns, down[0].t_ns + 23 * s_ns);
  auto moved = having(all, "vm_moved");
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].field("host"), to);
  // The same instance goes through Creating on its new host and comes up
  // (Running: the model string's scale set has no health extension).
  bool created = false, running = false;
  for (const auto& r : having(all, "vm_state"))
    if (starts_with(r.entity(), to + "/") && r.field("instance_id") == "1" &&
        r.t_ns > healed[0].t_ns) {
      created |= r.field("state") == "creating";
      running |= r.field("state") == "running";
    }
  EXPECT_TRUE(created);
  EXPECT_TRUE(running);
  // The host returns at 300 s with the old copy: the leader deletes it.
  auto zombies = having(all, "zombie_deleted");
  ASSERT_EQ(zombies.size(), 1u);
  EXPECT_EQ(zombies[0].field("vm"), "demo-vmss/1");
  EXPECT_EQ(zombies[0].field("host"), host);
  EXPECT_GT(zombies[0].t_ns, 300 * s_ns);
  bool deleted = false;
  for (const auto& r : having(all, "vm_state"))
    deleted |= starts_with(r.entity(), host + "/") &&
               r.field("instance_id") == "1" && r.field("state") == "deleted";
  EXPECT_TRUE(deleted);
}

TEST(fabric_healing, a_cut_off_zone_is_not_written_off) {
  auto calm =
      run_traced("run --model '" + base + "' --until 15s", "cutoff-calm");
  auto leaders = having(calm, "leader_elected");
  ASSERT_FALSE(leaders.empty());
  auto leader_zone = zone_of(leaders[0].entity());
  // A VM in another zone; cut that zone off from the two others.
  std::string vm, host;
  for (const auto& p : having(calm, "placement"))
    if (zone_of(p.field("host")) != leader_zone) {
      vm = p.field("vm");
      host = p.field("host");
      break;
    }
  ASSERT_FALSE(vm.empty());
  auto zone = zone_of(host);
  std::string plan;
  for (const std::string z : {"z1", "z2", "z3"}) {
    if (z == zone)
      continue;
    auto pair = "westeurope/" + zone + ":westeurope/" + z;
    plan += (plan.empty() ? "" : "+") + ("zone_partition@200s:" + pair) +
            "+zone_heal@260s:" + pair;
  }
  auto all = run_traced(
      "run --model '" + base + " faults=" + plan + "' --until 300s", "cutoff");
  // Its hosts are marked down (the controller cannot tell)...
  size_t down = 0;
  for (const auto& r : having(all, "host_down"))
    down += zone_of(r.field("host")) == zone;
  EXPECT_GT(down, 0u);
  // ...but no host of the zone is reachable: the VM waits where it is.
  bool deferred = false;
  for (const auto& r : having(all, "heal_deferred"))
    deferred |= r.field("vm") == vm && r.field("host") == host;
  EXPECT_TRUE(deferred);
  EXPECT_TRUE(having(all, "vm_healed").empty());
  EXPECT_TRUE(having(all, "zombie_deleted").empty());
  // The partition heals: every host of the zone is up again.
  size_t up = 0;
  for (const auto& r : having(all, "host_up"))
    up += zone_of(r.field("host")) == zone && r.t_ns > 260 * s_ns;
  EXPECT_EQ(up, down);
  // The VM kept running on its host throughout (never recreated).
  for (const auto& r : having(all, "vm_state"))
    if (starts_with(r.entity(), host + "/") && r.t_ns > 200 * s_ns)
      EXPECT_NE(r.field("state"), "creating") << r.line;
}

} // namespace
