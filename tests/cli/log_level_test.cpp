// --log-level (docs/cli.md): diagnostics go to stderr from the level up,
// never to stdout; no level changes the run; a multi-node run passes its
// level on to the node processes; a bad level exits 2 naming the option
// and the allowed names.

#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

namespace {

using vmss_test::read_file;
using vmss_test::scratch;

struct streams {
  int exit_code = -1;
  std::string out, err;
};

/// Runs vmss-sim with `args` inside `dir`, stdout and stderr apart.
streams run_apart(const scratch& dir, const std::string& args) {
  std::string cmd = std::string(VMSS_SIM_EXE) + " " + args + " >" +
                    dir.at("stdout") + " 2>" + dir.at("stderr");
  int status = std::system(cmd.c_str());
  streams s;
  s.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  s.out = read_file(dir.at("stdout"));
  s.err = read_file(dir.at("stderr"));
  return s;
}

/// `text` without the wall-clock fields (wall_s=…, setup_s=…).
std::string without_wall_clock(const std::string& text) {
  static const std::regex wall("(wall_s|setup_s)=\\S+");
  return std::regex_replace(text, wall, "$1=?");
}

const std::regex tor_drop(
    "(^|\\n)# trace: \\[\\d+\\.\\d{6}s westeurope/z\\d/r\\d/tor\\] dropped a "
    "message to westeurope/\\S+ \\(partition\\)\\n");

/// scenarios/faults-tour.json: one fault of every kind, each recovered.
const std::string faults_tour =
    std::string(VMSS_SOURCE_DIR) + "/scenarios/faults-tour.json";

TEST(log_level, no_level_changes_stdout_and_trace_lines_name_time_and_entity) {
  // The tour partitions zones: its TOR switches drop messages, one
  // trace-level line each, about the switch at its virtual time. (--quiet:
  // no progress lines or closing hints, which are not diagnostics.)
  scratch dir;
  auto run = [&](const std::string& level) {
    return run_apart(dir, "run " + faults_tour + " --quiet --out " +
                              dir.at("t") + level);
  };
  auto plain = run("");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err, ""); // nothing to say about a good one-process run
  for (const std::string level : {"trace", "debug", "info", "warn", "off"}) {
    auto r = run(" --log-level " + level);
    ASSERT_EQ(r.exit_code, 0) << level << "\n" << r.err;
    EXPECT_EQ(without_wall_clock(r.out), without_wall_clock(plain.out))
        << level;
    EXPECT_EQ(std::regex_search(r.err, tor_drop), level == "trace")
        << level << "\n"
        << r.err.substr(0, 2000);
    EXPECT_EQ(r.err.empty(), level != "trace") << level << "\n"
                                               << r.err.substr(0, 2000);
  }
}

TEST(log_level, a_multi_node_run_passes_its_level_to_the_nodes) {
  scratch dir;
  const std::string run = "run --model 'phold entities=8 jobs=2' --until "
                          "200ms --nodes 2 --out " +
                          dir.at("t");
  auto debug = run_apart(dir, run + " --log-level debug");
  ASSERT_EQ(debug.exit_code, 0) << debug.err;
  // Written by the node processes themselves.
  for (int k = 0; k < 2; ++k)
    EXPECT_NE(debug.err.find("# debug: node " + std::to_string(k) +
                             ": joined its peers; running\n"),
              std::string::npos)
        << debug.err;
  EXPECT_EQ(debug.out.find("# debug:"), std::string::npos) << debug.out;
  // The default level keeps the plumbing's notes; warn drops them.
  auto plain = run_apart(dir, run);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(std::regex_search(
      plain.err, std::regex("(^|\\n)# coordinator 127\\.0\\.0\\.1:\\d+ pid "
                            "\\d+\\n")))
      << plain.err;
  EXPECT_NE(plain.err.find("# node 1 pid "), std::string::npos) << plain.err;
  EXPECT_EQ(plain.err.find("# debug:"), std::string::npos) << plain.err;
  auto warn = run_apart(dir, run + " --log-level warn");
  ASSERT_EQ(warn.exit_code, 0) << warn.err;
  EXPECT_EQ(warn.err, "");
  auto digest = [](const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, std::regex("\\ndigest=(\\w+)"))
               ? std::string(m[1])
               : "";
  };
  EXPECT_EQ(digest(warn.out).size(), 64u) << warn.out;
  EXPECT_EQ(digest(warn.out), digest(plain.out));
  EXPECT_EQ(digest(debug.out), digest(plain.out));
}

TEST(log_level, warnings_about_the_input_are_printed_at_every_level) {
  // They belong to the command's output, not to the diagnostics.
  scratch dir;
  auto r =
      run_apart(dir, "run " + faults_tour +
                         " --until 100s --log-level off --out " + dir.at("t"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: fault 'app_crash@205s:"), std::string::npos)
      << r.err;
}

TEST(log_level, a_bad_level_exits_2_naming_the_option_and_the_levels) {
  scratch dir;
  const std::string says = "error: --log-level loud: must be one of trace, "
                           "debug, info, warn, error, off\n";
  for (const std::string& cmd : std::vector<std::string>{
           "run " + faults_tour + " --out " + dir.at("t"),
           "bench pingpong --pairs 1 --rounds 1",
           "node --coordinator 127.0.0.1:1 --node-id 0",
           "cluster up --config " + dir.file("c.conf", "[cluster]\nnodes=2\n") +
               " " + faults_tour + " --out " + dir.at("t")}) {
    auto r = run_apart(dir, cmd + " --log-level loud");
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.err;
    EXPECT_EQ(r.err, says) << cmd;
    EXPECT_EQ(r.out.find("digest="), std::string::npos) << cmd;
  }
  for (const std::string level : {"", "INFO", "warning", "info "}) {
    auto r = run_apart(dir, "run " + faults_tour + " --out " + dir.at("t") +
                                " --log-level '" + level + "'");
    EXPECT_EQ(r.exit_code, 2) << "'" << level << "'\n" << r.err;
    EXPECT_EQ(r.err.rfind("error: --log-level " + level +
                              ": must be one "
                              "of trace, debug, info, warn, error, off",
                          0),
              0u)
        << r.err;
  }
  // Nothing was written for any of them.
  EXPECT_EQ(dir.names(),
            (std::vector<std::string>{"c.conf", "stderr", "stdout"}));
}

} // namespace
