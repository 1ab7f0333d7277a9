// The CI seed sweep: 100 seeds of scenarios/sweep-ci.json (random host
// crashes, TOR failures and application crashes under a load-balanced
// scale set) at -j 2; every seed must run and pass every checker. ctest
// label sweep100 (`ctest -L sweep100` shows its time).

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace {

TEST(SweepCi, HundredSeedsOfTheCiScenarioPass) {
  vmss_test::scratch s;
  auto r = vmss_test::run_sim("sweep " + std::string(VMSS_SOURCE_DIR) +
                              "/scenarios/sweep-ci.json --seeds 1-100 -j 2 "
                              "--out " +
                              s.at("out"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.output, m,
      std::regex("\nsweep seeds=100 failed=0 wall_s=([0-9.]+)\n$")))
      << r.output;
  RecordProperty("sweep_wall_s", m[1].str());
  auto csv = vmss_test::read_file(s.at("out") + "/sweep.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 101);
}

} // namespace
