// The autoscale engine's core (actors/compute/autoscale_core.hpp): profile
// choice (fixedDate, weekly recurrences in W. Europe Standard Time across
// both daylight-saving changes of 2024, the default), each scale type, the
// any/all rule combination, the one cooldown, the default capacity when a
// metric is missing, the clamp, flapping (reduce and skip), the forecast
// and notifications. Settings are written here in Azure's shape.

#include "actors/compute/autoscale_core.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::compute;
using json = nlohmann::ordered_json;

const char* const set_id =
    "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/"
    "shop-rg/providers/Microsoft.Compute/virtualMachineScaleSets/web";

json rule(const char* op, double threshold, const char* direction,
          const char* type, int value, const char* cooldown = "PT5M",
          const char* metric = "Percentage CPU") {
  json r;
  r["metricTrigger"] = {{"metricName", metric}, {"metricResourceUri", set_id},
                        {"timeGrain", "PT1M"},  {"statistic", "Average"},
                        {"timeWindow", "PT5M"}, {"timeAggregation", "Average"},
                        {"operator", op},       {"threshold", threshold}};
  r["scaleAction"] = {{"direction", direction},
                      {"type", type},
                      {"value", std::to_string(value)},
                      {"cooldown", cooldown}};
  return r;
}

json profile(const char* name, int min, int max, int def, json rules) {
  return {{"name", name},
          {"capacity",
           {{"minimum", std::to_string(min)},
            {"maximum", std::to_string(max)},
            {"default", std::to_string(def)}}},
          {"rules", std::move(rules)}};
}

json weekly(json p, std::vector<std::string> days, int hour, int minute) {
  p["recurrence"] = {{"frequency", "Week"},
                     {"schedule",
                      {{"timeZone", "W. Europe Standard Time"},
                       {"days", days},
                       {"hours", {hour}},
                       {"minutes", {minute}}}}};
  return p;
}

json body(json profiles) {
  return {{"name", "web-autoscale"},
          {"location", "westeurope"},
          {"properties",
           {{"enabled", true},
            {"targetResourceUri", set_id},
            {"profiles", std::move(profiles)},
            {"notifications",
             json::array(
                 {{{"operation", "Scale"},
                   {"email",
                    {{"sendToSubscriptionAdministrator", true},
                     {"customEmails", {"ops@example.com"}}}},
                   {"webhooks",
                    json::array({{{"serviceUri",
                                   "https://hooks.example.com/a"}}})}}})}}}};
}

autoscale_params params_of(const json& b,
                           int64_t start = input::default_start_utc_seconds) {
  input::read_report report;
  autoscale_params p;
  p.setting = input::azure::read_autoscale_setting(b, "setting",
                                                   "web-autoscale", report);
  EXPECT_TRUE(report.errors.empty())
      << report.errors.front().path << ": " << report.errors.front().reason;
  p.start_utc_seconds = start;
  return p;
}

/// Out above 70 (+2), in below 25 (-1): the spec's rules.
json default_rules() {
  return json::array(
      {rule("GreaterThan", 70, "Increase", "ChangeCount", 2),
       rule("LessThan", 25, "Decrease", "ChangeCount", 1, "PT10M")});
}

std::vector<rule_reading> cpu(double v, size_t n = 2) {
  return std::vector<rule_reading>(n, rule_reading{true, v});
}

