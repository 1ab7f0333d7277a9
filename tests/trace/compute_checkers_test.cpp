/// The scale-set checkers (actors/compute/checkers.hpp) on small hand-made
/// traces: for each a trace that holds and one that breaks the invariant.
#include "actors/compute/checkers.hpp"
#include "compute_trace.hpp"
#include "runners/modules.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vmss::trace_test {

namespace {

using namespace compute;

constexpr int64_t settle_s = capacity_settle_ns / 1'000'000'000;

std::string first_violation(const analysis::check_result& r) {
  return r.violations.kept().empty() ? "" : r.violations.kept()[0].what;
}

/// Scale-out 2 -> 3: three instances Succeeded and running.
compute_trace scaled_to_three() {
  compute_trace t;
  t.capacity(s(0), 0, 2).view(s(1), {0}).view(s(1), {1});
  t.capacity(s(60), 2, 3).operation(s(60), 2, "create", "scale_out");
  t.view(s(60), {2, "Creating", "starting", "Initializing"});
  return t;
}

TEST(capacity_converges, a_set_at_its_capacity_passes) {
  auto t = scaled_to_three();
  t.view(s(240), {2}).end(s(240 + settle_s));
  EXPECT_TRUE(run_checker<capacity_converges_checker>(t).ok());
}

TEST(capacity_converges, a_missing_instance_is_a_shortfall) {
  auto t = scaled_to_three(); // instance 2 never leaves Creating
  t.end(s(60 + settle_s));
  auto r = run_checker<capacity_converges_checker>(t);
  ASSERT_EQ(r.violations.total(), 1u);
  EXPECT_EQ(first_violation(r),
            "scale set web: capacity 3 but 2 instances in service at the end "
            "(1 short); not in service: web/2 Creating/starting");
  EXPECT_EQ(r.violations.kept()[0].entity, "r/web/orchestrator");
}

TEST(capacity_converges, an_extra_left_over_is_an_excess) {
  auto t = scaled_to_three();
  t.view(s(240), {2}).view(s(240), {3}).end(s(240 + settle_s));
  EXPECT_NE(first_violation(run_checker<capacity_converges_checker>(t))
                .find("capacity 3 but 4 instances in service at the end (1 "
                      "over)"),
            std::string::npos);
}

TEST(capacity_converges, not_judged_within_the_settling_time) {
  auto t = scaled_to_three();
  t.end(s(60 + settle_s - 1));
  EXPECT_TRUE(run_checker<capacity_converges_checker>(t).ok());
  auto faulted = scaled_to_three();
  faulted.fault(s(100)).end(s(60 + settle_s + 1));
  EXPECT_TRUE(run_checker<capacity_converges_checker>(faulted).ok());
}

TEST(capacity_converges, an_instance_stopped_by_request_still_counts) {
  auto t = scaled_to_three();
  t.view(s(240), {2}).operation(s(300), 1, "deallocate", "request");
  t.view(s(330), {1, "Succeeded", "deallocated"}).end(s(330 + settle_s));
  EXPECT_TRUE(run_checker<capacity_converges_checker>(t).ok());
  auto lost = scaled_to_three(); // stopped by its host's failure
  lost.view(s(240), {2}).view(s(330), {1, "Succeeded", "stopped"});
  lost.end(s(330 + settle_s));
  EXPECT_EQ(run_checker<capacity_converges_checker>(lost).violations.total(),
            1u);
}

TEST(deleted_not_running, a_deleted_instance_stays_down_until_created) {
  compute_trace t;
  t.view(s(1), {4}).vm_state(s(2), 4, "healthy");
  t.view(s(10), {4, "Deleted", "stopped"}).vm_state(s(10), 4, "deleted");
  t.operation(s(20), 4, "create", "scale_out").vm_state(s(200), 4, "running");
  t.vm_state(s(201), 5, "running"); // another instance
  EXPECT_TRUE(run_checker<deleted_not_running_checker>(t).ok());
}

TEST(deleted_not_running, a_zombie_after_delete_fails) {
  compute_trace t;
  t.view(s(1), {4}).view(s(10), {4, "Deleted", "stopped"});
  t.vm_state(s(900), 4, "running");
  auto r = run_checker<deleted_not_running_checker>(t);
  ASSERT_EQ(r.violations.total(), 1u);
  EXPECT_EQ(first_violation(r), "VM web/4 is running after its instance was "
                                "Deleted (no create since)");
  EXPECT_EQ(r.violations.kept()[0].entity, "r/z1/h1/vm0");
}

view_spec protected_in(int64_t id) {
  view_spec v{id};
  v.protect_from_scale_in = true;
  return v;
}

view_spec protected_actions(int64_t id) {
  view_spec v{id};
  v.protect_from_scale_set_actions = true;
  return v;
}

TEST(protected_instances, scale_in_spares_protected_instances) {
  compute_trace t;
  t.view(s(1), protected_in(0)).view(s(1), {1});
  t.operation(s(5), 1, "delete", "scale_in");
  t.operation(s(6), 0, "delete", "request"); // a user may delete it
  t.view(s(7), protected_in(2)).operation(s(8), 2, "reimage", "upgrade");
  t.view(s(9), {3}).operation(s(9), 3, "delete", "repair");
  EXPECT_TRUE(run_checker<protected_instances_checker>(t).ok());
}

TEST(protected_instances, scale_in_of_a_protected_instance_fails) {
  compute_trace t;
  t.view(s(1), protected_in(0)).view(s(1), protected_actions(1));
  t.operation(s(5), 0, "delete", "scale_in");
  t.operation(s(5), 1, "delete", "scale_in");
  t.operation(s(6), 1, "reimage", "upgrade");
  t.operation(s(7), 0, "restart", "repair");
  auto r = run_checker<protected_instances_checker>(t);
  ASSERT_EQ(r.violations.total(), 4u);
  EXPECT_EQ(r.violations.kept()[0].what,
            "scale-in deletes web/0, protected from scale-in");
  EXPECT_EQ(r.violations.kept()[1].what,
            "scale-in deletes web/1, protected from scale-set actions");
  EXPECT_EQ(r.violations.kept()[2].what,
            "upgrade reimages web/1, protected from scale-set actions");
  EXPECT_EQ(r.violations.kept()[3].what,
            "repair restarts web/0, protected from scale-in");
}

TEST(protected_instances, protection_lifted_allows_scale_in) {
  compute_trace t;
  t.view(s(1), protected_in(0)).view(s(2), {0});
  t.operation(s(5), 0, "delete", "scale_in");
  EXPECT_TRUE(run_checker<protected_instances_checker>(t).ok());
}

TEST(disruption_share, limits_follow_the_set_size) {
  EXPECT_EQ(repair_limit(3), 1);
  EXPECT_EQ(repair_limit(19), 1);
  EXPECT_EQ(repair_limit(39), 1);
  EXPECT_EQ(repair_limit(40), 2);
  EXPECT_EQ(repair_limit(100), 5);
  EXPECT_EQ(batch_limit(3, 20), 1);
  EXPECT_EQ(batch_limit(10, 20), 2);
  EXPECT_EQ(batch_limit(10, 25), 2);
  EXPECT_EQ(batch_limit(4, 100), 4);
}

compute_trace instances(int64_t n) {
  compute_trace t;
  for (int64_t i = 0; i < n; ++i)
    t.view(s(1), {i});
  return t;
}

TEST(disruption_share, one_repair_at_a_time_in_a_small_set) {
  auto t = instances(10);
  t.repair(s(10), 3, "started").repair(s(200), 3, "completed");
  t.repair(s(201), 4, "started").repair(s(400), 4, "failed");
  t.repair(s(401), 5, "started");
  EXPECT_TRUE(run_checker<disruption_share_checker>(t).ok());
  auto two = instances(19);
  two.repair(s(10), 3, "started").repair(s(11), 4, "started");
  auto r = run_checker<disruption_share_checker>(two);
  ASSERT_EQ(r.violations.total(), 1u);
  EXPECT_EQ(first_violation(r), "scale set web: 2 repairs in flight, at most "
                                "1 for 19 instances");
}

TEST(disruption_share, five_percent_of_a_large_set) {
  auto t = instances(40);
  t.repair(s(10), 3, "started").repair(s(11), 4, "started");
  EXPECT_TRUE(run_checker<disruption_share_checker>(t).ok());
  t.repair(s(12), 5, "started");
  EXPECT_EQ(run_checker<disruption_share_checker>(t).violations.total(), 1u);
}

TEST(disruption_share, upgrade_batches_within_max_batch_percent) {
  auto t = instances(10);
  t.batch(s(10), 1, "0,1", 20).batch(s(100), 2, "2", 20);
  EXPECT_TRUE(run_checker<disruption_share_checker>(t).ok());
  t.batch(s(200), 3, "3,4,5", 20);
  auto r = run_checker<disruption_share_checker>(t);
  ASSERT_EQ(r.violations.total(), 1u);
  EXPECT_EQ(first_violation(r), "scale set web: upgrade batch 3 has 3 "
                                "instances, at most 2 (20% of 10)");
}

TEST(disruption_share, a_malformed_batch_list_is_an_error_naming_it) {
  auto t = instances(3);
  t.batch(s(10), 1, "0;1", 20);
  expect_error([&] { run_checker<disruption_share_checker>(t); },
               {"upgrade_batch", "field 'instances'", "'0;1'"});
}

TEST(vm_known, every_live_vm_has_its_instance) {
  compute_trace t;
  t.view(s(1), {0}).vm_state(s(100), 0, "healthy");
  t.view(s(200), {1, "Deleted", "stopped"}).vm_state(s(199), 1, "deleted");
  t.vm_state(s(100), 7, "running", "unmanaged"); // a set with no views
  EXPECT_TRUE(run_checker<vm_known_checker>(t).ok());
}

TEST(vm_known, a_vm_running_unknown_to_the_controller_fails) {
  compute_trace t;
  t.view(s(1), {0}).vm_state(s(100), 0, "healthy");
  t.view(s(200), {0, "Deleted", "stopped"});
  t.vm_state(s(300), 0, "starting").vm_state(s(300), 2, "running");
  auto r = run_checker<vm_known_checker>(t);
  ASSERT_EQ(r.violations.total(), 2u);
  EXPECT_EQ(r.violations.kept()[0].what,
            "VM web/0 is starting at the end but its scale set has deleted "
            "instance 0");
  EXPECT_EQ(r.violations.kept()[1].what,
            "VM web/2 is running at the end but its scale set has no "
            "instance 2");
}

/// Before any instance view, VM records are not read: a vm_state with no
/// scale_set (as hand-made traces have) is no error there.
TEST(compute_checkers, vm_states_before_any_view_are_not_read) {
  auto dir = scratch_dir();
  write_trace(
      dir, make_entities(1),
      {{0, key(1, 0), "vm_state", {{"state", std::string("running")}}}});
  std::vector<std::unique_ptr<analysis::checker>> checkers;
  checkers.push_back(std::make_unique<vm_known_checker>());
  checkers.push_back(std::make_unique<deleted_not_running_checker>());
  for (const auto& r : analysis::run_checkers(dir, std::move(checkers)))
    EXPECT_TRUE(r.ok()) << r.name;
}

TEST(compute_checkers, registered_for_trace_check) {
  auto names = all_checkers().names();
  for (const char* name :
       {"capacity_converges", "deleted_not_running", "protected_instances",
        "disruption_share", "vm_known"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

TEST(compute_checkers, a_trace_without_scale_set_events_passes) {
  compute_trace t;
  t.vm_state(s(1), 0, "healthy").fault(s(2)).end(s(3600));
  analysis::checker_registry registry;
  register_checkers(registry);
  for (const auto& r : analysis::run_checkers(t.write(), registry.create_all()))
    EXPECT_TRUE(r.ok()) << r.name;
}

} // namespace

} // namespace vmss::trace_test
