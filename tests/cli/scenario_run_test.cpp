// `vmss-sim run FILE` (docs/scenarios.md): the built-in default scenario and
// scenarios/default.json are one run; a scenario with an unknown field, an
// unknown target or a bad family setting is refused naming it, exit 2, and
// nothing is written; fault processes are drawn from the run's seed, the
// same on any number of node processes. (Every file of scenarios/ runs
// and passes `trace check` in tests/scenarios/.)

#include "tests/support/jsonl.hpp"
#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace {

using vmss_test::run_sim;

std::string scenario_text(const std::string& name) {
  std::ifstream in(std::string(VMSS_SOURCE_DIR) + "/scenarios/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// scenarios/`base` (faults-tour.json) with `from` replaced by `to` (once),
/// written to `path`.
void write_variant(const std::string& path, const std::string& from,
                   const std::string& to,
                   const std::string& base = "faults-tour.json") {
  auto text = scenario_text(base);
  auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(path) << text;
}

TEST(ScenarioRun, TheBuiltInDefaultIsScenariosDefaultJson) {
  vmss_test::scratch s;
  auto builtin = run_sim("run --out " + s.at("a"));
  auto file = run_sim("run " + std::string(VMSS_SOURCE_DIR) +
                      "/scenarios/default.json --out " + s.at("b"));
  ASSERT_EQ(builtin.exit_code, 0) << builtin.output;
  ASSERT_EQ(file.exit_code, 0) << file.output;
  EXPECT_EQ(builtin.value("digest"), file.value("digest"));
  EXPECT_EQ(builtin.value("events"), file.value("events"));
  EXPECT_FALSE(builtin.value("digest").empty());
}

void expect_refused(const vmss_test::scratch& s, const std::string& file,
                    const std::string& says) {
  auto r = run_sim("run " + file + " --out " + s.at("out"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("error: " + file + ": " + says), std::string::npos)
      << "expected '" << says << "' in:\n"
      << r.output;
  auto v = run_sim("validate " + file);
  EXPECT_EQ(v.exit_code, 2) << v.output;
  EXPECT_NE(v.output.find(says), std::string::npos) << v.output;
}

TEST(ScenarioRun, AnUnknownFieldIsNamedWithItsPath) {
  vmss_test::scratch s;
  write_variant(s.at("x.json"), "\"capacity\": 3", "\"capasity\": 3");
  expect_refused(s, s.at("x.json"),
                 "scaleSets[0].body.sku.capasity: unknown field (did you "
                 "mean capacity?)");
  EXPECT_EQ(s.names(), std::vector<std::string>{"x.json"});
}

TEST(ScenarioRun, AnUnknownTargetIsNamedWithItsTimelineEntry) {
  vmss_test::scratch s;
  // The fourth entry (index 3) is the storage replica loss.
  write_variant(s.at("x.json"), "westeurope/z1/s1/n2\"}",
                "westeurope/z9/s1/n2\"}");
  expect_refused(s, s.at("x.json"),
                 "timeline[3].target: fault replica_loss westeurope/z9/s1/n2: "
                 "no such entity");
  EXPECT_EQ(s.names(), std::vector<std::string>{"x.json"});
}

TEST(ScenarioRun, AFaultOnTheWrongKindOfTargetIsRefused) {
  vmss_test::scratch s;
  write_variant(s.at("x.json"), "\"fault\": \"host_crash\"",
                "\"fault\": \"tor_fail\"");
  auto r = run_sim("run " + s.at("x.json") + " --out " + s.at("out"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("timeline[0].target"), std::string::npos)
      << r.output; // a host is not a TOR switch
}

TEST(ScenarioRun, AFamilySettingIsCheckedAgainstItsRange) {
  vmss_test::scratch s;
  write_variant(s.at("x.json"), "\"topology\": {\"preset\": \"small\"},",
                "\"topology\": {\"preset\": \"small\"},\n"
                "  \"fabric\": {\"missed\": 0},");
  expect_refused(s, s.at("x.json"),
                 "fabric: missed=0 is out of range (1 to 1000)");
}

TEST(ScenarioRun, TheScenarioSeedIsUsedUnlessSeedIsGiven) {
  vmss_test::scratch s;
  write_variant(s.at("x.json"), "\"seed\": 1", "\"seed\": 7");
  auto seven = run_sim("run " + s.at("x.json") + " --out " + s.at("a"));
  auto given =
      run_sim("run " + std::string(VMSS_SOURCE_DIR) +
              "/scenarios/faults-tour.json --seed 7 --out " + s.at("b"));
  ASSERT_EQ(seven.exit_code, 0) << seven.output;
  ASSERT_EQ(given.exit_code, 0) << given.output;
  EXPECT_NE(seven.output.find("seed=7"), std::string::npos) << seven.output;
  EXPECT_EQ(seven.value("digest"), given.value("digest"));
}

/// The "# fault_process faultProcesses[0] ..." line a run prints.
std::string process_line(const vmss_test::outcome& r) {
  auto at = r.output.find("# fault_process faultProcesses[0] ");
  if (at == std::string::npos)
    return "";
  return r.output.substr(at, r.output.find('\n', at) - at);
}

/// The number after `key=` in `line`.
size_t count_of(const std::string& line, const std::string& key) {
  auto at = line.find(" " + key + "=");
  EXPECT_NE(at, std::string::npos) << key << " in " << line;
  return at == std::string::npos ? 0
                                 : std::stoul(line.substr(at + key.size() + 2));
}

/// scenarios/host_failures.json: a host_crash process over zone 2.
const std::string host_failures =
    std::string(VMSS_SOURCE_DIR) + "/scenarios/host_failures.json";

TEST(ScenarioRun, AHostCrashProcessIsDrawnPrintedAndTraced) {
  vmss_test::scratch s;
  auto r = run_sim("run " + host_failures + " --out " + s.at("t"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto line = process_line(r);
  ASSERT_NE(line, "") << r.output;
  EXPECT_NE(line.find(" host_crash targets=8 "), std::string::npos) << line;
  auto faults = count_of(line, "faults");
  auto recoveries = count_of(line, "recoveries");
  ASSERT_GT(faults, 0u) << line;
  EXPECT_LE(recoveries, faults);
  auto check = run_sim("trace check " + s.at("t"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto records = vmss_test::parse_jsonl(
      run_sim("trace export " + s.at("t") + " --format jsonl").output);
  auto injected = vmss_test::having(records, "fault_injected");
  auto recovered = vmss_test::having(records, "fault_recovered");
  ASSERT_EQ(injected.size(), faults);
  EXPECT_EQ(recovered.size(), recoveries);
  // The first fault printed is the first traced, at its time, in zone 2.
  char first[64];
  std::snprintf(first, sizeof(first),
                " first=%.6fs:", static_cast<double>(injected[0].t_ns) / 1e9);
  EXPECT_NE(line.find(first + injected[0].field("target")), std::string::npos)
      << line << " vs " << injected[0].line;
  for (const auto& f : injected) {
    EXPECT_EQ(f.field("fault"), "host_crash");
    EXPECT_TRUE(vmss_test::starts_with(f.field("target"), "westeurope/z2/"))
        << f.line;
  }
  for (const auto& f : recovered)
    EXPECT_EQ(f.field("fault"), "host_restore");
}

TEST(ScenarioRun, AFaultProcessIsTheSameOnOneAndTwoNodes) {
  vmss_test::scratch s;
  auto one = run_sim("run " + host_failures + " --nodes 1 --out " + s.at("a"));
  auto two = run_sim("run " + host_failures + " --nodes 2 --out " + s.at("b"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_EQ(process_line(one), process_line(two));
  EXPECT_EQ(one.value("digest"), two.value("digest"));
  EXPECT_FALSE(one.value("digest").empty());
}

TEST(ScenarioRun, AnotherSeedDrawsAnotherFaultPlan) {
  vmss_test::scratch s;
  auto three = run_sim("run " + host_failures + " --out " + s.at("a"));
  auto four = run_sim("run " + host_failures + " --seed 4 --out " + s.at("b"));
  ASSERT_EQ(three.exit_code, 0) << three.output;
  ASSERT_EQ(four.exit_code, 0) << four.output;
  EXPECT_NE(process_line(three), "");
  EXPECT_NE(process_line(three), process_line(four));
  EXPECT_NE(three.value("digest"), four.value("digest"));
}

TEST(ScenarioRun, DrawnFaultsAfterUntilAreOneWarningPerProcess) {
  vmss_test::scratch s;
  auto r = run_sim("run " + host_failures + " --until 1s --out " + s.at("t"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto line = process_line(r);
  auto planned = count_of(line, "faults") + count_of(line, "recoveries");
  EXPECT_NE(
      r.output.find("warning: faultProcesses[0]: " + std::to_string(planned) +
                    " of its " + std::to_string(planned) +
                    " faults and recoveries are at or after the end of "
                    "the run (1s)"),
      std::string::npos)
      << r.output;
}

TEST(ScenarioRun, AFaultProcessSelectingNothingIsRefusedNamingItsPath) {
  vmss_test::scratch s;
  write_variant(s.at("zone.json"), "\"targets\": \"westeurope/z2\"",
                "\"targets\": \"westeurope/z9\"", "host_failures.json");
  expect_refused(s, s.at("zone.json"),
                 "faultProcesses[0].targets: westeurope/z9 holds no "
                 "host_agent for host_crash in this topology");
  // A rack is no zone: zone_power_off under a rack selects nothing.
  write_variant(s.at("rack.json"),
                "\"fault\": \"host_crash\", \"targets\": \"westeurope/z2\"",
                "\"fault\": \"zone_power_off\", \"targets\": "
                "\"westeurope/z2/r1\"",
                "host_failures.json");
  expect_refused(s, s.at("rack.json"),
                 "faultProcesses[0].targets: westeurope/z2/r1 holds no zone "
                 "for zone_power_off in this topology");
  EXPECT_EQ(s.names(), (std::vector<std::string>{"rack.json", "zone.json"}));
}

TEST(ScenarioRun, AScaleSetFromAnArmTemplateRunsTheSameOnOneAndThreeNodes) {
  // scenarios/arm-template.json: the scale set of
  // scenarios/templates/vmss-autoscale-lb, with its parameters file and
  // the scenario's overrides (3 instances of Standard_D2s_v3).
  vmss_test::scratch s;
  auto file = std::string(VMSS_SOURCE_DIR) + "/scenarios/arm-template.json";
  auto one = run_sim("run " + file + " --nodes 1 --out " + s.at("a"));
  auto three = run_sim("run " + file + " --nodes 3 --out " + s.at("b"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  ASSERT_EQ(three.exit_code, 0) << three.output;
  EXPECT_EQ(one.value("digest"), three.value("digest"));
  // What the template holds that the model does not simulate is counted,
  // and validate lists it (a load balancer's location and its frontend's
  // public IP address are modelled since several regions and Traffic
  // Manager read them).
  EXPECT_NE(one.output.find("# 4 resources and 8 paths of the scenario's "
                            "Azure JSON are not modelled ('vmss-sim validate " +
                            file + "' lists them)"),
            std::string::npos)
      << one.output;
  // The template's scale set "web" (Uniform, overprovisioned: 4 created)
  // ends with its three instances.
  auto records = vmss_test::parse_jsonl(
      run_sim("trace export " + s.at("a") + " --format jsonl").output);
  std::map<std::string, std::string> last;
  for (const auto& r : vmss_test::having(records, "instance_view"))
    if (r.field("scale_set") == "web")
      last[r.field("instance_id")] = r.field("provisioning_state");
  EXPECT_EQ(last.size(), 4u);
  size_t live = 0;
  for (const auto& [id, state] : last)
    live += state != "Deleted";
  EXPECT_EQ(live, 3u);
}

} // namespace
