#include "actors/physical/health_extension.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace vmss;
using namespace vmss::physical;

compute::extension_health settings(bool rich, bool tcp, uint32_t probes,
                                   sim_time grace) {
  compute::extension_health s;
  s.rich = rich;
  s.tcp = tcp;
  s.interval = seconds(5);
  s.probes = probes;
  s.grace = grace;
  return s;
}

/// Feeds `answers` one interval apart from t = 0; returns the committed
/// state after each.
std::vector<app_health> run(health_extension& ext,
                            const std::vector<app_answer>& answers) {
  ext.start(0);
  std::vector<app_health> seen;
  sim_time t = 0;
  for (auto a : answers) {
    ext.on_probe(a, t);
    seen.push_back(ext.state());
    t += ext.interval();
  }
  return seen;
}

const auto H = app_health::healthy;
const auto U = app_health::unhealthy;
const auto I = app_health::initializing;
const auto K = app_health::unknown;
const auto ok = app_answer::healthy;
const auto bad = app_answer::unhealthy;
const auto silent = app_answer::none;

TEST(health_extension,
     binary_commits_the_first_probe_then_needs_probes_in_a_row) {
  health_extension ext(settings(false, false, 3, 0));
  EXPECT_EQ(ext.state(), app_health::none);
  EXPECT_EQ(run(ext, {ok, bad, bad, bad, ok, ok, ok}),
            (std::vector<app_health>{H, H, H, U, U, U, H}));
}

TEST(health_extension, binary_has_neither_unknown_nor_initializing) {
  health_extension ext(settings(false, false, 1, seconds(600)));
  EXPECT_EQ(run(ext, {silent, ok, silent, bad}),
            (std::vector<app_health>{U, H, U, U}));
}

TEST(health_extension, rich_is_initializing_until_probes_in_a_row) {
  health_extension ext(settings(true, false, 2, seconds(600)));
  EXPECT_EQ(run(ext, {ok, bad, ok, ok, bad, bad}),
            (std::vector<app_health>{I, I, I, H, H, U}));
}

TEST(health_extension, rich_settles_on_unhealthy_within_the_grace_period) {
  health_extension ext(settings(true, false, 2, seconds(600)));
  EXPECT_EQ(run(ext, {bad, bad}), (std::vector<app_health>{I, U}));
}

TEST(health_extension, rich_http_without_answers_is_unknown_when_grace_ends) {
  // Grace 12 s: probes at 0, 5, 10 s are within it, 15 s is not.
  health_extension ext(settings(true, false, 2, seconds(12)));
  EXPECT_EQ(run(ext, {silent, silent, silent, silent, ok, ok}),
            (std::vector<app_health>{I, I, I, K, K, H}));
}

TEST(health_extension, unknown_needs_probes_in_a_row_like_any_state) {
  health_extension ext(settings(true, false, 2, seconds(6)));
  EXPECT_EQ(run(ext, {ok, ok, silent, ok, silent, silent}),
            (std::vector<app_health>{I, H, H, H, H, K}));
}

TEST(health_extension, rich_tcp_has_no_unknown_state) {
  health_extension ext(settings(true, true, 1, seconds(5)));
  EXPECT_EQ(run(ext, {silent, silent, ok, silent}),
            (std::vector<app_health>{I, U, H, U}));
}

TEST(health_extension, the_grace_period_is_over_at_the_probe_that_reaches_it) {
  // Grace 10 s = interval x probes (the default): the third probe, at
  // 10 s, is past it, as in the extension's loop (elapsed >= gracePeriod):
  // Unknown, then three Healthy in a row.
  health_extension ext(settings(true, false, 3, seconds(10)));
  EXPECT_EQ(run(ext, {ok, ok, ok, ok, ok, ok}),
            (std::vector<app_health>{I, I, K, K, K, H}));
}

TEST(health_extension, the_default_grace_lets_a_healthy_first_probe_through) {
  // numberOfProbes 1, gracePeriod = intervalInSeconds * numberOfProbes.
  health_extension ext(settings(true, false, 1, seconds(5)));
  EXPECT_EQ(run(ext, {ok}), (std::vector<app_health>{H}));
}

TEST(health_extension, on_probe_says_when_the_committed_state_changed) {
  health_extension ext(settings(true, false, 1, seconds(5)));
  ext.start(0);
  EXPECT_TRUE(ext.on_probe(ok, 0));
  EXPECT_FALSE(ext.on_probe(ok, seconds(5)));
  EXPECT_TRUE(ext.on_probe(silent, seconds(10)));
  EXPECT_EQ(ext.state(), K);
}

TEST(health_extension, a_restart_begins_again_with_initializing) {
  health_extension ext(settings(true, false, 1, seconds(5)));
  run(ext, {ok, ok});
  ext.stop();
  EXPECT_FALSE(ext.running());
  EXPECT_EQ(ext.state(), app_health::none);
  ext.start(seconds(100));
  EXPECT_TRUE(ext.running());
  ext.on_probe(silent, seconds(100)); // within the new grace period
  EXPECT_EQ(ext.state(), I);
}

} // namespace
