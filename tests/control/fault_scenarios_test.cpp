// Faults added with the control actor, in scenario timelines through the
// vmss-sim binary, each with the same digest on 1 and 3 node processes:
// fc_leader_kill (the replica that leads at that time crashes, a new leader
// is elected, the killed one restarts after its duration or at
// fc_leader_restore) and capacity_exhaustion (allocations in the zone or
// region fail with Azure's error, the scale set places elsewhere or waits,
// running VMs keep running) and extension_failure (an instance, or every
// instance of a set, is provisioningState Failed until extension_restore or
// a reimage; automatic repairs pass it over).

#include "tests/support/scratch.hpp"
#include "tests/support/traced_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace vmss_test;

constexpr long long s_ns = 1'000'000'000LL;

std::string testdata(const std::string& name) {
  return std::string(VMSS_SOURCE_DIR) + "/tests/control/testdata/" + name;
}

/// The entity of the first `event` record in [from, to) seconds.
std::string who(const std::vector<jsonl_record>& all, const std::string& event,
                long long from, long long to) {
  for (const auto& r : all)
    if (r.event() == event && r.t_ns >= from * s_ns && r.t_ns < to * s_ns)
      return r.entity();
  return "";
}

std::vector<long long> seconds_of(const std::vector<jsonl_record>& all,
                                  const std::string& entity,
                                  const std::string& event) {
  std::vector<long long> out;
  for (const auto& r : having(all, event))
    if (r.entity() == entity)
      out.push_back(r.t_ns / s_ns);
  return out;
}

/// The records of scenario `file` run on 1 node (after checking its digest
/// against 3 nodes and its trace against the checkers).
std::vector<jsonl_record> run_both(const std::string& file) {
  scratch s;
  auto one = run_sim("run " + file + " --nodes 1 --out " + s.at("one"));
  auto three = run_sim("run " + file + " --nodes 3 --out " + s.at("three"));
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_EQ(three.exit_code, 0) << three.output;
  EXPECT_FALSE(one.value("digest").empty());
  EXPECT_EQ(one.value("digest"), three.value("digest"));
  auto check = run_sim("trace check " + s.at("one"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto jsonl = run_sim("trace export " + s.at("one") + " --format jsonl");
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.output;
  return parse_jsonl(jsonl.output);
}

TEST(fc_leader_kill, kills_the_leader_of_the_time_and_another_is_elected) {
  auto all = run_both(testdata("fc_leader_kill.json"));

  // The first leader, elected before 20 s, is killed at 20 s and restarts
  // after the fault's 15 s.
  auto first = who(all, "leader_elected", 0, 20);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(who(all, "leader_killed", 20, 21), first);
  EXPECT_EQ(seconds_of(all, first, "entity_crashed"),
            std::vector<long long>{20});
  EXPECT_EQ(seconds_of(all, first, "entity_restarted"),
            std::vector<long long>{35});
  // Another replica leads from before the second kill; that one dies at
  // 50 s and is back only at fc_leader_restore (70 s).
  auto second = who(all, "leader_elected", 20, 50);
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);
  EXPECT_EQ(who(all, "leader_killed", 50, 51), second);
  EXPECT_EQ(seconds_of(all, second, "entity_crashed"),
            std::vector<long long>{50});
  EXPECT_EQ(seconds_of(all, second, "entity_restarted"),
            std::vector<long long>{70});
  auto third = who(all, "leader_elected", 50, 70);
  EXPECT_FALSE(third.empty());
  EXPECT_NE(third, second);
  // Only leaders die: one leader_killed per fault.
  EXPECT_EQ(having(all, "leader_killed").size(), 2u);
  // The control actor recorded both faults and the restore.
  std::vector<std::string> faults;
  for (const auto& r : all)
    if (r.entity() == "westeurope/control")
      faults.push_back(r.event() + " " + r.field("fault"));
  EXPECT_EQ(faults,
            (std::vector<std::string>{"fault_injected fc_leader_kill",
                                      "fault_injected fc_leader_kill",
                                      "fault_recovered fc_leader_restore"}));
}

TEST(capacity_exhaustion, fails_allocations_there_and_spares_running_vms) {
  auto all = run_both(testdata("capacity_exhaustion.json"));
  // Zone 2 is full from 0.5 s: the set's creation at 1 s is refused there
  // with Azure's zonal error and places its zone-2 instance elsewhere (3
  // instances and the overprovisioned extras, none in zone 2).
  std::vector<std::string> zones_before_60s;
  for (const auto& r : having(all, "placement"))
    if (r.t_ns < 60 * s_ns)
      zones_before_60s.push_back(r.field("zone"));
  EXPECT_GE(zones_before_60s.size(), 3u);
  EXPECT_EQ(std::count(zones_before_60s.begin(), zones_before_60s.end(), "2"),
            0);
  size_t zonal = 0, regional = 0;
  for (const auto& r : having(all, "allocation_failed")) {
    auto reason = r.field("reason");
    if (r.t_ns < 60 * s_ns)
      zonal += reason.rfind("ZonalAllocationFailed:", 0) == 0;
    else if (r.t_ns < 150 * s_ns)
      regional += reason.rfind("AllocationFailed:", 0) == 0;
    else
      ADD_FAILURE() << "allocation failed after capacity_restore: " << r.line;
  }
  EXPECT_GE(zonal, 1u);
  // The whole region is full from 60 s: the scale-out to 5 at 61 s fails
  // until capacity_restore at 150 s, then places both (and extras).
  EXPECT_GE(regional, 2u);
  size_t between = 0, after = 0;
  for (const auto& r : having(all, "placement")) {
    between += r.t_ns >= 60 * s_ns && r.t_ns < 150 * s_ns;
    after += r.t_ns >= 150 * s_ns;
  }
  EXPECT_EQ(between, 0u);
  EXPECT_GE(after, 2u);
  // The VMs placed before keep running: none of them stops.
  for (const auto& r : having(all, "vm_state"))
    if (r.field("scale_set") == "demo-vmss" && r.t_ns >= 60 * s_ns)
      EXPECT_NE(r.field("state"), "stopped") << r.line;
}

} // namespace

