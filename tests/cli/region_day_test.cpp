// The region-day benchmark (docs/benchmarks.md) through the binary:
// - its CI variant, scenarios/region-day-ci.json, gives one trace digest and
//   one delivery digest on 1, 2 and 3 node processes and 1 and 2 threads,
//   and holds every fault kind of the day (host crashes from an MTBF, a
//   rack loss, a leader kill, a zone outage) and autoscale's scale-outs;
// - the background tenants of both scenarios leave room for every scale set
//   at its autoscale maximum, also with a zone out;
// - `bench region-day` runs a scenario as `vmss-sim run` does (same
//   digests) and prints the contract's result line and its '#' details;
//   bad --hours exit 2.

#include "tests/support/jsonl.hpp"
#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using vmss_test::run_sim;

const std::string scenarios = std::string(VMSS_SOURCE_DIR) + "/scenarios/";
const std::string ci = scenarios + "region-day-ci.json";

TEST(RegionDay, TheCiVariantHasOneDigestOnOneTwoAndThreeNodesAndThreads) {
  vmss_test::scratch s;
  struct layout {
    int nodes, threads;
  };
  const std::vector<layout> layouts{{1, 1}, {1, 2}, {2, 1},
                                    {2, 2}, {3, 1}, {3, 2}};
  std::string digest, delivery, events;
  for (const auto& l : layouts) {
    auto where = "nodes=" + std::to_string(l.nodes) +
                 " threads=" + std::to_string(l.threads);
    auto dir =
        s.at("n" + std::to_string(l.nodes) + "t" + std::to_string(l.threads));
    auto r = run_sim("run " + ci + " --quiet --out " + dir + " --nodes " +
                     std::to_string(l.nodes) + " --threads " +
                     std::to_string(l.threads));
    ASSERT_EQ(r.exit_code, 0) << where << "\n" << r.output;
    ASSERT_EQ(r.value("digest").size(), 64u) << where << "\n" << r.output;
    if (digest.empty()) {
      digest = r.value("digest");
      delivery = r.value("delivery_digest");
      events = r.value("events");
      auto check = run_sim("trace check " + dir);
      EXPECT_EQ(check.exit_code, 0) << check.output;
    }
    EXPECT_EQ(r.value("digest"), digest) << where;
    EXPECT_EQ(r.value("delivery_digest"), delivery) << where;
    EXPECT_EQ(r.value("events"), events) << where;
  }
}

