/// Built-in checkers on tiny hand-made traces: one passing and one failing
/// case each.

#include "analysis/checker.hpp"
#include "analysis/checkers/canonical_order.hpp"
#include "analysis/checkers/crash_silence.hpp"
#include "runners/modules.hpp"
#include "trace_fixture.hpp"

#include <gtest/gtest.h>

namespace vmss::trace_test {
namespace {

using analysis::check_result;

template <class Checker>
check_result run_one(const std::string& dir) {
  std::vector<std::unique_ptr<analysis::checker>> checkers;
  checkers.push_back(std::make_unique<Checker>());
  auto results = analysis::run_checkers(dir, std::move(checkers));
  EXPECT_EQ(results.size(), 1u);
  return results.at(0);
}

bool any_violation_contains(const check_result& r, const std::string& part) {
  for (const auto& v : r.violations.kept())
    if (v.to_string().find(part) != std::string::npos)
      return true;
  return false;
}

TEST(checker_registry, lists_every_family_checker_once) {
  auto names = all_checkers().names();
  EXPECT_EQ(names, (std::vector<std::string>{
                       "canonical_order", "crash_silence", "ram_committed",
                       "single_leader", "committed_stable", "vm_one_host",
                       "capacity_converges", "deleted_not_running",
                       "protected_instances", "disruption_share", "vm_known",
                       "autoscale_bounds", "autoscale_cooldown",
                       "tm_no_disabled_route"}));
  analysis::checker_registry r;
  r.add<analysis::crash_silence_checker>();
  EXPECT_THROW(r.add<analysis::crash_silence_checker>(), std::logic_error);
}

TEST(canonical_order, passes_on_sorted_shards) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(4, 2),
              {{0, key(1, 0), "a", {}},
               {1, key(1, 1), "a", {}},
               {0, key(2, 2), "a", {}},
               {1, key(2, 3), "a", {}}},
              2);
  auto r = run_one<analysis::canonical_order_checker>(dir);
  EXPECT_TRUE(r.ok()) << r.violations.kept().at(0).to_string();
  EXPECT_EQ(r.records, 4u);
}

TEST(canonical_order, fails_on_unsorted_and_duplicate_keys) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(2, 1),
              {{0, key(5, 0), "a", {}},
               {0, key(3, 1), "a", {}},   // goes backwards
               {0, key(3, 1), "a", {}}}); // duplicate
  auto r = run_one<analysis::canonical_order_checker>(dir);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.violations.total(), 3u);
  EXPECT_TRUE(any_violation_contains(r, "merged stream goes backwards"));
  EXPECT_TRUE(any_violation_contains(r, "not strictly increasing"));
  EXPECT_TRUE(any_violation_contains(r, "t_ns=3 entity=r/h1"));
}

TEST(canonical_order, fails_on_record_count_mismatch) {
  auto dir = scratch_dir();
  auto m = write_trace(dir, make_entities(2, 2),
                       {{0, key(1, 0), "a", {}}, {1, key(1, 1), "a", {}}}, 2);
  m.shards[1].records = 5;
  trace::write_manifest(dir, m);
  auto r = run_one<analysis::canonical_order_checker>(dir);
  ASSERT_EQ(r.violations.total(), 1u);
  EXPECT_TRUE(any_violation_contains(r, "holds 1 records"));
  EXPECT_TRUE(any_violation_contains(r, "says 5"));
}

TEST(crash_silence, passes_when_down_entity_only_drops) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(2),
              {{0, key(1, 0), "vm_state", {}},
               {0, key(2, 0), "entity_crashed", {}},
               {0, key(2, 1), "heartbeat", {}}, // other entity, fine
               {0, key(3, 0), "dropped_while_down", {}},
               {0, key(4, 0), "entity_restarted", {}},
               {0, key(5, 0), "vm_state", {}},
               {0, key(6, 0), "entity_crashed", {}}});
  auto r = run_one<analysis::crash_silence_checker>(dir);
  EXPECT_TRUE(r.ok()) << r.violations.kept().at(0).to_string();
}

TEST(crash_silence, fails_on_activity_while_down_and_double_crash) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(2),
              {{0, key(2, 1), "entity_crashed", {}},
               {0, key(3, 1), "vm_state", {}},
               {0, key(4, 1), "entity_crashed", {}},
               {0, key(5, 1), "entity_restarted", {}},
               {0, key(6, 1), "vm_state", {}}});
  auto r = run_one<analysis::crash_silence_checker>(dir);
  ASSERT_EQ(r.violations.total(), 2u);
  EXPECT_EQ(r.violations.kept()[0].to_string(),
            "t_ns=3 entity=r/h1: record 'vm_state' from a crashed entity "
            "(crashed at t_ns=2)");
  EXPECT_EQ(r.violations.kept()[1].to_string(),
            "t_ns=4 entity=r/h1: entity_crashed while already down (crashed "
            "at t_ns=2)");
}

TEST(violation_list, keeps_first_n_counts_all) {
  analysis::violation_list list(2);
  for (int i = 0; i < 5; ++i)
    list.add(analysis::violation{i, "e", "x"});
  EXPECT_EQ(list.total(), 5u);
  EXPECT_EQ(list.kept().size(), 2u);
}

} // namespace
} // namespace vmss::trace_test
