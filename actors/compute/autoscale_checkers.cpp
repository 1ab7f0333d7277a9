/// Autoscale checkers (descriptions in the header).

#include "actors/compute/autoscale_checkers.hpp"

#include "analysis/record_fields.hpp"
#include "messages/compute_events.hpp"

namespace vmss::compute {

using analysis::int_field;
using analysis::is;
using analysis::string_field;

namespace {

/// The decisions that change capacity by a rule and start a cooldown.
bool is_scale_action(const std::string& decision) {
  return decision == "scale_out" || decision == "scale_in" ||
         decision == "flapping_reduced";
}

} // namespace

void autoscale_bounds_checker::on_record(const analysis::record& r) {
  if (!held_.empty() && r.t_ns() > held_.front().t_ns)
    judge();
  if (is(r, events::autoscale_evaluated)) {
    const auto& def = events::autoscale_evaluated;
    latest_[string_field(r, def, "scale_set")] = evaluation{
        string_field(r, def, "setting"), string_field(r, def, "profile"),
        int_field(r, def, "minimum"), int_field(r, def, "maximum")};
    return;
  }
  if (!is(r, events::capacity_changed))
    return;
  const auto& def = events::capacity_changed;
  auto reason = string_field(r, def, "reason");
  if (reason.rfind("autoscale:", 0) == 0)
    held_.push_back(change{r.t_ns(), std::string(r.path),
                           string_field(r, def, "scale_set"),
                           int_field(r, def, "to"), reason});
}

void autoscale_bounds_checker::judge() {
  for (const auto& c : held_) {
    std::string what = "scale set " + c.scale_set + ": capacity " +
                       std::to_string(c.to) + " by " + c.reason;
    auto it = latest_.find(c.scale_set);
    if (it == latest_.end()) {
      violations_.add({c.t_ns, c.entity,
                       what + " without an autoscale_evaluated record at or "
                              "before it"});
      continue;
    }
    const auto& e = it->second;
    if (c.to < e.minimum || c.to > e.maximum)
      violations_.add({c.t_ns, c.entity,
                       what + " outside [" + std::to_string(e.minimum) + ", " +
                           std::to_string(e.maximum) + "] of profile '" +
                           e.profile + "' of setting " + e.setting});
  }
  held_.clear();
}

analysis::violation_list autoscale_bounds_checker::finish() {
  judge();
  return std::move(violations_);
}

void autoscale_cooldown_checker::on_record(const analysis::record& r) {
  if (!is(r, events::autoscale_evaluated))
    return;
  const auto& def = events::autoscale_evaluated;
  auto decision = string_field(r, def, "decision");
  if (!is_scale_action(decision))
    return;
  auto setting = string_field(r, def, "setting");
  auto cooldown_s = int_field(r, def, "cooldown_s");
  auto it = last_.find(setting);
  if (it != last_.end()) {
    const auto& last = it->second;
    sim_time since = r.t_ns() - last.t_ns;
    if (since < seconds(last.cooldown_s))
      violations_.add(r, "setting " + setting + ": " + decision + " " +
                             format_duration(since) + " after " +
                             last.decision + ", inside its cooldown of " +
                             std::to_string(last.cooldown_s) + "s");
  }
  last_[setting] = action{r.t_ns(), decision, cooldown_s};
}

} // namespace vmss::compute
