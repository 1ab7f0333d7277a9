// `vmss-sim sweep` through the binary: a sweep of 20 seeds of a small
// scenario at -j 2 passes and writes one CSV row per seed, the table's
// distributions are ordered, a seed whose checker fails is named with the
// command that reproduces it (and that command reproduces the failure),
// what the sweep wrote is removed unless --keep-traces, and bad input
// exits 2 before anything runs.

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

using vmss_test::run_sim;
using vmss_test::scratch;

const std::string source = VMSS_SOURCE_DIR;
const std::string quick = source + "/scenarios/sweep-ci.json";
const std::string pinned = source + "/tests/analysis/data/sweep-pinned.json";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

/// The last line of stdout+stderr that starts with `prefix`.
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::string found;
  for (const auto& l : lines_of(text))
    if (l.rfind(prefix, 0) == 0)
      found = l;
  return found;
}

/// The five numbers (min median p95 p99 max) of a table row.
std::vector<double> row_numbers(const std::string& row) {
  std::istringstream in(row);
  std::vector<std::string> words;
  std::string w;
  while (in >> w)
    words.push_back(w);
  std::vector<double> out;
  for (size_t i = words.size() - 5; i < words.size(); ++i)
    out.push_back(std::stod(words[i]));
  return out;
}

TEST(Sweep, TwentySeedsPassWriteOneCsvRowEachAndOrderedDistributions) {
  scratch s;
  auto out = s.at("out");
  auto r = run_sim("sweep " + quick + " --seeds 1-20 -j 2 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex("\nsweep seeds=20 failed=0 wall_s=[0-9.]+\n$")))
      << r.output;
  EXPECT_NE(r.output.find("# sweep: 20/20 seeds done, 0 failed"),
            std::string::npos);
  auto csv = lines_of(vmss_test::read_file(out + "/sweep.csv"));
  ASSERT_EQ(csv.size(), 21u);
  std::set<std::string> digests;
  for (size_t i = 1; i < csv.size(); ++i) {
    EXPECT_EQ(csv[i].rfind(std::to_string(i) + ",ok,0,", 0), 0u) << csv[i];
    auto digest = csv[i].substr(csv[i].find(",ok,0,") + 6, 64);
    EXPECT_TRUE(std::regex_match(digest, std::regex("[0-9a-f]{64}")));
    digests.insert(digest);
  }
  EXPECT_GT(digests.size(), 10u); // the seeds draw different faults
  size_t rows = 0;
  for (const auto& l : lines_of(r.output)) {
    if (l.rfind("time_to_recover_s ", 0) != 0 &&
        l.rfind("availability ", 0) != 0 &&
        l.rfind("shortfall_instance_s ", 0) != 0)
      continue;
    if (l.find(" - ") != std::string::npos)
      continue; // no values
    auto v = row_numbers(l);
    EXPECT_LE(v[0], v[1]) << l;
    EXPECT_LE(v[1], v[2]) << l;
    EXPECT_LE(v[2], v[3]) << l;
    EXPECT_LE(v[3], v[4]) << l;
    ++rows;
  }
  EXPECT_GE(rows, 3u) << r.output;
  auto html = vmss_test::read_file(out + "/sweep.html");
  EXPECT_NE(html.find("<table>"), std::string::npos);
  // Everything but the CSV and the page is gone.
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(out))
    left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"sweep.csv", "sweep.html"}));
}

TEST(Sweep, AFailingSeedIsNamedWithTheCommandThatReproducesIt) {
  scratch s;
  auto out = s.at("out");
  auto r = run_sim("sweep " + pinned + " --seeds 1-4 -j 2 --out " + out);
  ASSERT_EQ(r.exit_code, 1) << r.output;
  auto fail = line_starting(r.output, "FAIL seed=");
  ASSERT_FALSE(fail.empty()) << r.output;
  EXPECT_NE(fail.find(": check capacity_converges: "), std::string::npos)
      << fail;
  auto at = fail.find("reproduce: vmss-sim run " + pinned + " --seed ");
  ASSERT_NE(at, std::string::npos) << fail;
  auto command = fail.substr(at + std::string("reproduce: vmss-sim ").size());
  EXPECT_TRUE(
      std::regex_search(r.output, std::regex("\nsweep seeds=4 failed=[1-4] ")));
  // The command reproduces the failure: the run, then trace check.
  auto trace = command.substr(command.find(" --out ") + 7);
  auto rerun = run_sim(command);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  // The same trace: its digest is the one sweep.csv has for that seed.
  auto seed = fail.substr(10, fail.find(':') - 10);
  std::string row;
  for (const auto& l : lines_of(vmss_test::read_file(out + "/sweep.csv")))
    if (l.rfind(seed + ",FAIL,0,", 0) == 0)
      row = l;
  ASSERT_FALSE(row.empty()) << seed;
  EXPECT_EQ(row.substr(row.find(",FAIL,0,") + 8, 64), rerun.value("digest"));
  auto check = run_sim("trace check " + trace);
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("check capacity_converges: FAIL"),
            std::string::npos);
}

TEST(Sweep, KeepTracesKeepsEverySeedsTrace) {
  scratch s;
  auto out = s.at("out");
  auto r =
      run_sim("sweep " + quick + " --seeds 7-8 --keep-traces --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string runs;
  for (const auto& e : std::filesystem::directory_iterator(out))
    if (e.path().filename().string().rfind("runs-", 0) == 0)
      runs = e.path().string();
  ASSERT_FALSE(runs.empty());
  auto check = run_sim("trace check " + runs + "/seed-7");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_TRUE(std::filesystem::exists(runs + "/seed-8/manifest.json"));
  EXPECT_TRUE(std::filesystem::exists(runs + "/seed-8.log"));
}

TEST(Sweep, BadInputExits2BeforeAnyRun) {
  scratch s;
  auto out = s.at("out");
  struct bad {
    std::string args, says;
  };
  for (const auto& b : std::vector<bad>{
           {quick + " --seeds 5-1", "--seeds 5-1: the range is empty"},
           {quick + " --seeds x-3", "--seeds x-3: is not a whole number"},
           {quick + " --seeds 1-3 -j 0", "-j 0: is out of range (1 to 64)"},
           {quick + " --seeds 1-3 -j 65", "-j 65: is out of range"},
           {s.at("missing.json") + " --seeds 1-3",
            "cannot read the scenario file"},
           {quick, "--seeds is required"}}) {
    auto r = run_sim("sweep " + b.args + " --out " + out);
    EXPECT_EQ(r.exit_code, 2) << b.args << "\n" << r.output;
    EXPECT_NE(r.output.find(b.says), std::string::npos) << b.args << "\n"
                                                        << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << b.args;
  }
  auto bad_json = s.file("bad.json", "{\"name\": \"x\"}");
  auto r = run_sim("sweep " + bad_json + " --seeds 1-2 --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("error: " + bad_json), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  auto file = s.file("plain", "x");
  r = run_sim("sweep " + quick + " --seeds 1-2 --out " + file);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not a directory"), std::string::npos) << r.output;
  auto help = run_sim("sweep --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--keep-traces"), std::string::npos);
}

} // namespace
