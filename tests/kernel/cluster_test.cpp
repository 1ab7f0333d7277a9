// Process-level tests of the vmss-sim binary: the same digest on 1 to 3
// lanes (--threads) and on 1, 2 and 3 node processes; lookahead violations;
// node failure; cross-process round trip of every message type.
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace vmss_test;

TEST(determinism, phold_same_trace_digest_on_threads_and_nodes) {
  const std::string base =
      "run --model 'phold entities=60 jobs=3' --until 500ms --seed 11";
  std::vector<std::string> variants{"--threads 1",
                                    "--threads 2",
                                    "--threads 3",
                                    "--nodes 2",
                                    "--nodes 3",
                                    "--nodes 2 --threads 1",
                                    "--nodes 2 --threads 2"};
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

/// scenarios/faults-tour.json: one fault of every kind, each recovered.
const std::string faults_tour =
    std::string(VMSS_SOURCE_DIR) + "/scenarios/faults-tour.json";

TEST(determinism, faults_tour_with_faults_same_digests_on_nodes) {
  // The tour injects a fault of every kind (and recovers it):
  // kernel-injected events must be numbered alike whatever a node holds.
  // Lanes (--threads) too: each lane numbers the injections like a node.
  std::string trace_digest, delivery_digest;
  std::vector<std::string> variants{"--nodes 1", "--nodes 2", "--nodes 3",
                                    "--threads 2", "--threads 3"};
  for (size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    auto res = run_sim("run " + faults_tour + " " + v + " --out " +
                       tmp_dir("faults" + std::to_string(i)));
    ASSERT_EQ(res.exit_code, 0) << v << "\n" << res.output;
    ASSERT_NE(res.output.find("faults=16"), std::string::npos) << res.output;
    auto digest = res.value("digest");
    auto delivery = trace_line_value(res, "delivery_digest");
    ASSERT_EQ(digest.size(), 64u) << res.output;
    ASSERT_EQ(delivery.size(), 64u) << res.output;
    if (i == 0) {
      trace_digest = digest;
      delivery_digest = delivery;
    }
    EXPECT_EQ(digest, trace_digest) << v;
    EXPECT_EQ(delivery, delivery_digest) << v;
  }
}

TEST(determinism, shards_are_the_same_bytes_on_every_run) {
  // Where the shards' batches end (trace marks) must not follow the wall
  // clock: the same run writes the same shard files.
  std::string first;
  for (int i = 0; i < 3; ++i) {
    auto res = run_sim("run " + faults_tour + " --nodes 3 --out " +
                       tmp_dir("same-bytes"));
    ASSERT_EQ(res.exit_code, 0) << res.output;
    auto bytes = trace_line_value(res, "bytes");
    ASSERT_FALSE(bytes.empty()) << res.output;
    if (i == 0)
      first = bytes;
    EXPECT_EQ(bytes, first) << "run " << i;
  }
}

TEST(determinism, heartbeat_same_digest_on_threads_and_nodes) {
  const std::string base =
      "bench heartbeat --hosts 300 --monitors 5 --seconds 3";
  std::vector<std::string> variants{"--threads 1", "--threads 2", "--nodes 2",
                                    "--nodes 3", "--nodes 2 --threads 2"};
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

/// The first line of `output` that starts with "error:".
std::string first_error_line(const std::string& output) {
  std::smatch m;
  static const std::regex re("(^|\\n)(error:[^\\n]*)");
  return std::regex_search(output, m, re) ? std::string(m[2]) : "";
}

/// The number after `label` in a line of `line` ("# node 1 pid 123").
int number_after(const std::string& line, const std::string& label) {
  std::smatch m;
  std::regex re(label + " (\\d+)");
  return std::regex_search(line, m, re) ? std::stoi(m[1]) : 0;
}

/// Starts a long 3-node run, hits node 1 with `sig` once the run is under
/// way, and returns the outcome.
outcome run_and_signal_node(int sig, const std::string& extra) {
  bool sent = false;
  return run_sim("run --model 'phold entities=600 jobs=4' --until 1h "
                 "--nodes 3 --progress --out " +
                     tmp_dir("signal" + std::to_string(sig)) + " " + extra,
                 [&](const std::string& line) {
                   int pid = number_after(line, "# node 1 pid");
                   if (!sent && pid > 0) {
                     std::this_thread::sleep_for(std::chrono::seconds(2));
                     ::kill(pid, sig);
                     sent = true;
                   }
                 });
}

TEST(distribution, killed_node_fails_the_run_fast_naming_it_first) {
  auto res = run_and_signal_node(SIGKILL, "");
  EXPECT_NE(res.exit_code, 0);
  // The cause comes first: no bystander's "lost its coordinator" before it.
  auto first = first_error_line(res.output);
  EXPECT_EQ(first.rfind("error: node 1 died (its connection closed) at "
                        "virtual time ",
                        0),
            0u)
      << res.output;
  EXPECT_EQ(res.output.find("lost its coordinator"), std::string::npos)
      << res.output;
  EXPECT_EQ(res.output.find("exit_reason"), std::string::npos) << res.output;
  EXPECT_LT(res.wall_s, 2 + 10 + 5) << res.output;
}

TEST(distribution, killed_node_leaves_an_incomplete_trace_beside_the_path) {
  auto res = run_and_signal_node(SIGKILL, "");
  EXPECT_EQ(res.exit_code, 1) << res.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      res.output, m,
      std::regex("# the trace up to virtual time (\\S+) s is in (\\S+) "
                 "\\(incomplete; (\\S+) is unchanged\\)")))
      << res.output;
  std::string kept = m[2], path = m[3];
  EXPECT_EQ(path, tmp_dir("signal" + std::to_string(SIGKILL)));
  EXPECT_EQ(kept.rfind(path + ".vmss-partial-", 0), 0u) << kept;
  EXPECT_FALSE(std::filesystem::exists(path)) << "a failed run wrote " << path;
  // Every trace command reads the complete prefix and says it is partial.
  auto summary = run_sim("trace summary " + kept);
  EXPECT_EQ(summary.exit_code, 0) << summary.output;
  EXPECT_NE(summary.output.find("incomplete"), std::string::npos)
      << summary.output;
  auto digest = run_sim("trace digest " + kept);
  EXPECT_EQ(digest.exit_code, 0) << digest.output;
  EXPECT_EQ(digest.value("digest").size(), 64u) << digest.output;
  auto check = run_sim("trace check " + kept);
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(distribution, silent_node_fails_the_run_after_the_timeout_naming_it) {
  auto res = run_and_signal_node(SIGSTOP, "--node-timeout 3");
  EXPECT_NE(res.exit_code, 0);
  EXPECT_EQ(first_error_line(res.output)
                .rfind("error: node 1 stopped "
                       "answering",
                       0),
            0u)
      << res.output;
  EXPECT_LT(res.wall_s, 2 + 3 + 8) << res.output;
}

TEST(distribution, stalled_coordinator_blames_no_node) {
  // The coordinator itself stops for 4 s, 4 times the node timeout: when it
  // resumes it must notice its own stall instead of blaming node 0.
  bool sent = false;
  auto res = run_sim("run --model 'phold entities=60 jobs=3' --until 20s "
                     "--nodes 3 --node-timeout 1 --out " +
                         tmp_dir("stall"),
                     [&](const std::string& line) {
                       int pid = number_after(line, "# coordinator \\S+ pid");
                       if (sent || pid <= 0)
                         return;
                       sent = true;
                       std::this_thread::sleep_for(std::chrono::seconds(1));
                       ::kill(pid, SIGSTOP);
                       std::this_thread::sleep_for(std::chrono::seconds(4));
                       ::kill(pid, SIGCONT);
                     });
  ASSERT_TRUE(sent) << res.output;
  EXPECT_EQ(res.exit_code, 0) << res.output;
  EXPECT_EQ(first_error_line(res.output), "") << res.output;
  EXPECT_NE(res.output.find("warning: the coordinator did not run for"),
            std::string::npos)
      << res.output;
}

/// Writes `text` to a new file `name` in the test's temporary folder with
/// mode `mode`; returns its path.
std::string write_file(const std::string& name, const std::string& text,
                       mode_t mode = 0600) {
  auto path = tmp_dir(name);
  std::remove(path.c_str());
  FILE* f = std::fopen(path.c_str(), "w");
  EXPECT_NE(f, nullptr) << path;
  if (f) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  ::chmod(path.c_str(), mode);
  return path;
}

const std::string impostor_model =
    "--model 'phold entities=60 jobs=3' --until 10s";

/// Digest of the impostor model on one node, for comparison.
std::string reference_digest() {
  // Named for the test: ctest runs tests in parallel processes.
  auto name = std::string("ref-") +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
  auto res = run_sim("run " + impostor_model + " --out " + tmp_dir(name));
  EXPECT_EQ(res.exit_code, 0) << res.output;
  return res.value("digest");
}

/// Starts `run ARGS`, and once the coordinator listens, each of `intruders`
/// (a command line ending in `vmss-sim node` options, given the
/// coordinator's address as `--coordinator ADDR`). Returns the run and
/// each intruder's outcome.
std::pair<outcome, std::vector<outcome>>
run_with_intruders(const std::string& args,
                   const std::vector<std::string>& intruders) {
  std::vector<outcome> theirs;
  auto res = run_sim(args, [&](const std::string& line) {
    std::smatch m;
    static const std::regex re("# coordinator (\\S+) pid");
    if (!theirs.empty() || !std::regex_search(line, m, re))
      return;
    for (const auto& cmd : intruders) {
      std::string full = cmd;
      full.replace(full.find("vmss-sim"), 8, VMSS_SIM_EXE);
      full += " --coordinator " + std::string(m[1]) + " 2>&1";
      outcome o;
      FILE* pipe = popen(full.c_str(), "r");
      char buf[4096];
      while (pipe && fgets(buf, sizeof(buf), pipe))
        o.output += buf;
      int status = pipe ? pclose(pipe) : -1;
      o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      theirs.push_back(o);
    }
  });
  return {res, theirs};
}

TEST(join, a_node_without_the_run_secret_cannot_join) {
  std::string wrong(64, '7');
  auto [res, intruders] = run_with_intruders(
      "run " + impostor_model + " --nodes 3 --out " + tmp_dir("nosecret"),
      {"env -u VMSS_RUN_SECRET vmss-sim node --node-id 1",
       "env VMSS_RUN_SECRET=" + wrong + " vmss-sim node --node-id 1",
       "env VMSS_RUN_SECRET=" + wrong + " vmss-sim node --node-id 7"});
  ASSERT_EQ(intruders.size(), 3u) << res.output;
  // Without a secret a node does not even try.
  EXPECT_EQ(intruders[0].exit_code, 2) << intruders[0].output;
  EXPECT_NE(intruders[0].output.find("no run secret"), std::string::npos)
      << intruders[0].output;
  // With a wrong one the coordinator refuses it, and says so.
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(intruders[i].exit_code, 2) << intruders[i].output;
    EXPECT_NE(intruders[i].output.find("the coordinator refused hello"),
              std::string::npos)
        << intruders[i].output;
  }
  EXPECT_NE(res.output.find("warning: the coordinator refused hello from "
                            "node 1: it does not prove the run secret"),
            std::string::npos)
      << res.output;
  EXPECT_NE(res.output.find("refused hello from node 7: this run has no "
                            "node 7"),
            std::string::npos)
      << res.output;
  // The real nodes ran the run.
  EXPECT_EQ(res.exit_code, 0) << res.output;
  EXPECT_EQ(res.value("digest"), reference_digest()) << res.output;
}

