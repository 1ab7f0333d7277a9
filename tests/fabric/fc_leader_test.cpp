// The fabric controller leader's core (actors/fabric/fc_leader.*), driven
// as its shell drives it: the grace period after election, placement over
// the hosts heard from with the in-flight overlay, per-request zones and
// fault domains, the host sweep, host_up, service healing (the heal delay,
// relocation within the zone, deferral when the zone has no room, nothing
// moving when the host comes back), zombie cleanup from a host's
// inventory, and what the leader does when a command commits.

#include "actors/fabric/fc_leader.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss::fabric;
using vmss::entity_id;
using vmss::seconds;
using vmss::sim_time;
namespace physical = vmss::physical;
using op_code = decltype(fc_operate::op);

constexpr entity_id client = 99;
constexpr sim_time period = seconds(1);
/// (missed 3 + 2) heartbeat periods.
constexpr sim_time grace = 5 * period;
/// Short detection and healing times for the tests (defaults: minutes).
constexpr sim_time down_after = 3 * period;
constexpr sim_time heal_after = 10 * period;
constexpr sim_time heal_retry = 4 * period;

/// Two hosts (10 in rack 0, 11 in rack 1) of one zone, each with room for
/// exactly one VM of 2 vCPUs / 8 GB.
fc_params two_hosts() {
  fc_params p;
  p.heartbeat_period = period;
  p.missed = 3;
  p.down_after = down_after;
  p.heal_after = heal_after;
  p.heal_retry = heal_retry;
  p.host_vcpus = 2;
  p.host_ram_gb = 8;
  p.policy.zones = {0};
  p.inventory = {{10, 0, 0}, {11, 0, 1}};
  return p;
}

physical::host_heartbeat beat(uint32_t free_slots = 4) {
  return {0, 0, 0, free_slots};
}

fc_allocate vm(uint32_t instance) {
  return {"web", instance, 2, 8};
}

template <class M>
const M* sent(const leader_effects& fx, entity_id to) {
  for (const auto& s : fx.sends)
    if (s.to == to)
      if (const auto* m = std::get_if<M>(&s.msg))
        return m;
  return nullptr;
}

/// A leader elected at 0 that has heard both hosts at `grace`.
struct leader_core : ::testing::Test {
  fc_params params = two_hosts();
  fc_state state;
  fc_leader leader{params, state};

  void SetUp() override {
    leader.on_elected(0);
    leader.on_heartbeat(grace, 10, beat());
    leader.on_heartbeat(grace, 11, beat());
  }

  /// The shell's part when `c` commits at `t`.
  leader_effects commit(const command& c, sim_time t = grace) {
    return leader.on_committed(t, c, state.apply(c));
  }

  /// Host `host` marked down, committed at `t`.
  leader_effects mark_down(entity_id host, sim_time t) {
    command down;
    down.kind = command_kind::host_down;
    down.host = host;
    return commit(down, t);
  }

  /// The proposals of kind `kind` of a sweep at `t`.
  std::vector<command> sweep(sim_time t, command_kind kind) {
    std::vector<command> out;
    for (const auto& c : leader.on_sweep(t).proposals)
      if (c.kind == kind)
        out.push_back(c);
    return out;
  }

  /// Asks for VM `instance` at `t`; returns its one proposal.
  command propose(uint32_t instance, sim_time t = grace) {
    auto fx = leader.on_allocate(t, client, vm(instance), 0);
    EXPECT_EQ(fx.proposals.size(), 1u);
    return fx.proposals.empty() ? command{} : fx.proposals[0];
  }
};

TEST_F(leader_core, a_new_leader_places_nothing_during_its_grace_period) {
  fc_leader fresh{params, state};
  fresh.on_elected(seconds(10));
  EXPECT_EQ(fresh.serving_from(), seconds(10) + grace);
  // (Hosts beat every period; a host silent for `missed` periods would
  // get no new VM.)
  fresh.on_heartbeat(seconds(13), 10, beat());
  fresh.on_heartbeat(seconds(13), 11, beat());
  auto early = fresh.on_allocate(seconds(14), client, vm(0), 0);
  EXPECT_TRUE(early.proposals.empty());
  EXPECT_TRUE(early.sends.empty()); // the client asks again
  auto later = fresh.on_allocate(seconds(15), client, vm(0), 0);
  EXPECT_EQ(later.proposals.size(), 1u);
}

