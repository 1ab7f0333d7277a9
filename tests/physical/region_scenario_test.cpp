// Scenario tests of the region model, through the vmss-sim binary: the
// built-in default scenario, and one fault at a time on the small region
// (rack power loss, TOR failure, storage replica loss).

#include "tests/support/jsonl.hpp"
#include "tests/support/sim_process.hpp"

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

const std::string region = "westeurope";

/// Runs `args` with a trace in `name`, checks the run and the trace
/// checkers, and returns the trace's records.
std::vector<jsonl_record> run_and_export(const std::string& args,
                                         const std::string& name,
                                         outcome* run_out = nullptr) {
  auto dir = tmp_dir(name);
  auto run = run_sim(args + " --out " + dir);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  auto check = run_sim("trace check " + dir);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto jsonl = run_sim("trace export " + dir + " --format jsonl");
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.output;
  if (run_out)
    *run_out = run;
  return parse_jsonl(jsonl.output);
}

/// The `vm_state` states of `vm` in order, and when each began.
std::vector<std::pair<std::string, long long>>
states_of(const std::vector<jsonl_record>& all, const std::string& vm) {
  std::vector<std::pair<std::string, long long>> out;
  for (const auto& r : having(all, "vm_state", vm))
    out.emplace_back(r.field("state"), r.t_ns);
  return out;
}

