/// `trace export --format chrome` on a hand-made trace of one scale-set
/// instance's life: metadata, nested slices, global fault instants,
/// counters, control-plane flows, --from/--to/--filter, parts, determinism.

#include "analysis/chrome_export.hpp"
#include "analysis/export.hpp"
#include "analysis/record_filter.hpp"
#include "chrome_check.hpp"
#include "cli_runner.hpp"
#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

namespace vmss::trace_test {
namespace {

using nlohmann::json;

constexpr int64_t s = 1'000'000'000;

enum : uint32_t { arm, orch, fc, host, vm, lb, workload, control, autoscale };

std::vector<trace::entity_info> entities() {
  return {{"westeurope/arm", "arm", 0},
          {"westeurope/vmss/web", "orchestrator", 0},
          {"westeurope/fc/replica0", "fc_replica", 0},
          {"westeurope/z1/r01/h01", "host_agent", 1},
          {"westeurope/z1/r01/h01/vm0", "vm", 1},
          {"westeurope/lb/web-lb", "load_balancer", 0},
          {"global/workload/w", "workload", 0},
          {"westeurope/control", "control", 0},
          {"westeurope/autoscale/as", "autoscale", 0}};
}

test_record rec(int64_t t, uint32_t entity, std::string event,
                std::vector<trace::field> fields) {
  static uint64_t seq = 0;
  uint32_t node = entity == host || entity == vm ? 1 : 0;
  return {node, key(t, entity, ++seq), std::move(event), std::move(fields)};
}

std::vector<trace::field> view(const char* prov, const char* power) {
  return {{"scale_set", std::string("web")},
          {"instance_id", int64_t{0}},
          {"provisioning_state", std::string(prov)},
          {"power_state", std::string(power)}};
}

std::vector<trace::field> vm_state(const char* state) {
  return {{"state", std::string(state)},
          {"instance_id", int64_t{0}},
          {"scale_set", std::string("web")},
          {"reason", std::string("created")}};
}

/// An instance created through ARM, the FC, its host and its VM; a fault;
/// counters; then a restart whose flow is still in flight at the end.
std::vector<test_record> life() {
  std::vector<test_record> r{
      rec(1 * s, arm, "arm_request",
          {{"request", int64_t{1}},
           {"scale_set", std::string("web")},
           {"operation", std::string("create")},
           {"accepted", true},
           {"reason", std::string()}}),
      rec(1 * s + 1, orch, "capacity_changed",
          {{"scale_set", std::string("web")},
           {"from", int64_t{0}},
           {"to", int64_t{1}},
           {"reason", std::string("request")}}),
      rec(1 * s + 2, orch, "instance_operation",
          {{"scale_set", std::string("web")},
           {"instance_id", int64_t{0}},
           {"operation", std::string("create")},
           {"reason", std::string("scale_out")}}),
      rec(1 * s + 2, orch, "instance_view", view("Creating", "starting")),
      rec(s + s / 2, fc, "placement",
          {{"vm", std::string("web/0")},
           {"host", std::string("westeurope/z1/r01/h01")},
           {"zone", int64_t{1}}}),
      rec(s + s / 2 + 5, fc, "fc_applied", {{"index", int64_t{3}}}),
      rec(s + 6 * s / 10, host, "vm_admitted",
          {{"vm", std::string("westeurope/z1/r01/h01/vm0")},
           {"vcpus", int64_t{2}}}),
      rec(s + 7 * s / 10, vm, "vm_state", vm_state("pending")),
      rec(2 * s, vm, "vm_state", vm_state("creating")),
      rec(3 * s, orch, "instance_view", view("Succeeded", "running")),
      rec(3 * s, vm, "vm_state", vm_state("running")),
      rec(4 * s, lb, "lb_backend",
          {{"vm", std::string("web/0")},
           {"member", true},
           {"pool", std::string("web-pool")}}),
      rec(5 * s, workload, "requests",
          {{"workload", std::string("w")},
           {"target", std::string("westeurope/lb/web-lb")},
           {"ok", int64_t{10}},
           {"failed", int64_t{1}}}),
      rec(6 * s, control, "fault_injected",
          {{"fault", std::string("host_power")},
           {"target", std::string("westeurope/z1/r01/h01")}}),
      rec(6 * s, autoscale, "autoscale_evaluated",
          {{"setting", std::string("as")},
           {"scale_set", std::string("web")},
           {"metrics", std::string("rules[0] Percentage CPU=78.25;rules[1] "
                                   "Percentage CPU=missing")}}),
      rec(7 * s, control, "fault_recovered",
          {{"fault", std::string("host_power")},
           {"target", std::string("westeurope/z1/r01/h01")}}),
      rec(8 * s, orch, "instance_operation",
          {{"scale_set", std::string("web")},
           {"instance_id", int64_t{0}},
           {"operation", std::string("restart")},
           {"reason", std::string("request")}}),
      rec(10 * s, control, "tick", {})};
  std::stable_sort(r.begin(), r.end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
  return r;
}

std::string write_life(uint32_t nodes = 2) {
  auto dir = scratch_dir();
  auto records = life();
  if (nodes == 1)
    for (auto& r : records)
      r.node = 0;
  auto table = entities();
  if (nodes == 1)
    for (auto& e : table)
      e.node = 0;
  write_trace(dir, table, records, nodes);
  return dir;
}

/// The parts' text of an export.
std::vector<std::string>
export_parts(const std::string& dir, const analysis::chrome_options& o,
             analysis::chrome_result* result = nullptr) {
  std::vector<std::unique_ptr<std::ostringstream>> streams;
  auto r = analysis::export_chrome(
      analysis::trace_reader(dir), o, [&](size_t) -> std::ostream& {
        streams.push_back(std::make_unique<std::ostringstream>());
        return *streams.back();
      });
  if (result)
    *result = r;
  std::vector<std::string> texts;
  for (auto& st : streams)
    texts.push_back(st->str());
  return texts;
}

chrome_view export_one(const std::string& dir,
                       const analysis::chrome_options& o = {}) {
  auto parts = export_parts(dir, o);
  EXPECT_EQ(parts.size(), 1u);
  return check_chrome(parts.at(0));
}

TEST(chrome_export, names_processes_and_threads_after_the_topology) {
  auto v = export_one(write_life());
  for (const char* name :
       {"westeurope control plane", "westeurope zone 1", "global control plane",
        "scale set web (westeurope)"})
    EXPECT_TRUE(v.has_process(name)) << name;
  for (const char* name : {"r01/h01/vm0 (vm)", "r01/h01 (host_agent)",
                           "arm (arm)", "web/0", "vmss/web (orchestrator)"})
    EXPECT_TRUE(v.has_thread(name)) << name;
  EXPECT_EQ(v.doc["otherData"]["scenario"], "test");
}

TEST(chrome_export, vm_and_instance_states_are_nested_slices_closed_at_end) {
  auto v = export_one(write_life());
  auto vm_slices = v.slices_on("r01/h01/vm0 (vm)");
  ASSERT_EQ(vm_slices.size(), 3u);
  EXPECT_EQ(vm_slices[0].name, "pending");
  EXPECT_EQ(vm_slices[1].name, "creating");
  EXPECT_EQ(vm_slices[2].name, "running");
  EXPECT_DOUBLE_EQ(vm_slices[1].begin_us, 2e6);
  EXPECT_DOUBLE_EQ(vm_slices[1].end_us, 3e6);
  EXPECT_DOUBLE_EQ(vm_slices[2].end_us, 10e6); // closed at the end
  EXPECT_DOUBLE_EQ(vm_slices[0].begin_us, 1.7e6);

  auto inst = v.slices_on("web/0");
  ASSERT_EQ(inst.size(), 4u);
  EXPECT_EQ(inst[0].name, "Creating");
  EXPECT_EQ(inst[0].depth, 0);
  EXPECT_EQ(inst[1].name, "starting");
  EXPECT_EQ(inst[1].depth, 1);
  EXPECT_EQ(inst[2].name, "Succeeded");
  EXPECT_EQ(inst[3].name, "running");
  EXPECT_EQ(inst[3].depth, 1);
  EXPECT_DOUBLE_EQ(inst[0].begin_us, 1e6 + 0.002);
}

TEST(chrome_export, faults_are_global_instants) {
  auto v = export_one(write_life());
  ASSERT_EQ(v.global_instants.size(), 2u);
  EXPECT_EQ(v.global_instants[0], "fault_injected: host_power "
                                  "westeurope/z1/r01/h01");
  EXPECT_EQ(v.global_instants[1], "fault_recovered: host_power "
                                  "westeurope/z1/r01/h01");
}

TEST(chrome_export, counters_of_capacity_backends_requests_and_cpu) {
  auto v = export_one(write_life());
  EXPECT_EQ(v.counter("scale set web (westeurope)", "capacity", "capacity"),
            1.0);
  EXPECT_EQ(v.counter("westeurope control plane",
                      "backends westeurope/lb/web-lb web-pool", "members"),
            1.0);
  EXPECT_EQ(v.counter("global control plane", "requests w westeurope/lb/web-lb",
                      "ok"),
            10.0);
  EXPECT_EQ(v.counter("global control plane", "requests w westeurope/lb/web-lb",
                      "failed"),
            1.0);
  EXPECT_EQ(
      v.counter("scale set web (westeurope)", "metrics", "Percentage CPU"),
      78.25);
}

TEST(chrome_export, flows_follow_arm_orchestrator_fc_host_agent_vm) {
  auto v = export_one(write_life());
  ASSERT_EQ(v.flows.size(), 3u);
  // ARM request -> orchestrator.
  EXPECT_EQ(v.flows[0].threads,
            (std::vector<std::string>{"arm (arm)", "vmss/web (orchestrator)"}));
  // The create: orchestrator -> FC -> host agent -> VM.
  EXPECT_EQ(v.flows[1].threads,
            (std::vector<std::string>{
                "vmss/web (orchestrator)", "fc/replica0 (fc_replica)",
                "r01/h01 (host_agent)", "r01/h01/vm0 (vm)"}));
  EXPECT_DOUBLE_EQ(v.flows[1].ts_us.back(), 1.7e6);
  // The restart never reached the FC: ended at the end of the export.
  EXPECT_EQ(v.flows[2].threads.size(), 2u);
  EXPECT_DOUBLE_EQ(v.flows[2].ts_us.back(), 10e6);
  EXPECT_TRUE(v.has_slice_named("flow open at the end of the export"));
}

TEST(chrome_export, from_to_restrict_and_reopen_the_slices_in_force) {
  analysis::chrome_options o;
  o.filter = analysis::make_record_filter("2500ms", "6500ms", {});
  auto v = export_one(write_life(), o);
  EXPECT_GE(v.min_ts_us, 2.5e6);
  EXPECT_LE(v.max_ts_us, 6.5e6);
  auto vm_slices = v.slices_on("r01/h01/vm0 (vm)");
  ASSERT_EQ(vm_slices.size(), 2u);
  EXPECT_EQ(vm_slices[0].name, "creating");
  EXPECT_DOUBLE_EQ(vm_slices[0].begin_us, 2.5e6);
  EXPECT_DOUBLE_EQ(vm_slices[1].end_us, 6.5e6);
  ASSERT_EQ(v.global_instants.size(), 1u); // the recovery is after --to
  EXPECT_TRUE(v.flows.empty()); // the create's flow began before --from
  // The capacity set before the window is repeated at its start.
  EXPECT_EQ(v.counter("scale set web (westeurope)", "capacity", "capacity"),
            1.0);
}

TEST(chrome_export, filter_restricts_events_and_paths) {
  analysis::chrome_options o;
  o.filter = analysis::make_record_filter(
      "", "", {"event=vm_state,fault_injected", "path=westeurope/z1"});
  auto v = export_one(write_life(), o);
  EXPECT_TRUE(v.global_instants.empty()); // control is not under z1
  EXPECT_EQ(v.slices_on("r01/h01/vm0 (vm)").size(), 3u);
  EXPECT_FALSE(v.has_thread("arm (arm)"));
  EXPECT_FALSE(v.has_thread("web/0"));
  EXPECT_TRUE(v.flows.empty());
}

TEST(chrome_export, max_bytes_splits_into_complete_parts_by_time) {
  analysis::chrome_options o;
  o.max_part_bytes = 4000;
  analysis::chrome_result result;
  auto dir = write_life();
  auto parts = export_parts(dir, o, &result);
  ASSERT_GE(parts.size(), 3u);
  ASSERT_EQ(result.parts.size(), parts.size());
  size_t faults = 0;
  double last_end = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    SCOPED_TRACE("part " + std::to_string(i));
    EXPECT_LE(parts[i].size(), o.max_part_bytes);
    EXPECT_EQ(parts[i].size(), result.parts[i].bytes);
    auto v = check_chrome(parts[i]); // nested, closed, named, flows ended
    faults += v.global_instants.size();
    EXPECT_EQ(v.doc["otherData"]["part"], i);
    EXPECT_GE(v.min_ts_us, last_end);
    last_end = result.parts[i].to_ns / 1e3;
    if (i > 0) {
      EXPECT_EQ(result.parts[i].from_ns, result.parts[i - 1].to_ns);
    }
  }
  EXPECT_EQ(faults, 2u);
  EXPECT_EQ(result.parts.back().to_ns, 10 * s);
}

TEST(chrome_export, a_limit_below_what_a_part_needs_is_refused) {
  analysis::chrome_options o;
  o.max_part_bytes = 1200;
  try {
    export_parts(write_life(), o);
    ADD_FAILURE() << "a 1200-byte limit was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--max-mb: a part starting at"),
              std::string::npos)
        << e.what();
  }
}

