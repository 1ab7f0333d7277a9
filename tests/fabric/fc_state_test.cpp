// The fabric controller's replicated state machine: commands survive the
// log's text form, applying is idempotent per VM, a host marked down loses
// its VMs, and a snapshot restores the same state.

#include "actors/fabric/fc_state.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss::fabric;

command allocate(uint32_t instance, vmss::entity_id host) {
  command c;
  c.kind = command_kind::allocate;
  c.vm = {"web", instance};
  c.where = {host, 1, 2, 2, instance % 5, 2, 8, 99};
  return c;
}

TEST(fc_state, commands_round_trip_through_their_text) {
  auto c = allocate(7, 42);
  auto back = command::decode(c.encode());
  EXPECT_EQ(back.kind, command_kind::allocate);
  EXPECT_EQ(back.vm, c.vm);
  EXPECT_EQ(back.where.host, 42u);
  EXPECT_EQ(back.where.requester, 99u);
  command down;
  down.kind = command_kind::host_down;
  down.host = 5;
  EXPECT_EQ(command::decode(down.encode()).host, 5u);
  EXPECT_THROW(command::decode("allocate web"), std::invalid_argument);
  EXPECT_THROW(command::decode("launch 1"), std::invalid_argument);
}

TEST(fc_state, a_vm_is_allocated_once_even_if_asked_twice) {
  fc_state s;
  EXPECT_TRUE(s.apply(allocate(1, 10)).changed);
  EXPECT_FALSE(s.apply(allocate(1, 11)).changed); // a retry elsewhere
  ASSERT_NE(s.find({"web", 1}), nullptr);
  EXPECT_EQ(s.find({"web", 1})->host, 10u);
  EXPECT_EQ(s.reserved_on(10), (std::pair<uint32_t, uint32_t>{2, 8}));
  EXPECT_EQ(s.reserved_on(11), (std::pair<uint32_t, uint32_t>{0, 0}));
}

TEST(fc_state, operations_apply_to_placed_vms_and_delete_frees) {
  fc_state s;
  s.apply(allocate(1, 10));
  command stop;
  stop.kind = command_kind::operate;
  stop.vm = {"web", 1};
  stop.op = 1;
  stop.where.requester = 7;
  auto back = command::decode(stop.encode());
  EXPECT_EQ(back.op, 1u);
  EXPECT_EQ(back.where.requester, 7u);
  auto r = s.apply(stop);
  ASSERT_TRUE(r.operated.has_value());
  EXPECT_EQ(r.operated->host, 10u);
  EXPECT_NE(s.find({"web", 1}), nullptr); // a stop keeps the reservation
  command del = stop;
  del.op = delete_op;
  EXPECT_TRUE(s.apply(del).operated.has_value());
  EXPECT_EQ(s.find({"web", 1}), nullptr);
  EXPECT_EQ(s.reserved_on(10), (std::pair<uint32_t, uint32_t>{0, 0}));
  EXPECT_FALSE(s.apply(stop).operated.has_value()); // no such VM any more
}

TEST(fc_state, host_down_loses_exactly_its_vms) {
  fc_state s;
  s.apply(allocate(1, 10));
  s.apply(allocate(2, 11));
  s.apply(allocate(3, 10));
  command down;
  down.kind = command_kind::host_down;
  down.host = 10;
  auto r = s.apply(down);
  ASSERT_EQ(r.lost.size(), 2u);
  EXPECT_EQ(r.lost[0].first.instance, 1u);
  EXPECT_EQ(r.lost[1].first.instance, 3u);
  EXPECT_TRUE(s.is_down(10));
  EXPECT_EQ(s.allocations().size(), 1u);
  EXPECT_TRUE(s.apply(down).lost.empty()); // already down
}

TEST(fc_state, snapshot_restores_the_same_state) {
  fc_state s;
  s.apply(allocate(1, 10));
  s.apply(allocate(4, 12));
  command down;
  down.kind = command_kind::host_down;
  down.host = 12;
  s.apply(down);
  fc_state t;
  t.restore(s.snapshot());
  EXPECT_EQ(t.snapshot(), s.snapshot());
  EXPECT_TRUE(t.is_down(12));
  EXPECT_EQ(t.layout_of("web").per_zone.at(1), 1u);
}

} // namespace
