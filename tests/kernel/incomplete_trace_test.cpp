// A traced 3-node run whose node 1 is killed mid-run reports how much of
// the shards is complete (run_result::trace_incomplete, complete_until,
// shards), and that prefix is readable: each shard's first `bytes` decode
// into exactly `records` records, all before complete_until, and the next
// message starts at or after it.
#include "bench/module.hpp"
#include "bench/workloads.hpp"
#include "kernel/cluster.hpp"
#include "tests/kernel/shard_prefix.hpp"
#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

namespace {

using namespace vmss;

/// The pid of this process's child started with `--node-id K`, or 0.
pid_t find_node_child(uint32_t k) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    if (close == std::string::npos)
      continue;
    int ppid = 0;
    char state = 0;
    if (sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) != 2 ||
        ppid != getpid())
      continue;
    std::ifstream cmd(entry.path() / "cmdline");
    std::string args((std::istreambuf_iterator<char>(cmd)),
                     std::istreambuf_iterator<char>());
    if (args.find(std::string("--node-id") + '\0' + std::to_string(k) + '\0') !=
        std::string::npos)
      return static_cast<pid_t>(std::stoi(name));
  }
  return 0;
}

/// A traced phold run of `spec` on `nodes` node processes into `dir`.
run_options phold_run(const std::string& spec, uint32_t nodes, sim_time until,
                      const std::string& dir) {
  run_options opts;
  opts.model_spec = spec;
  opts.messages = &bench::register_bench_messages;
  opts.factory = [](const std::string& text, uint64_t, uint32_t n) {
    model_spec parsed(text);
    return bench::make_phold(parsed, n);
  };
  opts.nodes = nodes;
  opts.until = until;
  opts.trace_dir = dir;
  opts.executable = VMSS_SIM_EXE;
  return opts;
}

TEST(incomplete_trace, killed_node_leaves_a_readable_complete_prefix) {
  vmss_test::scratch scratch;
  auto dir = scratch.at("trace");
  auto opts = phold_run("phold entities=300 jobs=4", 3, seconds(3600), dir);
  auto run =
      std::async(std::launch::async, [&] { return run_simulation(opts); });
  // Marks come once a virtual second: kill node 1 after a few.
  pid_t victim = 0;
  for (int i = 0; i < 100 && victim == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    victim = find_node_child(1);
  }
  ASSERT_GT(victim, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  ::kill(victim, SIGKILL);
  auto res = run.get();

  EXPECT_NE(res.error.find("node 1 died"), std::string::npos) << res.error;
  EXPECT_TRUE(res.trace_incomplete);
  EXPECT_GT(res.complete_until, 0);
  ASSERT_EQ(res.shards.size(), 3u);
  for (uint32_t k = 0; k < 3; ++k) {
    SCOPED_TRACE("shard " + std::to_string(k));
    auto path = dir + "/" + trace::shard_file_name(k);
    const auto& shard = res.shards[k];
    EXPECT_GT(shard.records, 0u);
    EXPECT_LE(shard.bytes, std::filesystem::file_size(path));
    auto prefix = test_support::read_prefix(path, shard.bytes);
    EXPECT_EQ(prefix.records, shard.records);
    EXPECT_LT(prefix.max_t_ns, res.complete_until);
    EXPECT_GE(prefix.next_t_ns, res.complete_until);
  }
}

TEST(incomplete_trace, completed_run_is_complete) {
  vmss_test::scratch scratch;
  auto dir = scratch.at("trace");
  auto opts = phold_run("phold entities=30 jobs=2", 2, ms(200), dir);
  auto res = run_simulation(opts);
  EXPECT_EQ(res.error, "");
  EXPECT_FALSE(res.trace_incomplete);
  ASSERT_EQ(res.shards.size(), 2u);
  for (uint32_t k = 0; k < 2; ++k) {
    auto path = dir + "/" + trace::shard_file_name(k);
    EXPECT_EQ(res.shards[k].bytes, std::filesystem::file_size(path));
    EXPECT_EQ(test_support::read_prefix(path, res.shards[k].bytes).records,
              res.shards[k].records);
  }
}

} // namespace