TEST(autoscale_core, scale_out_names_the_rule_and_starts_its_cooldown) {
  auto p = params_of(
      body(json::array({profile("base", 2, 10, 3, default_rules())})));
  autoscale_core core(p);
  EXPECT_EQ(core.scale_set(), "web");
  EXPECT_EQ(core.metrics(0).size(), 2u);
  EXPECT_EQ(core.metrics(0)[0].metric, "Percentage CPU");
  auto e = core.evaluate(seconds(60), 0, 3, cpu(80));
  EXPECT_EQ(to_string(e.decision), std::string("scale_out"));
  EXPECT_EQ(e.new_capacity, 5);
  EXPECT_EQ(e.rule, "rules[0]");
  EXPECT_EQ(e.cooldown, seconds(300));
  EXPECT_EQ(e.reason, "autoscale:web-autoscale/base/rules[0]");
  EXPECT_EQ(e.metrics,
            "rules[0] Percentage CPU=80.00;rules[1] Percentage CPU=80.00");
  ASSERT_TRUE(e.notice);
  EXPECT_EQ(e.notice->operation, "Scale Out");
  EXPECT_EQ(e.notice->emails, "ops@example.com,subscription administrators");
  EXPECT_EQ(e.notice->webhooks, "https://hooks.example.com/a");
  // Inside the five minutes: cooldown, in either direction.
  e = core.evaluate(seconds(300), 0, 5, cpu(90));
  EXPECT_EQ(e.decision, autoscale_decision::cooldown);
  EXPECT_EQ(e.new_capacity, 5);
  e = core.evaluate(seconds(300), 0, 5, cpu(10));
  EXPECT_EQ(e.decision, autoscale_decision::cooldown);
  e = core.evaluate(seconds(360), 0, 5, cpu(90));
  EXPECT_EQ(e.decision, autoscale_decision::scale_out);
  EXPECT_EQ(e.new_capacity, 7);
}

TEST(autoscale_core, the_last_actions_cooldown_applies_to_both_directions) {
  auto p = params_of(
      body(json::array({profile("base", 1, 10, 1, default_rules())})));
  autoscale_core core(p);
  auto e = core.evaluate(seconds(0), 0, 4, cpu(10));
  EXPECT_EQ(e.decision, autoscale_decision::scale_in);
  EXPECT_EQ(e.cooldown, seconds(600));
  ASSERT_TRUE(e.notice);
  EXPECT_EQ(e.notice->operation, "Scale In");
  // The scale-in's 10 minutes block a scale-out at 6 minutes.
  EXPECT_EQ(core.evaluate(seconds(360), 0, 3, cpu(90)).decision,
            autoscale_decision::cooldown);
  EXPECT_EQ(core.evaluate(seconds(600), 0, 3, cpu(90)).decision,
            autoscale_decision::scale_out);
}

TEST(autoscale_core, scale_types_change_percent_and_exact_counts) {
  auto rules = json::array(
      {rule("GreaterThan", 70, "Increase", "PercentChangeCount", 50),
       rule("GreaterThan", 70, "Increase", "ExactCount", 4, "PT5M",
            "Network In Total")});
  auto p = params_of(body(json::array({profile("base", 1, 20, 1, rules)})));
  {
    autoscale_core core(p);
    // 50% of 5 is 2.5, rounded up: 8; ExactCount 4 is lower: 8 wins.
    auto e = core.evaluate(0, 0, 5, cpu(80));
    EXPECT_EQ(e.new_capacity, 8);
    EXPECT_EQ(e.rule, "rules[0]");
  }
  {
    autoscale_core core(p);
    // At 2: 50% is one instance (3); ExactCount 4 is higher and wins.
    auto e = core.evaluate(0, 0, 2, cpu(80));
    EXPECT_EQ(e.new_capacity, 4);
    EXPECT_EQ(e.rule, "rules[1]");
  }
  auto in =
      json::array({rule("LessThan", 25, "Decrease", "PercentChangeCount", 10)});
  auto q = params_of(body(json::array({profile("base", 1, 20, 1, in)})));
  autoscale_core core(q);
  // 10% of 12 is 1.2, rounded up: 2 fewer.
  EXPECT_EQ(core.evaluate(0, 0, 12, cpu(10, 1)).new_capacity, 10);
}

