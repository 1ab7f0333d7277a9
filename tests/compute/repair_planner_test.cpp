// The repair planner over instance tables built by hand: the grace
// period, which health states trigger a repair, the rate limit,
// protection, completed and failed repairs, suspension and resume, and the
// spec's Layer 6 timeline.

#include "actors/compute/repair_planner.hpp"

#include <gtest/gtest.h>

namespace vmss::compute {
namespace {

using physical::app_health;
using physical::vm_state;

constexpr sim_time minute = seconds(60);

instance make(uint32_t id, app_health health = app_health::healthy,
              sim_time changed_at = 0) {
  instance i;
  i.id = id;
  i.state =
      health == app_health::healthy ? vm_state::healthy : vm_state::unhealthy;
  i.health = health;
  i.probe_up = health == app_health::healthy;
  i.changed_at = changed_at;
  return i;
}

instance_map table(std::initializer_list<instance> list) {
  instance_map m;
  for (const instance& i : list)
    m[i.id] = i;
  return m;
}

set_model repairs(uint32_t capacity, repair_action action,
                  sim_time grace = 30 * minute) {
  set_model m;
  m.name = "web";
  m.capacity = capacity;
  m.health = health_source::extension;
  m.repairs.enabled = true;
  m.repairs.grace = grace;
  m.repairs.action = action;
  return m;
}

std::vector<uint32_t> ordered(const repair_plan& p, order_kind kind) {
  std::vector<uint32_t> ids;
  for (const order& o : p.orders) {
    EXPECT_EQ(o.kind, kind);
    EXPECT_EQ(o.reason, "repair");
    ids.push_back(o.instance);
  }
  return ids;
}

/// "started 3", "completed 3": the repair reports in order.
std::vector<std::string> phases(const repair_plan& p) {
  std::vector<std::string> out;
  for (const auto& r : p.reports)
    if (auto* x = std::get_if<repair_report>(&r))
      out.push_back(x->phase + " " + std::to_string(x->instance));
  return out;
}

std::vector<service_report> services(const repair_plan& p) {
  std::vector<service_report> out;
  for (const auto& r : p.reports)
    if (auto* x = std::get_if<service_report>(&r))
      out.push_back(*x);
  return out;
}

using ids = std::vector<uint32_t>;
using strings = std::vector<std::string>;

TEST(RepairPlanner, OneAtATimeBelowTwentyInstancesElseFivePercent) {
  EXPECT_EQ(repair_limit(0), 1u);
  EXPECT_EQ(repair_limit(1), 1u);
  EXPECT_EQ(repair_limit(19), 1u);
  EXPECT_EQ(repair_limit(20), 1u);
  EXPECT_EQ(repair_limit(40), 2u);
  EXPECT_EQ(repair_limit(59), 2u);
  EXPECT_EQ(repair_limit(100), 5u);
  EXPECT_EQ(repair_limit(1000), 50u);
}

TEST(RepairPlanner, UnhealthyAndUnknownTriggerInitializingDoesNot) {
  const auto ext = health_source::extension;
  EXPECT_TRUE(needs_repair(make(0, app_health::unhealthy), ext));
  EXPECT_TRUE(needs_repair(make(0, app_health::unknown), ext));
  EXPECT_FALSE(needs_repair(make(0, app_health::initializing), ext));
  EXPECT_FALSE(needs_repair(make(0, app_health::none), ext));
  EXPECT_FALSE(needs_repair(make(0, app_health::healthy), ext));
  instance down = make(0);
  down.probe_up = false;
  EXPECT_TRUE(needs_repair(down, health_source::load_balancer_probe));
  EXPECT_FALSE(needs_repair(make(0), health_source::load_balancer_probe));
  EXPECT_FALSE(
      needs_repair(make(0, app_health::unhealthy), health_source::none));
}

TEST(RepairPlanner, WaitsTheGracePeriodFromTheLastStateChange) {
  auto m = table({make(0), make(1, app_health::unhealthy, seconds(90))});
  set_model model = repairs(2, repair_action::replace);
  repair_planner planner;
  repair_plan p = planner.plan(seconds(100), model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(p.wake, seconds(90) + 30 * minute);
  ASSERT_EQ(services(p).size(), 1u); // the policy is on: Running
  EXPECT_TRUE(services(p)[0].running);
  p = planner.plan(seconds(90) + 30 * minute - 1, model, m);
  EXPECT_TRUE(p.orders.empty());
  p = planner.plan(seconds(90) + 30 * minute, model, m);
  EXPECT_EQ(ordered(p, order_kind::replace), ids{1});
  EXPECT_EQ(phases(p), strings{"started 1"});
  EXPECT_EQ(planner.in_progress(), 1u);
}

TEST(RepairPlanner, InitializingNeverTriggersUnknownDoes) {
  auto m =
      table({make(0, app_health::initializing), make(1, app_health::unknown)});
  repair_planner planner;
  repair_plan p = planner.plan(
      minute * 60, repairs(2, repair_action::restart, 10 * minute), m);
  EXPECT_EQ(ordered(p, order_kind::restart), ids{1});
  EXPECT_EQ(p.wake, sim_time_never);
}

TEST(RepairPlanner, RepairsOneInstanceAtATimeInASmallSet) {
  auto m = table({make(0, app_health::unhealthy, seconds(5)),
                  make(1, app_health::unhealthy, seconds(1)),
                  make(2, app_health::unhealthy, seconds(3)), make(3)});
  set_model model = repairs(10, repair_action::restart, 10 * minute);
  repair_planner planner;
  repair_plan p = planner.plan(seconds(1000), model, m);
  EXPECT_EQ(ordered(p, order_kind::restart), ids{1}); // its grace ended first
  m.at(1).work = instance_work::restarting;
  p = planner.plan(seconds(1001), model, m);
  EXPECT_TRUE(p.orders.empty());
  m.at(1) = make(1, app_health::healthy, seconds(1100));
  p = planner.plan(seconds(1100), model, m);
  EXPECT_EQ(phases(p), (strings{"completed 1", "started 2"}));
  EXPECT_EQ(ordered(p, order_kind::restart), ids{2});
}

TEST(RepairPlanner, RepairsFivePercentAtATimeInALargeSet) {
  instance_map m;
  for (uint32_t id = 0; id < 40; ++id)
    m[id] = make(id, id < 4 ? app_health::unhealthy : app_health::healthy);
  repair_planner planner;
  repair_plan p =
      planner.plan(minute * 20, repairs(40, repair_action::reimage), m);
  EXPECT_TRUE(p.orders.empty()); // the 30-minute grace is not over
  p = planner.plan(minute * 30, repairs(40, repair_action::reimage), m);
  EXPECT_EQ(ordered(p, order_kind::reimage), (ids{0, 1}));
}

TEST(RepairPlanner, ProtectedBusyAndStoppedInstancesAreSkipped) {
  auto m =
      table({make(0, app_health::unhealthy), make(1, app_health::unhealthy),
             make(2, app_health::unhealthy), make(3, app_health::unhealthy),
             make(4, app_health::unhealthy)});
  m.at(0).protect_from_scale_in = true;
  m.at(1).protect_from_scale_set_actions = true;
  m.at(2).work = instance_work::reimaging;
  m.at(3).state = vm_state::stopped;
  m.at(4).extra = true;
  repair_planner planner;
  repair_plan p =
      planner.plan(minute * 60, repairs(5, repair_action::replace), m);
  EXPECT_TRUE(p.orders.empty());
  m.at(2).work = instance_work::none;
  p = planner.plan(minute * 61, repairs(5, repair_action::replace), m);
  EXPECT_EQ(ordered(p, order_kind::replace), ids{2});
}

TEST(RepairPlanner, AnInstanceWhoseExtensionsFailedIsNotRepaired) {
  // Azure repairs no VM whose provisioning failed (extension_failure).
  auto m = table({make(0, app_health::unhealthy)});
  m.at(0).extension_failed = true;
  repair_planner planner;
  repair_plan p =
      planner.plan(minute * 60, repairs(1, repair_action::replace), m);
  EXPECT_TRUE(p.orders.empty());
  m.at(0).extension_failed = false; // extension_restore
  p = planner.plan(minute * 61, repairs(1, repair_action::replace), m);
  EXPECT_EQ(ordered(p, order_kind::replace), ids{0});
}

TEST(RepairPlanner, NothingWhenDisabledSuspendedOrWithoutHealthSource) {
  auto m = table({make(0, app_health::unhealthy)});
  set_model off = repairs(1, repair_action::replace);
  off.repairs.enabled = false;
  repair_planner planner;
  repair_plan p = planner.plan(minute * 60, off, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_TRUE(p.reports.empty());

  set_model blind = repairs(1, repair_action::replace);
  blind.health = health_source::none;
  repair_planner second;
  EXPECT_TRUE(second.plan(minute * 60, blind, m).orders.empty());

  set_model on = repairs(1, repair_action::replace);
  repair_planner third;
  third.plan(0, on, table({make(0)}));
  p = third.set_running(seconds(1), false);
  ASSERT_EQ(services(p).size(), 1u);
  EXPECT_FALSE(services(p)[0].running);
  EXPECT_EQ(services(p)[0].reason, "suspended by setOrchestrationServiceState");
  EXPECT_TRUE(third.plan(minute * 60, on, m).orders.empty());
}

TEST(RepairPlanner, ARestartCompletesWhenTheInstanceIsHealthyAgain) {
  auto m = table({make(0, app_health::unhealthy)});
  set_model model = repairs(1, repair_action::restart, 10 * minute);
  repair_planner planner;
  repair_plan p = planner.plan(minute * 10, model, m);
  EXPECT_EQ(ordered(p, order_kind::restart), ids{0});
  m.at(0).work = instance_work::restarting;
  p = planner.plan(minute * 10 + seconds(1), model, m);
  EXPECT_TRUE(p.reports.empty());
  m.at(0).work = instance_work::none;
  m.at(0).changed_at = minute * 11;
  p = planner.plan(minute * 11, model, m);
  EXPECT_TRUE(p.reports.empty());
  EXPECT_EQ(p.wake, minute * 21); // the grace period after the restart
  m.at(0) = make(0, app_health::healthy, minute * 12);
  p = planner.plan(minute * 12, model, m);
  EXPECT_EQ(phases(p), strings{"completed 0"});
  EXPECT_EQ(planner.in_progress(), 0u);
}

TEST(RepairPlanner, AReimageFailsWhenStillUnhealthyAfterTheGracePeriod) {
  auto m = table({make(0, app_health::unhealthy)});
  set_model model = repairs(1, repair_action::reimage, 10 * minute);
  repair_planner planner;
  planner.plan(minute * 10, model, m);
  m.at(0).work = instance_work::reimaging;
  planner.plan(minute * 10 + seconds(1), model, m);
  m.at(0).work = instance_work::none;
  m.at(0).changed_at = minute * 13;
  repair_plan p = planner.plan(minute * 13, model, m);
  EXPECT_EQ(p.wake, minute * 23);
  p = planner.plan(minute * 23, model, m);
  // Failed, and tried again at once: its grace period is over too.
  EXPECT_EQ(phases(p), (strings{"failed 0", "started 0"}));
  EXPECT_EQ(ordered(p, order_kind::reimage), ids{0});
}

TEST(RepairPlanner, AReplaceCompletesWhenTheNewInstanceIsHealthy) {
  auto m = table({make(0), make(1, app_health::unhealthy)});
  set_model model = repairs(2, repair_action::replace, 10 * minute);
  repair_planner planner;
  sim_time t0 = minute * 10;
  repair_plan p = planner.plan(t0, model, m);
  EXPECT_EQ(ordered(p, order_kind::replace), ids{1});
  m.at(1).work = instance_work::deleting;
  EXPECT_TRUE(planner.plan(t0 + seconds(5), model, m).reports.empty());
  m.erase(1);
  instance fresh = make(2, app_health::none);
  fresh.state = vm_state::creating;
  fresh.work = instance_work::creating;
  fresh.created_at = t0 + seconds(10);
  m[2] = fresh;
  p = planner.plan(t0 + seconds(10), model, m);
  EXPECT_TRUE(p.reports.empty());
  EXPECT_TRUE(p.orders.empty()); // the new instance is not repaired
  m[2] = make(2, app_health::healthy, t0 + seconds(190));
  m[2].created_at = t0 + seconds(10);
  p = planner.plan(t0 + seconds(190), model, m);
  EXPECT_EQ(phases(p), strings{"completed 1"});
}

TEST(RepairPlanner, AReplaceFailsWhenNoHealthyReplacementComes) {
  auto m = table({make(0), make(1, app_health::unhealthy)});
  set_model model = repairs(2, repair_action::replace, 10 * minute);
  repair_planner planner;
  sim_time t0 = minute * 10;
  planner.plan(t0, model, m);
  m.erase(1);
  repair_plan p = planner.plan(t0 + seconds(5), model, m);
  EXPECT_EQ(p.wake, t0 + seconds(5) + 10 * minute);
  p = planner.plan(t0 + seconds(5) + 10 * minute, model, m);
  EXPECT_EQ(phases(p), strings{"failed 1"});
}

TEST(RepairPlanner, ARefusedOrderEndsTheRepairWithoutCounting) {
  auto m = table({make(0, app_health::unhealthy)});
  set_model model = repairs(1, repair_action::restart, 10 * minute);
  repair_planner planner({1}); // one failure would suspend
  planner.plan(minute * 10, model, m);
  // The orchestrator refused: the instance stayed idle and unchanged.
  repair_plan p = planner.plan(minute * 10 + seconds(1), model, m);
  EXPECT_EQ(phases(p), (strings{"failed 0", "started 0"}));
  EXPECT_TRUE(services(p).empty());
  EXPECT_TRUE(planner.running());
}

TEST(RepairPlanner, RepeatedFailuresSuspendTheServiceUntilResumed) {
  auto m = table({make(0, app_health::unhealthy)});
  set_model model = repairs(1, repair_action::restart, 10 * minute);
  repair_planner planner;
  sim_time t = minute * 10;
  planner.plan(t, model, m);
  for (int n = 1; n <= 5; ++n) {
    m.at(0).work = instance_work::restarting;
    planner.plan(t + seconds(1), model, m);
    m.at(0).work = instance_work::none;
    m.at(0).changed_at = t + minute;
    planner.plan(t + minute, model, m);
    t += 11 * minute;
    repair_plan p = planner.plan(t, model, m);
    if (n < 5) {
      EXPECT_EQ(phases(p), (strings{"failed 0", "started 0"})) << n;
      continue;
    }
    EXPECT_EQ(phases(p), strings{"failed 0"});
    ASSERT_EQ(services(p).size(), 1u);
    EXPECT_FALSE(services(p)[0].running);
    EXPECT_EQ(services(p)[0].reason, "5 repairs in a row failed");
    EXPECT_TRUE(p.orders.empty());
  }
  EXPECT_FALSE(planner.running());
  EXPECT_TRUE(planner.plan(t + minute, model, m).orders.empty());
  repair_plan p = planner.set_running(t + 2 * minute, true);
  ASSERT_EQ(services(p).size(), 1u);
  EXPECT_TRUE(services(p)[0].running);
  EXPECT_EQ(p.wake, t + 2 * minute);
  EXPECT_TRUE(planner.set_running(t + 2 * minute, true).reports.empty());
  p = planner.plan(t + 2 * minute, model, m);
  EXPECT_EQ(ordered(p, order_kind::restart), ids{0});
}

// Spec Layer 6 "Automatic Repair Flow": the application crashes at
// T+60 s, the instance is marked unhealthy at T+90 s (its last state
// change), the grace period is 30 minutes, the replacement takes about 3
// minutes: healthy again about 33 minutes after the crash.
TEST(RepairPlanner, ReproducesTheSpecTimeline) {
  auto m = table({make(0), make(1), make(2)});
  set_model model = repairs(3, repair_action::replace);
  repair_planner planner;
  EXPECT_TRUE(planner.plan(seconds(60), model, m).orders.empty());
  m.at(1) = make(1, app_health::unhealthy, seconds(90));
  repair_plan p = planner.plan(seconds(90), model, m);
  EXPECT_TRUE(p.orders.empty());
  sim_time repair_at = p.wake;
  EXPECT_EQ(repair_at, seconds(90) + 30 * minute);
  p = planner.plan(repair_at, model, m);
  EXPECT_EQ(ordered(p, order_kind::replace), ids{1});
  m.erase(1);
  instance fresh = make(3, app_health::healthy, repair_at + seconds(180));
  fresh.created_at = repair_at + seconds(10);
  m[3] = fresh;
  p = planner.plan(repair_at + seconds(180), model, m);
  EXPECT_EQ(phases(p), strings{"completed 1"});
  double crash_to_healthy_min =
      to_seconds(repair_at + seconds(180) - seconds(60)) / 60;
  EXPECT_NEAR(crash_to_healthy_min, 33, 0.6);
}

} // namespace
} // namespace vmss::compute
