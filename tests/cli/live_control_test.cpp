// Live control through the binary (docs/cli.md "Live control"): a paced
// run with --control 0 answers `vmss-sim ctl`, refuses a wrong or missing
// token (exit 1), writes its token owner-only into the output folder and
// removes it at the end; ctl against a closed port exits 2; --pace changes
// no digest; --replay refuses what is not a vmss trace.

#include "tests/support/jsonl.hpp"
#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <regex>

namespace {

using vmss_test::run_sim;

const std::string scenario =
    std::string(VMSS_SOURCE_DIR) + "/scenarios/host_failures.json";

/// A run in the background and its control port, once it has printed it.
class live_run {
public:
  explicit live_run(const std::string& args) {
    auto seen = std::make_shared<std::promise<std::string>>();
    auto told = std::make_shared<bool>(false);
    done_ = std::async(std::launch::async, [=] {
      return run_sim(args, [=](const std::string& line) {
        if (!*told && line.rfind("# control 1", 0) == 0) {
          *told = true;
          seen->set_value(line);
        }
      });
    });
    auto f = seen->get_future();
    if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
      return;
    std::smatch m;
    auto line = f.get();
    if (std::regex_search(line, m,
                          std::regex("# control (\\S+) token=([0-9a-f]+)"))) {
      address_ = m[1];
      token_ = m[2];
    }
  }

  const std::string& address() const { return address_; }
  const std::string& token() const { return token_; }

  vmss_test::outcome ctl(const std::string& words,
                         const std::string& token_args = "") {
    return run_sim("ctl " + address_ + " " +
                   (token_args.empty() ? "--token " + token_ : token_args) +
                   " " + words);
  }

