// Lanes (kernel/lanes.hpp): the thread team, and in-process runs on 1 to 4
// lanes giving the same results in one trace shard.
// CAF headers before gtest (toolchain.md).
#include "bench/module.hpp"
#include "bench/workloads.hpp"
#include "kernel/cluster.hpp"
#include "kernel/lanes.hpp"
#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using namespace vmss;

TEST(lane_team, runs_every_lane_once_a_job_and_shows_its_writes) {
  lane_team team(3);
  ASSERT_EQ(team.size(), 3u);
  // Plain (non-atomic) writes: the caller must see them once run() returns.
  std::vector<uint64_t> sums(3, 0);
  for (uint64_t job = 1; job <= 20000; ++job)
    team.run([&](size_t i) { sums[i] += job * (i + 1); });
  uint64_t expected = 20000ull * 20001ull / 2;
  EXPECT_EQ(sums[0], expected);
  EXPECT_EQ(sums[1], 2 * expected);
  EXPECT_EQ(sums[2], 3 * expected);
}

TEST(lane_team, wakes_workers_that_fell_asleep) {
  lane_team team(2);
  std::atomic<int> runs{0};
  for (int k = 0; k < 5; ++k) {
    // Long enough for the worker to stop spinning and sleep.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    team.run([&](size_t i) {
      if (i == 1)
        ++runs;
    });
    EXPECT_EQ(runs.load(), k + 1);
  }
}

TEST(lane_team, one_lane_runs_on_the_caller) {
  lane_team team(1);
  auto caller = std::this_thread::get_id();
  std::thread::id ran;
  team.run([&](size_t) { ran = std::this_thread::get_id(); });
  EXPECT_EQ(ran, caller);
}

run_options phold_run(uint32_t threads) {
  run_options opts;
  opts.model_spec = "phold entities=240 jobs=4";
  opts.messages = &bench::register_bench_messages;
  opts.factory = [](const std::string& text, uint64_t, uint32_t n) {
    model_spec parsed(text);
    return bench::make_phold(parsed, n);
  };
  opts.threads = threads;
  opts.until = seconds(2);
  opts.progress = progress_mode::quiet;
  return opts;
}

TEST(lanes, any_number_of_lanes_gives_the_same_deliveries_and_one_shard) {
  vmss_test::scratch scratch;
  run_result first;
  for (uint32_t threads = 1; threads <= 4; ++threads) {
    auto opts = phold_run(threads);
    opts.trace_dir = scratch.at("t" + std::to_string(threads));
    auto res = run_simulation(opts);
    ASSERT_EQ(res.error, "") << threads << " lanes";
    if (threads == 1) {
      first = res;
      EXPECT_GT(res.events, 10000u);
      // One lane skips from event to event in 1 s windows.
      EXPECT_LE(res.windows, 3u);
      continue;
    }
    EXPECT_EQ(res.delivery_digest, first.delivery_digest) << threads;
    EXPECT_EQ(res.events, first.events) << threads;
    EXPECT_EQ(res.end_t, first.end_t) << threads;
    // One shard per process whatever the lanes: the lanes' records merged
    // (their order: trace check and the trace digest, tests/kernel/
    // cluster_test.cpp).
    ASSERT_EQ(res.shards.size(), 1u);
    EXPECT_EQ(res.shards[0].records, first.shards[0].records) << threads;
    EXPECT_EQ(res.trace_records, first.trace_records) << threads;
    // Lanes stop at every lookahead (phold: 1 ms).
    EXPECT_GT(res.windows, 100u) << threads;
  }
}

TEST(lanes, a_message_between_lanes_inside_the_window_is_a_lookahead_error) {
  auto opts = phold_run(2);
  opts.model_spec = "phold entities=8 latency=500us lookahead=1ms";
  opts.until = seconds(1);
  auto res = run_simulation(opts);
  EXPECT_NE(res.error.find("lookahead violation"), std::string::npos)
      << res.error;
}

TEST(lanes, more_lanes_than_allowed_are_refused_before_the_run) {
  auto opts = phold_run(max_lanes + 1);
  auto res = run_simulation(opts);
  EXPECT_EQ(res.error, "--threads must be 1 to 64");
  EXPECT_EQ(res.events, 0u);
}

} // namespace