TEST(default_scenario, shows_every_physical_actor_and_each_fault_s_effect) {
  outcome run;
  auto all = run_and_export("run", "default", &run);
  auto three = run_sim("run --nodes 3 --out " + tmp_dir("default-3"));
  ASSERT_EQ(three.exit_code, 0) << three.output;
  EXPECT_EQ(three.value("digest"), run.value("digest"));

  std::set<std::string> kinds;
  for (const auto& r : all)
    kinds.insert(r.field("kind"));
  for (auto kind : {"host_agent", "hypervisor", "vm", "tor_switch",
                    "storage_replica", "fc_replica", "client", "control"})
    EXPECT_TRUE(kinds.count(kind)) << kind;
  EXPECT_FALSE(having(all, "leader_elected").empty());

  // The host crash at 30 s takes its hypervisor and VMs down with it; the
  // fabric controller's leader marks it down after 3 missed periods.
  auto victim = region + "/z2/r1/h2";
  std::set<std::string> crashed_at_30;
  for (const auto& r : having(all, "entity_crashed"))
    if (r.t_ns == 30'000'000'000LL)
      crashed_at_30.insert(r.entity());
  EXPECT_TRUE(crashed_at_30.count(victim));
  EXPECT_TRUE(crashed_at_30.count(victim + "/hv"));
  EXPECT_TRUE(crashed_at_30.count(victim + "/vm7"));
  EXPECT_EQ(crashed_at_30.size(), 1u + 1u + 8u);
  auto down = having(all, "host_down");
  ASSERT_FALSE(down.empty());
  EXPECT_EQ(down[0].field("host"), victim);
  EXPECT_GT(down[0].t_ns, 32'000'000'000LL);
  EXPECT_LE(down[0].t_ns, 35'500'000'000LL);
  auto up = having(all, "host_up");
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up[0].field("host"), victim);
  EXPECT_GT(up[0].t_ns, 60'000'000'000LL);
  EXPECT_LT(up[0].t_ns, 62'500'000'000LL);

  // The scale set's 3 VMs, placed by the fabric controller one per zone,
  // each in its host's first free slot: admitted, then the spec's states in
  // order, healthy about 3 minutes after placement (Layer 6) — or after
  // its host came back, if the controller placed it on the crashed host.
  auto placements = having(all, "placement");
  ASSERT_EQ(placements.size(), 3u);
  std::set<std::string> zones;
  for (const auto& p : placements) {
    zones.insert(p.field("zone"));
    auto vm = p.field("host") + "/vm0";
    auto states = states_of(all, vm);
    std::vector<std::string> names;
    for (const auto& s : states)
      names.push_back(s.first);
    ASSERT_EQ(names,
              (std::vector<std::string>{"allocating", "creating", "starting",
                                        "running", "healthy"}))
        << vm;
    long long from = p.field("host") == victim ? 60'000'000'000LL : p.t_ns;
    EXPECT_GE(states[4].second - from, 140'000'000'000LL) << vm;
    EXPECT_LE(states[4].second - from, 198'000'000'000LL) << vm;
  }
  EXPECT_EQ(zones, (std::set<std::string>{"1", "2", "3"}));
  EXPECT_EQ(having(all, "vm_admitted").size(), 3u);
  EXPECT_EQ(having(all, "allocated").size(), 3u);
  // Another tenant's application crashes at 205 s and comes back at 235 s:
  // its next probes (every 30 s) see it.
  auto tenant = states_of(all, region + "/z1/r1/h1/vm7");
  ASSERT_EQ(tenant.size(), 3u);
  EXPECT_EQ(tenant[1].first, "unhealthy");
  EXPECT_GT(tenant[1].second, 205'000'000'000LL);
  EXPECT_LE(tenant[1].second, 235'500'000'000LL);
  EXPECT_EQ(tenant[2].first, "healthy");
  EXPECT_GT(tenant[2].second, 235'000'000'000LL);
  EXPECT_LE(tenant[2].second, 265'500'000'000LL);
  // Zone 3 is cut off from 150 s to 180 s. If the leader is outside it,
  // it marks zone 3's 8 hosts down and up again; if inside, it loses its
  // majority and the other zones elect a new leader.
  auto cut = having(all, "dropped");
  EXPECT_FALSE(cut.empty());
  for (const auto& r : cut)
    EXPECT_EQ(r.field("reason"), "partition");
  std::string leader;
  for (const auto& r : having(all, "leader_elected"))
    if (r.t_ns < 150'000'000'000LL)
      leader = r.entity();
  if (!starts_with(leader, region + "/z3/")) {
    std::set<std::string> lost, back;
    for (const auto& r : having(all, "host_down"))
      if (r.t_ns > 150'000'000'000LL && r.t_ns < 180'000'000'000LL)
        lost.insert(r.field("host"));
    for (const auto& r : having(all, "host_up"))
      if (r.t_ns > 180'000'000'000LL && r.t_ns < 185'000'000'000LL)
        back.insert(r.field("host"));
    EXPECT_EQ(lost.size(), 8u);
    for (const auto& h : lost)
      EXPECT_TRUE(starts_with(h, region + "/z3/")) << h;
    EXPECT_EQ(back, lost);
  } else {
    bool elected = false;
    for (const auto& r : having(all, "leader_elected"))
      elected |= r.t_ns > 150'000'000'000LL && r.t_ns < 180'000'000'000LL &&
                 !starts_with(r.entity(), region + "/z3/");
    EXPECT_TRUE(elected);
  }
  // The lost storage replica degrades the disks that used it; one of them
  // is copied back to three replicas.
  EXPECT_FALSE(having(all, "disk_degraded").empty());
  EXPECT_FALSE(having(all, "disk_rereplicated").empty());
  EXPECT_EQ(having(all, "fault_injected").size(), 8u);
  EXPECT_EQ(having(all, "fault_recovered").size(), 8u);
}

TEST(region_faults, rack_power_loss_takes_down_exactly_that_rack) {
  auto rack = region + "/z1/r2";
  auto all =
      run_and_export("run --model 'region faults=rack_power_off@10s:" + rack +
                         "+rack_power_on@40s:" + rack + "' --until 80s",
                     "rack-power");
  std::set<std::string> crashed, restarted;
  for (const auto& r : having(all, "entity_crashed")) {
    EXPECT_EQ(r.t_ns, 10'000'000'000LL) << r.line;
    crashed.insert(r.entity());
  }
  for (const auto& r : having(all, "entity_restarted"))
    restarted.insert(r.entity());
  // The TOR switch and 4 hosts, each with a host agent, a hypervisor and
  // 8 VM slots, and the fabric-controller replica on the first host;
  // nothing else.
  EXPECT_EQ(crashed.size(), 1u + 4u * (1 + 1 + 8) + 1u);
  EXPECT_TRUE(crashed.count(rack + "/h1/fc"));
  for (const auto& e : crashed)
    EXPECT_TRUE(starts_with(e, rack + "/")) << e;
  EXPECT_EQ(restarted, crashed);
  std::set<std::string> down;
  for (const auto& r : having(all, "host_down"))
    down.insert(r.field("host"));
  EXPECT_EQ(down, (std::set<std::string>{rack + "/h1", rack + "/h2",
                                         rack + "/h3", rack + "/h4"}));
  // The rack's running VMs (other tenants') boot again after power returns.
  size_t booted = 0;
  for (const auto& r : having(all, "vm_state"))
    if (starts_with(r.entity(), rack + "/") && r.field("state") == "starting") {
      EXPECT_GE(r.t_ns, 40'000'000'000LL);
      ++booted;
    }
  EXPECT_GT(booted, 0u);
}

TEST(region_faults, tor_failure_isolates_its_rack_both_ways) {
  // 15 VMs, no other tenants: zone 3's second rack gets two, the first on
  // its first host. Each reads 100 GB of boot blocks (about 100 s); the
  // data coming back meets the switch dead from 60 s to 150 s.
  auto rack = region + "/z3/r2";
  auto vm = rack + "/h1/vm0";
  auto all = run_and_export(
      "run --model 'region vms=15 tenants=0 boot_gb=100 faults=tor_fail@60s:" +
          rack + "/tor+tor_repair@150s:" + rack + "/tor' --until 600s",
      "tor-fail");
  std::set<std::string> down;
  for (const auto& r : having(all, "host_down")) {
    down.insert(r.field("host"));
    EXPECT_GT(r.t_ns, 60'000'000'000LL);
  }
  // Out of the rack: the hosts' heartbeats stop reaching the fabric
  // controller, and only theirs.
  EXPECT_EQ(down, (std::set<std::string>{rack + "/h1", rack + "/h2",
                                         rack + "/h3", rack + "/h4"}));
  // Into the rack: the storage server's reply to the VM is dropped.
  bool inbound = false;
  for (const auto& r : having(all, "dropped_while_down", rack + "/tor"))
    inbound |=
        starts_with(r.field("from"), region + "/z3/s1/") && r.field("to") == vm;
  EXPECT_TRUE(inbound);
  // After the repair (the boot read times out after 300 s and is retried)
  // the VM gets its data and comes up.
  auto states = states_of(all, vm);
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back().first, "healthy");
  EXPECT_GT(states.back().second, 150'000'000'000LL);
}

/// The scale set's one VM (z1/r1/h1/vm0) is healthy by 198 s; at 200 s
/// the storage servers `lost` of zone 1's cluster fail.
std::vector<jsonl_record> lose_servers(const std::vector<int>& lost,
                                       const std::string& name) {
  std::string plan;
  for (int n : lost)
    plan += std::string(plan.empty() ? "" : "+") +
            "replica_loss@200s:" + region + "/z1/s1/n" + std::to_string(n);
  return run_and_export("run --model 'region vms=1 tenants=0 faults=" + plan +
                            "' --until 260s",
                        name);
}

TEST(region_faults, two_replicas_of_three_keep_the_disk_available) {
  // Servers n1 and n4 are fault domain 0 of 3: every disk of the cluster
  // loses exactly one of its three replicas.
  auto vm = region + "/z1/r1/h1/vm0";
  auto all = lose_servers({1, 4}, "quorum-kept");
  auto states = states_of(all, vm);
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back().first, "healthy");
  EXPECT_FALSE(having(all, "disk_degraded").empty());
  EXPECT_TRUE(having(all, "disk_unavailable").empty());
  EXPECT_TRUE(having(all, "disk_io_failed", vm).empty());
}

TEST(region_faults, one_replica_of_three_makes_the_disk_fail_its_vm) {
  // Fault domains 0 and 1: every disk keeps one replica of three.
  auto vm = region + "/z1/r1/h1/vm0";
  auto all = lose_servers({1, 4, 2, 5}, "quorum-lost");
  auto states = states_of(all, vm);
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states[states.size() - 2].first, "healthy");
  EXPECT_EQ(states.back().first, "unhealthy");
  EXPECT_GT(states.back().second, 200'000'000'000LL);
  EXPECT_LE(states.back().second, 212'000'000'000LL);
  EXPECT_FALSE(having(all, "disk_io_failed", vm).empty());
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

} // namespace

namespace {

TEST(region_preset, builds_and_runs) {
  auto dir = vmss_test::tmp_dir("region-preset");
  auto run = vmss_test::run_sim(
      "run --model 'region preset=region' --until 2s --out " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("hosts=4800 vm_slots=201600"), std::string::npos)
      << run.output;
  auto summary = vmss_test::run_sim("trace summary " + dir);
  ASSERT_EQ(summary.exit_code, 0) << summary.output;
  // Every host agent filled its server with other tenants' VMs.
  EXPECT_NE(summary.output.find("tenants_placed               4800"),
            std::string::npos)
      << summary.output;
}

} // namespace

namespace {

TEST(region_requests,
     stop_start_reimage_delete_go_through_the_controller_host_and_hypervisor) {
  using namespace vmss_test;
  // The client's operations on its VM go through the fabric controller's
  // log to the host agent, the hypervisor and the VM (no other tenants:
  // the VM lands in the first host's first slot).
  const std::string vm = "westeurope/z1/r1/h1/vm0";
  const std::string id = "demo-vmss/0";
  auto all = run_and_export(
      "run --model 'region vms=1 tenants=0 requests=vm_stop@200s:" + id +
          "+vm_start@240s:" + id + "+vm_reimage@380s:" + id +
          "+vm_delete@620s:" + id + "+vm_stop@650s:" + id + "' --until 700s",
      "requests");
  std::vector<std::string> ops;
  for (const auto& r : having(all, "vm_operation"))
    ops.push_back(r.field("op"));
  EXPECT_EQ(ops,
            (std::vector<std::string>{"stop", "start", "reimage", "delete"}));
  EXPECT_EQ(having(all, "operated").size(), 4u);
  // The deleted VM is gone from the controller: the last stop is refused.
  auto refused = having(all, "operation_refused");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].field("reason"), "no such VM");
  std::vector<std::string> names;
  for (const auto& s : states_of(all, vm))
    names.push_back(s.first);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "allocating", "creating", "starting", "running",
                       "healthy", "stopping", "stopped", "starting", "running",
                       "healthy", "repairing", "creating", "starting",
                       "running", "healthy", "deleting", "deleted"}));
  // The hypervisor removes the partition and the host agent frees the
  // capacity and the slot once the VM is deleted.
  auto removed = having(all, "partition_removed", "westeurope/z1/r1/h1/hv");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].field("vm"), vm);
  auto released = having(all, "capacity_released", "westeurope/z1/r1/h1");
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].field("vm"), vm);
  auto admitted = having(all, "vm_admitted", "westeurope/z1/r1/h1");
  ASSERT_EQ(admitted.size(), 1u);
  EXPECT_EQ(std::stoll(released[0].field("ram_gb_free")),
            std::stoll(admitted[0].field("ram_gb_free")) + 8);
}

} // namespace

namespace {

/// When each VM of `all` left Creating (entered Starting), latest first.
long long last_creation_end(const std::vector<vmss_test::jsonl_record>& all) {
  long long last = -1;
  for (const auto& r : vmss_test::having(all, "vm_state"))
    if (r.field("state") == "starting")
      last = std::max(last, r.t_ns);
  return last;
}

TEST(region_network, many_boots_in_one_rack_wait_on_its_links) {
  // One rack of 4 hosts, no other tenants; each VM reads 20 GB of boot
  // blocks. One VM a host: the data is in well before Creating's 55-75 s
  // end (creation over by 90 s, placement at about 5 s included).
  // 160 VMs: 3.2 TB through the rack's 2 x 100 Gbps uplinks and 800 GB
  // down each 25 Gbps port (256 s), so creation waits for the data.
  const std::string base = "run --model 'region zones=1 racks=1 hosts=4 "
                           "slots=40 tenants=0 boot_gb=20 ";
  auto few = vmss_test::run_sim(base + "vms=4' --until 400s --out " +
                                vmss_test::tmp_dir("boots-few"));
  ASSERT_EQ(few.exit_code, 0) << few.output;
  auto few_records = vmss_test::parse_jsonl(
      vmss_test::run_sim("trace export " + vmss_test::tmp_dir("boots-few") +
                         " --format jsonl")
          .output);
  auto many = vmss_test::run_sim(base + "vms=160' --until 400s --out " +
                                 vmss_test::tmp_dir("boots-many"));
  ASSERT_EQ(many.exit_code, 0) << many.output;
  auto many_records = vmss_test::parse_jsonl(
      vmss_test::run_sim("trace export " + vmss_test::tmp_dir("boots-many") +
                         " --format jsonl")
          .output);
  EXPECT_LE(last_creation_end(few_records), 90'000'000'000LL);
  EXPECT_GE(last_creation_end(many_records), 250'000'000'000LL);
}

TEST(region_faults, lossy_link_between_two_zones_drops_only_their_traffic) {
  // Every message between zones 2 and 3 is lost, and only those.
  auto all = run_and_export(
      "run --model 'region faults=link_degrade@10s:westeurope/z2:westeurope/"
      "z3:loss=1000000:latency=1ms' --until 30s",
      "link-loss");
  auto lost = vmss_test::having(all, "dropped");
  ASSERT_FALSE(lost.empty());
  auto zone_of = [](const std::string& path) { return path.substr(11, 2); };
  for (const auto& r : lost) {
    EXPECT_EQ(r.field("reason"), "link_loss");
    std::set<std::string> pair{zone_of(r.entity()), zone_of(r.field("to"))};
    EXPECT_EQ(pair, (std::set<std::string>{"z2", "z3"})) << r.line;
  }
}

} // namespace

namespace {

/// The zone ("z2") of the first leader of a run.
std::string first_leader_zone(const std::vector<vmss_test::jsonl_record>& all) {
  auto elected = vmss_test::having(all, "leader_elected");
  return elected.empty() ? "" : elected[0].entity().substr(11, 2);
}

TEST(fabric_failover, losing_the_leaders_zone_mid_scale_out) {
  using namespace vmss_test;
  // 30 VMs asked for one every 200 ms from 5 s. A first run finds the
  // leader's zone; the second powers that zone off at 7 s, in the middle
  // of the scale-out (the runs are the same until then).
  const std::string spec =
      "region vms=30 scale_at=5s scale_interval=200ms tenants=0";
  auto calm =
      run_and_export("run --model '" + spec + "' --until 40s", "failover-calm");
  auto zone = first_leader_zone(calm);
  ASSERT_FALSE(zone.empty());
  auto all = run_and_export("run --model '" + spec +
                                " faults=zone_power_off@7s:westeurope/" + zone +
                                "' --until 40s",
                            "failover");
  EXPECT_EQ(first_leader_zone(all), zone);
  // A new leader outside the dead zone, in a later term.
  auto elected = having(all, "leader_elected");
  ASSERT_GE(elected.size(), 2u);
  EXPECT_GT(elected.back().t_ns, 7'000'000'000LL);
  EXPECT_NE(elected.back().entity().substr(11, 2), zone);
  EXPECT_GT(std::stoll(elected.back().field("term")),
            std::stoll(elected[0].field("term")));
  // Every VM placed exactly once (the checkers also ran: vm_one_host,
  // committed_stable, single_leader), the later ones by the new leader and
  // outside the dead zone.
  auto allocated = having(all, "allocated");
  std::set<std::string> vms;
  for (const auto& a : allocated)
    vms.insert(a.field("vm"));
  EXPECT_EQ(vms.size(), 30u);
  EXPECT_EQ(allocated.size(), 30u);
  size_t after = 0;
  for (const auto& p : having(all, "placement"))
    if (p.t_ns > 7'000'000'000LL) {
      ++after;
      EXPECT_EQ(p.entity(), elected.back().entity());
      EXPECT_NE("z" + p.field("zone"), zone);
    }
  EXPECT_GT(after, 0u);
}

} // namespace

namespace {

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
  using namespace vmss_test;
  for (int seed = 1; seed <= sweep_seeds(); ++seed) {
    auto plan = random_plan(static_cast<uint64_t>(seed));
    SCOPED_TRACE("seed " + std::to_string(seed) + ": " + plan);
    // run_and_export runs `trace check` (single_leader, committed_stable,
    // ram_committed, vm_one_host, crash_silence, canonical_order).
    auto all = run_and_export(
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

} // namespace

namespace {

TEST(region_placement, a_host_out_of_vm_slots_is_full_to_the_controller) {
  using namespace vmss_test;
  // One host of 2 VM slots: the third VM is refused by the controller,
  // naming the zone; the host agent never has to reject one.
  auto all = run_and_export(
      "run --model 'region zones=1 racks=1 hosts=1 slots=2 tenants=0 vms=3' "
      "--until 20s",
      "slots");
  EXPECT_EQ(having(all, "allocated").size(), 2u);
  auto refused = having(all, "allocation_refused");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].field("reason").find("zone 1: no host has 2 vCPUs, 8 "
                                            "GB and a VM slot free"),
            std::string::npos)
      << refused[0].line;
  EXPECT_TRUE(having(all, "vm_rejected").empty());
}

} // namespace

namespace {

TEST(topology_show, runs_the_checks_a_run_does) {
  using namespace vmss_test;
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
