// An autoscale setting's REST body (input/azure/autoscale.hpp): each rule of
// docs/azure-input.md with an input that passes and one that fails, the
// fields listed as not modelled, unknown fields, Azure's leniency and the
// defaults. The inputs are written here in Azure's shape.

#include "input/azure/autoscale.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss::input;
using namespace vmss::input::azure;
using json = nlohmann::ordered_json;
using lines = std::vector<std::string>;
namespace ins = vmss::azure::insights;

const char* const scale_set_id =
    "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/"
    "shop-rg/providers/Microsoft.Compute/virtualMachineScaleSets/web";

json scale_out_rule() {
  return json::parse(R"({
    "metricTrigger": {
      "metricName": "Percentage CPU",
      "metricNamespace": "microsoft.compute/virtualmachinescalesets",
      "metricResourceUri": ")" +
                     std::string(scale_set_id) + R"(",
      "timeGrain": "PT1M", "statistic": "Average", "timeWindow": "PT10M",
      "timeAggregation": "Average", "operator": "GreaterThan",
      "threshold": 70, "dividePerInstance": false,
      "dimensions": [{"DimensionName": "VMName", "Operator": "NotEquals",
                      "Values": ["web_3"]}]
    },
    "scaleAction": {"direction": "Increase", "type": "ChangeCount",
                    "value": "2", "cooldown": "PT5M"}
  })");
}

json scale_in_rule() {
  auto rule = scale_out_rule();
  rule["metricTrigger"]["operator"] = "LessThan";
  rule["metricTrigger"]["threshold"] = 25.5;
  rule["metricTrigger"].erase("dimensions");
  rule["scaleAction"] = json::parse(R"({"direction": "Decrease",
      "type": "PercentChangeCount", "value": "10", "cooldown": "PT15M"})");
  return rule;
}

/// A setting with a default, a recurring and a fixed-date profile.
json valid_body() {
  auto body = json::parse(R"({
    "name": "web-autoscale",
    "type": "Microsoft.Insights/autoscaleSettings",
    "location": "westeurope",
    "tags": {"team": "shop"},
    "properties": {
      "name": "web-autoscale",
      "enabled": true,
      "profiles": [
        {"name": "default", "capacity": {"minimum": "2", "maximum": "10",
                                         "default": "3"}, "rules": []},
        {"name": "weekend", "capacity": {"minimum": "1", "maximum": "4",
                                         "default": "1"}, "rules": [],
         "recurrence": {"frequency": "Week", "schedule": {
           "timeZone": "W. Europe Standard Time", "days": ["Saturday",
           "Sunday"], "hours": [6], "minutes": [30]}}},
        {"name": "sale", "capacity": {"minimum": "8", "maximum": "20",
                                      "default": "8"}, "rules": [],
         "fixedDate": {"timeZone": "Pacific Standard Time",
                       "start": "2025-11-28T00:00:00",
                       "end": "2025-11-29T23:59:00"}}
      ],
      "notifications": [{"operation": "Scale",
        "email": {"sendToSubscriptionAdministrator": true,
                  "sendToSubscriptionCoAdministrators": false,
                  "customEmails": ["ops@example.com"]},
        "webhooks": [{"serviceUri": "https://hooks.example.com/scale",
                      "properties": {"channel": "ops"}}]}],
      "predictiveAutoscalePolicy": {"scaleMode": "Disabled",
                                    "scaleLookAheadTime": "PT10M"},
      "targetResourceUri": "",
      "targetResourceLocation": "westeurope"
    }
  })");
  auto& props = body["properties"];
  props["targetResourceUri"] = scale_set_id;
  props["profiles"][0]["rules"] =
      json::array({scale_out_rule(), scale_in_rule()});
  return body;
}

json::json_pointer at(const std::string& pointer) {
  return json::json_pointer(pointer);
}

struct result {
  autoscale_setting setting;
  read_report report;
};

result read(const json& body) {
  result r;
  r.setting = read_autoscale_setting(body, "", "fallback", r.report);
  return r;
}

lines lines_of(const std::vector<diagnostic>& ds) {
  lines out;
  for (const auto& d : ds)
    out.push_back(d.path + ": " + d.reason);
  return out;
}

lines errors_of(const json& body) {
  return lines_of(read(body).report.errors);
}
lines warnings_of(const json& body) {
  return lines_of(read(body).report.warnings);
}

/// The errors of valid_body() with `value` at `pointer`.
lines errors_with(const std::string& pointer, const json& value) {
  auto body = valid_body();
  body[at(pointer)] = value;
  return errors_of(body);
}

lines warnings_with(const std::string& pointer, const json& value) {
  auto body = valid_body();
  body[at(pointer)] = value;
  return warnings_of(body);
}

