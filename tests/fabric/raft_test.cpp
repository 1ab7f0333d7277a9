// The Raft consensus core in scripted scenarios over the in-memory network
// (raft_net.hpp). Each test names the property of the Raft paper (Figure 3)
// or the behaviour it checks; the network's checkers watch every step.

#include "raft_net.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::fabric;
using vmss::fabric::testing::raft_net;

/// Runs until one leader exists; returns it.
node_id elect(raft_net& net, sim_time limit = seconds(10)) {
  EXPECT_TRUE(
      net.run_until_true([&] { return net.leader().has_value(); }, limit));
  return net.leader().value_or(0);
}

std::string no_violations(const raft_net& net) {
  std::string out;
  for (const auto& v : net.violations)
    out += v + "\n";
  return out;
}

bool ever_committed(const raft_net& net, const std::string& payload) {
  for (const auto& [index, e] : net.committed)
    if (e.payload == payload)
      return true;
  return false;
}

node_id other_than(const raft_net& net, std::set<node_id> not_these) {
  for (auto id : net.ids())
    if (not_these.count(id) == 0)
      return id;
  return 0;
}

// Election Safety: a 5-node cluster elects exactly one leader, which every
// replica follows; nobody is elected before a lease could expire.
TEST(raft, five_replicas_elect_exactly_one_leader) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    raft_net net(seed);
    auto leader = elect(net);
    ASSERT_NE(leader, 0u) << "seed " << seed;
    EXPECT_GE(net.now(), net.config().election_timeout_min);
    net.run_for(seconds(5));
    EXPECT_EQ(net.leaders(), std::vector<node_id>{leader}) << "seed " << seed;
    auto term = net.node(leader).term();
    for (auto id : net.ids()) {
      EXPECT_EQ(net.node(id).term(), term) << "seed " << seed;
      EXPECT_EQ(net.node(id).leader_hint(), leader) << "seed " << seed;
    }
    EXPECT_EQ(net.leader_of_term.size(), 1u) << "one election, no retries";
    EXPECT_TRUE(net.violations.empty()) << no_violations(net);
  }
}

// Behaviour: log replication; an entry commits once a majority holds it.
// Leader Append-Only and Log Matching are checked along the way.
TEST(raft, entries_commit_on_a_majority_and_apply_everywhere) {
  raft_net net(7);
  auto leader = elect(net);
  for (int i = 0; i < 10; ++i) {
    auto r = net.propose(leader, "cmd" + std::to_string(i));
    ASSERT_EQ(r.status, propose_status::accepted);
  }
  net.run_for(ms(100));
  auto last = net.node(leader).last_index();
  for (auto id : net.ids())
    EXPECT_EQ(net.at(id).state.index, last) << id;
  // Two followers silent: 3 of 5 still commit.
  auto f1 = other_than(net, {leader});
  auto f2 = other_than(net, {leader, f1});
  net.isolate(f1);
  net.isolate(f2);
  auto r = net.propose(leader, "with three");
  EXPECT_EQ(r.index, last + 1);
  net.run_for(ms(100));
  EXPECT_EQ(net.node(leader).commit_index(), r.index);
  for (auto id : net.ids()) {
    bool cut_off = id == f1 || id == f2;
    EXPECT_EQ(net.at(id).state.index, cut_off ? last : r.index) << id;
  }
  net.heal();
  net.run_for(seconds(1));
  for (auto id : net.ids())
    EXPECT_EQ(net.at(id).state.digest, net.at(leader).state.digest) << id;
  net.check_log_matching();
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
}