TEST(autoscale_core, scale_out_if_any_fires_scale_in_only_if_all_do) {
  auto rules =
      json::array({rule("GreaterThan", 70, "Increase", "ChangeCount", 1),
                   rule("GreaterThanOrEqual", 1000, "Increase", "ChangeCount",
                        3, "PT5M", "Network In Total"),
                   rule("LessThan", 25, "Decrease", "ChangeCount", 2),
                   rule("LessThanOrEqual", 100, "Decrease", "ChangeCount", 1,
                        "PT5M", "Network In Total")});
  auto p = params_of(body(json::array({profile("base", 1, 20, 1, rules)})));
  auto read = [](double c, double n) {
    return std::vector<rule_reading>{
        {true, c}, {true, n}, {true, c}, {true, n}};
  };
  {
    autoscale_core core(p);
    auto e = core.evaluate(0, 0, 5, read(50, 2000)); // the network rule alone
    EXPECT_EQ(e.decision, autoscale_decision::scale_out);
    EXPECT_EQ(e.new_capacity, 8);
    EXPECT_EQ(e.rule, "rules[1]");
  }
  {
    autoscale_core core(p);
    // CPU low but network not: no scale-in.
    EXPECT_EQ(core.evaluate(0, 0, 5, read(10, 500)).decision,
              autoscale_decision::none);
    // Both low: the smaller decrease (1, rules[3]).
    auto e = core.evaluate(0, 0, 5, read(10, 50));
    EXPECT_EQ(e.decision, autoscale_decision::scale_in);
    EXPECT_EQ(e.new_capacity, 4);
    EXPECT_EQ(e.rule, "rules[3]");
  }
}

TEST(autoscale_core, operators_compare_as_azure_names_them) {
  struct c {
    const char* op;
    double value;
    bool fires;
  } cases[] = {{"Equals", 50, true},       {"Equals", 51, false},
               {"NotEquals", 51, true},    {"NotEquals", 50, false},
               {"GreaterThan", 50, false}, {"GreaterThanOrEqual", 50, true},
               {"LessThan", 50, false},    {"LessThanOrEqual", 50, true},
               {"LessThan", 49.5, true},   {"GreaterThan", 50.5, true}};
  for (const auto& x : cases) {
    auto p = params_of(body(json::array({profile(
        "base", 1, 10, 1,
        json::array({rule(x.op, 50, "Increase", "ChangeCount", 1)}))})));
    autoscale_core core(p);
    auto e = core.evaluate(0, 0, 2, cpu(x.value, 1));
    EXPECT_EQ(e.decision == autoscale_decision::scale_out, x.fires)
        << x.op << " " << x.value;
  }
}

TEST(autoscale_core, missing_metrics_give_the_default_only_when_lower) {
  auto p = params_of(
      body(json::array({profile("base", 2, 10, 4, default_rules())})));
  autoscale_core core(p);
  std::vector<rule_reading> none(2);
  auto e = core.evaluate(0, 0, 3, none);
  EXPECT_EQ(to_string(e.decision), std::string("default"));
  EXPECT_EQ(e.new_capacity, 4);
  EXPECT_EQ(e.reason, "autoscale:web-autoscale/base/default");
  EXPECT_EQ(e.metrics,
            "rules[0] Percentage CPU=missing;rules[1] Percentage CPU=missing");
  e = core.evaluate(0, 0, 6, none);
  EXPECT_EQ(e.decision, autoscale_decision::none);
  EXPECT_EQ(e.new_capacity, 6);
  // A missing scale-in reading blocks the scale-in (all must fire).
  e = core.evaluate(0, 0, 6, {{true, 10}, {false, 0}});
  EXPECT_EQ(e.decision, autoscale_decision::none);
}

TEST(autoscale_core, capacity_is_clamped_to_the_profile_bounds) {
  auto p = params_of(
      body(json::array({profile("base", 2, 10, 3, default_rules())})));
  autoscale_core core(p);
  auto e = core.evaluate(0, 0, 12, cpu(50));
  EXPECT_EQ(e.decision, autoscale_decision::clamp);
  EXPECT_EQ(e.new_capacity, 10);
  EXPECT_EQ(e.reason, "autoscale:web-autoscale/base/clamp");
  EXPECT_EQ(core.evaluate(0, 0, 1, cpu(50)).new_capacity, 2);
  // Scale-out stops at the maximum; at it, nothing to do.
  EXPECT_EQ(core.evaluate(0, 0, 9, cpu(90)).new_capacity, 10);
  EXPECT_EQ(core.evaluate(seconds(600), 0, 10, cpu(90)).decision,
            autoscale_decision::none);
}

