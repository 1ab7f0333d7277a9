#include "kernel/event_queue.hpp"
#include "kernel/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace {

struct ev {
  vmss::sim_time t;
  int id;
  friend bool operator<(const ev& a, const ev& b) {
    return a.t != b.t ? a.t < b.t : a.id < b.id;
  }
};

TEST(event_queue, pops_in_order_across_slots_ring_and_far_future) {
  vmss::event_queue<ev> q(vmss::ms(1), 8);
  std::vector<ev> all{{vmss::ms(50), 1}, {0, 2},
                      {vmss::us(10), 3}, {vmss::ms(3), 4},
                      {vmss::us(10), 0}, {vmss::ms(9), 5}};
  for (auto e : all)
    q.push(e);
  std::sort(all.begin(), all.end());
  for (auto want : all) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.next_time(), want.t);
    auto got = q.pop();
    EXPECT_EQ(got.id, want.id);
  }
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.next_time(), vmss::sim_time_never);
}

TEST(event_queue, bucket_of_a_few_sorted_runs_pops_in_order) {
  vmss::event_queue<ev> q(vmss::ms(1), 8);
  // Three sorted runs into one slot: evens, odds, then a tie-breaking run.
  for (int i = 0; i < 100; i += 2)
    q.push({i, i});
  for (int i = 1; i < 100; i += 2)
    q.push({i, i});
  for (int i = 0; i < 100; i += 10)
    q.push({i, 1000 + i});
  std::vector<ev> got;
  while (!q.empty())
    got.push_back(q.pop());
  ASSERT_EQ(got.size(), 110u);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
}

TEST(event_queue, peeking_does_not_block_an_earlier_push) {
  vmss::event_queue<ev> q(vmss::ms(1), 8);
  q.push({vmss::ms(5), 1});
  EXPECT_EQ(q.next_time(), vmss::ms(5));
  // An event from another node arrives after the peek, earlier in time.
  q.push({vmss::ms(2), 2});
  EXPECT_EQ(q.next_time(), vmss::ms(2));
  EXPECT_EQ(q.pop().id, 2);
  EXPECT_EQ(q.pop().id, 1);
}

TEST(event_queue, interleaved_pushes_match_a_reference_sort) {
  vmss::event_queue<ev> q(vmss::us(100), 16);
  vmss::rng r(7, 1);
  std::vector<ev> reference;
  vmss::sim_time now = 0;
  int next_id = 0;
  for (int i = 0; i < 50; ++i) {
    ev e{r.uniform(0, vmss::ms(5)), next_id++};
    q.push(e);
    reference.push_back(e);
  }
  std::vector<int> got, want;
  while (!q.empty()) {
    auto e = q.pop();
    EXPECT_GE(e.t, now);
    now = e.t;
    got.push_back(e.id);
    if (next_id < 2000) {
      // Some into the current slot, some far beyond the ring's horizon.
      ev more{now + r.uniform(0, vmss::ms(r.below(2) ? 1 : 20)), next_id++};
      q.push(more);
      reference.push_back(more);
    }
  }
  std::sort(reference.begin(), reference.end());
  for (auto& e : reference)
    want.push_back(e.id);
  EXPECT_EQ(got, want);
}

} // namespace

namespace {

TEST(event_queue, spent_buckets_do_not_pile_up_over_a_long_run) {
  // Periodic timers beyond the ring's horizon fill their buckets from the
  // far heap, slot after slot; the storage of spent buckets must be reused,
  // not kept (a 1-hour region run grew by 1.6 GB before this was bounded).
  vmss::event_queue<ev> q(vmss::ms(1), 8);
  int id = 0;
  for (int i = 0; i < 100; ++i)
    q.push({vmss::ms(20) + i, id++});
  size_t most = 0;
  for (int step = 0; step < 20000; ++step) {
    auto e = q.pop();
    q.push({e.t + vmss::ms(20), id++}); // again, beyond the horizon
    most = std::max(most, q.spare_buckets());
  }
  EXPECT_LE(most, 64u);
}

TEST(event_queue, a_push_before_the_last_pop_is_a_broken_invariant) {
  vmss::event_queue<ev> q(vmss::ms(1), 8);
  q.push({vmss::us(500), 1});
  q.push({vmss::us(700), 2});
  EXPECT_EQ(q.pop().id, 1);
  q.push({vmss::us(500), 3}); // at the time of the last pop: fine
  EXPECT_EQ(q.pop().id, 3);
  // Earlier than the last pop, although in the same 1 ms slot.
  EXPECT_DEATH(q.push({vmss::us(499), 4}),
               "an event is never pushed earlier than the last one popped");
}

TEST(event_queue, a_pop_from_an_empty_queue_is_a_broken_invariant) {
  vmss::event_queue<ev> q(vmss::ms(1), 8);
  EXPECT_DEATH(q.pop(), "pop from an empty event queue");
}

} // namespace