// Behaviour: a leader cut off in a minority cannot commit; the majority
// elects a new leader and commits; after healing, the minority drops its
// uncommitted entries and catches up (State Machine Safety).
TEST(raft, minority_cannot_commit_and_catches_up_after_heal) {
  raft_net net(11);
  auto old_leader = elect(net);
  net.propose(old_leader, "before");
  net.run_for(ms(100));
  auto follower = other_than(net, {old_leader});
  net.partition({old_leader, follower});
  auto commit = net.node(old_leader).commit_index();
  auto stranded = net.propose(old_leader, "stranded");
  ASSERT_EQ(stranded.status, propose_status::accepted);
  net.run_for(seconds(5));
  EXPECT_EQ(net.node(old_leader).commit_index(), commit);
  EXPECT_EQ(net.node(follower).commit_index(), commit);
  EXPECT_FALSE(ever_committed(net, "stranded"));
  EXPECT_EQ(net.node(old_leader).entry(stranded.index)->payload, "stranded");
  // Check quorum: the old leader no longer heard a majority.
  EXPECT_NE(net.node(old_leader).role(), raft_role::leader);

  auto new_leader = net.leader();
  ASSERT_TRUE(new_leader.has_value());
  EXPECT_GT(net.node(*new_leader).term(), stranded.term);
  auto r = net.propose(*new_leader, "majority");
  net.run_for(ms(100));
  EXPECT_GE(net.node(*new_leader).commit_index(), r.index);

  net.heal();
  net.run_for(seconds(2));
  for (auto id : net.ids()) {
    EXPECT_EQ(net.node(id).commit_index(),
              net.node(*new_leader).commit_index());
    EXPECT_EQ(net.at(id).state.digest, net.at(*new_leader).state.digest);
    EXPECT_NE(net.node(id).entry(stranded.index)->payload, "stranded");
  }
  EXPECT_FALSE(ever_committed(net, "stranded"));
  net.check_log_matching();
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
}

// Leader Completeness: after the leader crashes a new one is elected within
// the election timeout bounds and keeps every committed entry.
TEST(raft, leader_crash_elects_a_new_leader_that_keeps_committed_entries) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    raft_net net(seed);
    auto old_leader = elect(net);
    for (int i = 0; i < 20; ++i)
      net.propose(old_leader, "e" + std::to_string(i));
    net.run_for(ms(200));
    auto commit = net.node(old_leader).commit_index();
    net.crash(old_leader);
    auto crashed_at = net.now();
    auto new_leader = elect(net);
    ASSERT_NE(new_leader, old_leader);
    auto took = net.now() - crashed_at;
    const auto& cfg = net.config();
    // Followers heard the last heartbeat at most one period before the
    // crash; then the lease (min) and a random part (up to max - min).
    EXPECT_GE(took, cfg.election_timeout_min - cfg.heartbeat_period)
        << "seed " << seed;
    EXPECT_LE(took, cfg.election_timeout_max + ms(50)) << "seed " << seed;
    for (uint64_t i = 1; i <= commit; ++i)
      EXPECT_EQ(*net.node(new_leader).entry(i), net.committed.at(i));
    net.propose(new_leader, "after");
    net.restart(old_leader);
    net.run_for(seconds(1));
    for (auto id : net.ids())
      EXPECT_EQ(net.at(id).state.digest, net.at(new_leader).state.digest);
    EXPECT_TRUE(net.violations.empty()) << no_violations(net);
  }
}

// Election Safety: two replicas campaign at the same instant in the same
// term; each voter grants one vote per term, so at most one wins.
TEST(raft, simultaneous_candidates_at_most_one_leader_per_term) {
  for (bool pre_vote : {false, true}) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      raft_config cfg;
      cfg.election_timeout_min = cfg.election_timeout_max = seconds(100000);
      cfg.pre_vote = pre_vote;
      raft_net net(seed, cfg);
      net.campaign(1);
      net.campaign(2);
      net.run_for(ms(100));
      EXPECT_EQ(net.node(1).term(), net.node(2).term());
      EXPECT_LE(net.leaders().size(), 1u) << "seed " << seed;
      EXPECT_TRUE(net.violations.empty()) << no_violations(net);
    }
  }
}

/// Isolates a follower for 10 s, then heals; returns the leader's terms
/// before and after.
std::pair<uint64_t, uint64_t> rejoin(bool pre_vote, node_id& leader,
                                     node_id& isolated,
                                     uint64_t& isolated_term) {
  raft_config cfg;
  cfg.pre_vote = pre_vote;
  raft_net net(3, cfg);
  leader = elect(net);
  auto term = net.node(leader).term();
  isolated = other_than(net, {leader});
  net.isolate(isolated);
  net.run_for(seconds(10));
  isolated_term = net.node(isolated).term();
  net.heal();
  net.run_for(seconds(5));
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
  auto now_leader = net.leader();
  return {term, now_leader ? net.node(*now_leader).term() : 0};
}

