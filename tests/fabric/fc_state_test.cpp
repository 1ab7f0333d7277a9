// The fabric controller's replicated state machine: commands and snapshots
// survive their bytes whatever the scale set's name, corrupt bytes are
// refused, applying is idempotent per VM, a host marked down keeps its VMs
// allocated (unreachable, not gone), a relocation moves a VM only off a
// host still down, and a snapshot restores the same state.

#include "actors/fabric/fc_state.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace vmss::fabric;

command allocate(uint32_t instance, vmss::entity_id host) {
  command c;
  c.kind = command_kind::allocate;
  c.vm = {"web", instance};
  c.where = {host, 1, 2, 2, instance % 5, 2, 8, 99, 0};
  return c;
}

command host_down(vmss::entity_id host) {
  command c;
  c.kind = command_kind::host_down;
  c.host = host;
  return c;
}

/// Service healing moves VM `instance` from `from` to `to` (rack 3,
/// fault domain 3), keeping the rest of `was`.
command relocate(uint32_t instance, vmss::entity_id from, vmss::entity_id to,
                 allocation was) {
  command c;
  c.kind = command_kind::relocate;
  c.vm = {"web", instance};
  c.host = from;
  c.where = was;
  c.where.host = to;
  c.where.rack = 3;
  c.where.fault_domain = 3;
  return c;
}

/// Scale-set names a text line cannot carry: spaces, a newline, a tab, a
/// NUL, bytes that are not UTF-8, nothing at all.
const std::vector<std::string>& awkward_names() {
  static const std::vector<std::string> names{
      "web tier",     "a\nb", "tab\there", std::string("nul\0byte", 8),
      "\xff\xfe raw", "",     "  "};
  return names;
}

void expect_same(const allocation& a, const allocation& b) {
  EXPECT_EQ(std::tie(a.host, a.zone, a.rack, a.fault_domain, a.update_domain,
                     a.vcpus, a.ram_gb, a.requester, a.fault_domains),
            std::tie(b.host, b.zone, b.rack, b.fault_domain, b.update_domain,
                     b.vcpus, b.ram_gb, b.requester, b.fault_domains));
}

TEST(fc_state, commands_with_any_scale_set_name_round_trip_through_bytes) {
  for (const auto& name : awkward_names()) {
    auto c = allocate(7, 42);
    c.vm.scale_set = name;
    auto back = command::decode(c.encode());
    EXPECT_EQ(back.kind, command_kind::allocate);
    EXPECT_EQ(back.vm, c.vm);
    expect_same(back.where, c.where);
    command stop;
    stop.kind = command_kind::operate;
    stop.vm = {name, 3};
    stop.op = 1;
    stop.where.requester = 9;
    auto op = command::decode(stop.encode());
    EXPECT_EQ(op.kind, command_kind::operate);
    EXPECT_EQ(op.vm, stop.vm);
    EXPECT_EQ(op.op, 1u);
    EXPECT_EQ(op.where.requester, 9u);
  }
  command down;
  down.kind = command_kind::host_down;
  down.host = 5;
  EXPECT_EQ(command::decode(down.encode()).kind, command_kind::host_down);
  EXPECT_EQ(command::decode(down.encode()).host, 5u);
  auto was = allocate(7, 42).where;
  was.fault_domains = 3;
  auto move = command::decode(relocate(7, 42, 43, was).encode());
  EXPECT_EQ(move.kind, command_kind::relocate);
  EXPECT_EQ(move.host, 42u);
  expect_same(move.where, relocate(7, 42, 43, was).where);
}

TEST(fc_state, a_command_reads_as_one_line_and_awkward_names_are_quoted) {
  auto c = allocate(7, 42);
  EXPECT_EQ(to_string(c), "allocate web 7 42 1 2 2 2 2 8 99 0");
  EXPECT_EQ(payload_text(c.encode()), to_string(c));
  EXPECT_EQ(payload_text(""), ""); // a leader's no-op
  c.vm.scale_set = "web tier";
  EXPECT_EQ(to_string(c), "allocate \"web tier\" 7 42 1 2 2 2 2 8 99 0");
  c.vm.scale_set = std::string("a\"\\\n\0\xff", 6);
  EXPECT_EQ(to_string(c),
            "allocate \"a\\\"\\\\\\x0a\\x00\\xff\" 7 42 1 2 2 2 2 8 99 0");
  EXPECT_EQ(to_string(relocate(7, 42, 43, allocate(7, 42).where)),
            "relocate web 7 42 43 1 3 3 2 2 8 99 0");
  command up;
  up.kind = command_kind::host_up;
  up.host = 104;
  EXPECT_EQ(to_string(up), "host_up 104");
}