TEST_F(leader_core, a_heartbeat_is_acknowledged) {
  auto fx = leader.on_heartbeat(grace + period, 10, {7, 0, 0, 4});
  const auto* ack = sent<fc_heartbeat_ack>(fx, 10);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->seq, 7u);
  EXPECT_TRUE(fx.proposals.empty()); // the host is not down
}

TEST_F(leader_core, in_flight_allocations_hold_their_room) {
  auto first = propose(0);
  EXPECT_EQ(first.kind, command_kind::allocate);
  EXPECT_EQ(first.where.requester, client);
  auto second = propose(1);
  EXPECT_NE(second.where.host, first.where.host); // one VM per host
  EXPECT_EQ(leader.proposed(), 2u);
  // Both hosts are full with what is in flight: a third is refused.
  auto third = leader.on_allocate(grace, client, vm(2), 0);
  EXPECT_TRUE(third.proposals.empty());
  const auto* no = sent<fc_allocated>(third, client);
  ASSERT_NE(no, nullptr);
  EXPECT_FALSE(no->ok);
  ASSERT_EQ(third.reports.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<refused_report>(third.reports[0]));
  // A proposal the log did not take gives its room back.
  leader.not_taken(first);
  EXPECT_EQ(leader.proposed(), 1u);
  EXPECT_EQ(propose(2).where.host, first.where.host);
}

TEST_F(leader_core, a_request_in_flight_or_committed_is_not_placed_again) {
  auto c = propose(0);
  auto again = leader.on_allocate(grace, client, vm(0), 0);
  EXPECT_TRUE(again.proposals.empty()); // answered when it commits
  EXPECT_TRUE(again.sends.empty());
  commit(c);
  auto retry = leader.on_allocate(grace + period, client, vm(0), 0);
  EXPECT_TRUE(retry.proposals.empty());
  const auto* yes = sent<fc_allocated>(retry, client);
  ASSERT_NE(yes, nullptr);
  EXPECT_TRUE(yes->ok);
  EXPECT_EQ(yes->host, c.where.host);
}

TEST_F(leader_core, a_full_log_makes_the_client_ask_again) {
  auto fx =
      leader.on_allocate(grace, client, vm(0), params.raft.max_uncommitted);
  EXPECT_TRUE(fx.proposals.empty());
  EXPECT_TRUE(fx.sends.empty());
}

TEST_F(leader_core, it_refuses_only_once_every_host_has_reported) {
  fc_leader fresh{params, state};
  fresh.on_elected(0);
  fresh.on_heartbeat(grace, 10, beat(0)); // no free slot
  auto partial = fresh.on_allocate(grace, client, vm(0), 0);
  EXPECT_TRUE(partial.sends.empty()); // host 11 has not reported yet
  EXPECT_TRUE(partial.proposals.empty());
  fresh.on_heartbeat(grace, 11, beat(0));
  auto full = fresh.on_allocate(grace, client, vm(0), 0);
  const auto* no = sent<fc_allocated>(full, client);
  ASSERT_NE(no, nullptr);
  EXPECT_FALSE(no->ok);
  EXPECT_FALSE(no->failure.empty());
}

TEST_F(leader_core, a_committed_allocation_goes_to_its_host) {
  auto c = propose(0);
  auto fx = commit(c);
  EXPECT_EQ(leader.proposed(), 0u);
  ASSERT_EQ(fx.reports.size(), 1u);
  const auto* placed = std::get_if<placed_report>(&fx.reports[0]);
  ASSERT_NE(placed, nullptr);
  EXPECT_EQ(placed->vm.name(), "web/0");
  EXPECT_EQ(placed->where.host, c.where.host);
  const auto* place = sent<physical::vm_place>(fx, c.where.host);
  ASSERT_NE(place, nullptr);
  EXPECT_EQ(place->instance_id, 0u);
  ASSERT_NE(sent<fc_allocated>(fx, client), nullptr);
  EXPECT_TRUE(sent<fc_allocated>(fx, client)->ok);
}