// Pre-vote (thesis §9.6): a partitioned node that rejoins does not disrupt
// the stable leader: its term never moved while it was cut off.
TEST(raft, pre_vote_rejoining_node_does_not_disrupt_the_leader) {
  node_id leader = 0, isolated = 0;
  uint64_t isolated_term = 0;
  auto [before, after] = rejoin(true, leader, isolated, isolated_term);
  EXPECT_EQ(isolated_term, before);
  EXPECT_EQ(after, before) << "the leader kept its term";
}

// The control of the test above: without pre-vote the cut-off node raises
// its term and deposes the leader when it rejoins.
TEST(raft, without_pre_vote_a_rejoining_node_disrupts_the_leader) {
  node_id leader = 0, isolated = 0;
  uint64_t isolated_term = 0;
  auto [before, after] = rejoin(false, leader, isolated, isolated_term);
  EXPECT_GT(isolated_term, before);
  EXPECT_GT(after, before);
}

// Leader lease (thesis §4.2.3, with pre-vote §9.6): a replica that cannot
// hear the leader but hears the others cannot win their pre-votes while
// they still hear the leader, so the leader keeps its term.
TEST(raft, replica_cut_from_the_leader_only_does_not_disrupt_it) {
  raft_net net(8);
  auto leader = elect(net);
  auto term = net.node(leader).term();
  net.run_for(ms(100)); // its log is as up to date as anyone's
  auto cut_off = other_than(net, {leader});
  net.cut(leader, cut_off);
  net.run_for(seconds(10));
  EXPECT_EQ(net.node(leader).role(), raft_role::leader);
  EXPECT_EQ(net.node(leader).term(), term);
  EXPECT_EQ(net.node(cut_off).term(), term);
  EXPECT_GT(net.received<pre_vote_request>(other_than(net, {leader, cut_off})),
            0u)
      << "the cut-off replica did ask";
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
}

/// Figure 8 of the paper, scripted: no timer fires on its own; elections
/// are started with campaign().
raft_config figure8_config() {
  raft_config cfg;
  cfg.election_timeout_min = cfg.election_timeout_max = seconds(100000);
  cfg.pre_vote = false;
  cfg.check_quorum = false;
  cfg.max_entries_per_append = 1; // replicate one entry at a time
  return cfg;
}

void win(raft_net& net, node_id id) {
  for (int i = 0; i < 3 && net.node(id).role() != raft_role::leader; ++i) {
    net.campaign(id);
    net.run_for(ms(100));
  }
  ASSERT_EQ(net.node(id).role(), raft_role::leader);
}

// Figure 8 (State Machine Safety, paper §5.4.2): a leader does not commit
// an entry of an earlier term by counting replicas, even on a majority;
// had it done so, the entry could still be overwritten (shown in (d)).
TEST(raft, figure8_old_term_entry_on_a_majority_is_not_committed) {
  raft_net net(1, figure8_config());
  // (a) S1 leads term 1; entry 2 reaches S2 only.
  win(net, 1);
  net.run_for(ms(100));
  ASSERT_EQ(net.node(3).commit_index(), 1u);
  net.partition({1, 2});
  auto x = net.propose(1, "x");
  net.run_for(ms(100));
  ASSERT_EQ(net.node(2).term_at(x.index), x.term);
  // (b) S1 crashes; S5 leads term 2 with S3, S4; its entry 2 stays local.
  net.crash(1);
  net.heal();
  net.intercept = [](node_id from, node_id, raft_message& m) {
    return from != 5 || !std::holds_alternative<append_entries>(m);
  };
  win(net, 5);
  ASSERT_EQ(net.node(5).term_at(2), net.node(5).term());
  // (c) S5 crashes; S1 restarts and leads term 3; entry 2 (term 1) reaches
  // S3 and S4, but none of term 3 leaves S1.
  net.crash(5);
  net.restart(1);
  net.intercept = [](node_id from, node_id, raft_message& m) {
    auto* a = std::get_if<append_entries>(&m);
    if (from == 1 && a && !a->entries.empty() && a->entries[0].term >= 3)
      a->entries.clear(); // the consistency check still runs
    return true;
  };
  win(net, 1);
  net.run_for(seconds(1));
  for (node_id id : {1, 2, 3, 4})
    ASSERT_EQ(net.node(id).term_at(2), x.term) << id;
  EXPECT_LT(net.node(1).commit_index(), x.index)
      << "an entry of term " << x.term << " was committed in term "
      << net.node(1).term() << " by counting replicas";
  EXPECT_EQ(net.committed.count(2), 0u);
  // (d) S1 crashes; S5 wins term 4 with S2-S4 and overwrites entry 2.
  net.crash(1);
  net.restart(5);
  net.intercept = nullptr;
  win(net, 5);
  net.run_for(seconds(1));
  for (node_id id : {2, 3, 4})
    EXPECT_NE(net.node(id).term_at(2), x.term) << id;
  EXPECT_GE(net.node(3).commit_index(), 2u);
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
}

