#include "input/azure/autoscale.hpp"

#include "input/azure/resource_id.hpp"
#include "kernel/assert.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <utility>

namespace vmss::input::azure {

namespace {

namespace ins = vmss::azure::insights;

// Limits, each from Azure's REST spec (autoscale_API.json, 2022-10-01) or
// docs (MicrosoftDocs/azure-monitor-docs articles/azure-monitor/autoscale/);
// docs/azure-input.md lists them with their sources.
constexpr int max_profiles = 20;
constexpr int max_rules_a_profile = 10;
constexpr int max_tags = 15;
constexpr size_t max_tag_key_chars = 128;
constexpr size_t max_tag_value_chars = 256;
constexpr int64_t fixed_date_max_span_s = 365 * 86400;
constexpr int64_t spec_min_time_window_ns = 5 * 60 * 1'000'000'000LL;
/// ExactCount sets the instance count: within the capacity bounds.
constexpr int32_t max_instance_count = 1000;
const std::string autoscale_type = "Microsoft.Insights/autoscaleSettings";
const std::string scale_set_type = "Microsoft.Compute/virtualMachineScaleSets";
const std::string predictive_metric = "Percentage CPU";
/// fixedDate without a timeZone: the spec gives no default; UTC is what
/// Terraform's azurerm provider sends (docs/azure-input.md).
const std::string default_time_zone = "UTC";

/// The rules the schema cannot say, over a model read_message filled.
struct checker {
  read_report& report;
  std::vector<std::string>& defaulted;

  void fail(const std::string& path, const std::string& reason) {
    report.errors.push_back({path, reason});
  }
  void warn(const std::string& path, const std::string& reason) {
    report.warnings.push_back({path, reason});
  }
  /// Whether the reader already refused the value at `path` or a part of
  /// it (then the rules here would only repeat it).
  bool refused(const std::string& path) const {
    return std::any_of(
        report.errors.begin(), report.errors.end(), [&](const diagnostic& d) {
          return d.path.compare(0, path.size(), path) == 0 &&
                 (d.path.size() == path.size() || d.path[path.size()] == '.' ||
                  d.path[path.size()] == '[');
        });
  }