TEST_F(leader_core, vms_placed_since_a_beat_use_up_its_slots) {
  params.host_vcpus = 124; // room for many VMs, slots are the limit
  params.host_ram_gb = 504;
  leader.on_heartbeat(grace, 10, beat(1));
  leader.on_heartbeat(grace, 11, beat(1));
  auto a = propose(0);
  commit(a);
  auto b = propose(1);
  EXPECT_NE(b.where.host, a.where.host);
  commit(b);
  // Both single slots are taken until the hosts report again.
  auto c = leader.on_allocate(grace, client, vm(2), 0);
  ASSERT_NE(sent<fc_allocated>(c, client), nullptr);
  EXPECT_FALSE(sent<fc_allocated>(c, client)->ok);
  leader.on_heartbeat(grace + period, a.where.host, beat(1));
  EXPECT_EQ(propose(2, grace + period).where.host, a.where.host);
}

TEST_F(leader_core, the_sweep_marks_a_silent_host_down_once) {
  // Both hosts beat at `grace`; host 11 goes silent.
  leader.on_heartbeat(grace + 3 * period, 10, beat());
  EXPECT_TRUE(leader.on_sweep(grace + 3 * period).proposals.empty());
  leader.on_heartbeat(grace + 4 * period, 10, beat());
  auto fx = leader.on_sweep(grace + 4 * period);
  ASSERT_EQ(fx.proposals.size(), 1u);
  EXPECT_EQ(fx.proposals[0].kind, command_kind::host_down);
  EXPECT_EQ(fx.proposals[0].host, 11u);
  // In flight: not proposed again; not taken: proposed at the next sweep.
  EXPECT_TRUE(leader.on_sweep(grace + 4 * period).proposals.empty());
  leader.not_taken(fx.proposals[0]);
  EXPECT_EQ(leader.on_sweep(grace + 5 * period).proposals.size(), 1u);
}

TEST_F(leader_core, a_new_leader_marks_no_host_down_before_its_grace) {
  fc_leader fresh{params, state};
  fresh.on_elected(seconds(10));
  // Silent hosts: down only after grace + `missed` periods.
  EXPECT_TRUE(
      fresh.on_sweep(seconds(10) + grace + 3 * period).proposals.empty());
  EXPECT_EQ(fresh.on_sweep(seconds(10) + grace + 4 * period).proposals.size(),
            2u);
}

TEST_F(leader_core, a_host_down_loses_its_vms_and_comes_back_up) {
  auto c = propose(0);
  commit(c);
  command down;
  down.kind = command_kind::host_down;
  down.host = c.where.host;
  auto fx = commit(down);
  EXPECT_NE(state.find({"web", 0}), nullptr); // unreachable, not gone
  ASSERT_EQ(fx.reports.size(), 2u);
  const auto* health = std::get_if<health_report>(&fx.reports[0]);
  ASSERT_NE(health, nullptr);
  EXPECT_TRUE(health->down);
  const auto* lost = std::get_if<lost_report>(&fx.reports[1]);
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->vm.name(), "web/0");
  const auto* told = sent<fc_vm_lost>(fx, client);
  ASSERT_NE(told, nullptr);
  EXPECT_EQ(told->host, c.where.host);
  EXPECT_TRUE(commit(down).reports.empty()); // a repeat changes nothing
  // The host beats again: host_up, proposed once.
  auto back = leader.on_heartbeat(grace + period, c.where.host, beat());
  ASSERT_EQ(back.proposals.size(), 1u);
  EXPECT_EQ(back.proposals[0].kind, command_kind::host_up);
  EXPECT_TRUE(leader.on_heartbeat(grace + period, c.where.host, beat())
                  .proposals.empty());
  auto up = commit(back.proposals[0]);
  ASSERT_EQ(up.reports.size(), 1u);
  EXPECT_FALSE(std::get<health_report>(up.reports[0]).down);
  // The leader asks the host what it holds (zombies).
  EXPECT_NE(sent<fc_inventory_request>(up, c.where.host), nullptr);
}