TEST(autoscale_core, disabled_setting_and_missing_set) {
  auto b = body(json::array({profile("base", 2, 10, 3, default_rules())}));
  {
    auto p = params_of(b);
    autoscale_core core(p);
    EXPECT_EQ(core.evaluate(0, 0, -1, cpu(90)).decision,
              autoscale_decision::no_target);
  }
  b["properties"]["enabled"] = false;
  auto p = params_of(b);
  autoscale_core core(p);
  auto e = core.evaluate(0, 0, 3, cpu(90));
  EXPECT_EQ(e.decision, autoscale_decision::disabled);
  EXPECT_FALSE(e.acts());
}

TEST(autoscale_core, flapping_skips_a_scale_in_that_would_scale_out) {
  // Azure's example: out above 50, in below 30, at 2 instances and 28%:
  // one instance would read 56% and scale out again.
  auto rules =
      json::array({rule("GreaterThan", 50, "Increase", "ChangeCount", 1),
                   rule("LessThan", 30, "Decrease", "ChangeCount", 1)});
  auto p = params_of(body(json::array({profile("base", 1, 10, 1, rules)})));
  autoscale_core core(p);
  auto e = core.evaluate(0, 0, 2, cpu(28));
  EXPECT_EQ(e.decision, autoscale_decision::flapping_skipped);
  EXPECT_EQ(e.new_capacity, 2);
  EXPECT_EQ(e.rule, "rules[1]");
  EXPECT_FALSE(e.acts());
  // At 20%, one instance reads 40%: the scale-in goes ahead.
  EXPECT_EQ(core.evaluate(seconds(60), 0, 2, cpu(20)).decision,
            autoscale_decision::scale_in);
}

TEST(autoscale_core, flapping_reduces_a_scale_in_to_a_count_that_holds) {
  // Azure's example: 30 instances, in by 10 when requests per instance
  // <= 50, out when CPU > 70 at 65%: 20 would read 97.5%; 27 reads 72.2%,
  // 28 reads 69.6%: the engine scales in to 28.
  auto rules =
      json::array({rule("GreaterThan", 70, "Increase", "ChangeCount", 20),
                   rule("LessThanOrEqual", 50, "Decrease", "ChangeCount", 10,
                        "PT5M", "Requests")});
  auto p = params_of(body(json::array({profile("base", 1, 100, 1, rules)})));
  autoscale_core core(p);
  auto e = core.evaluate(0, 0, 30, {{true, 65}, {true, 50}});
  EXPECT_EQ(to_string(e.decision), std::string("flapping_reduced"));
  EXPECT_EQ(e.new_capacity, 28);
  EXPECT_EQ(e.rule, "rules[1]");
  EXPECT_EQ(e.reason, "autoscale:web-autoscale/base/rules[1]");
}

