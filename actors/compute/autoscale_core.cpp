#include "actors/compute/autoscale_core.hpp"

#include "input/azure/resource_id.hpp"
#include "kernel/assert.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace vmss::compute {

namespace ins = vmss::azure::insights;

const char* to_string(autoscale_decision d) {
  switch (d) {
  case autoscale_decision::none:
    return "none";
  case autoscale_decision::scale_out:
    return "scale_out";
  case autoscale_decision::scale_in:
    return "scale_in";
  case autoscale_decision::clamp:
    return "clamp";
  case autoscale_decision::default_capacity:
    return "default";
  case autoscale_decision::cooldown:
    return "cooldown";
  case autoscale_decision::flapping_skipped:
    return "flapping_skipped";
  case autoscale_decision::flapping_reduced:
    return "flapping_reduced";
  case autoscale_decision::disabled:
    return "disabled";
  case autoscale_decision::no_target:
    return "no_target";
  }
  return "none";
}

/// A profile's schedule in UTC terms: a fixedDate window, or a weekly
/// recurrence in its zone, or neither (the default profile).
struct autoscale_core::schedule {
  enum class kind { none, fixed, weekly } type = kind::none;
  int64_t from_utc = 0, to_utc = 0; ///< fixed: [from, to], seconds
  std::optional<input::time_zone> zone;
  std::vector<uint32_t> weekdays; ///< 0 Sunday ... 6 Saturday
  std::vector<int64_t> times_s;   ///< seconds after local midnight
};

