// The scale-set control plane end to end, through the vmss-sim binary: each
// scenario of scenarios/ that reproduces a timeline of the spec (Layers 4
// and 6) or a behaviour of Azure's, checked for its timing, and for the
// same digest on 1 and 3 node processes.

#include "tests/support/scratch.hpp"
#include "tests/support/traced_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace vmss_test;

constexpr long long s_ns = 1'000'000'000LL;

std::string scenario(const std::string& name) {
  return std::string(VMSS_SOURCE_DIR) + "/scenarios/" + name;
}

/// Runs `file` on one node process (trace in s.at("one")) and on three, and
/// checks that both give one digest and the one-node trace passes `trace
/// check`; returns its records.
std::vector<jsonl_record> run_both(const std::string& file, scratch& s) {
  auto one = run_sim("run " + file + " --nodes 1 --out " + s.at("one"));
  auto three = run_sim("run " + file + " --nodes 3 --out " + s.at("three"));
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_EQ(three.exit_code, 0) << three.output;
  EXPECT_FALSE(one.value("digest").empty()) << one.output;
  EXPECT_EQ(one.value("digest"), three.value("digest"));
  auto check = run_sim("trace check " + s.at("one"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto jsonl = run_sim("trace export " + s.at("one") + " --format jsonl");
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.output;
  return parse_jsonl(jsonl.output);
}

/// The first record of `event` at or after `from` whose `key` is `value`.
const jsonl_record* first(const std::vector<jsonl_record>& all,
                          const std::string& event, const std::string& key,
                          const std::string& value, long long from = 0) {
  for (const auto& r : all)
    if (r.t_ns >= from && r.event() == event && r.field(key) == value)
      return &r;
  return nullptr;
}

/// Each instance's last instance_view, by "SET/N".
std::map<std::string, jsonl_record>
last_views(const std::vector<jsonl_record>& all) {
  std::map<std::string, jsonl_record> out;
  for (const auto& r : having(all, "instance_view"))
    out[r.field("scale_set") + "/" + r.field("instance_id")] = r;
  return out;
}

/// Instances whose last view is not Deleted, by scale set.
std::map<std::string, std::set<std::string>>
live_instances(const std::vector<jsonl_record>& all) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [vm, r] : last_views(all))
    if (r.field("provisioning_state") != "Deleted")
      out[r.field("scale_set")].insert(r.field("instance_id"));
  return out;
}

/// "SET/N" of every backend in the load balancer at the end.
std::set<std::string> members_at_end(const std::vector<jsonl_record>& all) {
  std::map<std::string, bool> member;
  for (const auto& r : having(all, "lb_backend"))
    member[r.field("vm")] = r.field("member") == "true";
  std::set<std::string> out;
  for (const auto& [vm, in] : member)
    if (in)
      out.insert(vm);
  return out;
}

TEST(ControlPlaneScenario,
     Layer6ScaleOutServesAboutThreeMinutesAfterTheChange) {
  scratch s;
  auto all = run_both(scenario("layer6-scale-out.json"), s);
  const auto* change = first(all, "capacity_changed", "to", "3");
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->field("from"), "2");
  // The instance created for it that stays, and when it joins the LB.
  std::set<std::string> created;
  for (const auto& r : having(all, "instance_operation"))
    if (r.t_ns >= change->t_ns && r.field("operation") == "create")
      created.insert("web/" + r.field("instance_id"));
  ASSERT_FALSE(created.empty());
  long long joined = -1;
  for (const auto& r : having(all, "lb_backend"))
    if (r.t_ns >= change->t_ns && r.field("member") == "true" &&
        created.count(r.field("vm"))) {
      joined = r.t_ns;
      break;
    }
  ASSERT_GT(joined, 0);
  // Spec Layer 6: about 3 minutes (T+180 s in the load balancer).
  auto took = (joined - change->t_ns) / s_ns;
  EXPECT_GE(took, 150) << took << " s";
  EXPECT_LE(took, 240) << took << " s";
  EXPECT_EQ(live_instances(all)["web"].size(), 3u);
  EXPECT_EQ(members_at_end(all).size(), 3u);
}