TEST_F(leader_core, operations_go_through_the_log_to_the_vms_host) {
  auto unknown = leader.on_operate(client, {"web", 5, static_cast<op_code>(1)});
  ASSERT_NE(sent<fc_operated>(unknown, client), nullptr);
  EXPECT_FALSE(sent<fc_operated>(unknown, client)->ok);
  EXPECT_TRUE(unknown.proposals.empty());
  auto c = propose(0);
  commit(c);
  auto op = leader.on_operate(client, {"web", 0, static_cast<op_code>(1)});
  ASSERT_EQ(op.proposals.size(), 1u);
  EXPECT_EQ(op.proposals[0].kind, command_kind::operate);
  auto fx = commit(op.proposals[0]);
  ASSERT_EQ(fx.reports.size(), 1u);
  EXPECT_EQ(std::get<operation_report>(fx.reports[0]).host, c.where.host);
  ASSERT_NE(sent<fc_operate>(fx, c.where.host), nullptr);
  ASSERT_NE(sent<fc_operated>(fx, client), nullptr);
  EXPECT_TRUE(sent<fc_operated>(fx, client)->ok);
}

TEST_F(leader_core, election_and_crash_forget_the_soft_state) {
  propose(0);
  leader.on_crash();
  EXPECT_EQ(leader.proposed(), 0u);
  leader.on_elected(seconds(20));
  // The hosts must report to the new leader before it places anything.
  auto fx = leader.on_allocate(seconds(20) + grace, client, vm(0), 0);
  EXPECT_TRUE(fx.proposals.empty());
  EXPECT_TRUE(fx.sends.empty());
}

TEST_F(leader_core, a_host_heard_first_is_asked_what_it_holds) {
  fc_leader fresh{params, state};
  fresh.on_elected(seconds(10));
  auto first = fresh.on_heartbeat(seconds(11), 10, beat());
  EXPECT_NE(sent<fc_inventory_request>(first, 10), nullptr);
  auto next = fresh.on_heartbeat(seconds(12), 10, beat());
  EXPECT_EQ(sent<fc_inventory_request>(next, 10), nullptr);
}

TEST_F(leader_core, a_zonal_request_with_its_fault_domains_is_placed_so) {
  auto request = vm(0);
  request.zone = 0;
  request.fault_domains = 2;
  auto fx = leader.on_allocate(grace, client, request, 0);
  ASSERT_EQ(fx.proposals.size(), 1u);
  EXPECT_EQ(fx.proposals[0].where.zone, 0u);
  EXPECT_EQ(fx.proposals[0].where.fault_domains, 2u); // kept for healing
  // A zone the controller does not place in is refused, naming it.
  request.instance = 1;
  request.zone = 2;
  auto no = leader.on_allocate(grace, client, request, 0);
  EXPECT_TRUE(no.proposals.empty());
  ASSERT_NE(sent<fc_allocated>(no, client), nullptr);
  EXPECT_FALSE(sent<fc_allocated>(no, client)->ok);
  EXPECT_EQ(sent<fc_allocated>(no, client)->failure,
            "zone 3: not a zone the controller places in");
  ASSERT_EQ(no.reports.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<refused_report>(no.reports[0]));
}

TEST_F(leader_core, a_host_silent_for_missed_periods_gets_no_new_vm) {
  // Host 10 has the VM's room; host 11 too. Host 11 stays silent after
  // `grace`: 4 periods later it is suspect (not yet down) and not used.
  leader.on_heartbeat(grace + 4 * period, 10, beat());
  auto a = propose(0, grace + 4 * period);
  EXPECT_EQ(a.where.host, 10u);
  auto b = leader.on_allocate(grace + 4 * period, client, vm(1), 0);
  EXPECT_TRUE(b.proposals.empty());
  EXPECT_TRUE(b.sends.empty()); // not refused: host 11 is not down yet
}

/// VM web/0 committed on host 10; host 10 marked down at `down_at`.
struct healing : leader_core {
  static constexpr sim_time down_at = grace + 4 * period;
  command placed;

  void SetUp() override {
    leader_core::SetUp();
    params.host_vcpus = 4; // room for two VMs a host
    params.host_ram_gb = 16;
    placed = propose(0);
    commit(placed);
    ASSERT_EQ(placed.where.host, 10u);
    auto fx = mark_down(10, down_at);
    ASSERT_NE(sent<fc_vm_lost>(fx, client), nullptr);
  }

