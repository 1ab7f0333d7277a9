// The upgrade planner over instance tables built by hand: batch sizes and
// order (zone by zone, update domain within a zone; cross-zone), the
// unhealthy checks before and after a batch, the pause, prioritised
// unhealthy instances, cancel, a model change that restarts the upgrade,
// maxSurge, and the Automatic and Manual modes.

#include "actors/compute/upgrade_planner.hpp"

#include <gtest/gtest.h>

namespace vmss::compute {
namespace {

using physical::app_health;
using physical::vm_state;

constexpr uint64_t old_profile = 1;
constexpr uint64_t new_profile = 2;

instance make(uint32_t id, int64_t zone = -1, uint32_t ud = 0) {
  instance i;
  i.id = id;
  i.zone = zone;
  i.update_domain = ud;
  i.state = vm_state::healthy;
  i.health = app_health::healthy;
  i.probe_up = true;
  i.profile = old_profile;
  i.model_version = 1;
  return i;
}

instance_map table(std::initializer_list<instance> list) {
  instance_map m;
  for (const instance& i : list)
    m[i.id] = i;
  return m;
}

set_model rolling(uint32_t capacity, uint32_t batch_percent = 20) {
  set_model m;
  m.name = "web";
  m.capacity = capacity;
  m.upgrade = upgrade_mode::rolling;
  m.health = health_source::extension;
  m.rolling.max_batch_percent = batch_percent;
  m.profile = new_profile;
  return m;
}

/// What the orchestrator does with an accepted reimage order, at once.
void start_orders(instance_map& m, const upgrade_plan& p) {
  for (const order& o : p.orders)
    if (o.kind == order_kind::reimage_to_latest)
      m.at(o.instance).work = instance_work::reimaging;
}

/// The reimage is over and the instance is healthy on the latest model.
void upgraded(instance_map& m, uint32_t id,
              app_health health = app_health::healthy) {
  instance& i = m.at(id);
  i.work = instance_work::none;
  i.profile = new_profile;
  i.health = health;
}

std::vector<uint32_t> ordered(const upgrade_plan& p, order_kind kind) {
  std::vector<uint32_t> ids;
  for (const order& o : p.orders) {
    EXPECT_EQ(o.kind, kind);
    EXPECT_EQ(o.reason, "upgrade");
    ids.push_back(o.instance);
  }
  return ids;
}

const batch_report* batch_of(const upgrade_plan& p) {
  for (const auto& r : p.reports)
    if (auto* b = std::get_if<batch_report>(&r))
      return b;
  return nullptr;
}

std::vector<std::string> statuses(const upgrade_plan& p) {
  std::vector<std::string> out;
  for (const auto& r : p.reports)
    if (auto* s = std::get_if<status_report>(&r))
      out.push_back(s->status);
  return out;
}

std::string reason_of(const upgrade_plan& p, const std::string& status) {
  for (const auto& r : p.reports)
    if (auto* s = std::get_if<status_report>(&r); s && s->status == status)
      return s->reason;
  return "<no " + status + ">";
}

using ids = std::vector<uint32_t>;

TEST(UpgradePlanner, BatchSizeIsAShareOfTheSetWithAtLeastOne) {
  EXPECT_EQ(batch_size(10, 20), 2u); // Azure's example: 20% of 10
  EXPECT_EQ(batch_size(5, 20), 1u);  // 5 or fewer: one a batch
  EXPECT_EQ(batch_size(3, 33), 1u);  // spec Layer 6
  EXPECT_EQ(batch_size(3, 20), 1u);
  EXPECT_EQ(batch_size(7, 50), 3u);
  EXPECT_EQ(batch_size(100, 20), 20u);
  EXPECT_FALSE(over_percent(2, 10, 20)); // two of ten is allowed
  EXPECT_TRUE(over_percent(3, 10, 20));
  EXPECT_TRUE(over_percent(1, 3, 20));
  EXPECT_FALSE(over_percent(0, 3, 0));
  EXPECT_TRUE(over_percent(1, 3, 0));
}

TEST(UpgradePlanner, BatchesZoneByZoneAndWithinUpdateDomains) {
  auto m = table({make(0, 1, 0), make(1, 0, 1), make(2, 0, 0), make(3, 2, 0),
                  make(4, 1, 0), make(5, 0, 0)});
  set_model model = rolling(6, 50); // batches of up to 3
  upgrade_planner planner;
  std::vector<ids> batches;
  sim_time t = seconds(1);
  upgrade_plan p = planner.plan(t, 2, model, m);
  EXPECT_EQ(statuses(p), std::vector<std::string>{"RollingForward"});
  while (batch_of(p)) {
    batches.push_back(ordered(p, order_kind::reimage_to_latest));
    EXPECT_EQ(batch_of(p)->batch, batches.size());
    EXPECT_EQ(batch_of(p)->instances, batches.back());
    start_orders(m, p);
    t += seconds(200);
    for (uint32_t id : batches.back())
      upgraded(m, id);
    p = planner.plan(t, 2, model, m);
  }
  // Zone 0 first (its update domain 0, then 1), then zones 1 and 2; a
  // batch never spans a zone or an update domain.
  EXPECT_EQ(batches, (std::vector<ids>{{2, 5}, {1}, {0, 4}, {3}}));
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Completed"});
  EXPECT_FALSE(planner.active());
}

TEST(UpgradePlanner, CrossZoneUpgradeIgnoresZonesNotUpdateDomains) {
  auto m = table({make(0, 1, 0), make(1, 0, 1), make(2, 0, 0), make(3, 2, 0),
                  make(4, 1, 0), make(5, 0, 0)});
  set_model model = rolling(6, 50);
  model.rolling.cross_zone = true;
  upgrade_planner planner;
  std::vector<ids> batches;
  sim_time t = seconds(1);
  upgrade_plan p = planner.plan(t, 2, model, m);
  while (batch_of(p)) {
    batches.push_back(ordered(p, order_kind::reimage_to_latest));
    start_orders(m, p);
    t += seconds(200);
    for (uint32_t id : batches.back())
      upgraded(m, id);
    p = planner.plan(t, 2, model, m);
  }
  EXPECT_EQ(batches, (std::vector<ids>{{0, 2, 3}, {4, 5}, {1}}));
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Completed"});
}

// Spec Layer 6 "Instance Update Flow": 3 instances, one a batch, a 2 s
// pause between batches.
TEST(UpgradePlanner, PausesBetweenBatchesThroughTheWake) {
  auto m = table({make(0, 0), make(1, 1), make(2, 2)});
  set_model model = rolling(3, 33);
  model.rolling.pause_between_batches = seconds(2);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(10), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{0});
  start_orders(m, p);
  p = planner.plan(seconds(100), 2, model, m);
  EXPECT_TRUE(p.orders.empty()); // still reimaging
  EXPECT_EQ(p.wake, sim_time_never);
  upgraded(m, 0);
  p = planner.plan(seconds(225), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(p.wake, seconds(227));
  p = planner.plan(seconds(226), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(p.wake, seconds(227));
  p = planner.plan(seconds(227), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{1});
  EXPECT_EQ(batch_of(p)->batch, 2u);
}

TEST(UpgradePlanner, WaitsForAnUpgradedInstanceToBecomeHealthy) {
  auto m = table({make(0), make(1), make(2), make(3), make(4)});
  set_model model = rolling(5);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  upgraded(m, 0, app_health::initializing);
  p = planner.plan(seconds(120), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(p.wake, seconds(120 + 300)); // health_wait from when it settled
  m.at(0).health = app_health::healthy;
  p = planner.plan(seconds(200), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{1});
}

TEST(UpgradePlanner, FaultsWhenUpgradedInstancesStayUnhealthy) {
  auto m = table({make(0, 0), make(1, 1), make(2, 2)});
  set_model model = rolling(3, 33);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  upgraded(m, 0, app_health::unhealthy);
  p = planner.plan(seconds(100), 2, model, m);
  EXPECT_TRUE(p.reports.empty());
  EXPECT_EQ(p.wake, seconds(400));
  p = planner.plan(seconds(400), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Faulted"});
  EXPECT_EQ(reason_of(p, "Faulted"),
            "maxUnhealthyUpgradedInstancePercent 20 exceeded: 1 of 3 "
            "instances unhealthy after their upgrade");
  EXPECT_FALSE(planner.active());
  EXPECT_TRUE(planner.plan(seconds(500), 2, model, m).orders.empty());
}

TEST(UpgradePlanner, ABreachRollsTheFailedInstancesBackWhenAsked) {
  // rollbackFailedInstancesOnPolicyBreach: 0 and 1 upgraded, 0 unhealthy;
  // the breach orders 0 (not the healthy 1) back to the previous model.
  auto m = table({make(0, 0), make(1, 0), make(2, 1)}); // 0, 1: zone 0, UD 0
  set_model model = rolling(3, 67);
  model.rolling.max_unhealthy_upgraded_percent = 20;
  model.rolling.rollback_on_breach = true;
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  ASSERT_EQ(ordered(p, order_kind::reimage_to_latest), (ids{0, 1}));
  start_orders(m, p);
  upgraded(m, 0, app_health::unhealthy);
  upgraded(m, 1);
  planner.plan(seconds(100), 2, model, m);
  p = planner.plan(seconds(400), 2, model, m);
  ASSERT_EQ(p.orders.size(), 1u);
  EXPECT_EQ(p.orders[0].kind, order_kind::reimage_to_previous);
  EXPECT_EQ(p.orders[0].instance, 0u);
  EXPECT_EQ(p.orders[0].reason, "rollback");
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Faulted"});
  EXPECT_EQ(reason_of(p, "Faulted"),
            "maxUnhealthyUpgradedInstancePercent 20 exceeded: 1 of 3 "
            "instances unhealthy after their upgrade; rolling back the "
            "failed instances");
}

TEST(UpgradePlanner, AnUnhealthyUpgradedInstanceWithinTheLimitGoesOn) {
  auto m = table({make(0), make(1), make(2), make(3), make(4)});
  set_model model = rolling(5);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  upgraded(m, 0, app_health::unhealthy);
  planner.plan(seconds(100), 2, model, m);
  p = planner.plan(seconds(400), 2, model, m); // 1 of 5 = 20%: allowed
  EXPECT_TRUE(statuses(p).empty());
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{1});
}

TEST(UpgradePlanner, ChecksUnhealthyInstancesBeforeTheFirstBatch) {
  auto m = table({make(0), make(1), make(2), make(3), make(4)});
  m.at(3).health = app_health::unhealthy;
  m.at(4).health = app_health::unhealthy;
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, rolling(5), m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(statuses(p),
            (std::vector<std::string>{"RollingForward", "Faulted"}));
  EXPECT_EQ(reason_of(p, "Faulted"),
            "maxUnhealthyInstancePercent 20 exceeded: 2 of 5 instances "
            "unhealthy");

  m.at(4).health = app_health::healthy; // one of five: allowed
  upgrade_planner second;
  p = second.plan(seconds(1), 2, rolling(5), m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{0});
}

TEST(UpgradePlanner, ChecksUnhealthyInstancesBeforeEveryBatch) {
  auto m = table({make(0), make(1), make(2), make(3), make(4)});
  set_model model = rolling(5);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  m.at(3).health = app_health::unhealthy; // during the batch
  m.at(4).state = vm_state::stopped;
  upgraded(m, 0);
  p = planner.plan(seconds(200), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Faulted"});
  EXPECT_EQ(reason_of(p, "Faulted"),
            "maxUnhealthyInstancePercent 20 exceeded: 2 of 5 instances "
            "unhealthy");
}

TEST(UpgradePlanner, PrioritizesUnhealthyInstances) {
  auto m = table({make(0), make(1), make(2), make(3), make(4)});
  m.at(3).health = app_health::unhealthy;
  set_model model = rolling(5);
  upgrade_planner plain;
  EXPECT_EQ(ordered(plain.plan(seconds(1), 2, model, m),
                    order_kind::reimage_to_latest),
            ids{0});
  model.rolling.prioritize_unhealthy = true;
  upgrade_planner first;
  EXPECT_EQ(ordered(first.plan(seconds(1), 2, model, m),
                    order_kind::reimage_to_latest),
            ids{3});
}

TEST(UpgradePlanner, CancelStopsAfterTheBatchInFlight) {
  auto m = table({make(0), make(1), make(2)});
  set_model model = rolling(3, 33);
  upgrade_planner planner;
  EXPECT_TRUE(planner.cancel(seconds(0)).reports.empty()); // nothing to stop
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  p = planner.cancel(seconds(50));
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Cancelled"});
  EXPECT_EQ(reason_of(p, "Cancelled"), "cancelled by request");
  EXPECT_FALSE(planner.active());
  upgraded(m, 0);
  p = planner.plan(seconds(200), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_TRUE(p.reports.empty());
  // A later model update starts a new upgrade of what is left.
  p = planner.plan(seconds(300), 3, model, m);
  EXPECT_EQ(statuses(p), std::vector<std::string>{"RollingForward"});
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{1});
  EXPECT_EQ(batch_of(p)->batch, 1u);
}

TEST(UpgradePlanner, AModelChangeRestartsTheUpgrade) {
  auto m = table({make(0), make(1), make(2)});
  set_model model = rolling(3, 33);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  set_model next = model;
  next.profile = 3;
  p = planner.plan(seconds(50), 3, next, m);
  EXPECT_EQ(statuses(p), std::vector<std::string>{"RollingForward"});
  EXPECT_EQ(reason_of(p, "RollingForward"), "restarted by model version 3");
  EXPECT_TRUE(p.orders.empty()); // the batch in flight finishes first
  EXPECT_TRUE(planner.active());
  upgraded(m, 0); // on profile 2, no longer the latest
  p = planner.plan(seconds(200), 3, next, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{0});
  EXPECT_EQ(batch_of(p)->batch, 1u);
}

TEST(UpgradePlanner, AChangeThatKeepsTheProfileDoesNotRestart) {
  auto m = table({make(0), make(1), make(2)});
  set_model model = rolling(3, 33);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  model.capacity = 4; // a capacity change is a new version too
  p = planner.plan(seconds(50), 3, model, m);
  EXPECT_TRUE(p.reports.empty());
  EXPECT_TRUE(p.orders.empty());
  upgraded(m, 0);
  p = planner.plan(seconds(200), 3, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{1});
  EXPECT_EQ(batch_of(p)->batch, 2u);
}

TEST(UpgradePlanner, NothingToUpgradeStartsNothing) {
  auto m = table({make(0), make(1)});
  for (auto& e : m)
    e.second.profile = new_profile;
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, rolling(2), m);
  EXPECT_TRUE(p.reports.empty());
  EXPECT_TRUE(p.orders.empty());
  EXPECT_FALSE(planner.active());
}

TEST(UpgradePlanner, ProtectedAndBusyInstancesAreNotUpgraded) {
  auto m = table({make(0), make(1), make(2)});
  m.at(0).protect_from_scale_set_actions = true;
  m.at(1).work = instance_work::restarting;
  set_model model = rolling(3, 33);
  model.rolling.max_unhealthy_percent = 50; // the busy one counts unhealthy
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{2});
  start_orders(m, p);
  upgraded(m, 2);
  p = planner.plan(seconds(200), 2, model, m);
  EXPECT_TRUE(p.orders.empty()); // 1 is busy: it waits
  EXPECT_TRUE(statuses(p).empty());
  m.at(1).work = instance_work::none;
  p = planner.plan(seconds(210), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{1});
  start_orders(m, p);
  upgraded(m, 1);
  p = planner.plan(seconds(400), 2, model, m);
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Completed"});
  EXPECT_EQ(m.at(0).profile, old_profile);
}

TEST(UpgradePlanner, ARefusedOrderIsNotRetriedByTheSameUpgrade) {
  auto m = table({make(0), make(1)});
  set_model model = rolling(2, 50);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{0});
  // The orchestrator refused: 0 stays idle on the old model.
  p = planner.plan(seconds(2), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{1});
}

TEST(UpgradePlanner, MaxSurgeCreatesNewInstancesThenDeletesOldOnes) {
  auto m = table({make(0), make(1), make(2)});
  set_model model = rolling(3, 33);
  model.rolling.max_surge = true;
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  ASSERT_EQ(p.orders.size(), 1u);
  EXPECT_EQ(p.orders[0].kind, order_kind::create_surge);
  EXPECT_EQ(batch_of(p)->instances, ids{0});
  instance surge = make(3);
  surge.profile = new_profile;
  surge.work = instance_work::creating;
  m[3] = surge;
  p = planner.plan(seconds(20), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  m.at(3).work = instance_work::none;
  p = planner.plan(seconds(200), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::delete_instance), ids{0});
  m.at(0).work = instance_work::deleting;
  p = planner.plan(seconds(201), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  m.erase(0);
  p = planner.plan(seconds(260), 2, model, m);
  ASSERT_EQ(p.orders.size(), 1u);
  EXPECT_EQ(p.orders[0].kind, order_kind::create_surge);
  EXPECT_EQ(batch_of(p)->instances, ids{1});
  EXPECT_EQ(batch_of(p)->batch, 2u);
}

TEST(UpgradePlanner, MaxSurgeKeepsTheOldInstancesOnABreach) {
  auto m = table({make(0), make(1), make(2)});
  set_model model = rolling(3, 33);
  model.rolling.max_surge = true;
  upgrade_planner planner;
  planner.plan(seconds(1), 2, model, m);
  instance surge = make(3);
  surge.profile = new_profile;
  surge.health = app_health::unhealthy;
  m[3] = surge;
  upgrade_plan p = planner.plan(seconds(200), 2, model, m);
  EXPECT_EQ(p.wake, seconds(500));
  p = planner.plan(seconds(500), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Faulted"});
}

TEST(UpgradePlanner, AutomaticModeUpgradesEveryInstanceAtOnce) {
  auto m = table({make(0, 0), make(1, 1), make(2, 2), make(3, 0)});
  m.at(2).work = instance_work::restarting;
  m.at(3).protect_from_scale_set_actions = true;
  set_model model = rolling(4);
  model.upgrade = upgrade_mode::automatic;
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), (ids{0, 1}));
  EXPECT_TRUE(p.reports.empty());
  start_orders(m, p);
  m.at(2).work = instance_work::none; // idle now: its turn
  p = planner.plan(seconds(5), 2, model, m);
  EXPECT_EQ(ordered(p, order_kind::reimage_to_latest), ids{2});
  p = planner.plan(seconds(6), 2, model, m);
  EXPECT_TRUE(p.orders.empty()); // each once a version
}

TEST(UpgradePlanner, ManualModeOrdersNothing) {
  auto m = table({make(0), make(1)});
  set_model model = rolling(2);
  model.upgrade = upgrade_mode::manual;
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  EXPECT_TRUE(p.orders.empty());
  EXPECT_TRUE(p.reports.empty());
  EXPECT_EQ(p.wake, sim_time_never);
  EXPECT_FALSE(planner.active());
}

TEST(UpgradePlanner, LeavingRollingModeCancelsTheUpgrade) {
  auto m = table({make(0), make(1), make(2)});
  set_model model = rolling(3, 33);
  upgrade_planner planner;
  upgrade_plan p = planner.plan(seconds(1), 2, model, m);
  start_orders(m, p);
  model.upgrade = upgrade_mode::manual;
  p = planner.plan(seconds(30), 3, model, m);
  EXPECT_EQ(statuses(p), std::vector<std::string>{"Cancelled"});
  EXPECT_EQ(reason_of(p, "Cancelled"), "upgradePolicy.mode is Manual");
  upgraded(m, 0);
  EXPECT_TRUE(planner.plan(seconds(200), 3, model, m).orders.empty());
}

} // namespace
} // namespace vmss::compute