/// provisioning_state of each instance_view of `instance` from `from`
/// seconds on, with its second: "120 Failed".
std::vector<std::string> provisioning(const std::vector<jsonl_record>& all,
                                      const std::string& instance,
                                      long long from) {
  std::vector<std::string> out;
  std::string last;
  for (const auto& r : having(all, "instance_view"))
    if (r.field("instance_id") == instance && r.t_ns >= from * s_ns &&
        r.field("provisioning_state") != last) {
      last = r.field("provisioning_state");
      out.push_back(std::to_string(r.t_ns / s_ns) + " " + last);
    }
  return out;
}

TEST(extension_failure, fails_provisioning_until_restore_or_reimage) {
  auto all = run_both(testdata("extension_failure.json"));
  // web/1: Failed at 120 s; its application crashes at 300 s (Unhealthy)
  // but automatic repairs pass a failed instance over; Succeeded again
  // only at the set's extension_restore (1150 s).
  EXPECT_EQ(provisioning(all, "1", 100),
            (std::vector<std::string>{"107 Succeeded", "120 Failed",
                                      "1150 Succeeded"}));
  // web/0: Failed at 200 s, a reimage (260 s) provisions it again.
  auto zero = provisioning(all, "0", 150);
  ASSERT_GE(zero.size(), 4u);
  EXPECT_EQ(zero[0], "179 Succeeded");
  EXPECT_EQ(zero[1], "200 Failed");
  EXPECT_EQ(zero[2], "260 Updating");
  EXPECT_EQ(zero[3].substr(zero[3].find(' ')), " Succeeded");
  // The set's whole form fails every instance then (web/1 already was).
  EXPECT_EQ(std::count(zero.begin(), zero.end(), "1110 Failed"), 1);
  // web/2, Unhealthy from 300 s and not Failed, is repaired; web/1 never.
  std::vector<std::string> repairs;
  for (const auto& r : having(all, "repair"))
    repairs.push_back(r.field("instance_id") + " " + r.field("phase"));
  EXPECT_EQ(repairs, (std::vector<std::string>{"2 started", "2 completed"}));
  for (const auto& r : having(all, "app_health"))
    if (r.field("instance_id") == "1" && r.t_ns > 300 * s_ns &&
        r.t_ns < 1100 * s_ns)
      EXPECT_EQ(r.field("state"), "Unhealthy") << r.line;
  std::vector<std::string> faults;
  for (const auto& r : all)
    if (r.entity() == "westeurope/control")
      faults.push_back(r.event() + " " + r.field("fault") + " " +
                       r.field("target"));
  EXPECT_EQ(std::count(faults.begin(), faults.end(),
                       "fault_injected extension_failure web"),
            1);
  EXPECT_EQ(std::count(faults.begin(), faults.end(),
                       "fault_recovered extension_restore web"),
            1);
}