namespace {

constexpr int64_t day_s = 86400;
constexpr sim_time week = seconds(7 * day_s);
/// Our choice when predictiveAutoscalePolicy gives no scaleLookAheadTime:
/// the portal's smallest prelaunch time.
constexpr sim_time default_look_ahead = seconds(300);

int64_t fixed_instant(const std::string& text, const std::string& zone) {
  input::azure::date_time t;
  std::string why;
  if (!input::azure::parse_date_time(text, t, &why))
    throw std::invalid_argument("fixedDate '" + text + "': " + why);
  if (t.has_offset)
    return t.local_seconds - t.offset_seconds;
  return input::time_zone(zone).to_utc(t.local_seconds);
}

metric_spec spec_of(const ins::MetricTrigger& m) {
  metric_spec s;
  s.metric = m.metric_name();
  s.time_grain_ns = m.time_grain_ns();
  s.time_window_ns = m.time_window_ns();
  s.divide_per_instance = m.divide_per_instance();
  switch (m.statistic()) {
  case ins::MetricTrigger::Min:
    s.stat = statistic::min;
    break;
  case ins::MetricTrigger::Max:
    s.stat = statistic::max;
    break;
  case ins::MetricTrigger::Sum:
    s.stat = statistic::sum;
    break;
  case ins::MetricTrigger::Count:
    s.stat = statistic::count;
    break;
  default:
    s.stat = statistic::average;
  }
  switch (m.time_aggregation()) {
  case ins::Minimum:
    s.aggregation = time_aggregation::minimum;
    break;
  case ins::Maximum:
    s.aggregation = time_aggregation::maximum;
    break;
  case ins::Total:
    s.aggregation = time_aggregation::total;
    break;
  case ins::Count:
    s.aggregation = time_aggregation::count;
    break;
  case ins::Last:
    s.aggregation = time_aggregation::last;
    break;
  default:
    s.aggregation = time_aggregation::average;
  }
  return s;
}

bool fires(const ins::MetricTrigger& m, double v) {
  const double t = m.threshold();
  switch (m.comparison()) {
  case ins::MetricTrigger::Equals:
    return v == t;
  case ins::MetricTrigger::NotEquals:
    return v != t;
  case ins::MetricTrigger::GreaterThan:
    return v > t;
  case ins::MetricTrigger::GreaterThanOrEqual:
    return v >= t;
  case ins::MetricTrigger::LessThan:
    return v < t;
  case ins::MetricTrigger::LessThanOrEqual:
    return v <= t;
  default:
    return false;
  }
}

/// Whether the metric is a per-instance value (an average, min or max over
/// the instances, or divided per instance), which follows the count when
/// the set scales; a Sum or Count over the instances is the set's total.
bool per_instance(const ins::MetricTrigger& m) {
  return m.divide_per_instance() || m.statistic() == ins::MetricTrigger::Min ||
         m.statistic() == ins::MetricTrigger::Max ||
         m.statistic() == ins::MetricTrigger::Average;
}

/// The count a rule's scaleAction asks for from `capacity`.
int64_t target_of(const ins::ScaleAction& a, int64_t capacity) {
  const int64_t v = a.value();
  const int64_t sign = a.direction() == ins::ScaleAction::Decrease ? -1 : 1;
  switch (a.type()) {
  case ins::ScaleAction::ExactCount:
    return v;
  case ins::ScaleAction::PercentChangeCount: {
    // Our choice (Azure's docs are silent): the change is rounded up, so
    // a rule that fires always moves the count.
    auto change = static_cast<int64_t>(std::ceil(
        static_cast<double>(capacity) * static_cast<double>(v) / 100.0));
    return capacity + sign * change;
  }
  case ins::ScaleAction::ServiceAllowedNextValue:
    return capacity + sign;
  default:
    return capacity + sign * v;
  }
}

bool is_cpu_average(const ins::MetricTrigger& m) {
  return m.metric_name() == percentage_cpu &&
         m.statistic() == ins::MetricTrigger::Average;
}

std::string rule_name(size_t i) {
  return "rules[" + std::to_string(i) + "]";
}

std::string format_value(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void add(std::string& list, const std::string& item) {
  if (!item.empty())
    list += (list.empty() ? "" : ",") + item;
}

} // namespace

autoscale_core::autoscale_core(const autoscale_params& params)
    : params_(&params) {
  const auto& p = params.setting.model.properties();
  input::azure::resource_id target;
  if (input::azure::parse_resource_id(p.target_resource_uri(), target))
    scale_set_ = target.name;
  for (const auto& profile : p.profiles()) {
    schedule s;
    if (profile.has_fixed_date()) {
      const auto& f = profile.fixed_date();
      s.type = schedule::kind::fixed;
      s.from_utc = fixed_instant(f.start(), f.time_zone());
      s.to_utc = fixed_instant(f.end(), f.time_zone());
    } else if (profile.has_recurrence()) {
      const auto& r = profile.recurrence().schedule();
      s.type = schedule::kind::weekly;
      s.zone.emplace(r.time_zone());
      for (auto d : r.days())
        s.weekdays.push_back(static_cast<uint32_t>(d) - 1); // Sunday = 1
      for (auto h : r.hours())
        for (auto m : r.minutes())
          s.times_s.push_back(int64_t{h} * 3600 + int64_t{m} * 60);
    }
    schedules_.push_back(std::move(s));
  }
}

autoscale_core::~autoscale_core() = default;

int64_t autoscale_core::utc(sim_time now) const {
  return params_->start_utc_seconds + now / seconds(1);
}

/// The latest start of the weekly schedule at or before `utc_seconds` (in
/// the schedule's zone, daylight saving time included); sim_time_never
/// when the schedule names no day or time.
sim_time autoscale_core::latest_start(const schedule& s,
                                      int64_t utc_seconds) const {
  const auto local = s.zone->local(utc_seconds);
  const int64_t midnight =
      utc_seconds + local.offset_seconds -
      (int64_t{local.hour} * 3600 + local.minute * 60 + local.second);
  int64_t best = 0;
  bool found = false;
  // Eight local days back covers a week whose start today is still ahead.
  for (int64_t back = 0; back <= 7; ++back) {
    const uint32_t weekday =
        static_cast<uint32_t>((local.weekday + 7 - back) % 7);
    if (std::find(s.weekdays.begin(), s.weekdays.end(), weekday) ==
        s.weekdays.end())
      continue;
    for (auto t : s.times_s) {
      const int64_t start = s.zone->to_utc(midnight - back * day_s + t);
      if (start <= utc_seconds && (!found || start > best)) {
        best = start;
        found = true;
      }
    }
  }
  return found ? best : sim_time_never;
}

int autoscale_core::profile_at(sim_time now) const {
  const int64_t t = utc(now);
  for (size_t i = 0; i < schedules_.size(); ++i)
    if (schedules_[i].type == schedule::kind::fixed &&
        schedules_[i].from_utc <= t && t <= schedules_[i].to_utc)
      return static_cast<int>(i);
  int best = -1;
  sim_time best_start = 0;
  for (size_t i = 0; i < schedules_.size(); ++i) {
    if (schedules_[i].type != schedule::kind::weekly)
      continue;
    auto start = latest_start(schedules_[i], t);
    if (start != sim_time_never && (best < 0 || start > best_start)) {
      best = static_cast<int>(i);
      best_start = start;
    }
  }
  if (best >= 0)
    return best;
  for (size_t i = 0; i < schedules_.size(); ++i)
    if (schedules_[i].type == schedule::kind::none)
      return static_cast<int>(i);
  return -1;
}

std::vector<metric_spec> autoscale_core::metrics(int profile) const {
  std::vector<metric_spec> out;
  if (profile < 0)
    return out;
  for (const auto& r :
       params_->setting.model.properties().profiles(profile).rules())
    out.push_back(spec_of(r.metric_trigger()));
  return out;
}

autoscale_evaluation
autoscale_core::evaluate(sim_time now, int profile, int64_t capacity,
                         const std::vector<rule_reading>& readings) {
  const auto& p = params_->setting.model.properties();
  autoscale_evaluation out;
  out.capacity = capacity;
  out.new_capacity = capacity;
  if (profile >= 0) {
    const auto& prof = p.profiles(profile);
    VMSS_ASSERT(readings.size() == static_cast<size_t>(prof.rules_size()),
                "one reading per rule of the profile");
    out.profile = prof.name();
    out.minimum = prof.capacity().minimum();
    out.maximum = prof.capacity().maximum();
    for (size_t i = 0; i < readings.size(); ++i)
      out.metrics +=
          (i ? ";" : "") + rule_name(i) + " " +
          prof.rules(static_cast<int>(i)).metric_trigger().metric_name() + "=" +
          (readings[i].present ? format_value(readings[i].value) : "missing");
  }
  if (p.has_enabled() && !p.enabled()) {
    out.decision = autoscale_decision::disabled;
    return out;
  }
  if (capacity < 0) {
    out.decision = autoscale_decision::no_target;
    return out;
  }
  if (profile < 0)
    return out;
  record(now, profile, capacity, readings, out);
  decide(now, profile, readings, out);
  if (out.acts()) {
    if (out.cooldown > 0)
      cooldown_until_ = now + out.cooldown;
    if (p.notifications_size() > 0)
      out.notice = notice(out);
  }
  return out;
}

void autoscale_core::decide(sim_time now, int profile,
                            const std::vector<rule_reading>& r,
                            autoscale_evaluation& out) const {
  const auto& prof = params_->setting.model.properties().profiles(profile);
  const auto& rules = prof.rules();
  const int64_t c = out.capacity;
  const std::string base =
      "autoscale:" + params_->setting.name + "/" + prof.name() + "/";
  if (c < out.minimum || c > out.maximum) {
    out.decision = autoscale_decision::clamp;
    out.new_capacity = std::clamp<int64_t>(c, out.minimum, out.maximum);
    out.reason = base + "clamp";
    return;
  }
  bool missing = std::any_of(r.begin(), r.end(),
                             [](const rule_reading& x) { return !x.present; });
  const int64_t fallback = std::clamp<int64_t>(prof.capacity().default_count(),
                                               out.minimum, out.maximum);
  if (missing && c < fallback) {
    out.decision = autoscale_decision::default_capacity;
    out.new_capacity = fallback;
    out.reason = base + "default";
    return;
  }
  // An action of rule `i` to `to`, unless inside the cooldown.
  auto act = [&](int i, int64_t to, autoscale_decision d,
                 const std::string& suffix) {
    out.rule = rule_name(static_cast<size_t>(i));
    if (now < cooldown_until_) {
      out.decision = autoscale_decision::cooldown;
      return false;
    }
    out.decision = d;
    out.new_capacity = to;
    out.cooldown = rules[i].scale_action().cooldown_ns();
    out.reason = base + out.rule + suffix;
    return true;
  };
  auto fired = [&](int i, double v) {
    return fires(rules[i].metric_trigger(), v);
  };
  auto is = [&](int i, ins::ScaleAction::Direction d) {
    return rules[i].scale_action().direction() == d;
  };
  // Scale out: any rule, the largest count.
  int out_rule = -1;
  int64_t out_to = c;
  for (int i = 0; i < rules.size(); ++i)
    if (is(i, ins::ScaleAction::Increase) && r[i].present &&
        fired(i, r[i].value)) {
      auto to =
          std::min<int64_t>(target_of(rules[i].scale_action(), c), out.maximum);
      if (to > out_to) {
        out_to = to;
        out_rule = i;
      }
    }
  if (out_rule >= 0) {
    act(out_rule, out_to, autoscale_decision::scale_out, "");
    return;
  }
  // Scale in: all rules, the smallest decrease.
  int in_rule = -1;
  int64_t in_to = -1;
  bool all = false;
  for (int i = 0; i < rules.size(); ++i) {
    if (!is(i, ins::ScaleAction::Decrease))
      continue;
    all = r[i].present && fired(i, r[i].value);
    if (!all)
      break;
    auto to =
        std::max<int64_t>(target_of(rules[i].scale_action(), c), out.minimum);
    if (to > in_to) {
      in_to = to;
      in_rule = i;
    }
  }
  if (all && in_rule >= 0 && in_to < c) {
    // Flapping: the scale-out rules' metrics projected onto n instances.
    auto flaps = [&](int64_t n) {
      for (int i = 0; i < rules.size(); ++i) {
        if (!is(i, ins::ScaleAction::Increase) || !r[i].present)
          continue;
        double v = r[i].value;
        if (per_instance(rules[i].metric_trigger()))
          v = v * static_cast<double>(c) / static_cast<double>(n);
        if (fired(i, v))
          return true;
      }
      return false;
    };
    int64_t n = in_to;
    while (n < c && flaps(n))
      ++n;
    if (n == c) {
      out.rule = rule_name(static_cast<size_t>(in_rule));
      out.decision = now < cooldown_until_
                         ? autoscale_decision::cooldown
                         : autoscale_decision::flapping_skipped;
      return;
    }
    act(in_rule, n,
        n == in_to ? autoscale_decision::scale_in
                   : autoscale_decision::flapping_reduced,
        "");
    return;
  }
  // Predictive autoscale (Enabled): scale out only, when the forecast per
  // instance fires a Percentage CPU scale-out rule.
  if (!out.forecast || out.forecast->mode != "Enabled" || c == 0)
    return;
  const double per = out.forecast->value / static_cast<double>(c);
  for (int i = 0; i < rules.size(); ++i)
    if (is(i, ins::ScaleAction::Increase) &&
        is_cpu_average(rules[i].metric_trigger()) && fired(i, per)) {
      auto to =
          std::min<int64_t>(target_of(rules[i].scale_action(), c), out.maximum);
      if (to > out_to) {
        out_to = to;
        out_rule = i;
      }
    }
  if (out_rule >= 0)
    act(out_rule, out_to, autoscale_decision::scale_out, "/predictive");
}

/// Keeps the set's total Percentage CPU (the first Average Percentage CPU
/// rule's reading times the count) and, with a week of it, forecasts
/// scaleLookAheadTime ahead: the total one week before that time
/// (seasonal-naive; Azure's model is not published).
void autoscale_core::record(sim_time now, int profile, int64_t capacity,
                            const std::vector<rule_reading>& r,
                            autoscale_evaluation& out) {
  const auto& p = params_->setting.model.properties();
  const auto mode = p.predictive_autoscale_policy().scale_mode();
  if (mode != ins::PredictiveAutoscalePolicy::ForecastOnly &&
      mode != ins::PredictiveAutoscalePolicy::Enabled)
    return;
  const auto& rules = p.profiles(profile).rules();
  for (int i = 0; i < rules.size(); ++i)
    if (is_cpu_average(rules[i].metric_trigger()) && r[i].present) {
      history_.push_back({now, r[i].value * static_cast<double>(capacity)});
      first_sample_ = std::min(first_sample_, now);
      break;
    }
  const sim_time ahead =
      p.predictive_autoscale_policy().scale_look_ahead_time_ns() > 0
          ? p.predictive_autoscale_policy().scale_look_ahead_time_ns()
          : default_look_ahead;
  const sim_time seen = now + ahead - week;
  while (history_.size() >= 2 && history_[1].at <= seen)
    history_.pop_front();
  if (first_sample_ > now - week || history_.empty() ||
      history_.front().at > seen)
    return; // Azure: no forecast before seven days of history
  out.forecast = autoscale_forecast_value{
      mode == ins::PredictiveAutoscalePolicy::Enabled ? "Enabled"
                                                      : "ForecastOnly",
      now + ahead, history_.front().total_cpu};
}

autoscale_notice autoscale_core::notice(const autoscale_evaluation& e) const {
  autoscale_notice n;
  n.operation = e.new_capacity > e.capacity ? "Scale Out" : "Scale In";
  for (const auto& x : params_->setting.model.properties().notifications()) {
    const auto& mail = x.email();
    for (const auto& v : mail.custom_emails())
      add(n.emails, v);
    if (mail.send_to_subscription_administrator())
      add(n.emails, "subscription administrators");
    if (mail.send_to_subscription_co_administrators())
      add(n.emails, "subscription co-administrators");
    for (const auto& w : x.webhooks())
      add(n.webhooks, w.service_uri());
  }
  return n;
}

} // namespace vmss::compute