  /// Host 11 beats at `t` (it stays a candidate).
  void host_11_beats(sim_time t) { leader.on_heartbeat(t, 11, beat()); }
};

TEST_F(healing, vms_move_after_the_heal_delay_to_a_host_of_their_zone) {
  EXPECT_EQ(leader.heal_at(10), down_at + heal_after);
  host_11_beats(down_at + heal_after - period);
  EXPECT_TRUE(
      sweep(down_at + heal_after - period, command_kind::relocate).empty());
  host_11_beats(down_at + heal_after);
  auto moves = sweep(down_at + heal_after, command_kind::relocate);
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].vm.name(), "web/0");
  EXPECT_EQ(moves[0].host, 10u);
  EXPECT_EQ(moves[0].where.host, 11u);
  EXPECT_EQ(moves[0].where.zone, placed.where.zone);
  EXPECT_EQ(moves[0].where.update_domain, placed.where.update_domain);
  EXPECT_EQ(moves[0].where.requester, client);
  // In flight: not proposed again.
  EXPECT_TRUE(
      sweep(down_at + heal_after + period, command_kind::relocate).empty());
  auto fx = commit(moves[0], down_at + heal_after + period);
  EXPECT_EQ(state.find({"web", 0})->host, 11u);
  ASSERT_EQ(fx.reports.size(), 1u);
  const auto* healed = std::get_if<healed_report>(&fx.reports[0]);
  ASSERT_NE(healed, nullptr);
  EXPECT_EQ(healed->from, 10u);
  EXPECT_EQ(healed->to.host, 11u);
  const auto* place = sent<physical::vm_place>(fx, 11);
  ASSERT_NE(place, nullptr);
  EXPECT_EQ(place->instance_id, 0u);
  const auto* moved = sent<fc_vm_moved>(fx, client);
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->host, 11u);
  // Nothing is left to move from host 10.
  host_11_beats(down_at + heal_after + 2 * period);
  EXPECT_TRUE(
      sweep(down_at + heal_after + 2 * period, command_kind::relocate).empty());
  EXPECT_FALSE(leader.heal_at(10).has_value());
}

TEST_F(healing, a_move_the_log_did_not_take_is_proposed_again) {
  host_11_beats(down_at + heal_after);
  auto moves = sweep(down_at + heal_after, command_kind::relocate);
  ASSERT_EQ(moves.size(), 1u);
  leader.not_taken(moves[0]);
  EXPECT_EQ(leader.proposed(), 0u);
  host_11_beats(down_at + heal_after + period);
  EXPECT_EQ(sweep(down_at + heal_after + period, command_kind::relocate).size(),
            1u);
}

TEST_F(healing, a_host_back_before_the_heal_delay_keeps_its_vms) {
  auto back = leader.on_heartbeat(down_at + 2 * period, 10, beat());
  ASSERT_EQ(back.proposals.size(), 1u);
  auto up = commit(back.proposals[0], down_at + 2 * period);
  EXPECT_NE(sent<fc_inventory_request>(up, 10), nullptr);
  EXPECT_FALSE(leader.heal_at(10).has_value());
  host_11_beats(down_at + heal_after);
  leader.on_heartbeat(down_at + heal_after, 10, beat());
  EXPECT_TRUE(sweep(down_at + heal_after, command_kind::relocate).empty());
  EXPECT_EQ(state.find({"web", 0})->host, 10u);
}

TEST_F(healing, a_move_that_commits_after_host_up_changes_nothing) {
  host_11_beats(down_at + heal_after);
  auto moves = sweep(down_at + heal_after, command_kind::relocate);
  ASSERT_EQ(moves.size(), 1u);
  auto back = leader.on_heartbeat(down_at + heal_after, 10, beat());
  commit(back.proposals.at(0), down_at + heal_after); // host_up first
  auto fx = commit(moves[0], down_at + heal_after + period);
  EXPECT_TRUE(fx.reports.empty());
  EXPECT_TRUE(fx.sends.empty());
  EXPECT_EQ(state.find({"web", 0})->host, 10u);
  EXPECT_EQ(leader.proposed(), 0u);
}

