// The sweep's aggregates (runners/sweep_summary): nearest-rank
// percentiles, the distributions over seeds, the failed seed's line and
// the CSV's one row per seed.

#include "runners/sweep_summary.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using namespace vmss;

TEST(SweepSummary, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 1; i <= 20; ++i)
    v.push_back(i);
  // ceil(p/100 * 20)-th smallest value.
  EXPECT_EQ(sweep::percentile(v, 50), 10);
  EXPECT_EQ(sweep::percentile(v, 95), 19);
  EXPECT_EQ(sweep::percentile(v, 99), 20);
  EXPECT_EQ(sweep::percentile({7.0}, 50), 7);
  auto d = sweep::distribution_of("x", {5, 1, 4, 2, 3}, 2);
  EXPECT_EQ(d.n, 5u);
  EXPECT_EQ(d.missing, 2u);
  EXPECT_EQ(d.min, 1);
  EXPECT_EQ(d.median, 3);
  EXPECT_EQ(d.p95, 5);
  EXPECT_EQ(d.max, 5);
}

sweep::seed_result seed_with(uint64_t seed, int64_t recover_s,
                             uint64_t failed_requests) {
  sweep::seed_result r;
  r.seed = seed;
  r.digest = "ab";
  r.trace_dir = "out/runs-x/seed-" + std::to_string(seed);
  analysis::run_metrics m;
  analysis::fault_metric f;
  f.kind = "host_crash";
  f.detect_ns = 1'000'000'000;
  if (recover_s >= 0)
    f.recover_ns = recover_s * 1'000'000'000;
  m.faults.push_back(f);
  m.requests_ok = 100;
  m.requests_failed = failed_requests;
  r.metrics = m;
  return r;
}

TEST(SweepSummary, AggregatesPerFaultKindAndPerSeed) {
  std::vector<sweep::seed_result> seeds{
      seed_with(1, 30, 0), seed_with(2, 10, 5), seed_with(3, -1, 2)};
  auto table = sweep::aggregate(seeds);
  const sweep::distribution* ttr = nullptr;
  const sweep::distribution* failed = nullptr;
  for (const auto& d : table) {
    if (d.metric == "time_to_recover_s host_crash")
      ttr = &d;
    if (d.metric == "failed_requests")
      failed = &d;
  }
  ASSERT_NE(ttr, nullptr);
  EXPECT_EQ(ttr->n, 2u);
  EXPECT_EQ(ttr->missing, 1u); // seed 3 did not recover
  EXPECT_EQ(ttr->min, 10);
  EXPECT_EQ(ttr->max, 30);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->n, 3u);
  EXPECT_EQ(failed->median, 2);
  EXPECT_EQ(failed->max, 5);
}

TEST(SweepSummary, AFailedSeedIsPrintedWithItsCommandAndCsvHasARowPerSeed) {
  std::vector<sweep::seed_result> seeds{seed_with(4, 30, 0),
                                        seed_with(5, 30, 0)};
  seeds[1].failed_checks.push_back("capacity_converges: 1 violations");
  std::ostringstream table, csv;
  sweep::print_table(sweep::aggregate(seeds), seeds, "s.json", table);
  EXPECT_NE(table.str().find("FAIL seed=5: check capacity_converges: 1 "
                             "violations; reproduce: vmss-sim run s.json "
                             "--seed 5 --out out/runs-x/seed-5"),
            std::string::npos)
      << table.str();
  EXPECT_EQ(table.str().find("FAIL seed=4"), std::string::npos);
  sweep::write_csv(seeds, "s.json", csv);
  std::istringstream lines(csv.str());
  std::string header, row4, row5, extra;
  std::getline(lines, header);
  std::getline(lines, row4);
  std::getline(lines, row5);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(header.rfind("seed,status,exit_code,digest,", 0), 0u);
  EXPECT_EQ(row4.rfind("4,ok,0,ab,,1,0,0,1.000,30.000,", 0), 0u) << row4;
  EXPECT_EQ(row5.rfind("5,FAIL,0,ab,check capacity_converges", 0), 0u);
  auto columns = [](const std::string& s) {
    size_t n = 1;
    for (char c : s)
      n += c == ',' ? 1 : 0;
    return n;
  };
  EXPECT_EQ(columns(row4), columns(header));
}

TEST(SweepSummary, HtmlIsOnePageWithBothTables) {
  std::vector<sweep::seed_result> seeds{seed_with(1, 30, 0)};
  seeds[0].exit_code = 1;
  std::ostringstream html;
  sweep::write_html(sweep::aggregate(seeds), seeds, "a<b>.json", html);
  auto page = html.str();
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("a&lt;b&gt;.json"), std::string::npos);
  EXPECT_NE(page.find("time_to_recover_s host_crash"), std::string::npos);
  EXPECT_NE(page.find("run exit 1; vmss-sim run"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("http"), std::string::npos); // nothing fetched
}

} // namespace
