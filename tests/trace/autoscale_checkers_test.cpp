/// The autoscale checkers (actors/compute/autoscale_checkers.hpp) on small
/// hand-made traces: for each a trace that holds and one that breaks the
/// invariant.
#include "actors/compute/autoscale_checkers.hpp"
#include "compute_trace.hpp"
#include "messages/compute_events.hpp"

#include <gtest/gtest.h>

namespace vmss::trace_test {

namespace {

using namespace compute;

constexpr uint32_t autoscale_entity = 2; // any entity: checkers read fields

struct evaluation {
  std::string decision = "scale_out";
  int64_t capacity = 2;
  int64_t new_capacity = 3;
  int64_t minimum = 2;
  int64_t maximum = 5;
  int64_t cooldown_s = 300;
  std::string setting = "web-autoscale";
};

compute_trace& evaluated(compute_trace& t, int64_t t_ns, const evaluation& e) {
  return t.add(t_ns, autoscale_entity, events::autoscale_evaluated,
               {e.setting, std::string("web"), std::string("business-hours"),
                e.decision, e.capacity, e.new_capacity, e.minimum, e.maximum,
                std::string("rules[0]"), e.cooldown_s,
                std::string("rules[0] Percentage CPU=78.25")});
}

compute_trace& changed(compute_trace& t, int64_t t_ns, int64_t from, int64_t to,
                       const std::string& reason) {
  return t.add(t_ns, 0, events::capacity_changed,
               {std::string("web"), from, to, reason});
}

std::string first_violation(const analysis::check_result& r) {
  return r.violations.kept().empty() ? "" : r.violations.kept()[0].what;
}

TEST(autoscale_bounds, a_change_within_the_profile_passes) {
  compute_trace t;
  evaluated(t, s(60), {});
  changed(t, s(60) + 3'000'000, 2, 3, "autoscale:rules[0]");
  changed(t, s(100), 3, 9, "request"); // a user may go beyond the profile
  evaluated(t, s(400), {"scale_out", 3, 5});
  changed(t, s(400), 3, 5, "autoscale:rules[0]");
  EXPECT_TRUE(run_checker<autoscale_bounds_checker>(t).ok());
}

TEST(autoscale_bounds, a_change_beyond_the_maximum_fails) {
  compute_trace t;
  evaluated(t, s(60), {"scale_out", 5, 6});
  changed(t, s(60), 5, 6, "autoscale:rules[0]");
  auto r = run_checker<autoscale_bounds_checker>(t);
  ASSERT_EQ(r.violations.total(), 1u);
  EXPECT_EQ(first_violation(r),
            "scale set web: capacity 6 by autoscale:rules[0] outside [2, 5] "
            "of profile 'business-hours' of setting web-autoscale");
  EXPECT_EQ(r.violations.kept()[0].entity, "r/web/orchestrator");
}

TEST(autoscale_bounds, a_change_below_the_minimum_or_unexplained_fails) {
  compute_trace t;
  changed(t, s(10), 3, 2, "autoscale:rules[1]");
  evaluated(t, s(60), {"scale_in", 2, 1});
  changed(t, s(60), 2, 1, "autoscale:rules[1]");
  auto r = run_checker<autoscale_bounds_checker>(t);
  ASSERT_EQ(r.violations.total(), 2u);
  EXPECT_EQ(first_violation(r),
            "scale set web: capacity 2 by autoscale:rules[1] without an "
            "autoscale_evaluated record at or before it");
  EXPECT_NE(r.violations.kept()[1].what.find("outside [2, 5]"),
            std::string::npos);
}

TEST(autoscale_cooldown, actions_a_cooldown_apart_pass) {
  compute_trace t;
  evaluated(t, s(60), {});
  evaluated(t, s(120), {"cooldown", 3, 3, 2, 5, 0}); // not an action
  evaluated(t, s(360), {"scale_out", 3, 4});
  evaluated(t, s(400), {"scale_in", 3, 2, 2, 5, 300, "other-setting"});
  evaluated(t, s(660), {"scale_in", 4, 3, 2, 5, 600});
  EXPECT_TRUE(run_checker<autoscale_cooldown_checker>(t).ok());
}

TEST(autoscale_cooldown, an_action_inside_the_cooldown_fails) {
  compute_trace t;
  evaluated(t, s(60), {});
  evaluated(t, s(359), {"scale_in", 3, 2});
  evaluated(t, s(500), {"flapping_reduced", 2, 1}); // 141 s < 300 s
  auto r = run_checker<autoscale_cooldown_checker>(t);
  ASSERT_EQ(r.violations.total(), 2u);
  EXPECT_EQ(first_violation(r), "setting web-autoscale: scale_in 299s after "
                                "scale_out, inside its cooldown of 300s");
  EXPECT_NE(r.violations.kept()[1].what.find("flapping_reduced 141s"),
            std::string::npos);
}

} // namespace

} // namespace vmss::trace_test
