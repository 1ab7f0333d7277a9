// Process-level tests of the vmss-sim binary: the same digest on 1 and 2
// scheduler threads and on 1, 2 and 3 node processes; lookahead violations;
// node failure; cross-process round trip of every message type.
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

using sim_time = long long;

struct outcome {
  int exit_code = -1;
  std::string output; ///< stdout and stderr
  double wall_s = 0;

  /// Value of `key=` in the output's last line that has it.
  std::string value(const std::string& key) const {
    std::smatch m;
    std::string last;
    std::regex re("(^|\\s)" + key + "=(\\S+)");
    auto begin = output.cbegin();
    while (std::regex_search(begin, output.cend(), m, re)) {
      last = m[2];
      begin = m.suffix().first;
    }
    return last;
  }
};

/// Runs vmss-sim with `args`; `on_line` sees each output line as it comes.
template <class OnLine>
outcome run_sim(const std::string& args, OnLine on_line) {
  outcome out;
  auto t0 = std::chrono::steady_clock::now();
  std::string cmd = std::string(VMSS_SIM_EXE) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe)
    return out;
  char buf[4096];
  while (fgets(buf, sizeof(buf), pipe)) {
    out.output += buf;
    on_line(std::string(buf));
  }
  int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  return out;
}

outcome run_sim(const std::string& args) {
  return run_sim(args, [](const std::string&) {});
}

std::string tmp_dir(const std::string& name) {
  return ::testing::TempDir() + "vmss-" + name;
}

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

/// Time of the monitor's `event` record about the crashed host, or -1.
sim_time monitor_verdict_time(const std::string& jsonl,
                              const std::string& event) {
  std::smatch m;
  std::regex re("\"t_ns\":(\\d+),[^\\n]*\"event\":\"" + event +
                "\",\"host\":\"westeurope/z2/r1/h2\"");
  return std::regex_search(jsonl, m, re) ? std::stoll(m[1]) : -1;
}

TEST(default_scenario, host_crash_is_seen_down_and_up_and_checks_hold) {
  auto dir = tmp_dir("default");
  auto run = run_sim("run --out " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto three = run_sim("run --nodes 3 --out " + dir + "-3");
  ASSERT_EQ(three.exit_code, 0) << three.output;
  EXPECT_EQ(three.value("digest"), run.value("digest"));
  auto check = run_sim("trace check " + dir);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto jsonl = run_sim("trace export " + dir + " --format jsonl");
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.output;
  const auto& out = jsonl.output;
  // The crash at 30 s, the monitor's verdict after 3 missed periods, the
  // restart at 60 s and the first heartbeat after it.
  EXPECT_NE(
      out.find("{\"t_ns\":30000000000,\"node\":0,\"entity\":\"westeurope/z2/r1/"
               "h2\",\"kind\":\"host_agent\",\"event\":\"entity_crashed\""),
      std::string::npos)
      << out;
  auto down_at = monitor_verdict_time(out, "host_down");
  ASSERT_GE(down_at, 0) << "no host_down record\n" << out;
  EXPECT_GT(down_at, 32'000'000'000LL) << out;
  EXPECT_LE(down_at, 34'000'000'000LL) << out;
  auto up_at = monitor_verdict_time(out, "host_up");
  ASSERT_GE(up_at, 0) << "no host_up record\n" << out;
  EXPECT_GT(up_at, 60'000'000'000LL) << out;
  EXPECT_LT(up_at, 61'100'000'000LL) << out;
  // Each zone's first host agent admits its VM within capacity (64 cores,
  // 512 GB, less the hypervisor's 8 GB, less the VM's 8 GB).
  for (int zone = 1; zone <= 3; ++zone)
    EXPECT_NE(out.find("\"entity\":\"westeurope/z" + std::to_string(zone) +
                       "/r1/h1\",\"kind\":\"host_agent\",\"event\":"
                       "\"vm_admitted\",\"vm\":\"westeurope/z" +
                       std::to_string(zone) +
                       "/r1/h1/vm0\",\"vcpus\":2,\"ram_gb\":8,"
                       "\"ram_gb_free\":496}"),
              std::string::npos)
        << zone;
  // Each zone's VM, created at 1 s, passes the spec's states in order and
  // is healthy about 3 minutes later (Layer 6).
  for (int zone = 1; zone <= 3; ++zone) {
    std::string vm = "westeurope/z" + std::to_string(zone) + "/r1/h1/vm0";
    std::vector<std::string> states;
    sim_time healthy_at = -1;
    std::regex re("\"t_ns\":(\\d+),[^\\n]*\"entity\":\"" + vm +
                  "\"[^\\n]*\"state\":\"(\\w+)\"");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), re);
         it != std::sregex_iterator(); ++it) {
      states.push_back((*it)[2]);
      if ((*it)[2] == "healthy")
        healthy_at = std::stoll((*it)[1]);
    }
    EXPECT_EQ(states,
              (std::vector<std::string>{"allocating", "creating", "starting",
                                        "running", "healthy"}))
        << vm;
    EXPECT_GE(healthy_at, 141'000'000'000LL) << vm;
    EXPECT_LE(healthy_at, 198'000'000'000LL) << vm;
  }
}

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