TEST(RegionDay, TheCiVariantHoldsEveryFaultKindOfTheDayAndAutoscale) {
  vmss_test::scratch s;
  auto run = run_sim("run " + ci + " --quiet --out " + s.at("t"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto out = run_sim("trace export " + s.at("t") +
                     " --format jsonl --filter event=fault_injected,"
                     "leader_killed,leader_elected,capacity_changed");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  auto records = vmss_test::parse_jsonl(out.output);
  std::set<std::string> faults;
  for (const auto& r : vmss_test::having(records, "fault_injected"))
    faults.insert(r.field("fault"));
  EXPECT_EQ(faults,
            (std::set<std::string>{"host_crash", "rack_power_off",
                                   "fc_leader_kill", "zone_power_off"}));
  EXPECT_FALSE(vmss_test::having(records, "leader_killed").empty());
  int64_t last_term = 0;
  for (const auto& r : vmss_test::having(records, "leader_elected"))
    last_term = std::max<int64_t>(last_term, std::stoll(r.field("term")));
  EXPECT_GE(last_term, 2) << "no new leader after the kill";
  std::set<std::string> scaled_out;
  for (const auto& r : vmss_test::having(records, "capacity_changed"))
    if (vmss_test::starts_with(r.field("reason"), "autoscale:") &&
        std::stoll(r.field("to")) > std::stoll(r.field("from")))
      scaled_out.insert(r.field("scale_set"));
  EXPECT_EQ(scaled_out.size(), 2u) << "autoscale scaled out shop-web and "
                                      "video-edge under their loads";
}

/// Room for the scenario's VM size left by the background tenants, per
/// zone: each host's usable capacity (docs/model.md "Host capacity": 2
/// cores and 8 GB kept by the hypervisor, 2 vCPUs a remaining core: 124
/// vCPUs and 504 GB on the presets' 64-core, 512 GB servers) less its
/// tenants (`tenants_placed`), in VMs of `vcpus` and `ram_gb`, at most its
/// free slots.
std::map<std::string, int64_t>
room_by_zone(const std::vector<vmss_test::jsonl_record>& records, int64_t slots,
             int64_t vcpus, int64_t ram_gb) {
  std::map<std::string, int64_t> room;
  for (const auto& r : vmss_test::having(records, "tenants_placed")) {
    auto fit = std::min({(124 - std::stoll(r.field("vcpus"))) / vcpus,
                         (504 - std::stoll(r.field("ram_gb"))) / ram_gb,
                         slots - std::stoll(r.field("vms"))});
    auto zone = r.entity().substr(0, r.entity().find('/', 11));
    room[zone] += std::max<int64_t>(fit, 0);
  }
  return room;
}

/// The scenario's tenants, from a run of its first millisecond, leave room
/// for every set at its autoscale maximum, and still do with any one zone
/// out (docs/benchmarks.md says why the fill is 90 %).
void expect_room_at_maximum(const std::string& file, int64_t expected_hosts) {
  vmss_test::scratch s;
  auto run = run_sim("run " + file + " --quiet --until 1ms --out " + s.at("t"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(run.output, m,
                                std::regex(" hosts=(\\d+) vm_slots=(\\d+) ")))
      << run.output;
  auto hosts = std::stoll(m[1]);
  ASSERT_EQ(hosts, expected_hosts);
  auto slots = std::stoll(m[2]) / hosts;
  auto scenario = nlohmann::json::parse(vmss_test::read_file(file));
  for (const auto& set : scenario["scaleSets"])
    ASSERT_EQ(set["body"]["sku"]["name"], "Standard_D2s_v3"); // 2 vCPUs, 8 GB
  int64_t maxima = 0;
  for (const auto& a : scenario["autoscaleSettings"])
    for (const auto& p : a["body"]["properties"]["profiles"])
      maxima += std::stoll(p["capacity"]["maximum"].get<std::string>());
  auto out = run_sim("trace export " + s.at("t") +
                     " --format jsonl --filter event=tenants_placed");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  auto room = room_by_zone(vmss_test::parse_jsonl(out.output), slots, 2, 8);
  ASSERT_EQ(room.size(), 3u);
  int64_t total = 0, largest_zone = 0;
  for (const auto& [zone, n] : room) {
    total += n;
    largest_zone = std::max(largest_zone, n);
  }
  EXPECT_GE(total - largest_zone, maxima)
      << "room " << total << ", of which " << largest_zone
      << " in the largest zone, for " << maxima << " instances at most";
}

TEST(RegionDay, TenantsLeaveRoomForEverySetAtItsMaximumWithAZoneOut) {
  expect_room_at_maximum(scenarios + "region-day.json", 4800);
  expect_room_at_maximum(ci, 24);
}

TEST(RegionDay, BenchRunsTheScenarioAsRunDoesAndPrintsItsLines) {
  vmss_test::scratch s;
  auto bench = run_sim("bench region-day --scenario " + ci +
                       " --hours 0.1 --quiet --trace " + s.at("b"));
  ASSERT_EQ(bench.exit_code, 0) << bench.output;
  auto run = run_sim("run " + ci + " --until 6m --quiet --out " + s.at("r"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // The contract's line (../shared/cli.md), last on stdout, and the details.
  EXPECT_TRUE(std::regex_search(
      bench.output, std::regex("\nregion_day vmss-sim msgs=\\d+ wall_s=[0-9.]+ "
                               "msgs_per_s=\\d+ rss_kb=\\d+ check=ok "
                               "digest=[0-9a-f]{64}\n$")))
      << bench.output;
  EXPECT_TRUE(std::regex_search(
      bench.output,
      std::regex("\n# setup_s=[0-9.]+ windows=\\d+ windows_per_s=\\d+ "
                 "events=\\d+ events_per_s=\\d+ virtual_end_s=359\\.\\d{6} "
                 "trace_records=\\d+ trace_bytes=\\d+ bytes_per_record=[0-9.]+ "
                 "trace_digest=[0-9a-f]{64}\n")))
      << bench.output;
  EXPECT_EQ(bench.value("digest"), run.value("delivery_digest"));
  EXPECT_EQ(bench.value("trace_digest"), run.value("digest"));
  EXPECT_EQ(bench.value("msgs"), run.value("events"));
  EXPECT_EQ(bench.value("events"), run.value("events"));
}

TEST(RegionDay, BadHoursAndOptionsOfOtherWorkloadsExit2) {
  for (const std::string hours :
       {"0", "0.0000000000001", "25", "24.001", "1h", "-1", ".5", "1e1",
        "99999999999999999999999"}) {
    auto r = run_sim("bench region-day --hours " + hours);
    EXPECT_EQ(r.exit_code, 2) << hours << "\n" << r.output;
    EXPECT_NE(r.output.find("error: --hours " + hours +
                            ": expected virtual hours, a decimal number "
                            "above 0 and at most 24 (the scenario's "
                            "duration)"),
              std::string::npos)
        << hours << "\n"
        << r.output;
    EXPECT_EQ(r.output.find("region_day vmss-sim"), std::string::npos);
  }
  auto other = run_sim("bench region --hours 1");
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("error: --hours and --scenario are options of "
                              "bench region-day"),
            std::string::npos)
      << other.output;
  vmss_test::scratch s;
  auto missing = run_sim("bench region-day --scenario " + s.at("none.json"));
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("error: " + s.at("none.json") +
                                ": cannot read the scenario file"),
            std::string::npos)
      << missing.output;
  auto help = run_sim("bench --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const std::string option : {"--hours", "--scenario", "region-day"})
    EXPECT_NE(help.output.find(option), std::string::npos) << option;
}

} // namespace