TEST(fc_state, corrupt_command_bytes_are_an_error_not_a_crash) {
  auto c = allocate(7, 42);
  c.vm.scale_set = "web tier";
  auto bytes = c.encode();
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_THROW(command::decode(bytes.substr(0, n)), std::invalid_argument)
        << "truncated to " << n << " bytes";
  EXPECT_THROW(command::decode(bytes + "x"), std::invalid_argument);
  auto unknown = bytes;
  unknown[0] = 5; // the kind after relocate
  EXPECT_THROW(command::decode(unknown), std::invalid_argument);
  EXPECT_THROW(command::decode("allocate web 1 42 1 2 2 1 2 8 99"),
               std::invalid_argument); // the old text form
  // Any byte changed: decoded or refused, never a crash.
  for (size_t i = 0; i < bytes.size(); ++i)
    for (int v : {0x00, 0x7f, 0x80, 0xff}) {
      auto flipped = bytes;
      flipped[i] = static_cast<char>(v);
      try {
        command::decode(flipped);
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("fabric command"),
                  std::string::npos);
      }
    }
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

TEST(fc_state, host_down_reports_exactly_its_vms_and_keeps_them) {
  fc_state s;
  s.apply(allocate(1, 10));
  s.apply(allocate(2, 11));
  s.apply(allocate(3, 10));
  auto r = s.apply(host_down(10));
  ASSERT_EQ(r.lost.size(), 2u);
  EXPECT_EQ(r.lost[0].first.instance, 1u);
  EXPECT_EQ(r.lost[1].first.instance, 3u);
  EXPECT_TRUE(s.is_down(10));
  // Unreachable, not gone: still allocated there, with their reservation.
  EXPECT_EQ(s.allocations().size(), 3u);
  EXPECT_EQ(s.find({"web", 1})->host, 10u);
  EXPECT_EQ(s.reserved_on(10), (std::pair<uint32_t, uint32_t>{4, 16}));
  EXPECT_TRUE(s.apply(host_down(10)).lost.empty()); // already down
}

TEST(fc_state, a_relocation_moves_a_vm_off_a_down_host_once) {
  fc_state s;
  s.apply(allocate(1, 10));
  auto was = *s.find({"web", 1});
  auto move = relocate(1, 10, 11, was);
  EXPECT_FALSE(s.apply(move).changed); // host 10 is up: nothing moves
  EXPECT_EQ(s.find({"web", 1})->host, 10u);
  s.apply(host_down(10));
  auto r = s.apply(move);
  ASSERT_TRUE(r.changed);
  ASSERT_TRUE(r.moved_from.has_value());
  EXPECT_EQ(r.moved_from->host, 10u);
  expect_same(*s.find({"web", 1}), move.where);
  EXPECT_EQ(s.reserved_on(10), (std::pair<uint32_t, uint32_t>{0, 0}));
  EXPECT_EQ(s.reserved_on(11), (std::pair<uint32_t, uint32_t>{2, 8}));
  const auto& layout = s.layout_of("web");
  EXPECT_EQ(layout.per_host.count(10), 0u);
  EXPECT_EQ(layout.per_host.at(11), 1u);
  EXPECT_EQ(layout.per_rack.at({1, 3}), 1u);
  EXPECT_EQ(layout.placed, 1u); // it keeps its update domain's turn
  // A repeat (a retry after a failover) changes nothing.
  EXPECT_FALSE(s.apply(move).changed);
  EXPECT_EQ(s.find({"web", 1})->host, 11u);
}

