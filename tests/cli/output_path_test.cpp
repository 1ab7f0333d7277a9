// `run --out` and `bench --trace` replace only what vmss-sim wrote: a path
// that holds anything else is refused (exit 2) and left as it was, and a
// run that fails on its input leaves the previous trace intact.

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace {

using vmss_test::read_file;
using vmss_test::run_sim;
using vmss_test::scratch;

const std::string quick_run = "run --model 'phold entities=8' --until 20ms ";

TEST(OutputPath, NewPathGetsTheTraceAndNothingIsLeftBeside) {
  scratch s;
  auto r = run_sim(quick_run + "--out " + s.at("a/b/trace"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(s.at("a/b/trace/manifest.json")));
  EXPECT_EQ(s.names(), std::vector<std::string>{"a"});
  EXPECT_EQ(std::filesystem::directory_iterator(s.at("a/b"))->path().filename(),
            "trace");
}

TEST(OutputPath, OwnTraceIsReplacedAndGivesTheSameDigest) {
  scratch s;
  auto first = run_sim(quick_run + "--out " + s.at("t"));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto second = run_sim(quick_run + "--out " + s.at("t"));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(first.value("digest"), second.value("digest"));
  EXPECT_EQ(s.names(), std::vector<std::string>{"t"});
}

TEST(OutputPath, EmptyDirectoryIsAccepted) {
  scratch s;
  ASSERT_EQ(::mkdir(s.at("empty").c_str(), 0755), 0);
  auto r = run_sim(quick_run + "--out " + s.at("empty"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(s.at("empty/manifest.json")));
  EXPECT_EQ(s.names(), std::vector<std::string>{"empty"});
}

TEST(OutputPath, DirectoryWithAUsersFileIsRefusedAndKept) {
  scratch s;
  ASSERT_EQ(::mkdir(s.at("mine").c_str(), 0755), 0);
  s.file("mine/keep", "precious\n");
  auto r = run_sim(quick_run + "--out " + s.at("mine"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--out " + s.at("mine")), std::string::npos)
      << r.output;
  EXPECT_EQ(read_file(s.at("mine/keep")), "precious\n");
  EXPECT_EQ(s.names(), std::vector<std::string>{"mine"});
}

TEST(OutputPath, TraceDirectoryWithAnExtraFileIsRefused) {
  scratch s;
  ASSERT_EQ(run_sim(quick_run + "--out " + s.at("t")).exit_code, 0);
  s.file("t/notes.txt", "mine\n");
  auto r = run_sim(quick_run + "--out " + s.at("t"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(read_file(s.at("t/notes.txt")), "mine\n");
  EXPECT_TRUE(std::filesystem::exists(s.at("t/manifest.json")));
}

TEST(OutputPath, RegularFileIsRefusedAndKept) {
  auto path_kinds = {"file", "link", "fifo"};
  for (std::string kind : path_kinds) {
    scratch s;
    auto target = s.file("target", "user data\n");
    auto out = s.at("out");
    if (kind == "file")
      s.file("out", "user data\n");
    else if (kind == "link")
      ASSERT_EQ(::symlink(target.c_str(), out.c_str()), 0);
    else
      ASSERT_EQ(::mkfifo(out.c_str(), 0644), 0);
    auto r = run_sim(quick_run + "--out " + out);
    EXPECT_EQ(r.exit_code, 2) << kind << ": " << r.output;
    EXPECT_EQ(read_file(target), "user data\n") << kind;
    EXPECT_EQ(s.names(), (std::vector<std::string>{"out", "target"})) << kind;
  }
}

TEST(OutputPath, SymlinkToADirectoryIsNotFollowed) {
  scratch s;
  ASSERT_EQ(::mkdir(s.at("real").c_str(), 0755), 0);
  s.file("real/keep", "x\n");
  ASSERT_EQ(::symlink(s.at("real").c_str(), s.at("out").c_str()), 0);
  auto r = run_sim(quick_run + "--out " + s.at("out"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(read_file(s.at("real/keep")), "x\n");
  EXPECT_FALSE(std::filesystem::exists(s.at("real/manifest.json")));
}

TEST(OutputPath, DotAndParentAreRefused) {
  scratch s;
  s.file("keep", "x\n");
  for (std::string p : {s.at("."), s.at(".."), s.at("sub/..")}) {
    auto r = run_sim(quick_run + "--out " + p);
    EXPECT_EQ(r.exit_code, 2) << p << ": " << r.output;
  }
  EXPECT_EQ(s.names(), std::vector<std::string>{"keep"});
}

TEST(OutputPath, BadInputLeavesThePreviousTraceIntact) {
  scratch s;
  auto first = run_sim(quick_run + "--out " + s.at("t"));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto manifest = read_file(s.at("t/manifest.json"));
  for (std::string bad : {"run --model 'phold entities=8 bogus=1' --until 20ms",
                          "run --model 'phold entities=8' --until soon"}) {
    auto r = run_sim(bad + " --out " + s.at("t"));
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.output;
    EXPECT_EQ(read_file(s.at("t/manifest.json")), manifest) << bad;
    EXPECT_EQ(s.names(), std::vector<std::string>{"t"}) << bad;
  }
  auto digest = run_sim("trace digest " + s.at("t"));
  EXPECT_EQ(digest.value("digest"), first.value("digest")) << digest.output;
}

TEST(OutputPath, BenchTraceFollowsTheSameRules) {
  scratch s;
  ASSERT_EQ(::mkdir(s.at("mine").c_str(), 0755), 0);
  s.file("mine/keep", "x\n");
  auto bench = "bench pingpong --pairs 2 --rounds 10 --trace ";
  auto refused = run_sim(bench + s.at("mine"));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_EQ(read_file(s.at("mine/keep")), "x\n");
  auto fresh = run_sim(bench + s.at("t"));
  ASSERT_EQ(fresh.exit_code, 0) << fresh.output;
  auto again = run_sim(bench + s.at("t"));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(std::filesystem::exists(s.at("t/manifest.json")));
  EXPECT_EQ(s.names(), (std::vector<std::string>{"mine", "t"}));
}

} // namespace
