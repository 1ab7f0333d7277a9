// Region scenario tests that stay direct GoogleTest assertions, through the
// vmss-sim binary. The timelines of the region's scenarios (the default
// scenario, rack power loss, TOR failure, storage replica loss, VM
// requests, a lossy link, a full host, losing the leader's zone) are
// transcripts in tests/transcript/testdata/ (docs/testing.md). What stays
// here is what a golden trace would hide:
// - the same digest on 1 and 3 node processes (a comparison of two runs);
// - refusals of bad input (exit codes and messages, no trace);
// - the region preset's size (run and summary output, not trace events);
// - boots waiting on the rack's links (a bound on the last boot, not exact
//   times of 164 boots that any change to the network model would churn);
// - the seed sweep (random fault plans: properties over seeds, no golden);
// - topology show's checks (no run).

#include "tests/support/jsonl.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/traced_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace vmss_test;

TEST(default_scenario, has_the_same_digest_on_1_and_3_node_processes) {
  // Its first 21 minutes (the upgrade, autoscale's scale-outs, the rack
  // power loss at 20m): the whole two hours take about 1 s in one process
  // but over 2 minutes on 3 node processes (the windows of the lookahead).
  auto one = run_sim("run --until 21m --out " + tmp_dir("default"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto three =
      run_sim("run --until 21m --nodes 3 --out " + tmp_dir("default-3"));
  ASSERT_EQ(three.exit_code, 0) << three.output;
  EXPECT_FALSE(one.value("digest").empty()) << one.output;
  EXPECT_EQ(three.value("digest"), one.value("digest"));
}

TEST(region_faults, bad_fault_plans_are_rejected_with_a_reason) {
  auto unknown = run_sim("run --model 'region faults=meteor@1s:westeurope/z1' "
                         "--until 1s --out " +
                         tmp_dir("bad-fault"));
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("unknown kind 'meteor'"), std::string::npos)
      << unknown.output;
  auto target = run_sim("run --model 'region faults=tor_fail@1s:westeurope/"
                        "z1/r1/h1' --until 1s --out " +
                        tmp_dir("bad-target"));
  EXPECT_NE(target.exit_code, 0);
  EXPECT_NE(target.output.find("is a host_agent, not a tor_switch"),
            std::string::npos)
      << target.output;
}

TEST(region_preset, builds_and_runs) {
  auto dir = tmp_dir("region-preset");
  auto run =
      run_sim("run --model 'region preset=region' --until 2s --out " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("hosts=4800 vm_slots=201600"), std::string::npos)
      << run.output;
  auto summary = run_sim("trace summary " + dir);
  ASSERT_EQ(summary.exit_code, 0) << summary.output;
  // Every host agent filled its server with other tenants' VMs.
  EXPECT_NE(summary.output.find("tenants_placed               4800"),
            std::string::npos)
      << summary.output;
}

/// When the last VM of `all` left Creating (entered Starting).
long long last_creation_end(const std::vector<jsonl_record>& all) {
  long long last = -1;
  for (const auto& r : having(all, "vm_state"))
    if (r.field("state") == "starting")
      last = std::max(last, r.t_ns);
  return last;
}

TEST(region_network, many_boots_in_one_rack_wait_on_its_links) {
  // One rack of 4 hosts, no other tenants; each VM reads 20 GB of boot
  // blocks, with disks and storage servers fast enough (10 GiB/s) that
  // only the network limits. One VM a host: the data is in well before
  // Creating's 55-75 s end (creation over by 90 s, placement at about 5 s
  // included). 160 VMs: 3.2 TB through the rack's 2 x 100 Gbps uplinks
  // and 800 GB down each 25 Gbps port (256 s), so creation waits for the
  // data.
  const std::string base = "run --model 'region zones=1 racks=1 hosts=4 "
                           "slots=40 tenants=0 boot_gb=20 disk_mibps=10240 "
                           "server_mibps=1000000 ";
  auto few = run_traced(base + "vms=4' --until 400s", "boots-few");
  auto many = run_traced(base + "vms=160' --until 400s", "boots-many");
  EXPECT_LE(last_creation_end(few), 90'000'000'000LL);
  EXPECT_GE(last_creation_end(many), 250'000'000'000LL);
}

/// A random fault plan for the fabric controller of the small region:
/// three faults between 3 s and 25 s, each healed 5-10 s later — a crash
/// of a replica's host, a partition between two zones, or a power loss of
/// a replica's rack.
std::string random_plan(uint64_t seed) {
  std::mt19937_64 gen(seed);
  auto pick = [&](int n) { return static_cast<int>(gen() % n); };
  const std::vector<std::string> replicas{"z1/r1", "z1/r2", "z2/r1", "z2/r2",
                                          "z3/r1"};
  std::string plan;
  auto add = [&](const std::string& item) {
    plan += (plan.empty() ? "" : "+") + item;
  };
  for (int i = 0; i < 3; ++i) {
    int at = 3 + pick(23), heal = at + 5 + pick(6);
    auto t = [](int s) { return "@" + std::to_string(s) + "s:"; };
    auto rack = "westeurope/" + replicas[pick(5)];
    switch (pick(3)) {
    case 0:
      add("host_crash" + t(at) + rack + "/h1");
      add("host_restore" + t(heal) + rack + "/h1");
      break;
    case 1: {
      int a = pick(3), b = (a + 1 + pick(2)) % 3;
      auto zones = "westeurope/z" + std::to_string(a + 1) + ":westeurope/z" +
                   std::to_string(b + 1);
      add("zone_partition" + t(at) + zones);
      add("zone_heal" + t(heal) + zones);
      break;
    }
    default:
      add("rack_power_off" + t(at) + rack);
      add("rack_power_on" + t(heal) + rack);
    }
  }
  return plan;
}

/// Seeds to sweep: VMSS_SWEEP_SEEDS (default 5, the CI sweep).
int sweep_seeds() {
  const char* env = std::getenv("VMSS_SWEEP_SEEDS");
  return env ? std::max(1, std::atoi(env)) : 5;
}

TEST(fabric_sweep, checkers_hold_under_random_replica_faults) {
  for (int seed = 1; seed <= sweep_seeds(); ++seed) {
    auto plan = random_plan(static_cast<uint64_t>(seed));
    SCOPED_TRACE("seed " + std::to_string(seed) + ": " + plan);
    // run_traced runs `trace check` (single_leader, committed_stable,
    // ram_committed, vm_one_host, crash_silence, canonical_order).
    auto all = run_traced(
        "run --seed " + std::to_string(seed) +
            " --model 'region vms=20 scale_at=2s scale_interval=500ms "
            "tenants=0 faults=" +
            plan + "' --until 60s",
        "sweep");
    // Every VM of the scale-out is answered once the faults are healed.
    std::set<std::string> answered;
    for (const auto& r : all) {
      if (r.field("kind") == "client" &&
          (r.event() == "allocated" || r.event() == "allocation_refused")) {
        EXPECT_TRUE(answered.insert(r.field("vm")).second) << r.line;
      }
    }
    EXPECT_EQ(answered.size(), 20u);
  }
}

TEST(topology_show, runs_the_checks_a_run_does) {
  auto show = [&](const std::string& name, const std::string& json) {
    auto path = tmp_dir("topology-show-" + name);
    std::ofstream(path) << json;
    return run_sim("topology show " + path);
  };
  auto huge = show("huge.json", R"({"zones": 1000, "racks_per_zone": 1000,
                                    "hosts_per_rack": 1000})");
  EXPECT_EQ(huge.exit_code, 2) << huge.output;
  EXPECT_NE(huge.output.find("1000000000 hosts, 42 VM slots each): "
                             "44001020007 entities would need ≈ "),
            std::string::npos)
      << huge.output;
  auto twice = show("twice.json", R"({"zones": 2, "zones": 3})");
  EXPECT_EQ(twice.exit_code, 2) << twice.output;
  EXPECT_NE(twice.output.find("duplicate key \"zones\""), std::string::npos)
      << twice.output;
  auto crowded = show("crowded.json", R"({"hosts_per_rack": 1,
      "fc_replica_sites": ["z1/r01", "z1/r01"]})");
  EXPECT_EQ(crowded.exit_code, 2) << crowded.output;
  auto ok = show("ok.json", R"({"zones": 3})");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

} // namespace
