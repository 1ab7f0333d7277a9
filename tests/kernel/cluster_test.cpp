// Process-level tests of the vmss-sim binary: the same digest on 1 and 2
// scheduler threads and on 1, 2 and 3 node processes; lookahead violations;
// node failure; cross-process round trip of every message type.
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace vmss_test;

TEST(determinism, phold_same_trace_digest_on_threads_and_nodes) {
  const std::string base =
      "run --model 'phold entities=60 jobs=3' --until 500ms --seed 11";
  std::vector<std::string> variants{"--threads 1", "--threads 2", "--nodes 2",
                                    "--nodes 3", "--nodes 2 --threads 1"};
  std::string first;
  for (size_t i = 0; i < variants.size(); ++i) {
    auto res = run_sim(base + " " + variants[i] + " --out " +
                       tmp_dir("phold" + std::to_string(i)));
    ASSERT_EQ(res.exit_code, 0) << variants[i] << "\n" << res.output;
    auto digest = res.value("digest");
    ASSERT_EQ(digest.size(), 64u) << res.output;
    EXPECT_NE(res.value("events"), "0");
    if (first.empty())
      first = digest;
    EXPECT_EQ(digest, first) << variants[i];
  }
  // A different seed gives a different history.
  auto other = run_sim("run --model 'phold entities=60 jobs=3' --until 500ms "
                       "--seed 12 --out " +
                       tmp_dir("phold-seed12"));
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_NE(other.value("digest"), first);
}

/// Value of `key=` on the `# trace=` line (the delivery digest).
std::string trace_line_value(const outcome& res, const std::string& key) {
  std::smatch m;
  std::regex re("# trace=.* " + key + "=(\\S+)");
  return std::regex_search(res.output, m, re) ? std::string(m[1]) : "";
}

TEST(determinism, default_scenario_with_faults_same_digests_on_nodes) {
  // The default scenario injects a fault of every kind (and recovers it):
  // kernel-injected events must be numbered alike whatever a node holds.
  std::string trace_digest, delivery_digest;
  for (int nodes = 1; nodes <= 3; ++nodes) {
    auto res = run_sim("run --nodes " + std::to_string(nodes) + " --out " +
                       tmp_dir("faults" + std::to_string(nodes)));
    ASSERT_EQ(res.exit_code, 0) << res.output;
    ASSERT_NE(res.output.find("faults=16"), std::string::npos) << res.output;
    auto digest = res.value("digest");
    auto delivery = trace_line_value(res, "delivery_digest");
    ASSERT_EQ(digest.size(), 64u) << res.output;
    ASSERT_EQ(delivery.size(), 64u) << res.output;
    if (nodes == 1) {
      trace_digest = digest;
      delivery_digest = delivery;
    }
    EXPECT_EQ(digest, trace_digest) << "--nodes " << nodes;
    EXPECT_EQ(delivery, delivery_digest) << "--nodes " << nodes;
  }
}

TEST(determinism, heartbeat_same_digest_on_threads_and_nodes) {
  const std::string base =
      "bench heartbeat --hosts 300 --monitors 5 --seconds 3";
  std::vector<std::string> variants{"--threads 1", "--threads 2", "--nodes 2",
                                    "--nodes 3"};
  std::string first;
  for (const auto& v : variants) {
    auto res = run_sim(base + " " + v);
    ASSERT_EQ(res.exit_code, 0) << v << "\n" << res.output;
    EXPECT_EQ(res.value("check"), "ok") << res.output;
    auto digest = res.value("digest");
    if (first.empty())
      first = digest;
    EXPECT_EQ(digest, first) << v;
  }
}

TEST(distribution, every_message_type_round_trips_between_processes) {
  auto res =
      run_sim("run --model roundtrip --nodes 2 --out " + tmp_dir("roundtrip"));
  EXPECT_EQ(res.exit_code, 0) << res.output;
  EXPECT_EQ(res.output.find("check failed"), std::string::npos) << res.output;
}

TEST(distribution, lookahead_violation_is_rejected_naming_the_pair) {
  auto res = run_sim("run --model 'phold entities=8 latency=500us "
                     "lookahead=1ms' --until 1s --nodes 2 --out " +
                     tmp_dir("violation"));
  EXPECT_NE(res.exit_code, 0);
  EXPECT_NE(res.output.find("lookahead violation"), std::string::npos)
      << res.output;
  EXPECT_TRUE(
      std::regex_search(res.output, std::regex("phold/e\\d+ \\(node \\d\\) -> "
                                               "phold/e\\d+ \\(node \\d\\) has "
                                               "latency 500000 ns")))
      << res.output;
}

/// Starts a long 3-node run, hits node 1 with `sig` once the run is under
/// way, and returns the outcome.
outcome run_and_signal_node(int sig, const std::string& extra) {
  bool sent = false;
  return run_sim("run --model 'phold entities=600 jobs=4' --until 1h "
                 "--nodes 3 --progress --out " +
                     tmp_dir("signal" + std::to_string(sig)) + " " + extra,
                 [&](const std::string& line) {
                   std::smatch m;
                   static const std::regex pid_re("# node 1 pid (\\d+)");
                   if (!sent && std::regex_search(line, m, pid_re)) {
                     std::this_thread::sleep_for(std::chrono::seconds(2));
                     ::kill(std::stoi(m[1]), sig);
                     sent = true;
                   }
                 });
}

TEST(distribution, killed_node_fails_the_run_fast_naming_it) {
  auto res = run_and_signal_node(SIGKILL, "");
  EXPECT_NE(res.exit_code, 0);
  EXPECT_NE(res.output.find("error: node 1"), std::string::npos) << res.output;
  EXPECT_NE(res.output.find("virtual time"), std::string::npos) << res.output;
  EXPECT_LT(res.wall_s, 2 + 10 + 5) << res.output;
}

TEST(distribution, silent_node_fails_the_run_after_the_timeout) {
  auto res = run_and_signal_node(SIGSTOP, "--node-timeout 3");
  EXPECT_NE(res.exit_code, 0);
  EXPECT_NE(res.output.find("node 1 stopped answering"), std::string::npos)
      << res.output;
  EXPECT_LT(res.wall_s, 2 + 3 + 8) << res.output;
}

} // namespace

namespace {

TEST(cli, bad_input_is_rejected_with_a_reason) {
  auto unknown = run_sim("run no-such-scenario");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("scenario 'no-such-scenario'"),
            std::string::npos)
      << unknown.output;
  auto option = run_sim("run --model 'phold entitys=3'");
  EXPECT_NE(option.exit_code, 0);
  EXPECT_NE(option.output.find("unknown option 'entitys'"), std::string::npos)
      << option.output;
  auto conf = tmp_dir("bad.conf");
  FILE* f = std::fopen(conf.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("[cluster]\nnodes=2\nthreds=4\n", f);
  std::fclose(f);
  auto config = run_sim("run --config " + conf);
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.output.find(conf + ":3: cluster.threds=4: unknown key"),
            std::string::npos)
      << config.output;
}

} // namespace
