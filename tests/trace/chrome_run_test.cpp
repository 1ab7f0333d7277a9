/// `trace export --format chrome` of a real run: the binary runs a small
/// scenario with faults and a scale set into a scratch directory, exports
/// it, and the JSON holds every rule of check_chrome plus what the run
/// must show (zones, scale sets, faults, counters, the control-plane flow
/// from ARM to a VM); a split export's parts are each valid; the export is
/// the same bytes twice.

#include "chrome_check.hpp"
#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vmss::trace_test {
namespace {

using vmss_test::run_sim;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// scenarios/layer8-cpu-autoscale.json (a web scale set behind a load
/// balancer under load, CPU autoscale) with a host crash added at 30m.
std::string scenario(const vmss_test::scratch& s) {
  std::string text = read_file(std::string(VMSS_SOURCE_DIR) + "/scenarios/" +
                               VMSS_CHROME_SCENARIO);
  const std::string anchor = "\"duration\": \"80m\",";
  auto at = text.find(anchor);
  EXPECT_NE(at, std::string::npos);
  text.insert(at + anchor.size(),
              "\"timeline\": [{\"at\": \"30m\", \"fault\": "
              "\"host_crash\", \"target\": \"westeurope/z1/r1/h1\"}],");
  return s.file("scenario.json", text);
}

/// One run shared by the tests of this file (it takes a few seconds).
const std::string& run_dir() {
  static vmss_test::scratch s;
  static std::string dir = [] {
    std::string out = s.at("run");
    auto r = run_sim("run " + scenario(s) + " --out " + out);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return out;
  }();
  return dir;
}

TEST(chrome_run, export_of_a_run_is_a_valid_trace_with_the_model) {
  vmss_test::scratch s;
  auto file = s.at("run.json");
  auto r = run_sim("trace export " + run_dir() + " --format chrome -o " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto v = check_chrome(read_file(file));
  EXPECT_TRUE(v.has_process("westeurope control plane"));
  EXPECT_TRUE(v.has_process("westeurope zone 1"));
  bool scale_set = false;
  for (const auto& [pid, name] : v.processes)
    scale_set = scale_set || name.rfind("scale set ", 0) == 0;
  EXPECT_TRUE(scale_set);
  EXPECT_FALSE(v.global_instants.empty()); // the scenario's faults
  bool capacity = false, cpu = false;
  for (const auto& [key, value] : v.counters) {
    capacity = capacity || std::get<1>(key) == "capacity";
    cpu = cpu || std::get<2>(key) == "Percentage CPU";
  }
  EXPECT_TRUE(capacity);
  EXPECT_TRUE(cpu);
  // At least one instance's flow goes orchestrator -> FC -> host -> VM.
  bool full = false;
  for (const auto& f : v.flows)
    full = full || (f.threads.size() == 4 &&
                    f.threads.back().find("(vm)") != std::string::npos);
  EXPECT_TRUE(full) << v.flows.size() << " flows";
  // Same bytes twice.
  auto again = s.at("again.json");
  ASSERT_EQ(
      run_sim("trace export " + run_dir() + " --format chrome -o " + again)
          .exit_code,
      0);
  EXPECT_TRUE(read_file(file) == read_file(again));
}

TEST(chrome_run, split_parts_are_each_valid) {
  vmss_test::scratch s;
  auto file = s.at("part.json");
  auto whole = std::filesystem::file_size([&] {
    auto f = s.at("whole.json");
    run_sim("trace export " + run_dir() + " --format chrome -o " + f);
    return f;
  }());
  double mb = static_cast<double>(whole) / 3.5 / 1e6;
  auto r = run_sim("trace export " + run_dir() + " --format chrome -o " + file +
                   " --max-mb " + std::to_string(mb));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto at = r.output.find("into ");
  ASSERT_NE(at, std::string::npos) << r.output;
  size_t parts = std::stoul(r.output.substr(at + 5));
  EXPECT_GE(parts, 4u);
  EXPECT_LE(parts, 6u);
  for (size_t i = 0; i < parts; ++i) {
    SCOPED_TRACE(i);
    auto path = i == 0 ? file : file + "." + std::to_string(i);
    EXPECT_NE(r.output.find(path + " ["), std::string::npos);
    auto text = read_file(path);
    EXPECT_LE(text.size(), mb * 1e6);
    check_chrome(text);
  }
  EXPECT_FALSE(std::filesystem::exists(file + "." + std::to_string(parts)));
}

TEST(chrome_run, window_and_filter_restrict) {
  vmss_test::scratch s;
  auto file = s.at("w.json");
  auto r = run_sim("trace export " + run_dir() +
                   " --format chrome --from 10m --to 20m --filter "
                   "path=westeurope/z1 -o " +
                   file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto v = check_chrome(read_file(file));
  EXPECT_GE(v.min_ts_us, 600e6);
  EXPECT_LE(v.max_ts_us, 1200e6);
  for (const auto& [pid, name] : v.processes)
    EXPECT_EQ(name, "westeurope zone 1");
}

} // namespace
} // namespace vmss::trace_test