  vmss_test::outcome wait() { return done_.get(); }

private:
  std::future<vmss_test::outcome> done_;
  std::string address_, token_;
};

TEST(LiveControl, StatusPauseResumeAndTheToken) {
  vmss_test::scratch s;
  live_run run("run " + scenario + " --until 60s --pace 15 --control 0 --out " +
               s.at("t"));
  ASSERT_FALSE(run.token().empty()) << "no '# control' line";
  EXPECT_EQ(run.address().rfind("127.0.0.1:", 0), 0u) << run.address();
  EXPECT_EQ(run.token().size(), 64u);
  // The token file: in the staging folder beside --out, owner-only.
  std::string token_file;
  for (const auto& e : std::filesystem::directory_iterator(s.at("")))
    if (std::filesystem::exists(e.path() / "control-token"))
      token_file = (e.path() / "control-token").string();
  ASSERT_FALSE(token_file.empty());
  struct stat st {};
  ASSERT_EQ(::stat(token_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(vmss_test::read_file(token_file), run.token() + "\n");

  auto status = run.ctl("status");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("\"virtual_s\":"), std::string::npos);
  EXPECT_NE(status.output.find("\"pace\":15"), std::string::npos);
  auto by_file = run.ctl("pause", "--token-file " + token_file);
  EXPECT_EQ(by_file.exit_code, 0) << by_file.output;
  EXPECT_NE(by_file.output.find("paused"), std::string::npos);
  auto wrong = run.ctl("status", "--token 00ff");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(wrong.output.find("refused: the request does not carry the run's "
                              "token"),
            std::string::npos)
      << wrong.output;
  auto none = run_sim("ctl " + run.address() + " resume");
  EXPECT_EQ(none.exit_code, 1) << none.output;
  EXPECT_NE(none.output.find("# no token"), std::string::npos);
  auto bad = run.ctl("pace soon");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  auto resumed = run.ctl("resume");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(run.ctl("pace 1000").exit_code, 0);

  auto end = run.wait();
  ASSERT_EQ(end.exit_code, 0) << end.output;
  EXPECT_FALSE(std::filesystem::exists(token_file));
  EXPECT_FALSE(std::filesystem::exists(s.at("t/control-token")));
  // The trace is still one vmss-sim may replace.
  auto again = run_sim("run " + scenario + " --until 5s --out " + s.at("t"));
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

TEST(LiveControl, TwoPacedNodesHoldPauseAndReplayToTheSameDigest) {
  vmss_test::scratch s;
  live_run run("run " + scenario + " --until 20s --nodes 2 --pace 10 " +
               "--control 0 --out " + s.at("live"));
  ASSERT_FALSE(run.token().empty()) << "no '# control' line";
  EXPECT_EQ(run.ctl("pause").exit_code, 0);
  auto status = run.ctl("status");
  EXPECT_NE(status.output.find("\"nodes\":2"), std::string::npos)
      << status.output;
  // Held at a window boundary on both nodes, even while paused.
  auto wrong = run.ctl("status", "--token 0123");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(wrong.output.find("traced at "), std::string::npos);
  EXPECT_EQ(run.ctl("resume").exit_code, 0);
  EXPECT_EQ(run.ctl("pace 200").exit_code, 0);
  auto live = run.wait();
  ASSERT_EQ(live.exit_code, 0) << live.output;
  for (const char* nodes : {"1", "2"}) {
    auto replay = run_sim("run " + scenario + " --until 20s --nodes " + nodes +
                          " --replay " + s.at("live") + " --out " +
                          s.at(std::string("replay") + nodes));
    ASSERT_EQ(replay.exit_code, 0) << replay.output;
    EXPECT_EQ(replay.value("digest"), live.value("digest")) << nodes;
  }
}

/// Seconds of an answer "accepted at 12.4s" as nanoseconds, or -1.
long long accepted_at(const vmss_test::outcome& r) {
  std::smatch m;
  if (!std::regex_search(r.output, m, std::regex("accepted at ([0-9.]+)s")))
    return -1;
  return std::llround(std::stod(m[1]) * 1e9);
}

/// A live fault, a refused recover and `stop` on a paced run of `nodes`
/// node processes; the replay on one and two nodes gives the same digest.
void fault_stop_and_replay(const std::string& nodes) {
  vmss_test::scratch s;
  live_run run("run " + scenario + " --until 600s --pace 20 --nodes " + nodes +
               " --control 0 --out " + s.at("live"));
  ASSERT_FALSE(run.token().empty()) << "no '# control' line";
  auto fault = run.ctl("fault host_crash westeurope/z1/r1/h1");
  ASSERT_EQ(fault.exit_code, 0) << fault.output;
  long long t_fault = accepted_at(fault);
  EXPECT_GE(t_fault, 0) << fault.output; // 0 when the nodes had not begun
  auto refused =
      run.ctl("recover host_crash westeurope/z1/r1/h1", "--token 0bad");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  auto unknown = run.ctl("fault host_crash westeurope/z9/r1/h1");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  auto stop = run.ctl("stop");
  ASSERT_EQ(stop.exit_code, 0) << stop.output;
  long long t_stop = accepted_at(stop);
  EXPECT_GE(t_stop, t_fault);
  auto live = run.wait();
  ASSERT_EQ(live.exit_code, 0) << live.output;
  EXPECT_LT(std::stod(live.value("virtual_s")), 600);

  auto records = vmss_test::parse_jsonl(
      run_sim("trace export " + s.at("live") + " --format jsonl").output);
  auto commands = vmss_test::having(records, "control_command");
  ASSERT_EQ(commands.size(), 3u); // the refused check is not traced
  EXPECT_EQ(commands[0].t_ns, t_fault);
  EXPECT_EQ(commands[0].field("command"),
            "fault host_crash westeurope/z1/r1/h1");
  EXPECT_EQ(commands[0].field("accepted"), "true");
  EXPECT_EQ(commands[1].field("accepted"), "false");
  EXPECT_EQ(commands[2].field("command"), "stop");
  EXPECT_EQ(commands[2].t_ns, t_stop);
  auto injected = vmss_test::having(records, "fault_injected");
  bool crashed = false;
  for (const auto& r : injected)
    crashed = crashed ||
              (r.t_ns == t_fault && r.field("target") == "westeurope/z1/r1/h1");
  EXPECT_TRUE(crashed) << "no fault_injected at the accepted time";
  for (const auto& r : records)
    EXPECT_LE(r.t_ns, t_stop) << r.line;

  for (const char* n : {"1", "2"}) {
    auto replay = run_sim("run " + scenario + " --until 600s --nodes " + n +
                          " --replay " + s.at("live") + " --out " +
                          s.at(std::string("replay") + n));
    ASSERT_EQ(replay.exit_code, 0) << replay.output;
    EXPECT_EQ(replay.value("digest"), live.value("digest")) << n;
    EXPECT_EQ(replay.value("virtual_s"), live.value("virtual_s")) << n;
  }
}

TEST(LiveControl, FaultAndStopInOneProcessReplayToTheSameDigest) {
  fault_stop_and_replay("1");
}

TEST(LiveControl, FaultAndStopOnTwoNodesReplayToTheSameDigest) {
  fault_stop_and_replay("2");
}

TEST(LiveControl, CtlAgainstAClosedPortExits2) {
  auto r = run_sim("ctl 127.0.0.1:1 --token 00 status");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("error: cannot connect to 127.0.0.1:1"),
            std::string::npos)
      << r.output;
  auto usage = run_sim("ctl nowhere status");
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  EXPECT_NE(usage.output.find("expected HOST:PORT"), std::string::npos);
}

TEST(LiveControl, PaceChangesNoDigest) {
  vmss_test::scratch s;
  auto fast = run_sim("run " + scenario + " --until 30s --out " + s.at("a"));
  auto paced =
      run_sim("run " + scenario + " --until 30s --pace 100 --out " + s.at("b"));
  ASSERT_EQ(fast.exit_code, 0) << fast.output;
  ASSERT_EQ(paced.exit_code, 0) << paced.output;
  EXPECT_EQ(fast.value("digest"), paced.value("digest"));
  EXPECT_GE(paced.wall_s, 0.3);
}

TEST(LiveControl, ReplayRefusesWhatIsNotATrace) {
  vmss_test::scratch s;
  std::filesystem::create_directories(s.at("junk"));
  s.file("junk/file.txt", "x");
  auto r = run_sim("run " + scenario + " --replay " + s.at("junk") + " --out " +
                   s.at("t"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("error: "), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(s.at("t")));
  // A trace of another seed is refused too.
  auto other = run_sim("run " + scenario + " --until 5s --seed 9 --out " +
                       s.at("seed9"));
  ASSERT_EQ(other.exit_code, 0) << other.output;
  auto mismatch = run_sim("run " + scenario + " --until 5s --replay " +
                          s.at("seed9") + " --out " + s.at("t"));
  EXPECT_EQ(mismatch.exit_code, 2) << mismatch.output;
  EXPECT_NE(mismatch.output.find("seed 9"), std::string::npos)
      << mismatch.output;
}

} // namespace