TEST(ControlPlaneScenario, Layer6RollingUpgradeTakesAboutElevenMinutes) {
  scratch s;
  auto all = run_both(scenario("layer6-rolling-upgrade.json"), s);
  const auto* update = first(all, "model_updated", "version", "2");
  ASSERT_NE(update, nullptr);
  const auto* done = first(all, "upgrade_status", "status", "Completed");
  ASSERT_NE(done, nullptr);
  ASSERT_NE(first(all, "upgrade_status", "status", "RollingForward"), nullptr);
  // One instance a batch (maxBatchInstancePercent 33 of 3), three batches.
  auto batches = having(all, "upgrade_batch");
  ASSERT_EQ(batches.size(), 3u);
  std::set<std::string> upgraded;
  for (const auto& b : batches) {
    EXPECT_EQ(b.field("instances").find(','), std::string::npos) << b.line;
    upgraded.insert(b.field("instances"));
  }
  EXPECT_EQ(upgraded.size(), 3u);
  // Spec Layer 6: about 11 minutes (T+675 s) from the model change.
  auto took = (done->t_ns - update->t_ns) / s_ns;
  EXPECT_GE(took, 540) << took << " s";
  EXPECT_LE(took, 810) << took << " s";
  // Every instance on the latest model at the end, all serving.
  for (const auto& [vm, r] : last_views(all))
    if (r.field("provisioning_state") != "Deleted")
      EXPECT_EQ(r.field("latest_model"), "true") << r.line;
  EXPECT_EQ(members_at_end(all).size(), 3u);
}

TEST(ControlPlaneScenario, Layer6AutoRepairReplacesACrashedAppAfterTheGrace) {
  scratch s;
  auto all = run_both(scenario("layer6-auto-repair.json"), s);
  const auto* crash = first(all, "fault_injected", "target", "web/1");
  ASSERT_NE(crash, nullptr);
  const auto* started = first(all, "repair", "phase", "started", crash->t_ns);
  ASSERT_NE(started, nullptr);
  EXPECT_EQ(started->field("action"), "Replace");
  EXPECT_EQ(started->field("instance_id"), "1");
  // Not before the 30-minute grace period.
  EXPECT_GE(started->t_ns - crash->t_ns, 30 * 60 * s_ns);
  // The replacement serves about 33 minutes after the crash (spec Layer 6:
  // crash T+60s, new instance healthy T+33m100s).
  long long serving = -1;
  for (const auto& r : having(all, "lb_backend"))
    if (r.t_ns > started->t_ns && r.field("member") == "true" &&
        r.field("vm") != "web/1") {
      serving = r.t_ns;
      break;
    }
  ASSERT_GT(serving, 0);
  auto took = (serving - crash->t_ns) / s_ns;
  EXPECT_GE(took, 31 * 60) << took << " s";
  EXPECT_LE(took, 36 * 60) << took << " s";
  ASSERT_NE(first(all, "repair", "phase", "completed", started->t_ns), nullptr);
  // The instance view while web/1 waits out its grace period: Unhealthy,
  // still Succeeded and running; repairs Running.
  auto view = run_sim("trace instances " + s.at("one") + " --at 20m");
  ASSERT_EQ(view.exit_code, 0) << view.output;
  auto web_1 = view.output.find("\"name\": \"web_1\"");
  ASSERT_NE(web_1, std::string::npos) << view.output;
  auto health = view.output.find("HealthState/", web_1);
  ASSERT_NE(health, std::string::npos);
  EXPECT_EQ(view.output.substr(health, 21), "HealthState/unhealthy");
  EXPECT_NE(view.output.find("\"serviceState\": \"Running\""),
            std::string::npos);
  EXPECT_EQ(live_instances(all)["web"].size(), 3u);
  EXPECT_EQ(members_at_end(all).size(), 3u);
}

TEST(ControlPlaneScenario, Layer4OverprovisioningKeepsTheFastest) {
  scratch s;
  auto all = run_both(scenario("layer4-overprovision.json"), s);
  const auto* change = first(all, "capacity_changed", "to", "5");
  ASSERT_NE(change, nullptr);
  // +2 needed: ceil(2 x 1.2) = 3 created, the slowest deleted.
  std::vector<std::string> created, extra;
  for (const auto& r : having(all, "instance_operation")) {
    if (r.t_ns < change->t_ns)
      continue;
    if (r.field("operation") == "create")
      created.push_back(r.field("instance_id"));
    if (r.field("operation") == "delete" &&
        r.field("reason") == "overprovision")
      extra.push_back(r.field("instance_id"));
  }
  ASSERT_EQ(created.size(), 3u);
  ASSERT_EQ(extra.size(), 1u);
  // The two kept became healthy before the deleted one did (if it did).
  std::map<std::string, long long> healthy;
  for (const auto& r : having(all, "vm_state"))
    if (r.t_ns >= change->t_ns && r.field("state") == "healthy" &&
        !healthy.count(r.field("instance_id")))
      healthy[r.field("instance_id")] = r.t_ns;
  for (const auto& id : created) {
    if (id == extra[0])
      continue;
    ASSERT_TRUE(healthy.count(id)) << id;
    if (healthy.count(extra[0]))
      EXPECT_LE(healthy[id], healthy[extra[0]]);
  }
  EXPECT_EQ(live_instances(all)["web"].size(), 5u);
}

