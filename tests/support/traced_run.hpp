#pragma once
// Runs vmss-sim with a trace in a scratch directory, checks the run and the
// trace checkers (`trace check`), and returns the trace's records.

#include "tests/support/jsonl.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vmss_test {

/// `args` (a `run` command line without --out), traced into `name`.
inline std::vector<jsonl_record> run_traced(const std::string& args,
                                            const std::string& name) {
  auto dir = tmp_dir(name);
  auto run = run_sim(args + " --out " + dir);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  auto check = run_sim("trace check " + dir);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto jsonl = run_sim("trace export " + dir + " --format jsonl");
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.output;
  return parse_jsonl(jsonl.output);
}

/// The second component of an entity path: "z2" of "westeurope/z2/r1/h1/fc".
inline std::string zone_of(const std::string& path) {
  auto first = path.find('/');
  if (first == std::string::npos)
    return "";
  auto second = path.find('/', first + 1);
  return path.substr(first + 1, second == std::string::npos
                                    ? std::string::npos
                                    : second - first - 1);
}

} // namespace vmss_test