TEST(autoscale_core, fixed_date_beats_recurrence_beats_default) {
  auto fixed = profile("sale", 5, 20, 10, default_rules());
  fixed["fixedDate"] = {{"timeZone", "W. Europe Standard Time"},
                        {"start", "2024-01-03T09:00:00"},
                        {"end", "2024-01-03T17:00:00"}};
  auto b = body(json::array(
      {profile("base", 1, 5, 2, default_rules()),
       weekly(profile("weekend", 1, 3, 1, default_rules()),
              {"Saturday", "Sunday"}, 0, 0),
       weekly(profile("weekday", 2, 8, 3, default_rules()),
              {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, 0, 0),
       fixed}));
  auto p = params_of(b); // start: Monday 2024-01-01T00:00Z (01:00 CET)
  autoscale_core core(p);
  auto at = [](int64_t h) { return seconds(h * 3600); };
  EXPECT_EQ(core.profile_at(at(0)), 2);  // Monday 01:00 CET: weekday
  EXPECT_EQ(core.profile_at(at(56)), 3); // Wednesday 09:00 CET (08:00Z)
  EXPECT_EQ(core.profile_at(at(55)), 2); // Wednesday 08:00 CET
  EXPECT_EQ(core.profile_at(at(64)), 3); // Wednesday 17:00 CET: end held
  EXPECT_EQ(core.profile_at(at(65)), 2);
  EXPECT_EQ(core.profile_at(at(4 * 24 + 23)), 1); // Saturday 00:00 CET
  EXPECT_EQ(core.profile_at(at(4 * 24 + 22)), 2); // Friday 23:00 CET
  // Only the default profile: always it.
  auto only =
      params_of(body(json::array({profile("base", 1, 5, 2, default_rules())})));
  autoscale_core base(only);
  EXPECT_EQ(base.profile_at(at(100)), 0);
}

TEST(autoscale_core, recurrences_follow_daylight_saving_time) {
  // Business hours from 08:00, after hours from 18:00, Monday to Friday,
  // W. Europe Standard Time; weekend from Saturday 00:00. Start: Monday
  // 2024-03-25T00:00Z; CEST (UTC+2) from Sunday 2024-03-31 02:00 CET.
  const std::vector<std::string> weekdays{"Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday"};
  auto b = body(json::array(
      {weekly(profile("business", 5, 20, 10, default_rules()), weekdays, 8, 0),
       weekly(profile("after", 2, 5, 2, default_rules()), weekdays, 18, 0),
       weekly(profile("weekend", 1, 3, 1, default_rules()), {"Saturday"}, 0,
              0)}));
  int64_t start = 0;
  ASSERT_TRUE(input::parse_utc("2024-03-25T00:00:00Z", start, nullptr));
  auto p = params_of(b, start);
  autoscale_core core(p);
  auto at = [](int64_t day, int64_t h, int64_t m = 0) {
    return seconds(day * 86400 + h * 3600 + m * 60);
  };
  // Monday 25 March, CET: 08:00 local is 07:00Z.
  EXPECT_EQ(core.profile_at(at(0, 6, 59)), 2); // still the weekend's
  EXPECT_EQ(core.profile_at(at(0, 7)), 0);
  EXPECT_EQ(core.profile_at(at(0, 16, 59)), 0);
  EXPECT_EQ(core.profile_at(at(0, 17)), 1);
  // Saturday 30 March 00:00 CET is Friday 23:00Z.
  EXPECT_EQ(core.profile_at(at(4, 22, 59)), 1);
  EXPECT_EQ(core.profile_at(at(4, 23)), 2);
  // Monday 1 April, CEST: 08:00 local is 06:00Z.
  EXPECT_EQ(core.profile_at(at(7, 5, 59)), 2);
  EXPECT_EQ(core.profile_at(at(7, 6)), 0);
  EXPECT_EQ(core.profile_at(at(7, 16)), 1);
}

TEST(autoscale_core, a_start_in_the_spring_gap_moves_forward_by_the_gap) {
  // 02:30 on Sunday 2024-03-31 does not exist in Amsterdam/Berlin: the
  // start moves forward by the gap, to 03:30 CEST (01:30Z); a week later
  // it is 02:30 CEST.
  auto b = body(json::array(
      {weekly(profile("week", 2, 8, 3, default_rules()), {"Monday"}, 0, 0),
       weekly(profile("night", 1, 3, 1, default_rules()), {"Sunday"}, 2, 30)}));
  int64_t start = 0;
  ASSERT_TRUE(input::parse_utc("2024-03-31T00:00:00Z", start, nullptr));
  auto p = params_of(b, start);
  autoscale_core core(p);
  auto at = [](int64_t day, int64_t h, int64_t m = 0) {
    return seconds(day * 86400 + h * 3600 + m * 60);
  };
  EXPECT_EQ(core.profile_at(at(0, 1, 29)), 0);
  EXPECT_EQ(core.profile_at(at(0, 1, 30)), 1);
  EXPECT_EQ(core.profile_at(at(7, 0, 29)), 0); // 7 April 02:29 CEST
  EXPECT_EQ(core.profile_at(at(7, 0, 30)), 1);
}

TEST(autoscale_core, recurrences_follow_the_end_of_daylight_saving_time) {
  // Sunday 2024-10-27 03:00 CEST becomes 02:00 CET; a profile at 02:30 on
  // Sundays starts at the first 02:30 (CEST, 00:30Z); Monday 08:00 is
  // 07:00Z again.
  auto b = body(json::array(
      {weekly(profile("business", 5, 20, 10, default_rules()), {"Monday"}, 8,
              0),
       weekly(profile("night", 1, 3, 1, default_rules()), {"Sunday"}, 2, 30)}));
  int64_t start = 0;
  ASSERT_TRUE(input::parse_utc("2024-10-26T00:00:00Z", start, nullptr));
  auto p = params_of(b, start);
  autoscale_core core(p);
  auto at = [](int64_t day, int64_t h, int64_t m = 0) {
    return seconds(day * 86400 + h * 3600 + m * 60);
  };
  EXPECT_EQ(core.profile_at(at(1, 0, 29)), 0); // Sunday 02:29 CEST
  EXPECT_EQ(core.profile_at(at(1, 0, 30)), 1); // Sunday 02:30 CEST
  EXPECT_EQ(core.profile_at(at(2, 6, 59)), 1); // Monday 07:59 CET
  EXPECT_EQ(core.profile_at(at(2, 7)), 0);     // Monday 08:00 CET
}

TEST(autoscale_core, forecast_only_after_a_week_of_history) {
  auto b = body(json::array({profile("base", 1, 20, 1, default_rules())}));
  b["properties"]["predictiveAutoscalePolicy"] = {
      {"scaleMode", "ForecastOnly"}, {"scaleLookAheadTime", "PT10M"}};
  auto p = params_of(b);
  autoscale_core core(p);
  const sim_time minute = seconds(60);
  const sim_time week = seconds(7 * 86400);
  // A week of 50% on 4 instances (total 200), with 90% at minute 30.
  for (sim_time t = 0; t < week; t += minute) {
    auto e = core.evaluate(t, 0, 4, cpu(t == 30 * minute ? 90 : 50));
    EXPECT_FALSE(e.forecast) << t;
  }
  // At one week + 20 min, the forecast for +30 min is last week's minute 30.
  auto e = core.evaluate(week, 0, 4, cpu(50));
  ASSERT_TRUE(e.forecast);
  EXPECT_EQ(e.forecast->mode, "ForecastOnly");
  EXPECT_EQ(e.forecast->for_time, week + 10 * minute);
  EXPECT_DOUBLE_EQ(e.forecast->value, 200);
  e = core.evaluate(week + 20 * minute, 0, 4, cpu(50));
  ASSERT_TRUE(e.forecast);
  EXPECT_DOUBLE_EQ(e.forecast->value, 360);
  // ForecastOnly never scales on it.
  EXPECT_EQ(e.decision, autoscale_decision::none);
}

TEST(autoscale_core, predictive_enabled_scales_out_ahead_of_the_load) {
  auto b = body(json::array({profile("base", 1, 20, 1, default_rules())}));
  b["properties"]["predictiveAutoscalePolicy"] = {
      {"scaleMode", "Enabled"}, {"scaleLookAheadTime", "PT10M"}};
  auto p = params_of(b);
  autoscale_core core(p);
  const sim_time minute = seconds(60);
  const sim_time week = seconds(7 * 86400);
  for (sim_time t = 0; t < week; t += minute)
    core.evaluate(t, 0, 4, cpu(t == 30 * minute ? 90 : 50));
  // Last week's 90% at minute 30 reads 90% per instance on 4: out by 2.
  auto e = core.evaluate(week + 20 * minute, 0, 4, cpu(50));
  EXPECT_EQ(e.decision, autoscale_decision::scale_out);
  EXPECT_EQ(e.new_capacity, 6);
  EXPECT_EQ(e.reason, "autoscale:web-autoscale/base/rules[0]/predictive");
}

} // namespace