// Figure 8 (e): once an entry of the leader's own term reaches a majority,
// the earlier entry commits with it.
TEST(raft, figure8_old_term_entry_commits_with_one_of_the_current_term) {
  raft_net net(1, figure8_config());
  win(net, 1);
  net.run_for(ms(100));
  net.partition({1, 2});
  auto x = net.propose(1, "x");
  net.run_for(ms(100));
  net.crash(1);
  net.heal();
  net.restart(1);
  win(net, 1);
  net.run_for(seconds(1));
  EXPECT_GT(net.node(1).commit_index(), x.index);
  EXPECT_EQ(net.committed.at(x.index).payload, "x");
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
}

// Behaviour: snapshots keep the log bounded over many proposals; a follower
// that missed compacted entries catches up through InstallSnapshot.
TEST(raft, snapshots_bound_the_log_and_catch_up_a_lagging_follower) {
  raft_config cfg;
  cfg.snapshot_threshold = 50;
  cfg.max_entries_per_append = 16;
  raft_net net(5, cfg);
  size_t longest = 0;
  net.on_step = [&] {
    for (auto id : net.ids())
      longest = std::max(longest, net.node(id).log_size());
  };
  auto leader = elect(net);
  auto lagging = other_than(net, {leader});
  net.crash(lagging);
  for (int i = 0; i < 1000; ++i) {
    net.propose(leader, "p" + std::to_string(i));
    if (i % 10 == 9)
      net.run_for(ms(10));
  }
  net.run_for(ms(500));
  EXPECT_GT(net.node(leader).snapshot().index, 900u);
  // Threshold plus the entries proposed but not yet applied.
  EXPECT_LE(longest, cfg.snapshot_threshold + 20);
  net.restart(lagging);
  net.run_for(seconds(2));
  EXPECT_GE(net.received<install_snapshot>(lagging), 1u);
  EXPECT_EQ(net.node(lagging).commit_index(), net.node(leader).commit_index());
  EXPECT_EQ(net.at(lagging).state.digest, net.at(leader).state.digest);
  EXPECT_LE(net.node(lagging).log_size(), cfg.snapshot_threshold);
  EXPECT_LE(longest, cfg.snapshot_threshold + 20);
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
}

// Behaviour: proposals are refused by followers, with the leader's id.
TEST(raft, proposal_to_a_follower_is_refused_with_a_leader_hint) {
  raft_net net(2);
  auto before = net.propose(1, "too early");
  EXPECT_EQ(before.status, propose_status::not_leader);
  EXPECT_FALSE(before.leader_hint.has_value());
  auto leader = elect(net);
  net.run_for(ms(300)); // a heartbeat tells everyone
  for (auto id : net.ids()) {
    if (id == leader)
      continue;
    auto r = net.propose(id, "to a follower");
    EXPECT_EQ(r.status, propose_status::not_leader);
    EXPECT_EQ(r.leader_hint, leader);
    EXPECT_EQ(net.node(id).log_size(), net.node(leader).log_size());
  }
  auto r = net.propose(leader, "to the leader");
  EXPECT_EQ(r.status, propose_status::accepted);
  EXPECT_EQ(r.term, net.node(leader).term());
}

