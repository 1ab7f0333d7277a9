// analysis/live_state: the live picture folded from trace records, built in
// the test and read from a real run's trace (its final state agrees with
// `trace summary` and with the trace's own records).

#include "analysis/live_state.hpp"
#include "analysis/trace_reader.hpp"
#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <thread>

namespace {

using vmss::analysis::live_state;
using vmss::trace::field;
using json = nlohmann::json;

std::string recovery(const std::string& fault) {
  static const std::map<std::string, std::string> pairs{
      {"host_crash", "host_restore"},      {"tor_fail", "tor_repair"},
      {"rack_power_off", "rack_power_on"}, {"replica_loss", "replica_restore"},
      {"slow_disk", "disk_restore"},       {"zone_power_off", "zone_power_on"},
      {"zone_partition", "zone_heal"},     {"link_degrade", "link_restore"},
      {"app_crash", "app_restore"},        {"region_outage", "region_restore"},
      {"region_partition", "region_heal"}};
  auto i = pairs.find(fault);
  return i == pairs.end() ? "" : i->second;
}

/// A small region: 2 zones, 1 rack of 2 hosts each, a storage cluster in z1.
void seed(live_state& s) {
  for (const char* z : {"z1", "z2"}) {
    std::string rack = std::string("westeurope/") + z + "/r1";
    s.add_entity(rack + "/tor", "tor_switch");
    for (const char* h : {"h1", "h2"}) {
      s.add_entity(rack + "/" + h, "host_agent");
      s.add_entity(rack + "/" + h + "/hv", "hypervisor");
      s.add_entity(rack + "/" + h + "/vm0", "vm");
    }
  }
  s.add_entity("westeurope/z1/r1/h1/fc", "fc_replica");
  s.add_entity("westeurope/z2/r1/h1/fc", "fc_replica");
  s.add_entity("westeurope/z1/s1/tor", "tor_switch");
  s.add_entity("westeurope/z1/s1/n1", "storage_replica");
  s.add_entity("westeurope/control", "control");
  s.add_entity("westeurope/orchestrator", "orchestrator");
}

void rec(live_state& s, int64_t t, const std::string& path,
         const std::string& kind, const std::string& event,
         std::vector<field> fields = {}) {
  s.apply(t, path, kind, event, fields);
}

TEST(LiveState, SeededTopologyIsAllUp) {
  live_state s;
  seed(s);
  EXPECT_EQ(s.hosts(), (std::vector<std::string>{
                           "westeurope/z1/r1/h1", "westeurope/z1/r1/h2",
                           "westeurope/z1/s1/n1", "westeurope/z2/r1/h1",
                           "westeurope/z2/r1/h2"}));
  for (const auto& h : s.hosts())
    EXPECT_EQ(s.host_state(h), "up") << h;
  EXPECT_EQ(s.rack_state("westeurope/z1/r1"), "up");
  auto j = json::parse(s.snapshot_json());
  ASSERT_EQ(j["zones"].size(), 2u);
  EXPECT_EQ(j["zones"][0]["path"], "westeurope/z1");
  ASSERT_EQ(j["zones"][0]["racks"].size(), 2u);
  EXPECT_EQ(j["zones"][0]["racks"][0]["tor"], "westeurope/z1/r1/tor");
  EXPECT_EQ(j["zones"][0]["racks"][1]["storage"], true);
  EXPECT_TRUE(j["leader"].is_null());
  EXPECT_TRUE(j["requests"].is_null());
  EXPECT_TRUE(j["faults"].empty());
}

TEST(LiveState, HostCrashIsDownAndItsRestartUp) {
  live_state s(recovery);
  seed(s);
  const std::string h = "westeurope/z1/r1/h1";
  rec(s, 10, "westeurope/control", "control", "fault_injected",
      {{"fault", std::string("host_crash")}, {"target", h}});
  for (auto e : {h, h + "/hv", h + "/vm0", h + "/fc"})
    rec(s, 10, e, "x", "entity_crashed");
  EXPECT_EQ(s.host_state(h), "down");
  EXPECT_EQ(s.rack_state("westeurope/z1/r1"), "degraded");
  EXPECT_EQ(s.faults(), std::vector<std::string>{"host_crash " + h});
  for (auto e : {h, h + "/hv", h + "/vm0", h + "/fc"})
    rec(s, 20, e, "x", "entity_restarted");
  rec(s, 20, "westeurope/control", "control", "fault_recovered",
      {{"fault", std::string("host_restore")}, {"target", h}});
  EXPECT_EQ(s.host_state(h), "up");
  EXPECT_TRUE(s.faults().empty());
}

TEST(LiveState, DegradedWhenPartOfTheHostIsDown) {
  live_state s;
  seed(s);
  const std::string h = "westeurope/z2/r1/h2";
  rec(s, 1, h + "/vm0", "vm", "app_crashed");
  EXPECT_EQ(s.host_state(h), "degraded");
  rec(s, 2, h + "/vm0", "vm", "app_restored");
  EXPECT_EQ(s.host_state(h), "up");
  rec(s, 3, h + "/hv", "hypervisor", "entity_crashed");
  EXPECT_EQ(s.host_state(h), "degraded");
  rec(s, 4, h + "/hv", "hypervisor", "entity_restarted");
  rec(s, 5, "westeurope/z1/r1/h1/fc", "fc_replica", "host_down", {{"host", h}});
  EXPECT_EQ(s.host_state(h), "degraded");
  rec(s, 6, "westeurope/z1/r1/h1/fc", "fc_replica", "host_up", {{"host", h}});
  EXPECT_EQ(s.host_state(h), "up");
}

TEST(LiveState, RackPowerOffIsDownATorFailCutsItOff) {
  live_state s(recovery);
  seed(s);
  const std::string r = "westeurope/z1/r1";
  rec(s, 1, r + "/tor", "tor_switch", "entity_crashed");
  EXPECT_EQ(s.rack_state(r), "cut_off");
  EXPECT_EQ(s.host_state(r + "/h1"), "up");
  for (auto h : {"/h1", "/h2"})
    rec(s, 2, r + h, "host_agent", "entity_crashed");
  EXPECT_EQ(s.rack_state(r), "down");
  auto j = json::parse(s.snapshot_json());
  EXPECT_EQ(j["zones"][0]["racks"][0]["state"], "down");
  EXPECT_EQ(j["zones"][0]["racks"][0]["tor_state"], "down");
  EXPECT_EQ(j["zones"][0]["racks"][0]["hosts"][0]["state"], "down");
}

TEST(LiveState, ScaleSetsCapacityAndInstancesByState) {
  live_state s;
  seed(s);
  rec(s, 1, "westeurope/orchestrator", "orchestrator", "capacity_changed",
      {{"scale_set", std::string("web")},
       {"from", int64_t(0)},
       {"to", int64_t(2)},
       {"reason", std::string("request")}});
  auto vm = [&](int64_t t, const std::string& slot, const std::string& state,
                int64_t id) {
    rec(s, t, slot, "vm", "vm_state",
        {{"state", state},
         {"instance_id", id},
         {"scale_set", std::string("web")},
         {"reason", std::string("")}});
  };
  vm(2, "westeurope/z1/r1/h1/vm0", "creating", 0);
  vm(2, "westeurope/z2/r1/h1/vm0", "creating", 1);
  vm(3, "westeurope/z1/r1/h1/vm0", "running", 0);
  EXPECT_EQ(s.capacity("web"), 2);
  EXPECT_EQ(s.instances_by_state("web"),
            (std::map<std::string, int64_t>{{"creating", 1}, {"running", 1}}));
  vm(4, "westeurope/z2/r1/h1/vm0", "deleted", 1);
  EXPECT_EQ(s.instances_by_state("web"),
            (std::map<std::string, int64_t>{{"running", 1}}));
  auto j = json::parse(s.snapshot_json());
  ASSERT_EQ(j["scale_sets"].size(), 1u);
  EXPECT_EQ(j["scale_sets"][0]["capacity"], 2);
  EXPECT_EQ(j["scale_sets"][0]["instances"]["running"], 1);
  EXPECT_EQ(j["zones"][0]["racks"][0]["hosts"][0]["instances"][0], "web/0");
  EXPECT_TRUE(j["zones"][1]["racks"][0]["hosts"][0]["instances"].empty());
}

TEST(LiveState, LeaderIsTheLatestTermAndRequestsTheLastSecond) {
  live_state s;
  seed(s);
  rec(s, 1, "westeurope/z1/r1/h1/fc", "fc_replica", "leader_elected",
      {{"term", int64_t(1)}});
  rec(s, 9, "westeurope/z2/r1/h1/fc", "fc_replica", "leader_elected",
      {{"term", int64_t(2)}});
  EXPECT_EQ(s.leader(),
            std::make_pair(std::string("westeurope/z2/r1/h1/fc"), int64_t(2)));
  rec(s, 10, "westeurope/z2/r1/h1/fc", "fc_replica", "entity_crashed");
  auto j = json::parse(s.snapshot_json());
  EXPECT_EQ(j["leader"]["up"], false);
  auto req = [&](int64_t tick, int64_t ok, int64_t failed, double p95) {
    rec(s, tick + 5, "global/clients", "workload", "requests",
        {{"workload", std::string("w")},
         {"target", std::string("lb")},
         {"region", std::string("westeurope")},
         {"ok", ok},
         {"failed", failed},
         {"p50_ms", 1.0},
         {"p95_ms", p95},
         {"p99_ms", p95},
         {"tick_ns", tick}});
  };
  req(1000, 50, 1, 3.0);
  req(2000, 40, 2, 4.0);
  req(2000, 10, 0, 6.0);  // a second target in the same second
  req(1000, 99, 99, 9.0); // late: an older second is not the last one
  j = json::parse(s.snapshot_json());
  EXPECT_EQ(j["requests"]["tick_ns"], 2000);
  EXPECT_EQ(j["requests"]["ok"], 50);
  EXPECT_EQ(j["requests"]["failed"], 2);
  EXPECT_EQ(j["requests"]["p95_ms"], 6.0);
}

TEST(LiveState, RecoveryEndsTheFaultOfItsFamily) {
  live_state s(recovery);
  seed(s);
  const std::string n = "westeurope/z1/s1/n1";
  auto fault = [&](const char* event, const char* f) {
    rec(s, 1, "westeurope/control", "control", event,
        {{"fault", std::string(f)}, {"target", n}});
  };
  fault("fault_injected", "slow_disk");
  fault("fault_injected", "replica_loss");
  fault("fault_recovered", "replica_restore");
  EXPECT_EQ(s.faults(), std::vector<std::string>{"slow_disk " + n});
  // Without a pairing, a recovery ends the oldest fault of its target.
  live_state plain;
  rec(plain, 1, "westeurope/control", "control", "fault_injected",
      {{"fault", std::string("tor_fail")}, {"target", std::string("t")}});
  rec(plain, 2, "westeurope/control", "control", "fault_recovered",
      {{"fault", std::string("tor_repair")}, {"target", std::string("t")}});
  EXPECT_TRUE(plain.faults().empty());
}

TEST(LiveState, ReadersAndAWriterOnOtherThreads) {
  live_state s;
  seed(s);
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i)
      rec(s, i, "westeurope/z1/r1/h1", "host_agent",
          i % 2 ? "entity_restarted" : "entity_crashed");
  });
  for (int i = 0; i < 200; ++i)
    ASSERT_FALSE(json::parse(s.snapshot_json())["zones"].empty());
  writer.join();
  EXPECT_EQ(s.records(), 2000u);
  EXPECT_EQ(s.host_state("westeurope/z1/r1/h1"), "up");
}

