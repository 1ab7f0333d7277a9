// Finding the fabric controller's leader from a host agent or the client
// (actors/fabric/leader_finder.*): patience, redirects, and a replica cut
// off with its zone that keeps saying it knows no leader (issue 9, defect a).

#include "actors/fabric/leader_finder.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>

namespace {

using namespace vmss::fabric;
using vmss::entity_id;

const std::vector<entity_id> replicas{11, 12, 13, 14, 15};

TEST(leader_finder, asks_the_first_replica_then_the_next_after_patience) {
  // A host agent: time is heartbeats sent, patience 3 beats.
  leader_finder f(replicas, 3);
  EXPECT_EQ(f.ask(0), 11u);
  EXPECT_EQ(f.ask(1), 11u);
  EXPECT_EQ(f.ask(2), 11u);
  EXPECT_EQ(f.ask(3), 12u); // three beats unanswered
  EXPECT_EQ(f.ask(5), 12u);
  EXPECT_EQ(f.ask(6), 13u); // a new target gets the same patience
}

TEST(leader_finder, an_answer_restarts_the_patience) {
  leader_finder f(replicas, 3);
  f.ask(0);
  f.ask(1);
  f.on_answer(2);
  EXPECT_EQ(f.ask(4), 11u);
  EXPECT_EQ(f.ask(5), 12u);
}

TEST(leader_finder, follows_a_redirect_that_names_the_leader) {
  leader_finder f(replicas, 3);
  f.on_redirect(0, 11, true, 14);
  EXPECT_EQ(f.target(), 14u);
  EXPECT_EQ(f.ask(2), 14u); // the new target has its full patience
  EXPECT_EQ(f.ask(3), 15u);
}

TEST(leader_finder, a_redirect_that_knows_no_leader_is_not_contact) {
  // The client (virtual time, patience 2 s) asks replica 13, which
  // answers every request with fc_redirect{known=false}: the finder must
  // leave it at once instead of counting the answer as contact.
  leader_finder f(replicas, 2'000);
  f.on_redirect(0, 11, true, 13);
  ASSERT_EQ(f.ask(100), 13u);
  f.on_redirect(101, 13, false, 0);
  EXPECT_NE(f.target(), 13u);
  EXPECT_TRUE(f.doubted(13, 101));
  EXPECT_NE(f.ask(300), 13u);
}

TEST(leader_finder, a_stale_hint_does_not_send_it_back_to_a_doubted_replica) {
  leader_finder f(replicas, 2'000);
  f.on_redirect(0, 11, true, 13);
  f.on_redirect(10, 13, false, 0); // moves on to 14
  ASSERT_EQ(f.target(), 14u);
  f.on_redirect(20, 14, true, 13); // 14 still believes 13 leads
  EXPECT_EQ(f.target(), 15u);
  f.on_redirect(30, 15, true, 12); // the new leader
  EXPECT_EQ(f.target(), 12u);
  f.on_answer(40); // found: doubts are forgotten
  EXPECT_FALSE(f.doubted(13, 40));
  f.on_redirect(50, 11, true, 13); // 13 leads again later
  EXPECT_EQ(f.target(), 13u);
}

TEST(leader_finder, when_every_replica_knows_no_leader_it_asks_them_in_turn) {
  // An election is under way: every replica says it knows no leader.
  leader_finder f(replicas, 2'000);
  std::vector<entity_id> asked;
  for (int64_t t = 0; t < 12; ++t) {
    asked.push_back(f.ask(t));
    f.on_redirect(t, asked.back(), false, 0);
  }
  std::vector<entity_id> expected{11, 12, 13, 14, 15, 11,
                                  12, 13, 14, 15, 11, 12};
  EXPECT_EQ(asked, expected);
}

TEST(leader_finder, a_late_redirect_from_another_replica_keeps_the_target) {
  leader_finder f(replicas, 2'000);
  f.on_redirect(0, 11, true, 14);
  f.on_redirect(5, 12, false, 0); // an answer to an older request
  EXPECT_EQ(f.target(), 14u);
  EXPECT_TRUE(f.doubted(12, 6));
  f.on_redirect(6, 99, true, 12); // not a replica: ignored
  EXPECT_EQ(f.target(), 14u);
}

TEST(leader_finder, a_doubt_expires_after_its_patience) {
  // Replica 11 knows no leader at 0, then wins the election: the others
  // name it. Within the patience the finder keeps away from it (a stale
  // hint); after it, the hint is followed — else a client that asked 11
  // just before it won would circle the followers for ever.
  leader_finder f(replicas, 2'000);
  f.on_redirect(0, 11, false, 0);
  ASSERT_EQ(f.target(), 12u);
  f.on_redirect(1'000, 12, true, 11);
  EXPECT_NE(f.target(), 11u);
  EXPECT_TRUE(f.doubted(11, 1'999));
  EXPECT_FALSE(f.doubted(11, 2'000));
  f.on_redirect(2'500, f.target(), true, 11);
  EXPECT_EQ(f.target(), 11u);
}

TEST(leader_finder, reset_starts_over_from_the_first_replica) {
  leader_finder f(replicas, 3);
  f.on_redirect(0, 11, false, 0);
  f.on_redirect(1, 12, true, 15);
  f.reset(0);
  EXPECT_EQ(f.target(), 11u);
  EXPECT_FALSE(f.doubted(11, 0));
  EXPECT_EQ(f.ask(2), 11u);
  EXPECT_EQ(f.ask(3), 12u);
}

TEST(leader_finder, a_single_replica_is_always_the_target) {
  leader_finder f({7}, 1);
  f.on_redirect(0, 7, false, 0);
  EXPECT_EQ(f.target(), 7u);
  EXPECT_EQ(f.ask(5), 7u);
}

TEST(leader_finder_death, needs_a_replica_and_a_positive_patience) {
  EXPECT_DEATH({ leader_finder f({}, 1); }, "needs a replica");
  EXPECT_DEATH({ leader_finder f(replicas, 0); }, "patience is positive");
}

/// Replicas as a client sees them while the old leader's zone is cut off:
/// each either answers (the leader), redirects, or is silent.
struct cut_off_controller {
  entity_id leader = 0;                                ///< answers
  std::map<entity_id, std::optional<entity_id>> hints; ///< nullopt: unknown

  /// The finder's next ask at `t` and its reply; true if the leader got it.
  bool exchange(leader_finder& f, int64_t t) const {
    auto to = f.ask(t);
    if (to == leader) {
      f.on_answer(t);
      return true;
    }
    auto h = hints.find(to);
    if (h != hints.end())
      f.on_redirect(t, to, h->second.has_value(), h->second.value_or(0));
    return false; // silent: cut off
  }
};

TEST(leader_finder, leaves_an_isolated_old_leader_for_the_new_one) {
  // 13 led; its zone (13, 14) is cut off from the others, which elected
  // 12. The client still reaches 13 and 14: 13 knows no leader, 14 still
  // names 13 (its lease has not run out). 11 and 15 name 12. The client
  // asks every 200 ms with a 2 s patience; it must reach 12 within a few
  // asks, not stay with 13 until the partition heals.
  cut_off_controller c;
  c.leader = 12;
  c.hints = {{11, 12}, {13, std::nullopt}, {14, 13}, {15, 12}};
  leader_finder f(replicas, 2'000);
  f.on_redirect(0, 11, true, 13); // before the cut: 13 leads
  int asks = 0;
  bool found = false;
  for (int64_t t = 200; t <= 20'000 && !found; t += 200, ++asks)
    found = c.exchange(f, t);
  EXPECT_TRUE(found);
  EXPECT_LE(asks, 4);
  EXPECT_EQ(f.target(), 12u);
}

} // namespace