  void resource(const ins::AutoscaleSetting& m, const std::string& path);
  void properties(ins::AutoscaleSettingProperties& p, const std::string& path);
  void profile(ins::AutoscaleProfile& p, const std::string& path);
  void capacity(const ins::ScaleCapacity& c, const std::string& path);
  void trigger(const ins::MetricTrigger& t, const std::string& path);
  void action(ins::ScaleAction& a, const std::string& path);
  void fixed_date(ins::TimeWindow& w, const std::string& path);
  void recurrence(ins::Recurrence& r, const std::string& path);
  void time_zone(std::string& name, const std::string& path);
  void predictive(const ins::AutoscaleSettingProperties& p,
                  const std::string& path);
  bool resource_uri(const std::string& text, const std::string& path,
                    resource_id& out);
};

bool checker::resource_uri(const std::string& text, const std::string& path,
                           resource_id& out) {
  std::string why;
  if (parse_resource_id(text, out, &why))
    return true;
  fail(path, quote_json(text) + " " + why);
  return false;
}

void checker::resource(const ins::AutoscaleSetting& m,
                       const std::string& path) {
  if (!m.type().empty() && !same_ignoring_case(m.type(), autoscale_type))
    fail(json_child(path, "type"),
         quote_json(m.type()) + " is not " + autoscale_type);
  resource_id id;
  if (!m.id().empty() && resource_uri(m.id(), json_child(path, "id"), id) &&
      !is_of_type(id, autoscale_type))
    fail(json_child(path, "id"),
         "names a " + id.type + ", not an " + autoscale_type);
  const auto tags = json_child(path, "tags");
  if (m.tags_size() > max_tags)
    fail(tags, "has " + std::to_string(m.tags_size()) +
                   " tags; Azure allows at most " + std::to_string(max_tags));
  for (const auto& [key, value] : m.tags()) {
    if (key.size() > max_tag_key_chars)
      fail(json_child(tags, key), "the tag name is longer than " +
                                      std::to_string(max_tag_key_chars) +
                                      " characters");
    if (value.size() > max_tag_value_chars)
      fail(json_child(tags, key), "the tag value is longer than " +
                                      std::to_string(max_tag_value_chars) +
                                      " characters");
  }
}

void checker::properties(ins::AutoscaleSettingProperties& p,
                         const std::string& path) {
  const auto profiles = json_child(path, "profiles");
  if ((p.profiles_size() == 0 && !refused(profiles)) ||
      p.profiles_size() > max_profiles)
    fail(profiles, "has " + std::to_string(p.profiles_size()) +
                       " profiles; Azure takes 1 to " +
                       std::to_string(max_profiles));
  std::string default_profile;
  for (int i = 0; i < p.profiles_size(); ++i) {
    auto where = json_index(profiles, static_cast<size_t>(i));
    profile(*p.mutable_profiles(i), where);
    if (p.profiles(i).schedule_case() !=
        ins::AutoscaleProfile::SCHEDULE_NOT_SET)
      continue;
    if (!default_profile.empty())
      fail(where, "is a second default profile (neither fixedDate nor "
                  "recurrence; the first is " +
                      default_profile + "): Azure allows one");
    else
      default_profile = where;
  }
  resource_id target;
  if (!refused(json_child(path, "targetResourceUri")))
    resource_uri(p.target_resource_uri(), json_child(path, "targetResourceUri"),
                 target);
  if (!p.has_enabled() && !refused(json_child(path, "enabled"))) {
    p.set_enabled(true);
    defaulted.push_back(json_child(path, "enabled"));
  }
  if (p.has_predictive_autoscale_policy())
    predictive(p, json_child(path, "predictiveAutoscalePolicy"));
}

void checker::profile(ins::AutoscaleProfile& p, const std::string& path) {
  if (p.name().empty() && !refused(json_child(path, "name")))
    fail(json_child(path, "name"), "is empty (a profile needs a name)");
  if (p.has_capacity())
    capacity(p.capacity(), json_child(path, "capacity"));
  const auto rules = json_child(path, "rules");
  if (p.rules_size() > max_rules_a_profile)
    fail(rules, "has " + std::to_string(p.rules_size()) +
                    " rules; Azure allows at most " +
                    std::to_string(max_rules_a_profile) + " a profile");
  for (int i = 0; i < p.rules_size(); ++i) {
    auto where = json_index(rules, static_cast<size_t>(i));
    auto* rule = p.mutable_rules(i);
    if (rule->has_metric_trigger())
      trigger(rule->metric_trigger(), json_child(where, "metricTrigger"));
    if (rule->has_scale_action())
      action(*rule->mutable_scale_action(), json_child(where, "scaleAction"));
  }
  if (p.has_fixed_date())
    fixed_date(*p.mutable_fixed_date(), json_child(path, "fixedDate"));
  if (p.has_recurrence())
    recurrence(*p.mutable_recurrence(), json_child(path, "recurrence"));
}

void checker::capacity(const ins::ScaleCapacity& c, const std::string& path) {
  if (!c.has_minimum() || !c.has_maximum() || !c.has_default_count())
    return; // the reader said why
  auto n = [](int32_t x) { return std::to_string(x); };
  if (c.minimum() > c.maximum())
    fail(json_child(path, "minimum"),
         n(c.minimum()) + " is above the maximum " + n(c.maximum()));
  else if (c.default_count() < c.minimum() || c.default_count() > c.maximum())
    fail(json_child(path, "default"),
         n(c.default_count()) + " is outside minimum to maximum (" +
             n(c.minimum()) + " to " + n(c.maximum()) + ")");
}

void checker::trigger(const ins::MetricTrigger& t, const std::string& path) {
  if (t.metric_name().empty() && !refused(json_child(path, "metricName")))
    fail(json_child(path, "metricName"), "is empty (name the metric)");
  resource_id source;
  if (!refused(json_child(path, "metricResourceUri")))
    resource_uri(t.metric_resource_uri(), json_child(path, "metricResourceUri"),
                 source);
  if (t.time_window_ns() == 0 || t.time_grain_ns() == 0)
    return; // missing or refused
  const auto window = json_child(path, "timeWindow");
  if (t.time_window_ns() < spec_min_time_window_ns)
    warn(window, format_iso8601_duration(t.time_window_ns()) +
                     " is below the spec's PT5M; the service takes it "
                     "(from PT1M)");
  if (t.time_window_ns() < t.time_grain_ns())
    warn(window, format_iso8601_duration(t.time_window_ns()) +
                     " is shorter than the timeGrain " +
                     format_iso8601_duration(t.time_grain_ns()) +
                     ": the window holds no whole sample");
}

void checker::action(ins::ScaleAction& a, const std::string& path) {
  using A = ins::ScaleAction;
  if (a.direction() == A::None)
    warn(json_child(path, "direction"), "None: the rule never scales");
  const auto value = json_child(path, "value");
  if (!a.has_value()) {
    if (!refused(value)) {
      a.set_value(1);
      defaulted.push_back(value);
    }
    return;
  }
  if (a.type() == A::ExactCount) {
    if (a.value() < 0 || a.value() > max_instance_count)
      fail(value, std::to_string(a.value()) +
                      " is not an instance count (0 to " +
                      std::to_string(max_instance_count) + ")");
  } else if (a.value() < 1) {
    fail(value, std::to_string(a.value()) + " is below 1 (Azure: the value "
                                            "must be 1 or greater)");
  }
}

} // namespace

namespace {

/// The time-zone names Azure documents for autoscale schedules: the list
/// in the descriptions of TimeWindow.timeZone and RecurrentSchedule.timeZone
/// of autoscale_API.json (2022-10-01), in its order.
const std::vector<std::string> time_zone_table = {
    "Dateline Standard Time",
    "UTC-11",
    "Hawaiian Standard Time",
    "Alaskan Standard Time",
    "Pacific Standard Time (Mexico)",
    "Pacific Standard Time",
    "US Mountain Standard Time",
    "Mountain Standard Time (Mexico)",
    "Mountain Standard Time",
    "Central America Standard Time",
    "Central Standard Time",
    "Central Standard Time (Mexico)",
    "Canada Central Standard Time",
    "SA Pacific Standard Time",
    "Eastern Standard Time",
    "US Eastern Standard Time",
    "Venezuela Standard Time",
    "Paraguay Standard Time",
    "Atlantic Standard Time",
    "Central Brazilian Standard Time",
    "SA Western Standard Time",
    "Pacific SA Standard Time",
    "Newfoundland Standard Time",
    "E. South America Standard Time",
    "Argentina Standard Time",
    "SA Eastern Standard Time",
    "Greenland Standard Time",
    "Montevideo Standard Time",
    "Bahia Standard Time",
    "UTC-02",
    "Mid-Atlantic Standard Time",
    "Azores Standard Time",
    "Cape Verde Standard Time",
    "Morocco Standard Time",
    "UTC",
    "GMT Standard Time",
    "Greenwich Standard Time",
    "W. Europe Standard Time",
    "Central Europe Standard Time",
    "Romance Standard Time",
    "Central European Standard Time",
    "W. Central Africa Standard Time",
    "Namibia Standard Time",
    "Jordan Standard Time",
    "GTB Standard Time",
    "Middle East Standard Time",
    "Egypt Standard Time",
    "Syria Standard Time",
    "E. Europe Standard Time",
    "South Africa Standard Time",
    "FLE Standard Time",
    "Turkey Standard Time",
    "Israel Standard Time",
    "Kaliningrad Standard Time",
    "Libya Standard Time",
    "Arabic Standard Time",
    "Arab Standard Time",
    "Belarus Standard Time",
    "Russian Standard Time",
    "E. Africa Standard Time",
    "Iran Standard Time",
    "Arabian Standard Time",
    "Azerbaijan Standard Time",
    "Russia Time Zone 3",
    "Mauritius Standard Time",
    "Georgian Standard Time",
    "Caucasus Standard Time",
    "Afghanistan Standard Time",
    "West Asia Standard Time",
    "Ekaterinburg Standard Time",
    "Pakistan Standard Time",
    "India Standard Time",
    "Sri Lanka Standard Time",
    "Nepal Standard Time",
    "Central Asia Standard Time",
    "Bangladesh Standard Time",
    "N. Central Asia Standard Time",
    "Myanmar Standard Time",
    "SE Asia Standard Time",
    "North Asia Standard Time",
    "China Standard Time",
    "North Asia East Standard Time",
    "Singapore Standard Time",
    "W. Australia Standard Time",
    "Taipei Standard Time",
    "Ulaanbaatar Standard Time",
    "Tokyo Standard Time",
    "Korea Standard Time",
    "Yakutsk Standard Time",
    "Cen. Australia Standard Time",
    "AUS Central Standard Time",
    "E. Australia Standard Time",
    "AUS Eastern Standard Time",
    "West Pacific Standard Time",
    "Tasmania Standard Time",
    "Magadan Standard Time",
    "Vladivostok Standard Time",
    "Russia Time Zone 10",
    "Central Pacific Standard Time",
    "Russia Time Zone 11",
    "New Zealand Standard Time",
    "UTC+12",
    "Fiji Standard Time",
    "Kamchatka Standard Time",
    "Tonga Standard Time",
    "Samoa Standard Time",
    "Line Islands Standard Time",
};

void checker::time_zone(std::string& name, const std::string& path) {
  const auto& known = azure_time_zones();
  auto it = std::find_if(known.begin(), known.end(), [&](const auto& z) {
    return same_ignoring_case(z, name);
  });
  if (it == known.end()) {
    auto close = did_you_mean(name, known);
    fail(path, quote_json(name) +
                   " is not a time zone Azure lists for autoscale (Windows "
                   "names such as \"Pacific Standard Time\", \"UTC\", "
                   "\"W. Europe Standard Time\")" +
                   (close.empty() ? "" : "; did you mean " + close + "?"));
    return;
  }
  if (*it != name) {
    warn(path, "read as " + quote_json(*it) +
                   " (Azure ignores letter case in time-zone names)");
    name = *it;
  }
}

void checker::fixed_date(ins::TimeWindow& w, const std::string& path) {
  const auto zone = json_child(path, "timeZone");
  if (w.time_zone().empty() && !refused(zone)) {
    w.set_time_zone(default_time_zone);
    defaulted.push_back(zone);
  } else if (!w.time_zone().empty()) {
    time_zone(*w.mutable_time_zone(), zone);
  }
  date_time start, end;
  std::string why;
  bool start_ok = false, end_ok = false;
  for (auto [text, out, ok, key] :
       {std::make_tuple(&w.start(), &start, &start_ok, "start"),
        std::make_tuple(&w.end(), &end, &end_ok, "end")}) {
    if (refused(json_child(path, key)))
      continue;
    *ok = parse_date_time(*text, *out, &why);
    if (!*ok)
      fail(json_child(path, key), quote_json(*text) + " " + why);
  }
  if (!start_ok || !end_ok)
    return;
  // Both in the profile's time zone unless they carry offsets.
  int64_t from = start.local_seconds - start.offset_seconds;
  int64_t to = end.local_seconds - end.offset_seconds;
  if (to <= from)
    fail(json_child(path, "end"), quote_json(w.end()) +
                                      " is not after the start " +
                                      quote_json(w.start()));
  else if (to - from > fixed_date_max_span_s)
    fail(json_child(path, "end"),
         "is more than 365 days after the start (Azure's limit for a "
         "fixedDate profile)");
}

void checker::recurrence(ins::Recurrence& r, const std::string& path) {
  using R = ins::Recurrence;
  const auto frequency = json_child(path, "frequency");
  if (r.frequency() != R::Week && r.frequency() != R::frequency_unspecified)
    fail(frequency, "\"" + R::Frequency_Name(r.frequency()) +
                        "\" is not supported: Azure's recurrences repeat "
                        "weekly (Week; list the days in schedule.days)");
  if (!r.has_schedule())
    return;
  auto* s = r.mutable_schedule();
  const auto schedule = json_child(path, "schedule");
  if (!s->time_zone().empty())
    time_zone(*s->mutable_time_zone(), json_child(schedule, "timeZone"));
  for (auto [size, key] : {std::make_pair(s->days_size(), "days"),
                           std::make_pair(s->hours_size(), "hours"),
                           std::make_pair(s->minutes_size(), "minutes")})
    if (size == 0 && !refused(json_child(schedule, key)))
      fail(json_child(schedule, key), "is empty (give at least one)");
}

void checker::predictive(const ins::AutoscaleSettingProperties& p,
                         const std::string& path) {
  using P = ins::PredictiveAutoscalePolicy;
  auto mode = p.predictive_autoscale_policy().scale_mode();
  if (mode != P::ForecastOnly && mode != P::Enabled)
    return;
  const auto where = json_child(path, "scaleMode");
  resource_id target;
  if (parse_resource_id(p.target_resource_uri(), target) &&
      !is_of_type(target, scale_set_type))
    fail(where, P::ScaleMode_Name(mode) +
                    ": predictive autoscale is for scale sets only, and "
                    "targetResourceUri names a " +
                    target.type);
  for (const auto& profile : p.profiles())
    for (const auto& rule : profile.rules())
      if (rule.scale_action().direction() == ins::ScaleAction::Increase &&
          same_ignoring_case(rule.metric_trigger().metric_name(),
                             predictive_metric) &&
          rule.metric_trigger().time_aggregation() == ins::Average)
        return;
  fail(where, P::ScaleMode_Name(mode) +
                  " needs a scale-out rule (Increase) on \"Percentage CPU\" "
                  "with timeAggregation Average: the only metric predictive "
                  "autoscale forecasts");
}

/// Reads `digits` decimal digits of `text` at `at` into `out`.
bool digits_at(const std::string& text, size_t at, size_t digits, int& out) {
  if (at + digits > text.size())
    return false;
  out = 0;
  for (size_t i = at; i < at + digits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

/// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
/// (the civil-from-days inverse: eras of 400 years, 146097 days each).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

/// The offset at `at` ("Z", "+01:00", "-0530") to the end of `text`.
bool offset_at(const std::string& text, size_t at, date_time& out) {
  if (at == text.size())
    return true;
  if ((text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) {
    out.has_offset = true;
    return true;
  }
  if (text[at] != '+' && text[at] != '-')
    return false;
  int hours = 0, minutes = 0;
  size_t rest = text.size() - at - 1;
  bool colon = rest == 5 && text[at + 3] == ':';
  if (!(colon || rest == 4) || !digits_at(text, at + 1, 2, hours) ||
      !digits_at(text, at + (colon ? 4 : 3), 2, minutes) || hours > 14 ||
      minutes > 59)
    return false;
  out.has_offset = true;
  out.offset_seconds =
      (text[at] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return true;
}

} // namespace

bool parse_date_time(const std::string& text, date_time& out,
                     std::string* why) {
  auto refuse = [&](const std::string& reason) {
    if (why)
      *why = reason;
    return false;
  };
  const std::string form = "is not an ISO 8601 date-time (e.g. "
                           "2024-11-29T08:00:00, 2024-11-29T08:00:00Z)";
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits_at(text, 0, 4, y) || text.size() < 16 || text[4] != '-' ||
      !digits_at(text, 5, 2, mo) || text[7] != '-' ||
      !digits_at(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't') ||
      !digits_at(text, 11, 2, h) || text[13] != ':' ||
      !digits_at(text, 14, 2, mi))
    return refuse(form);
  size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    if (!digits_at(text, at + 1, 2, s))
      return refuse(form);
    at += 3;
    if (at < text.size() && text[at] == '.') {
      size_t end = at + 1;
      while (end < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[end])))
        ++end;
      if (end == at + 1)
        return refuse(form);
      at = end;
    }
  }
  date_time parsed;
  if (!offset_at(text, at, parsed))
    return refuse(form);
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || s > 59)
    return refuse("is not a date and time of day that exists");
  parsed.local_seconds =
      days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  out = parsed;
  return true;
}