/// A real run of the built-in default scenario (every kind of outage, each
/// recovered), folded from its trace.
TEST(LiveState, FoldOfARealTraceMatchesItsSummary) {
  vmss_test::scratch dir;
  auto out = dir.at("trace");
  auto run = vmss_test::run_sim("run --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto summary = vmss_test::run_sim("trace summary " + out);
  ASSERT_EQ(summary.exit_code, 0) << summary.output;

  vmss::analysis::trace_reader reader(out);
  live_state s(recovery);
  s.add_entities(reader.manifest().entities);
  size_t hosts = 0;
  for (const auto& e : reader.manifest().entities)
    hosts += e.kind == "host_agent";
  std::map<std::string, int64_t> capacity;
  std::map<std::string, std::string> last_state; // set/N -> state
  std::pair<std::string, int64_t> leader{"", -1};
  int64_t injected = 0, recovered = 0;
  uint64_t n = reader.for_each([&](const vmss::analysis::record& r) {
    s.apply(r);
    auto text = [&](const char* k) {
      for (const auto& f : r.fields)
        if (f.key == k)
          return std::holds_alternative<std::string>(f.val)
                     ? std::get<std::string>(f.val)
                     : std::to_string(std::get<int64_t>(f.val));
      return std::string();
    };
    if (r.event == "capacity_changed")
      capacity[text("scale_set")] = std::stoll(text("to"));
    if (r.event == "vm_state")
      last_state[text("scale_set") + "/" + text("instance_id")] = text("state");
    if (r.event == "leader_elected" &&
        std::stoll(text("term")) >= leader.second)
      leader = {std::string(r.path), std::stoll(text("term"))};
    injected += r.event == "fault_injected";
    recovered += r.event == "fault_recovered";
  });
  // `trace summary` counts the same records and events.
  EXPECT_NE(summary.output.find("records=" + std::to_string(n)),
            std::string::npos)
      << summary.output;
  EXPECT_EQ(s.records(), n);
  ASSERT_GT(injected, 0);
  EXPECT_NE(summary.output.find("fault_injected"), std::string::npos);
  EXPECT_EQ(injected, recovered); // the default scenario recovers each
  EXPECT_TRUE(s.faults().empty());

  // Every host of the topology is on the map; all are back up at the end.
  size_t map_hosts = 0;
  for (const auto& h : s.hosts())
    map_hosts += h.find("/s") == std::string::npos;
  EXPECT_EQ(map_hosts, hosts);
  ASSERT_GT(hosts, 0u);
  for (const auto& h : s.hosts())
    EXPECT_EQ(s.host_state(h), "up") << h;

  ASSERT_FALSE(capacity.empty());
  for (const auto& [set, cap] : capacity) {
    EXPECT_EQ(s.capacity(set), cap) << set;
    std::map<std::string, int64_t> by_state;
    for (const auto& [vm, st] : last_state)
      if (vm.rfind(set + "/", 0) == 0 && st != "deleted")
        ++by_state[st];
    EXPECT_EQ(s.instances_by_state(set), by_state) << set;
  }
  EXPECT_EQ(s.leader(), leader);
  EXPECT_FALSE(leader.first.empty());
}

} // namespace