// Behaviour: restart keeps the durable state (term, vote, log, snapshot)
// and relearns the commit index from the leader.
TEST(raft, restart_keeps_term_vote_and_log) {
  raft_config cfg;
  cfg.snapshot_threshold = 8;
  raft_net net(4, cfg);
  auto leader = elect(net);
  for (int i = 0; i < 20; ++i)
    net.propose(leader, "r" + std::to_string(i));
  net.run_for(ms(100));
  auto f = other_than(net, {leader});
  auto& core = net.node(f);
  auto term = core.term();
  auto vote = core.voted_for();
  auto last = core.last_index();
  auto snapshot = core.snapshot().index;
  ASSERT_GT(snapshot, 0u);
  net.crash(f);
  net.restart(f);
  EXPECT_EQ(core.role(), raft_role::follower);
  EXPECT_EQ(core.term(), term);
  EXPECT_EQ(core.voted_for(), vote);
  EXPECT_EQ(core.last_index(), last);
  EXPECT_EQ(core.commit_index(), snapshot);
  EXPECT_FALSE(core.leader_hint().has_value());
  EXPECT_EQ(net.at(f).state.index, snapshot) << "restored from the snapshot";
  net.run_for(ms(300));
  EXPECT_EQ(core.commit_index(), net.node(leader).commit_index());
  EXPECT_EQ(net.at(f).state.digest, net.at(leader).state.digest);
  EXPECT_TRUE(net.violations.empty()) << no_violations(net);
}

// Behaviour: a leader refuses proposals once max_uncommitted entries wait
// for a majority (bounded queue).
TEST(raft, leader_without_a_majority_refuses_proposals_beyond_the_bound) {
  raft_config cfg;
  cfg.max_uncommitted = 10;
  cfg.check_quorum = false;
  raft_net net(6, cfg);
  auto leader = elect(net);
  net.run_for(ms(100)); // the leader's no-op commits
  net.isolate(leader);
  int accepted = 0;
  for (int i = 0; i < 20; ++i)
    accepted += net.propose(leader, "q").status == propose_status::accepted;
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(net.propose(leader, "q").status, propose_status::busy);
}

// Configuration: a bad setting is refused at construction, naming it (the
// core used to "repair" an empty member list, a maximum timeout below the
// minimum and an empty append).
TEST(raft, bad_configurations_are_refused_naming_the_setting) {
  struct bad_case {
    const char* setting;
    void (*spoil)(raft_config&);
  };
  const bad_case cases[] = {
      {"members", [](raft_config& c) { c.members.clear(); }},
      {"members",
       [](raft_config& c) {
         c.members = {2, 3};
       }},
      {"members",
       [](raft_config& c) {
         c.members = {1, 2, 2};
       }},
      {"election_timeout_min",
       [](raft_config& c) { c.election_timeout_min = 0; }},
      {"election_timeout_max",
       [](raft_config& c) { c.election_timeout_max = ms(500); }},
      {"heartbeat_period", [](raft_config& c) { c.heartbeat_period = 0; }},
      {"heartbeat_period",
       [](raft_config& c) { c.heartbeat_period = seconds(1); }},
      {"max_entries_per_append",
       [](raft_config& c) { c.max_entries_per_append = 0; }},
      {"snapshot_threshold", [](raft_config& c) { c.snapshot_threshold = 0; }},
      {"max_uncommitted", [](raft_config& c) { c.max_uncommitted = 0; }},
  };
  rng random(1, 1);
  for (const auto& bad : cases) {
    raft_config cfg;
    cfg.members = {1, 2, 3};
    bad.spoil(cfg);
    try {
      raft core(1, cfg, random);
      ADD_FAILURE() << "accepted a bad " << bad.setting;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("raft_config.") +
                                           bad.setting + ": "),
                std::string::npos)
          << e.what();
    }
  }
  raft_config alone; // one replica, a fixed election timeout: both fine
  alone.members = {1};
  alone.election_timeout_max = alone.election_timeout_min;
  EXPECT_NO_THROW(raft(1, alone, random));
}

// Invariant: a leader's view of a follower stays within its own log; an
// acknowledgement of entries it never sent stops the process.
TEST(raft, an_acknowledgement_beyond_the_leaders_log_is_a_bug) {
  raft_config cfg;
  cfg.members = {1, 2, 3};
  cfg.pre_vote = false;
  rng random(1, 1);
  raft core(1, cfg, random);
  core.start();
  core.campaign();
  core.step(2, vote_response{core.term(), true});
  ASSERT_EQ(core.role(), raft_role::leader);
  EXPECT_DEATH(
      core.step(2, append_entries_response{core.term(), true,
                                           core.last_index() + 99, 0, 0}),
      "raft: a follower's match < next <= last index \\+ 1");
}

} // namespace