// A zone cut off from the leader: its hosts are marked down, but they are
// not dead. No host of the zone can take the VM, so it stays allocated
// where it is (never written off) and the leader tries again later; when
// the heartbeats resume, host_up, and nothing moves.
TEST_F(healing, a_cut_off_zone_keeps_its_vms_allocated_and_nothing_moves) {
  auto t = down_at + heal_after;
  mark_down(11, down_at); // the whole zone is silent
  auto fx = leader.on_sweep(t);
  EXPECT_TRUE(fx.proposals.empty());
  ASSERT_EQ(fx.reports.size(), 1u);
  const auto* deferred = std::get_if<deferred_report>(&fx.reports[0]);
  ASSERT_NE(deferred, nullptr);
  EXPECT_EQ(deferred->vm.name(), "web/0");
  EXPECT_EQ(deferred->reason.find("zone 1: no host has"), 0u)
      << deferred->reason;
  EXPECT_EQ(leader.heal_at(10), t + heal_retry);
  EXPECT_TRUE(leader.on_sweep(t + period).reports.empty()); // waits
  EXPECT_EQ(state.find({"web", 0})->host, 10u);
  // The partition heals: both hosts beat again, host_up, nothing moves.
  for (entity_id h : {10u, 11u}) {
    auto back = leader.on_heartbeat(t + 2 * period, h, beat());
    commit(back.proposals.at(0), t + 2 * period);
  }
  EXPECT_TRUE(sweep(t + heal_retry + period, command_kind::relocate).empty());
  EXPECT_EQ(state.find({"web", 0})->host, 10u);
  EXPECT_FALSE(state.is_down(10));
}

TEST_F(healing, a_deferred_vm_moves_once_a_host_of_its_zone_has_room) {
  auto t = down_at + heal_after;
  mark_down(11, down_at);
  EXPECT_TRUE(sweep(t, command_kind::relocate).empty());
  auto back = leader.on_heartbeat(t + period, 11, beat());
  commit(back.proposals.at(0), t + period);
  EXPECT_TRUE(sweep(t + period, command_kind::relocate).empty()); // retry due
  host_11_beats(t + heal_retry);
  auto moves = sweep(t + heal_retry, command_kind::relocate);
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].where.host, 11u);
}

TEST_F(healing, a_new_leader_gives_a_down_host_the_whole_heal_delay) {
  fc_leader fresh{params, state};
  fresh.on_elected(seconds(100));
  EXPECT_EQ(fresh.heal_at(10), seconds(100) + heal_after);
  EXPECT_FALSE(fresh.heal_at(11).has_value());
}

TEST_F(healing, a_returning_host_deletes_what_is_no_longer_its_own) {
  // web/0 moved to host 11; web/1 placed on host 10 and deleted while it
  // was down; web/2 is still allocated to host 10.
  host_11_beats(down_at + heal_after);
  auto moves = sweep(down_at + heal_after, command_kind::relocate);
  commit(moves.at(0), down_at + heal_after);
  physical::host_inventory held{{{"web", 0}, {"web", 1}, {"web", 2}}};
  command two;
  two.kind = command_kind::allocate;
  two.vm = {"web", 2};
  two.where = placed.where;
  state.apply(two);
  auto fx = leader.on_inventory(10, held);
  std::vector<std::string> deleted;
  for (const auto& s : fx.sends) {
    ASSERT_EQ(s.to, 10u);
    const auto& op = std::get<fc_operate>(s.msg);
    EXPECT_EQ(op.op, physical::vm_op::delete_vm);
    deleted.push_back(physical::vm_name(op.scale_set, op.instance));
  }
  EXPECT_EQ(deleted, (std::vector<std::string>{"web/0", "web/1"}));
  ASSERT_EQ(fx.reports.size(), 2u);
  EXPECT_EQ(std::get<zombie_report>(fx.reports[0]).vm.name(), "web/0");
  // Host 11 holds web/0 rightly.
  EXPECT_TRUE(leader.on_inventory(11, physical::host_inventory{{{"web", 0}}})
                  .sends.empty());
}

} // namespace