TEST(fc_state, a_relocation_after_host_up_delete_or_to_a_down_host_is_void) {
  fc_state s;
  s.apply(allocate(1, 10));
  s.apply(allocate(2, 10));
  s.apply(allocate(3, 10));
  s.apply(host_down(10));
  // The host came back before the move committed.
  command up;
  up.kind = command_kind::host_up;
  up.host = 10;
  auto moves = std::vector<command>{relocate(1, 10, 11, *s.find({"web", 1})),
                                    relocate(2, 10, 12, *s.find({"web", 2})),
                                    relocate(3, 10, 13, *s.find({"web", 3}))};
  // VM 2 deleted; the target of VM 3 marked down since it was proposed.
  command del;
  del.kind = command_kind::operate;
  del.vm = {"web", 2};
  del.op = delete_op;
  s.apply(del);
  s.apply(host_down(13));
  EXPECT_FALSE(s.apply(moves[1]).changed);
  EXPECT_FALSE(s.apply(moves[2]).changed);
  EXPECT_EQ(s.find({"web", 3})->host, 10u);
  s.apply(up);
  EXPECT_FALSE(s.apply(moves[0]).changed);
  EXPECT_EQ(s.find({"web", 1})->host, 10u);
  EXPECT_EQ(s.reserved_on(10), (std::pair<uint32_t, uint32_t>{4, 16}));
}

TEST(fc_state, snapshot_restores_the_same_state) {
  fc_state s;
  s.apply(allocate(1, 10));
  s.apply(allocate(4, 12));
  s.apply(allocate(5, 12));
  s.apply(host_down(12));
  auto was = *s.find({"web", 4});
  was.fault_domains = 3;
  s.apply(relocate(4, 12, 13, was));
  fc_state t;
  t.restore(s.snapshot());
  EXPECT_EQ(t.snapshot(), s.snapshot());
  EXPECT_TRUE(t.is_down(12));
  EXPECT_EQ(t.layout_of("web").per_zone.at(1), 3u);
  expect_same(*t.find({"web", 4}), *s.find({"web", 4}));
  EXPECT_EQ(t.find({"web", 4})->fault_domains, 3u);
  EXPECT_EQ(t.reserved_on(12), (std::pair<uint32_t, uint32_t>{2, 8}));
  EXPECT_EQ(t.reserved_on(13), (std::pair<uint32_t, uint32_t>{2, 8}));
}

TEST(fc_state, a_snapshot_with_any_scale_set_name_restores) {
  fc_state s;
  uint32_t instance = 0;
  for (const auto& name : awkward_names()) {
    auto c = allocate(instance, 10 + instance);
    c.vm.scale_set = name;
    s.apply(c);
    ++instance;
  }
  command down;
  down.kind = command_kind::host_down;
  down.host = 99;
  s.apply(down);
  fc_state t;
  t.restore(s.snapshot());
  ASSERT_EQ(t.allocations().size(), awkward_names().size());
  for (const auto& [vm, a] : s.allocations()) {
    ASSERT_NE(t.find(vm), nullptr) << vm.name();
    expect_same(*t.find(vm), a);
    EXPECT_EQ(t.reserved_on(a.host), s.reserved_on(a.host));
    EXPECT_EQ(t.layout_of(vm.scale_set).per_zone.at(a.zone), 1u);
  }
  EXPECT_TRUE(t.is_down(99));
  EXPECT_EQ(t.snapshot(), s.snapshot());
}

TEST(fc_state, a_corrupt_snapshot_is_refused_and_the_state_kept) {
  fc_state s;
  auto c = allocate(1, 10);
  c.vm.scale_set = "web tier";
  s.apply(c);
  auto bytes = s.snapshot();
  fc_state t;
  t.apply(allocate(2, 20));
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_THROW(t.restore(bytes.substr(0, n)), std::invalid_argument)
        << "truncated to " << n << " bytes";
  EXPECT_THROW(t.restore(bytes + "x"), std::invalid_argument);
  EXPECT_THROW(t.restore("1 0 web 1 10 1 2 2 1 2 8 99"),
               std::invalid_argument); // the old text form
  ASSERT_EQ(t.allocations().size(), 1u);
  EXPECT_NE(t.find({"web", 2}), nullptr);
  EXPECT_EQ(t.reserved_on(20), (std::pair<uint32_t, uint32_t>{2, 8}));
}

} // namespace