TEST(join, each_node_slot_is_taken_once) {
  // A node that has the secret (from cluster.conf's secret-file) but claims
  // a slot of the run: either it or the real node 1 is refused, and the run
  // completes with the same history.
  auto secret = write_file("run.secret", std::string(64, 'a') + "\n");
  auto conf = write_file("slot.conf", "[cluster]\nnodes=3\nsecret-file=\"" +
                                          secret + "\"\n");
  auto [res, intruders] =
      run_with_intruders("run " + impostor_model + " --config " + conf +
                             " --out " + tmp_dir("slot"),
                         {"env -u VMSS_RUN_SECRET vmss-sim node --node-id 1 "
                          "--config " +
                          conf});
  ASSERT_EQ(intruders.size(), 1u) << res.output;
  std::string taken = "refused hello from node 1: the slot of node 1 is taken";
  EXPECT_NE((res.output + intruders[0].output).find(taken), std::string::npos)
      << res.output << intruders[0].output;
  EXPECT_EQ(res.exit_code, 0) << res.output;
  EXPECT_EQ(res.value("digest"), reference_digest()) << res.output;
}

TEST(join, a_secret_file_open_to_others_is_refused) {
  auto secret = write_file("open.secret", std::string(64, 'a'), 0644);
  auto conf = write_file("open.conf", "[cluster]\nnodes=2\nsecret-file=\"" +
                                          secret + "\"\n");
  auto res = run_sim("run " + impostor_model + " --config " + conf + " --out " +
                     tmp_dir("open"));
  EXPECT_EQ(res.exit_code, 2) << res.output;
  EXPECT_NE(res.output.find(secret + ": the secret file is open to group or "
                                     "others (chmod 600 it)"),
            std::string::npos)
      << res.output;
}

} // namespace

