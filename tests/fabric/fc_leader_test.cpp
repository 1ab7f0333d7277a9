// The fabric controller leader's core (actors/fabric/fc_leader.*), driven
// as its shell drives it: the grace period after election, placement over
// the hosts heard from with the in-flight overlay, the host sweep, host_up,
// and what the leader does when a command commits.

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

/// Two hosts (10 in rack 0, 11 in rack 1) of one zone, each with room for
/// exactly one VM of 2 vCPUs / 8 GB.
fc_params two_hosts() {
  fc_params p;
  p.heartbeat_period = period;
  p.missed = 3;
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

  /// The shell's part when `c` commits.
  leader_effects commit(const command& c) {
    return leader.on_committed(c, state.apply(c));
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
  fresh.on_heartbeat(seconds(11), 10, beat());
  fresh.on_heartbeat(seconds(11), 11, beat());
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

} // namespace