const std::vector<std::string>& azure_time_zones() {
  return time_zone_table;
}

namespace {

/// Azure's own REST examples (createOrUpdateAutoscaleSetting and
/// patchAutoscaleSetting, api-version 2022-10-01) write a schedule's day as
/// "1"; the spec names the days Sunday through Saturday. A day given as one
/// digit 0 to 6 is read as .NET's DayOfWeek number (0 Sunday, 1 Monday …
/// 6 Saturday: our reading of the examples), with a warning naming the
/// day. Returns the body with those days named.
nlohmann::ordered_json with_named_days(const nlohmann::ordered_json& body,
                                       const std::string& path,
                                       read_report& report) {
  static const char* const names[] = {"Sunday",    "Monday",   "Tuesday",
                                      "Wednesday", "Thursday", "Friday",
                                      "Saturday"};
  using json = nlohmann::ordered_json;
  static const json::json_pointer profiles_at("/properties/profiles");
  static const json::json_pointer days_at("/recurrence/schedule/days");
  auto out = body;
  if (!out.is_object() || !out.contains(profiles_at) ||
      !out[profiles_at].is_array())
    return out;
  auto& profiles = out[profiles_at];
  for (size_t i = 0; i < profiles.size(); ++i) {
    if (!profiles[i].is_object() || !profiles[i].contains(days_at) ||
        !profiles[i][days_at].is_array())
      continue;
    auto& days = profiles[i][days_at];
    auto days_path =
        json_index(json_child(json_child(path, "properties"), "profiles"), i) +
        ".recurrence.schedule.days";
    for (size_t d = 0; d < days.size(); ++d) {
      if (!days[d].is_string())
        continue;
      const auto text = days[d].get<std::string>();
      if (text.size() != 1 || text[0] < '0' || text[0] > '6')
        continue;
      const char* name = names[text[0] - '0'];
      report.warnings.push_back(
          {json_index(days_path, d),
           quote_json(text) + " is read as " + name +
               " (.NET's DayOfWeek number; Azure names the days Sunday "
               "through Saturday)"});
      days[d] = name;
    }
  }
  return out;
}

} // namespace

autoscale_setting read_autoscale_setting(const nlohmann::ordered_json& body,
                                         const std::string& path,
                                         const std::string& name,
                                         read_report& report) {
  autoscale_setting out;
  read_options azure;
  azure.azure = true;
  read_message(with_named_days(body, path, report), out.model, path, report,
               azure);
  const auto& props = out.model.properties();
  out.name = !out.model.name().empty() ? out.model.name()
             : !props.name().empty()   ? props.name()
                                       : name;
  if (!body.is_object())
    return out;
  checker check{report, out.defaulted};
  check.resource(out.model, path);
  if (out.model.has_properties() &&
      !check.refused(json_child(path, "properties")))
    check.properties(*out.model.mutable_properties(),
                     json_child(path, "properties"));
  VMSS_ASSERT(out.model.properties().profiles_size() <= 0 ||
                  !report.errors.empty() ||
                  out.model.properties().has_enabled(),
              "a valid setting has its defaults filled");
  return out;
}

} // namespace vmss::input::azure