namespace {

TEST(cli, bad_input_is_rejected_with_a_reason) {
  auto unknown = run_sim("run no-such-scenario");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(
      unknown.output.find("no-such-scenario: cannot read the scenario file"),
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

namespace {

/// Runs `args` and expects exit 2 with `message` and no C++ library name.
void expect_bad_input(const std::string& args, const std::string& message) {
  auto res = run_sim(args);
  EXPECT_EQ(res.exit_code, 2) << args << "\n" << res.output;
  EXPECT_NE(res.output.find(message), std::string::npos) << args << "\n"
                                                         << res.output;
  for (const char* leak : {"stoull", "stod", "stoi", "179769", "system_error"})
    EXPECT_EQ(res.output.find(leak), std::string::npos) << args << "\n"
                                                        << res.output;
}

TEST(cli, numbers_are_parsed_strictly) {
  const std::string run = "run --model 'phold entities=4' --until 1ms --out " +
                          tmp_dir("strict") + " ";
  expect_bad_input(run + "--seed -1",
                   "--seed -1: is out of range (0 to 18446744073709551615)");
  expect_bad_input(run + "--seed 18446744073709551616",
                   "--seed 18446744073709551616: is out of range (0 to "
                   "18446744073709551615)");
  expect_bad_input(run + "--seed 0x10", "--seed 0x10: is not a whole number");
  expect_bad_input(run + "--threads 1.5",
                   "--threads 1.5: is not a whole number");
  expect_bad_input(run + "--threads 65",
                   "--threads 65: is out of range (1 to 64)");
  expect_bad_input(run + "--nodes 0", "--nodes 0: is out of range (1 to 64)");
  expect_bad_input(run + "--nodes ' 2'", "--nodes  2: is not a whole number");
  expect_bad_input("node --coordinator 127.0.0.1:99999 --node-id 0",
                   "--coordinator 127.0.0.1: port 99999: is out of range (1 "
                   "to 65535)");
  expect_bad_input("node --coordinator 127.0.0.1:1 --node-id -1",
                   "--node-id -1: is out of range (0 to 63)");
}

TEST(cli, node_timeout_must_be_finite_and_sensible) {
  const std::string run = "run --model 'phold entities=4' --until 1ms --out " +
                          tmp_dir("timeout") + " --node-timeout ";
  for (const char* bad : {"nan", "inf", "-1", "1e-9", "1e3", "0x10"})
    expect_bad_input(run + bad, std::string("--node-timeout ") + bad +
                                    ": not a number of seconds");
  for (const char* bad : {"0", "0.1", "3601", "100000"})
    expect_bad_input(run + bad, std::string("--node-timeout ") + bad +
                                    ": is out of range (0.5 to 3600 seconds)");
  auto ok = run_sim(run + "0.5");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

TEST(cli, cluster_conf_errors_name_file_line_and_reason) {
  struct bad_line {
    const char* text;
    const char* message;
  };
  const bad_line cases[] = {
      {"nodes=abc", "cluster.nodes=abc: is not a whole number"},
      {"nodes=99999999999999999999999",
       "cluster.nodes=99999999999999999999999: is out of range (1 to 64)"},
      {"node-timeout=inf", "cluster.node-timeout=inf: not a number of "
                           "seconds"},
      {"node-timeout=nan", "cluster.node-timeout=nan: not a number of "
                           "seconds"},
      {"node-timeout=0.01", "cluster.node-timeout=0.01: is out of range (0.5 "
                            "to 3600 seconds)"},
      {"threads=-2", "cluster.threads=-2: is out of range (1 to 64)"},
  };
  for (const auto& c : cases) {
    auto conf = tmp_dir("case.conf");
    FILE* f = std::fopen(conf.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f, "; comment\n[cluster]\n%s\n", c.text);
    std::fclose(f);
    expect_bad_input("run --model 'phold entities=4' --until 1ms --config " +
                         conf + " --out " + tmp_dir("conf"),
                     conf + ":3: " + c.message);
  }
}

} // namespace
