// `vmss-sim run FILE` (docs/scenarios.md): the built-in default scenario and
// scenarios/default.json are one run; a scenario with an unknown field, an
// unknown target or a bad family setting is refused naming it, exit 2, and
// nothing is written.

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using vmss_test::run_sim;

std::string default_scenario_text() {
  std::ifstream in(std::string(VMSS_SOURCE_DIR) + "/scenarios/default.json");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The default scenario with `from` replaced by `to` (once), written to
/// `path`.
void write_variant(const std::string& path, const std::string& from,
                   const std::string& to) {
  auto text = default_scenario_text();
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
                 "scaleSets[0].capasity: unknown field (did you mean "
                 "capacity?)");
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
  auto given = run_sim("run --seed 7 --out " + s.at("b"));
  ASSERT_EQ(seven.exit_code, 0) << seven.output;
  ASSERT_EQ(given.exit_code, 0) << given.output;
  EXPECT_NE(seven.output.find("seed=7"), std::string::npos) << seven.output;
  EXPECT_EQ(seven.value("digest"), given.value("digest"));
}

} // namespace