TEST(chrome_export, same_bytes_twice_and_on_any_number_of_nodes) {
  auto one = export_parts(write_life(1), {});
  auto two = export_parts(write_life(2), {});
  EXPECT_EQ(one, export_parts(write_life(1), {}));
  EXPECT_EQ(one, two);
}

TEST(record_filter, path_prefix_is_whole_components) {
  auto f = analysis::make_record_filter("", "", {"path=westeurope/z1/"});
  EXPECT_TRUE(f.path_selected("westeurope/z1"));
  EXPECT_TRUE(f.path_selected("westeurope/z1/r01"));
  EXPECT_FALSE(f.path_selected("westeurope/z10"));
  EXPECT_TRUE(f.event_selected("anything"));
  auto g = analysis::make_record_filter("1s", "2s", {"event=a,b", "event=c"});
  EXPECT_EQ(g.events, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(g.in_window(s));
  EXPECT_FALSE(g.in_window(2 * s));
}

TEST(record_filter, bad_values_name_the_option) {
  auto bad = [](const std::string& from, const std::string& to,
                std::vector<std::string> specs, const std::string& part) {
    try {
      analysis::make_record_filter(from, to, specs);
      ADD_FAILURE() << "accepted " << from << " " << to;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << e.what();
    }
  };
  bad("ten", "", {}, "--from 'ten'");
  bad("", "5", {}, "--to '5'");
  bad("3s", "2s", {}, "--from must be before --to");
  bad("", "", {"kind=vm"}, "expected event=NAME");
  bad("", "", {"event=a,,b"}, "empty name");
  bad("", "", {"path=/"}, "empty path");
}

TEST(trace_export, jsonl_and_csv_honour_the_filter) {
  auto dir = write_life();
  std::ostringstream out;
  auto f = analysis::make_record_filter("2s", "4s", {"event=vm_state"});
  EXPECT_EQ(analysis::export_jsonl(analysis::trace_reader(dir), out, f), 2u);
  EXPECT_NE(out.str().find("\"state\":\"creating\""), std::string::npos);
  EXPECT_NE(out.str().find("\"state\":\"running\""), std::string::npos);
  std::ostringstream csv;
  EXPECT_EQ(analysis::export_csv(analysis::trace_reader(dir), csv, f), 2u);
  std::string text = csv.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(trace_command, chrome_export_splits_into_file_parts) {
  auto dir = write_life();
  auto file = scratch_dir("out") + "/trace.json";
  auto r = run_cli({"trace", "export", dir, "--format", "chrome", "-o", file,
                    "--max-mb", "0.004"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("parts of at most 0.004 MB"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(file + ".1 ["), std::string::npos) << r.err;
  check_chrome(read_file(file));
  check_chrome(read_file(file + ".1"));
  auto whole = run_cli({"trace", "export", dir, "--format", "chrome"});
  ASSERT_EQ(whole.code, 0) << whole.err;
  EXPECT_EQ(whole.out, export_parts(dir, {}).at(0));
}

TEST(trace_command, export_bad_options_exit_2) {
  auto dir = write_life();
  for (std::vector<std::string> extra :
       {std::vector<std::string>{"--from", "later"},
        {"--from", "5s", "--to", "1s"},
        {"--filter", "entity=x"},
        {"--max-mb", "0"},
        {"--max-mb", "-1"},
        {"--max-mb", "1e3"}}) {
    std::vector<std::string> args{"trace", "export", dir, "--format", "chrome"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_cli(args);
    EXPECT_EQ(r.code, 2) << extra[0];
    EXPECT_EQ(r.err.rfind("error: " + extra[0], 0), 0u) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

} // namespace
} // namespace vmss::trace_test
