// Seed sweep of the Raft core with faults: random crashes and restarts,
// isolated replicas, cut links, lost messages, while clients propose. The
// network's checkers (raft_net.hpp) verify Election Safety, Leader
// Append-Only, Leader Completeness and State Machine Safety after every
// step, and Log Matching every virtual second. After the faults end the
// cluster must make progress again (liveness). Each failure names its seed.

#include "raft_net.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::fabric;
using vmss::fabric::testing::raft_net;

constexpr sim_time fault_phase = seconds(60);
constexpr sim_time calm_phase = seconds(10);

/// One random fault (or repair) among replicas 1..5.
void random_fault(raft_net& net, rng& r) {
  auto id = static_cast<node_id>(r.uniform(1, 5));
  switch (r.below(7)) {
  case 0:
    if (net.at(id).up)
      net.crash(id);
    break;
  case 1:
  case 2:
    for (auto n : net.ids())
      if (!net.at(n).up) {
        net.restart(n);
        break;
      }
    break;
  case 3:
    net.isolate(id);
    break;
  case 4:
    net.cut(id, static_cast<node_id>(r.uniform(1, 5)));
    break;
  case 5:
    net.heal();
    break;
  case 6:
    net.drop_permille = static_cast<uint32_t>(r.below(200));
    break;
  }
}

struct sweep_result {
  std::vector<std::string> violations;
  uint64_t trace_digest = 0;
  uint64_t committed = 0;
  size_t leaders = 0;
};

sweep_result run_seed(uint64_t seed) {
  raft_config cfg;
  cfg.snapshot_threshold = 64; // compaction and InstallSnapshot happen often
  cfg.max_entries_per_append = 8;
  switch (seed % 4) {
  case 0: // candidates often campaign at the same time: split votes
    cfg.election_timeout_max = cfg.election_timeout_min + ms(5);
    break;
  case 1:
    cfg.pre_vote = false;
    break;
  case 2:
    cfg.check_quorum = false;
    break;
  }
  raft_net net(seed, cfg);
  rng faults(seed, 1000);
  sim_time next_fault = seconds(1);
  sim_time next_check = seconds(1);
  uint64_t proposals = 0;
  while (net.now() < fault_phase) {
    net.run_for(ms(faults.uniform(5, 50)));
    if (auto l = net.leader())
      net.propose(*l, "s" + std::to_string(seed) + "." +
                          std::to_string(proposals++));
    if (net.now() >= next_fault) {
      random_fault(net, faults);
      next_fault = net.now() + ms(faults.uniform(200, 2000));
    }
    if (net.now() >= next_check) {
      net.check_log_matching();
      next_check += seconds(1);
    }
  }
  // Calm: everyone up, links healed. A leader must emerge and commit.
  net.heal();
  net.drop_permille = 0;
  for (auto id : net.ids())
    if (!net.at(id).up)
      net.restart(id);
  net.run_for(calm_phase);
  sweep_result out;
  auto leader = net.leader();
  if (!leader) {
    net.violations.push_back("no leader after the calm phase");
  } else {
    auto r = net.propose(*leader, "final");
    net.run_for(seconds(1));
    for (auto id : net.ids())
      if (net.node(id).commit_index() < r.index ||
          net.at(id).state.digest != net.at(*leader).state.digest)
        net.violations.push_back("replica " + std::to_string(id) +
                                 " did not catch up");
  }
  net.check_log_matching();
  out.violations = net.violations;
  out.trace_digest = net.trace_digest;
  out.committed = net.committed.size();
  out.leaders = net.leader_of_term.size();
  return out;
}

// Election Safety, Leader Append-Only, Log Matching, Leader Completeness
// and State Machine Safety under faults, over 200 seeds. A quarter of the
// seeds use a 5 ms election spread (concurrent candidates), a quarter turn
// pre-vote off, a quarter check quorum.
TEST(raft_sweep, safety_holds_under_crashes_partitions_and_loss) {
  uint64_t committed = 0;
  size_t leaders = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    auto r = run_seed(seed);
    for (const auto& v : r.violations)
      ADD_FAILURE() << "seed " << seed << ": " << v;
    committed += r.committed;
    leaders += r.leaders;
  }
  // The sweep exercised something: many entries, many elections.
  EXPECT_GT(committed, 200u * 100);
  EXPECT_GT(leaders, 200u * 2);
}

// Same seed, same run: the core draws only from the rng it was given.
TEST(raft_sweep, same_seed_same_run) {
  auto a = run_seed(42);
  auto b = run_seed(42);
  EXPECT_EQ(a.trace_digest, b.trace_digest);
  EXPECT_EQ(a.committed, b.committed);
  EXPECT_NE(run_seed(43).trace_digest, a.trace_digest);
}

} // namespace