TEST(ControlPlaneScenario, ScaleInPoliciesHonourProtectionAndZones) {
  scratch s;
  auto all = run_both(scenario("scale-in-policies.json"), s);
  auto live = live_instances(all);
  // Instances 0-2 at 1 s, 3-5 at 5 min, one per zone each time; 0 is
  // protected from scale-set actions and 5 from scale-in; scaling to 3 keeps
  // one per zone.
  EXPECT_EQ(live["web-default"], (std::set<std::string>{"0", "1", "5"}));
  EXPECT_EQ(live["web-newest"], (std::set<std::string>{"0", "1", "5"}));
  EXPECT_EQ(live["web-oldest"], (std::set<std::string>{"0", "4", "5"}));
  // The instance view shows the protection.
  auto view =
      run_sim("trace instances " + s.at("one") + " --scale-set web-oldest");
  ASSERT_EQ(view.exit_code, 0) << view.output;
  EXPECT_NE(view.output.find("\"protectFromScaleSetActions\": true"),
            std::string::npos)
      << view.output;
  for (const auto& r : having(all, "instance_operation"))
    if (r.field("reason") == "scale_in")
      EXPECT_TRUE(r.field("instance_id") != "0" &&
                  r.field("instance_id") != "5")
          << r.line;
}

TEST(ControlPlaneScenario, HostFailureHealingRestoresFullCapacity) {
  scratch s;
  auto all = run_both(scenario("host-failure-healing.json"), s);
  // The crashed hosts' instances were moved within zone 1 and serve again;
  // after the hosts return nothing runs that the control plane forgot
  // (trace check passed in run_both).
  std::set<std::string> crashed;
  for (const auto& r : having(all, "fault_injected"))
    if (r.field("fault") == "host_crash")
      crashed.insert(r.field("target"));
  ASSERT_EQ(crashed.size(), 4u);
  long long crash_at = having(all, "fault_injected")[0].t_ns;
  // Service healing moves each VM of the crashed hosts to a healthy host
  // of zone 1 (the set's zone).
  std::set<std::string> moved;
  for (const auto& r : having(all, "vm_healed")) {
    moved.insert(r.field("vm"));
    EXPECT_TRUE(starts_with(r.field("to"), "westeurope/z1/")) << r.line;
    EXPECT_EQ(crashed.count(r.field("to")), 0u) << r.line;
    EXPECT_EQ(crashed.count(r.field("from")), 1u) << r.line;
  }
  ASSERT_FALSE(moved.empty());
  // They serve again about 15 minutes after the failure (Azure: service
  // healing "typically completes within 15 minutes").
  long long back = 0;
  for (const auto& vm : moved) {
    const jsonl_record* joined = nullptr;
    for (const auto& r : having(all, "lb_backend"))
      if (r.t_ns > crash_at && r.field("vm") == vm &&
          r.field("member") == "true")
        joined = &r;
    ASSERT_NE(joined, nullptr) << vm;
    back = std::max(back, joined->t_ns);
  }
  auto took = (back - crash_at) / s_ns;
  EXPECT_GE(took, 12 * 60) << took << " s";
  EXPECT_LE(took, 18 * 60) << took << " s";
  // When the hosts return, the stale copies are deleted (no zombies).
  std::set<std::string> zombies;
  for (const auto& r : having(all, "zombie_deleted"))
    zombies.insert(r.field("vm"));
  EXPECT_EQ(zombies, moved);
  EXPECT_EQ(live_instances(all)["web"].size(), 6u);
  EXPECT_EQ(members_at_end(all).size(), 6u);
}

} // namespace