/// The errors of valid_body() without the key at `pointer`.
lines errors_without(const std::string& pointer) {
  auto body = valid_body();
  auto slash = pointer.rfind('/');
  body[at(pointer.substr(0, slash))].erase(pointer.substr(slash + 1));
  return errors_of(body);
}

const std::string trigger = "/properties/profiles/0/rules/0/metricTrigger";
const std::string trigger_path =
    "properties.profiles[0].rules[0].metricTrigger";
const std::string action = "/properties/profiles/0/rules/0/scaleAction";
const std::string action_path = "properties.profiles[0].rules[0].scaleAction";

TEST(autoscale, reads_a_valid_body_into_the_model) {
  auto r = read(valid_body());
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(lines_of(r.report.warnings), lines{});
  EXPECT_EQ(r.setting.name, "web-autoscale");
  const auto& p = r.setting.model.properties();
  ASSERT_EQ(p.profiles_size(), 3);
  EXPECT_EQ(p.profiles(0).capacity().minimum(), 2);
  EXPECT_EQ(p.profiles(0).capacity().maximum(), 10);
  EXPECT_EQ(p.profiles(0).capacity().default_count(), 3);
  const auto& rule = p.profiles(0).rules(0);
  EXPECT_EQ(rule.metric_trigger().time_grain_ns(), 60'000'000'000);
  EXPECT_EQ(rule.metric_trigger().time_window_ns(), 600'000'000'000);
  EXPECT_EQ(rule.metric_trigger().comparison(),
            ins::MetricTrigger::GreaterThan);
  EXPECT_EQ(rule.metric_trigger().dimensions(0).values(0), "web_3");
  EXPECT_EQ(rule.scale_action().value(), 2);
  EXPECT_EQ(rule.scale_action().cooldown_ns(), 300'000'000'000);
  EXPECT_EQ(p.profiles(0).rules(1).metric_trigger().threshold(), 25.5);
  EXPECT_EQ(p.profiles(1).recurrence().schedule().days(1),
            ins::RecurrentSchedule::Sunday);
  EXPECT_EQ(p.profiles(2).fixed_date().end(), "2025-11-29T23:59:00");
  EXPECT_EQ(p.predictive_autoscale_policy().scale_look_ahead_time_ns(),
            600'000'000'000);
  EXPECT_EQ(r.setting.defaulted, lines{});
}

TEST(autoscale, notification_webhook_properties_are_listed_as_not_modelled) {
  auto body = valid_body();
  body["systemData"] = {{"createdBy", "someone"}};
  auto r = read(body);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(r.report.not_modelled,
            (lines{"properties.notifications[0].webhooks[0].properties",
                   "systemData"}));
}

TEST(autoscale, fields_azure_does_not_have_are_unknown) {
  EXPECT_EQ(errors_with("/properties/profiles/0/capacity/initial", "2"),
            lines{"properties.profiles[0].capacity.initial: unknown field "
                  "(fields: minimum, maximum, default)"});
  EXPECT_EQ(errors_with("/properties/notifications/0/email/sendToOwner", true),
            lines{"properties.notifications[0].email.sendToOwner: unknown "
                  "field (fields: sendToSubscriptionAdministrator, "
                  "sendToSubscriptionCoAdministrators, customEmails)"});
  auto body = valid_body();
  body["properties"]["profile"] = body["properties"]["profiles"];
  body["properties"].erase("profiles");
  EXPECT_EQ(errors_of(body),
            (lines{"properties.profile: unknown field (did you mean "
                   "profiles?)",
                   "properties.profiles: missing (required)"}));
}

TEST(autoscale, leniency_reads_other_letter_cases_and_quoted_scalars) {
  auto body = valid_body();
  body[at(trigger)].erase("dividePerInstance");
  body[at(trigger + "/DividePerInstance")] = "True";
  body[at(action + "/direction")] = "increase";
  body[at("/properties/profiles/1/recurrence/schedule/timeZone")] =
      "w. europe standard time";
  auto r = read(body);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(
      lines_of(r.report.warnings),
      (lines{trigger_path + ".DividePerInstance: read as dividePerInstance "
                            "(Azure ignores letter case in names)",
             trigger_path + ".DividePerInstance: the string \"True\" read as "
                            "true",
             "properties.profiles[1].recurrence.schedule.timeZone: read as "
             "\"W. Europe Standard Time\" (Azure ignores letter case in "
             "time-zone names)"}));
  const auto& p = r.setting.model.properties();
  EXPECT_TRUE(p.profiles(0).rules(0).metric_trigger().divide_per_instance());
  EXPECT_EQ(p.profiles(0).rules(0).scale_action().direction(),
            ins::ScaleAction::Increase);
  EXPECT_EQ(p.profiles(1).recurrence().schedule().time_zone(),
            "W. Europe Standard Time");
}

TEST(autoscale, defaults_are_applied_and_listed) {
  auto body = valid_body();
  body["properties"].erase("enabled");
  body[at(action)].erase("value");
  body[at("/properties/profiles/2/fixedDate")].erase("timeZone");
  auto r = read(body);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  EXPECT_EQ(r.setting.defaulted,
            (lines{action_path + ".value",
                   "properties.profiles[2].fixedDate.timeZone",
                   "properties.enabled"}));
  const auto& p = r.setting.model.properties();
  EXPECT_TRUE(p.enabled());
  EXPECT_EQ(p.profiles(0).rules(0).scale_action().value(), 1);
  EXPECT_EQ(p.profiles(2).fixed_date().time_zone(), "UTC");
  body["properties"]["enabled"] = "false";
  auto off = read(body);
  EXPECT_FALSE(off.setting.model.properties().enabled());
  EXPECT_EQ(off.setting.defaulted.size(), 2u);
}

TEST(autoscale, the_name_falls_back_to_properties_then_the_caller) {
  auto body = valid_body();
  body.erase("name");
  EXPECT_EQ(read(body).setting.name, "web-autoscale");
  body["properties"].erase("name");
  EXPECT_EQ(read(body).setting.name, "fallback");
}

TEST(autoscale, resource_fields) {
  EXPECT_EQ(errors_without("/location"), lines{"location: missing (required)"});
  EXPECT_EQ(errors_with("/type", "Microsoft.Insights/alertRules"),
            lines{"type: \"Microsoft.Insights/alertRules\" is not "
                  "Microsoft.Insights/autoscaleSettings"});
  EXPECT_EQ(errors_with("/type", "microsoft.insights/AUTOSCALESETTINGS"),
            lines{});
  EXPECT_EQ(errors_with("/id", scale_set_id),
            lines{"id: names a Microsoft.Compute/virtualMachineScaleSets, not "
                  "an Microsoft.Insights/autoscaleSettings"});
  EXPECT_EQ(errors_with("/id", "/subscriptions/s/resourceGroups/g/providers/"
                               "microsoft.insights/autoscalesettings/a"),
            lines{});
  json tags = json::object();
  for (int i = 0; i < 15; ++i)
    tags["t" + std::to_string(i)] = "v";
  EXPECT_EQ(errors_with("/tags", tags), lines{});
  tags["t15"] = "v";
  EXPECT_EQ(errors_with("/tags", tags),
            lines{"tags: has 16 tags; Azure allows at most 15"});
  EXPECT_EQ(errors_with("/tags", {{"team", std::string(257, 'x')}}),
            lines{"tags.team: the tag value is longer than 256 characters"});
  EXPECT_EQ(errors_with("/tags", {{std::string(129, 'k'), "v"}}),
            lines{"tags." + std::string(129, 'k') +
                  ": the tag name is longer than 128 characters"});
}

TEST(autoscale, target_resource_uri_is_a_required_resource_id) {
  EXPECT_EQ(errors_without("/properties/targetResourceUri"),
            lines{"properties.targetResourceUri: missing (required)"});
  EXPECT_EQ(errors_with("/properties/targetResourceUri", "web"),
            lines{"properties.targetResourceUri: \"web\" is not a resource id "
                  "(/subscriptions/{id}/resourceGroups/{group}/providers/"
                  "{namespace}/{type}/{name})"});
}

TEST(autoscale, one_to_twenty_profiles) {
  auto body = valid_body();
  auto& profiles = body["properties"]["profiles"];
  while (profiles.size() < 20)
    profiles.push_back(profiles[1]);
  EXPECT_EQ(errors_of(body), lines{});
  profiles.push_back(profiles[1]);
  EXPECT_EQ(errors_of(body),
            lines{"properties.profiles: has 21 profiles; Azure takes 1 to 20"});
  EXPECT_EQ(errors_with("/properties/profiles", json::array()),
            lines{"properties.profiles: has 0 profiles; Azure takes 1 to 20"});
}

TEST(autoscale, at_most_ten_rules_a_profile) {
  auto body = valid_body();
  auto& rules = body[at("/properties/profiles/0/rules")];
  while (rules.size() < 10)
    rules.push_back(scale_in_rule());
  EXPECT_EQ(errors_of(body), lines{});
  rules.push_back(scale_in_rule());
  EXPECT_EQ(errors_of(body),
            lines{"properties.profiles[0].rules: has 11 rules; Azure allows at "
                  "most 10 a profile"});
  EXPECT_EQ(errors_without("/properties/profiles/1/rules"),
            lines{"properties.profiles[1].rules: missing (required)"});
}

TEST(autoscale, a_profile_needs_a_name_and_at_most_one_is_the_default) {
  EXPECT_EQ(errors_with("/properties/profiles/1/name", ""),
            lines{"properties.profiles[1].name: is empty (a profile needs a "
                  "name)"});
  EXPECT_EQ(errors_without("/properties/profiles/1/name"),
            lines{"properties.profiles[1].name: missing (required)"});
  auto body = valid_body();
  body[at("/properties/profiles/1")].erase("recurrence");
  EXPECT_EQ(errors_of(body),
            lines{"properties.profiles[1]: is a second default profile "
                  "(neither fixedDate nor recurrence; the first is "
                  "properties.profiles[0]): Azure allows one"});
}

TEST(autoscale, a_profile_has_a_fixed_date_or_a_recurrence_not_both) {
  auto body = valid_body();
  body[at("/properties/profiles/2/recurrence")] =
      body[at("/properties/profiles/1/recurrence")];
  EXPECT_EQ(errors_of(body),
            lines{"properties.profiles[2].recurrence: excludes fixedDate "
                  "(give one of them)"});
}

TEST(autoscale, capacity_counts_are_strings_or_numbers_from_0_to_1000) {
  const std::string c = "/properties/profiles/0/capacity";
  const std::string path = "properties.profiles[0].capacity";
  EXPECT_EQ(warnings_with(c + "/maximum", 10), lines{});
  EXPECT_EQ(errors_with(c + "/maximum", "1000"), lines{});
  EXPECT_EQ(errors_with(c + "/maximum", "1001"),
            lines{path + ".maximum: 1001 is out of range (0 to 1000)"});
  EXPECT_EQ(errors_with(c + "/minimum", "-1"),
            lines{path + ".minimum: -1 is out of range (0 to 1000)"});
  EXPECT_EQ(errors_with(c + "/minimum", "two"),
            lines{path + ".minimum: is a string, not a whole number"});
  EXPECT_EQ(errors_without(c + "/default"),
            lines{path + ".default: missing (required)"});
}

TEST(autoscale, capacity_minimum_default_maximum_are_ordered) {
  const std::string c = "/properties/profiles/0/capacity";
  const std::string path = "properties.profiles[0].capacity";
  EXPECT_EQ(errors_with(c + "/default", "2"), lines{});
  EXPECT_EQ(errors_with(c + "/default", "10"), lines{});
  EXPECT_EQ(errors_with(c + "/minimum", "11"),
            lines{path + ".minimum: 11 is above the maximum 10"});
  EXPECT_EQ(errors_with(c + "/default", "1"),
            lines{path + ".default: 1 is outside minimum to maximum (2 to "
                         "10)"});
  EXPECT_EQ(errors_with(c + "/default", "11"),
            lines{path + ".default: 11 is outside minimum to maximum (2 to "
                         "10)"});
}

TEST(autoscale, metric_trigger_names_a_metric_of_a_resource) {
  EXPECT_EQ(errors_without(trigger + "/metricName"),
            lines{trigger_path + ".metricName: missing (required)"});
  EXPECT_EQ(errors_with(trigger + "/metricName", ""),
            lines{trigger_path + ".metricName: is empty (name the metric)"});
  EXPECT_EQ(errors_with(trigger + "/metricResourceUri",
                        "/subscriptions/s/resourceGroups/g/providers/"
                        "Microsoft.Storage/storageAccounts/queue"),
            lines{});
  EXPECT_EQ(errors_with(trigger + "/metricResourceUri", "web"),
            lines{trigger_path + ".metricResourceUri: \"web\" is not a "
                                 "resource id (/subscriptions/{id}/"
                                 "resourceGroups/{group}/providers/"
                                 "{namespace}/{type}/{name})"});
}

TEST(autoscale, time_grain_is_pt1m_to_pt12h) {
  EXPECT_EQ(errors_with(trigger + "/timeGrain", "PT12H"), lines{});
  EXPECT_EQ(errors_with(trigger + "/timeGrain", "PT30S"),
            lines{trigger_path +
                  ".timeGrain: \"PT30S\" is out of range (PT1M to PT12H)"});
  EXPECT_EQ(errors_with(trigger + "/timeGrain", "PT13H"),
            lines{trigger_path +
                  ".timeGrain: \"PT13H\" is out of range (PT1M to PT12H)"});
  EXPECT_EQ(errors_with(trigger + "/timeGrain", "1 minute"),
            lines{trigger_path + ".timeGrain: \"1 minute\" is not an ISO 8601 "
                                 "duration (e.g. PT30M, PT1H30M, P1D)"});
}

TEST(autoscale, time_window_is_pt1m_to_pt12h_and_warned_below_pt5m) {
  EXPECT_EQ(errors_with(trigger + "/timeWindow", "PT12H"), lines{});
  EXPECT_EQ(errors_with(trigger + "/timeWindow", "PT2M"), lines{});
  EXPECT_EQ(warnings_with(trigger + "/timeWindow", "PT2M"),
            lines{trigger_path + ".timeWindow: PT2M is below the spec's PT5M; "
                                 "the service takes it (from PT1M)"});
  EXPECT_EQ(errors_with(trigger + "/timeWindow", "PT30S"),
            lines{trigger_path +
                  ".timeWindow: \"PT30S\" is out of range (PT1M to PT12H)"});
  EXPECT_EQ(errors_with(trigger + "/timeWindow", "P1D"),
            lines{trigger_path +
                  ".timeWindow: \"P1D\" is out of range (PT1M to PT12H)"});
  auto body = valid_body();
  body[at(trigger + "/timeGrain")] = "PT1H";
  EXPECT_EQ(errors_of(body), lines{});
  EXPECT_EQ(warnings_of(body),
            lines{trigger_path + ".timeWindow: PT10M is shorter than the "
                                 "timeGrain PT1H: the window holds no whole "
                                 "sample"});
}

TEST(autoscale, statistic_aggregation_and_operator_are_azures_values) {
  for (const char* s : {"Average", "Min", "Max", "Sum", "Count"})
    EXPECT_EQ(errors_with(trigger + "/statistic", s), lines{}) << s;
  EXPECT_EQ(errors_with(trigger + "/statistic", "Median"),
            lines{trigger_path + ".statistic: \"Median\" is not one of "
                                 "Average, Min, Max, Sum, Count"});
  for (const char* a :
       {"Average", "Minimum", "Maximum", "Total", "Count", "Last"})
    EXPECT_EQ(errors_with(trigger + "/timeAggregation", a), lines{}) << a;
  EXPECT_EQ(errors_with(trigger + "/timeAggregation", "Min"),
            lines{trigger_path + ".timeAggregation: \"Min\" is not one of "
                                 "Average, Minimum, Maximum, Total, Count, "
                                 "Last"});
  for (const char* o : {"Equals", "NotEquals", "GreaterThan",
                        "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"})
    EXPECT_EQ(errors_with(trigger + "/operator", o), lines{}) << o;
  EXPECT_EQ(errors_with(trigger + "/operator", "GreaterOrEqual"),
            lines{trigger_path + ".operator: \"GreaterOrEqual\" is not a known "
                                 "value (did you mean GreaterThanOrEqual?)"});
  EXPECT_EQ(errors_without(trigger + "/timeAggregation"),
            lines{trigger_path + ".timeAggregation: missing (required)"});
}

TEST(autoscale, threshold_is_a_number_and_divide_per_instance_a_boolean) {
  EXPECT_EQ(errors_with(trigger + "/threshold", "70.5"), lines{});
  EXPECT_EQ(errors_with(trigger + "/threshold", "high"),
            lines{trigger_path + ".threshold: is a string, not a number"});
  EXPECT_EQ(errors_without(trigger + "/threshold"),
            lines{trigger_path + ".threshold: missing (required)"});
  EXPECT_EQ(errors_with(trigger + "/dividePerInstance", 1),
            lines{trigger_path +
                  ".dividePerInstance: is an integer, not true or false"});
}

TEST(autoscale, dimensions_have_a_name_an_operator_and_values) {
  const std::string d = trigger + "/dimensions/0";
  const std::string path = trigger_path + ".dimensions[0]";
  EXPECT_EQ(errors_with(d + "/Operator", "Equals"), lines{});
  EXPECT_EQ(errors_with(d + "/Operator", "Contains"),
            lines{path + ".Operator: \"Contains\" is not one of Equals, "
                         "NotEquals"});
  EXPECT_EQ(errors_without(d + "/Values"),
            lines{path + ".Values: missing (required)"});
  EXPECT_EQ(errors_without(d + "/DimensionName"),
            lines{path + ".DimensionName: missing (required)"});
}

TEST(autoscale, scale_action_direction_and_type) {
  EXPECT_EQ(errors_with(action + "/direction", "Up"),
            lines{action_path + ".direction: \"Up\" is not one of None, "
                                "Increase, Decrease"});
  EXPECT_EQ(errors_with(action + "/direction", "None"), lines{});
  EXPECT_EQ(warnings_with(action + "/direction", "None"),
            lines{action_path + ".direction: None: the rule never scales"});
  for (const char* t : {"ChangeCount", "PercentChangeCount", "ExactCount",
                        "ServiceAllowedNextValue"})
    EXPECT_EQ(errors_with(action + "/type", t), lines{}) << t;
  EXPECT_EQ(errors_with(action + "/type", "ScaleTo"),
            lines{action_path + ".type: \"ScaleTo\" is not one of ChangeCount, "
                                "PercentChangeCount, ExactCount, "
                                "ServiceAllowedNextValue"});
  EXPECT_EQ(errors_without(action + "/direction"),
            lines{action_path + ".direction: missing (required)"});
}

TEST(autoscale, scale_action_value_is_at_least_1_or_an_exact_count) {
  EXPECT_EQ(errors_with(action + "/value", "1"), lines{});
  EXPECT_EQ(errors_with(action + "/value", 3), lines{});
  EXPECT_EQ(errors_with(action + "/value", "0"),
            lines{action_path + ".value: 0 is below 1 (Azure: the value must "
                                "be 1 or greater)"});
  EXPECT_EQ(errors_with(action + "/value", "1.5"),
            lines{action_path + ".value: is a string, not a whole number"});
  auto body = valid_body();
  body[at(action + "/type")] = "ExactCount";
  body[at(action + "/value")] = "0";
  EXPECT_EQ(errors_of(body), lines{});
  body[at(action + "/value")] = "1001";
  EXPECT_EQ(errors_of(body),
            lines{action_path + ".value: 1001 is not an instance count (0 to "
                                "1000)"});
}

TEST(autoscale, cooldown_is_pt1m_to_a_week) {
  EXPECT_EQ(errors_with(action + "/cooldown", "PT1M"), lines{});
  EXPECT_EQ(errors_with(action + "/cooldown", "P7D"), lines{});
  EXPECT_EQ(errors_with(action + "/cooldown", "PT59S"),
            lines{action_path +
                  ".cooldown: \"PT59S\" is out of range (PT1M to P7D)"});
  EXPECT_EQ(
      errors_with(action + "/cooldown", "P8D"),
      lines{action_path + ".cooldown: \"P8D\" is out of range (PT1M to P7D)"});
  EXPECT_EQ(errors_without(action + "/cooldown"),
            lines{action_path + ".cooldown: missing (required)"});
}

const std::string fixed = "/properties/profiles/2/fixedDate";
const std::string fixed_path = "properties.profiles[2].fixedDate";

TEST(autoscale, fixed_date_start_before_end_within_365_days) {
  EXPECT_EQ(errors_with(fixed + "/end", "2025-11-28T00:00:01"), lines{});
  EXPECT_EQ(errors_with(fixed + "/end", "2025-11-28T00:00:00"),
            lines{fixed_path + ".end: \"2025-11-28T00:00:00\" is not after the "
                               "start \"2025-11-28T00:00:00\""});
  EXPECT_EQ(errors_with(fixed + "/end", "2026-11-28T00:00:00"), lines{});
  EXPECT_EQ(errors_with(fixed + "/end", "2026-11-28T00:00:01"),
            lines{fixed_path + ".end: is more than 365 days after the start "
                               "(Azure's limit for a fixedDate profile)"});
  // Offsets are compared in UTC: 01:00+02:00 is 23:00Z the day before.
  auto body = valid_body();
  body[at(fixed + "/start")] = "2025-11-28T00:00:00Z";
  body[at(fixed + "/end")] = "2025-11-28T01:00:00+02:00";
  EXPECT_EQ(errors_of(body),
            lines{fixed_path + ".end: \"2025-11-28T01:00:00+02:00\" is not "
                               "after the start \"2025-11-28T00:00:00Z\""});
}

TEST(autoscale, fixed_date_times_are_iso8601_date_times) {
  EXPECT_EQ(errors_with(fixed + "/start", "2025-11-28"),
            lines{fixed_path + ".start: \"2025-11-28\" is not an ISO 8601 "
                               "date-time (e.g. 2024-11-29T08:00:00, "
                               "2024-11-29T08:00:00Z)"});
  EXPECT_EQ(errors_with(fixed + "/start", "2025-02-29T00:00:00"),
            lines{fixed_path + ".start: \"2025-02-29T00:00:00\" is not a date "
                               "and time of day that exists"});
  EXPECT_EQ(errors_with(fixed + "/end", ""),
            lines{fixed_path + ".end: \"\" is not an ISO 8601 date-time (e.g. "
                               "2024-11-29T08:00:00, 2024-11-29T08:00:00Z)"});
  EXPECT_EQ(errors_without(fixed + "/end"),
            lines{fixed_path + ".end: missing (required)"});
}

TEST(autoscale, time_zones_are_the_names_azure_lists) {
  EXPECT_EQ(errors_with(fixed + "/timeZone", "UTC"), lines{});
  EXPECT_EQ(errors_with(fixed + "/timeZone", "Europe/Berlin"),
            lines{fixed_path +
                  ".timeZone: \"Europe/Berlin\" is not a time zone "
                  "Azure lists for autoscale (Windows names such "
                  "as \"Pacific Standard Time\", \"UTC\", \"W. "
                  "Europe Standard Time\")"});
  EXPECT_EQ(
      errors_with("/properties/profiles/1/recurrence/schedule/timeZone",
                  "E. Europe  Standard Time"),
      lines{"properties.profiles[1].recurrence.schedule.timeZone: \"E. Europe "
            " Standard Time\" is not a time zone Azure lists for autoscale "
            "(Windows names such as \"Pacific Standard Time\", \"UTC\", \"W. "
            "Europe Standard Time\"); did you mean E. Europe Standard Time?"});
  const auto& zones = azure_time_zones();
  EXPECT_EQ(zones.size(), 107u);
  EXPECT_NE(std::find(zones.begin(), zones.end(), "Pacific Standard Time"),
            zones.end());
}

const std::string schedule = "/properties/profiles/1/recurrence/schedule";
const std::string schedule_path = "properties.profiles[1].recurrence.schedule";

TEST(autoscale, recurrence_is_weekly) {
  EXPECT_EQ(errors_with("/properties/profiles/1/recurrence/frequency", "Day"),
            lines{"properties.profiles[1].recurrence.frequency: \"Day\" is not "
                  "supported: Azure's recurrences repeat weekly (Week; list "
                  "the days in schedule.days)"});
  EXPECT_EQ(
      errors_with("/properties/profiles/1/recurrence/frequency", "Fortnight"),
      lines{"properties.profiles[1].recurrence.frequency: \"Fortnight\" "
            "is not one of None, Second, Minute, Hour, Day, Week, "
            "Month, Year"});
  EXPECT_EQ(errors_without("/properties/profiles/1/recurrence/schedule"),
            lines{"properties.profiles[1].recurrence.schedule: missing "
                  "(required)"});
}

TEST(autoscale, schedule_days_hours_and_minutes) {
  EXPECT_EQ(errors_with(schedule + "/days", {"Monday", "Friday"}), lines{});
  EXPECT_EQ(errors_with(schedule + "/days", {"Funday"}),
            lines{schedule_path + ".days[0]: \"Funday\" is not a known value "
                                  "(did you mean Sunday?)"});
  EXPECT_EQ(errors_with(schedule + "/days", json::array()),
            lines{schedule_path + ".days: is empty (give at least one)"});
  EXPECT_EQ(errors_with(schedule + "/hours", {0, 23}), lines{});
  EXPECT_EQ(errors_with(schedule + "/hours", {24}),
            lines{schedule_path + ".hours[0]: 24 is out of range (0 to 23)"});
  EXPECT_EQ(errors_with(schedule + "/minutes", {0, 59}), lines{});
  EXPECT_EQ(errors_with(schedule + "/minutes", {60}),
            lines{schedule_path + ".minutes[0]: 60 is out of range (0 to 59)"});
  EXPECT_EQ(errors_without(schedule + "/timeZone"),
            lines{schedule_path + ".timeZone: missing (required)"});
}

// Azure's REST examples (createOrUpdateAutoscaleSetting, 2022-10-01) give
// the day as "1": read as .NET's DayOfWeek number, with a warning.
TEST(autoscale, schedule_days_as_day_numbers) {
  auto body = valid_body();
  body[at(schedule + "/days")] = {"1", "0", "6"};
  auto r = read(body);
  EXPECT_EQ(lines_of(r.report.errors), lines{});
  const auto& days =
      r.setting.model.properties().profiles(1).recurrence().schedule().days();
  ASSERT_EQ(days.size(), 3);
  EXPECT_EQ(days[0], ins::RecurrentSchedule::Monday);
  EXPECT_EQ(days[1], ins::RecurrentSchedule::Sunday);
  EXPECT_EQ(days[2], ins::RecurrentSchedule::Saturday);
  ASSERT_EQ(r.report.warnings.size(), 3u);
  EXPECT_EQ(lines_of(r.report.warnings)[0],
            schedule_path + ".days[0]: \"1\" is read as Monday (.NET's "
                            "DayOfWeek number; Azure names the days Sunday "
                            "through Saturday)");
  EXPECT_EQ(errors_with(schedule + "/days", {"7"}),
            lines{schedule_path + ".days[0]: \"7\" is not one of Sunday, "
                                  "Monday, Tuesday, Wednesday, Thursday, "
                                  "Friday, Saturday"});
}

TEST(autoscale, notifications_operation_is_scale) {
  EXPECT_EQ(errors_with("/properties/notifications/0/operation", "scale"),
            lines{});
  EXPECT_EQ(errors_with("/properties/notifications/0/operation", "Alert"),
            lines{"properties.notifications[0].operation: \"Alert\" is not one "
                  "of Scale"});
  EXPECT_EQ(errors_without("/properties/notifications/0/operation"),
            lines{"properties.notifications[0].operation: missing "
                  "(required)"});
}

const std::string predictive = "/properties/predictiveAutoscalePolicy";
const std::string predictive_path = "properties.predictiveAutoscalePolicy";

TEST(autoscale, predictive_policy_values) {
  EXPECT_EQ(errors_with(predictive + "/scaleMode", "Disabled"), lines{});
  EXPECT_EQ(errors_with(predictive + "/scaleMode", "Sometimes"),
            lines{predictive_path + ".scaleMode: \"Sometimes\" is not one of "
                                    "Disabled, ForecastOnly, Enabled"});
  EXPECT_EQ(errors_with(predictive + "/scaleLookAheadTime", "PT1H"), lines{});
  EXPECT_EQ(errors_with(predictive + "/scaleLookAheadTime", "PT61M"),
            lines{predictive_path + ".scaleLookAheadTime: \"PT61M\" is out of "
                                    "range (PT1M to PT1H)"});
  EXPECT_EQ(errors_without(predictive + "/scaleMode"),
            lines{predictive_path + ".scaleMode: missing (required)"});
}

TEST(autoscale, predictive_needs_a_cpu_scale_out_rule_on_a_scale_set) {
  auto body = valid_body();
  body[at(predictive + "/scaleMode")] = "Enabled";
  EXPECT_EQ(errors_of(body), lines{});
  body[at(trigger + "/metricName")] = "Inbound Flows";
  const std::string needs =
      predictive_path +
      ".scaleMode: Enabled needs a scale-out rule (Increase) on \"Percentage "
      "CPU\" with timeAggregation Average: the only metric predictive "
      "autoscale forecasts";
  EXPECT_EQ(errors_of(body), lines{needs});
  body[at(predictive + "/scaleMode")] = "Disabled";
  EXPECT_EQ(errors_of(body), lines{});
  body = valid_body();
  body[at(predictive + "/scaleMode")] = "ForecastOnly";
  body[at("/properties/targetResourceUri")] =
      "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/serverfarms/"
      "plan";
  EXPECT_EQ(errors_of(body),
            lines{predictive_path + ".scaleMode: ForecastOnly: predictive "
                                    "autoscale is for scale sets only, and "
                                    "targetResourceUri names a "
                                    "Microsoft.Web/serverfarms"});
}

TEST(autoscale, not_an_object_is_an_error_without_more) {
  EXPECT_EQ(errors_of(json::array()), lines{": is an array, not an object"});
  EXPECT_EQ(errors_of(json::parse(R"({"location": "x", "properties": 3})")),
            lines{"properties: is an integer, not an object"});
}

TEST(autoscale_date_time, parses_offsets_and_fractions) {
  date_time t;
  std::string why;
  ASSERT_TRUE(parse_date_time("1970-01-02T00:00:00", t, &why));
  EXPECT_EQ(t.local_seconds, 86400);
  EXPECT_FALSE(t.has_offset);
  ASSERT_TRUE(parse_date_time("2024-02-29T23:59:30.25Z", t, &why));
  EXPECT_EQ(t.local_seconds, 1709251170);
  EXPECT_TRUE(t.has_offset);
  EXPECT_EQ(t.offset_seconds, 0);
  ASSERT_TRUE(parse_date_time("2025-06-01T08:00-05:30", t, &why));
  EXPECT_EQ(t.offset_seconds, -(5 * 3600 + 30 * 60));
  ASSERT_TRUE(parse_date_time("1969-12-31T23:00:00+0100", t, &why));
  EXPECT_EQ(t.local_seconds, -3600);
  for (const char* bad :
       {"", "2025-06-01", "2025-06-01T8:00", "2025-06-01T08:00:00+5",
        "2025-06-01T08:00:00.Z", "2025-06-01T08:00:00+15:00",
        "2025-06-01T08:00:00 ", "2025-13-01T08:00:00", "2025-06-31T08:00:00",
        "2025-06-01T24:00:00"})
    EXPECT_FALSE(parse_date_time(bad, t, &why)) << bad;
}

} // namespace
