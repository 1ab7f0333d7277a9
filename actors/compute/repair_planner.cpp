// The repair planner (repair_planner.hpp): automatic instance repairs over
// the orchestrator's instance table. docs/model.md, "Automatic repairs",
// gives each rule's source.

#include "actors/compute/repair_planner.hpp"

#include <algorithm>
#include <utility>

namespace vmss::compute {

uint32_t repair_limit(uint32_t capacity) {
  if (capacity < 20)
    return 1;
  return std::max<uint32_t>(1, capacity * 5 / 100);
}

bool needs_repair(const instance& i, health_source source) {
  using physical::app_health;
  switch (source) {
  case health_source::none:
    return false;
  case health_source::load_balancer_probe:
    return !i.probe_up;
  case health_source::extension:
    return i.health == app_health::unhealthy || i.health == app_health::unknown;
  }
  return false;
}

namespace {

/// The VM runs (repairs act on running instances only).
bool vm_up(const instance& i) {
  using physical::vm_state;
  return !i.deallocated &&
         (i.state == vm_state::running || i.state == vm_state::healthy ||
          i.state == vm_state::unhealthy);
}

order_kind kind_of(repair_action a) {
  switch (a) {
  case repair_action::replace:
    return order_kind::replace;
  case repair_action::reimage:
    return order_kind::reimage;
  case repair_action::restart:
    return order_kind::restart;
  }
  return order_kind::replace;
}

} // namespace

repair_planner::repair_planner(const repair_planner_params& params)
    : params_(params) {
}

repair_plan repair_planner::plan(sim_time now, const set_model& model,
                                 const instance_map& instances) {
  repair_plan out;
  if (model.repairs.enabled != enabled_) {
    enabled_ = model.repairs.enabled;
    if (enabled_) {
      running_ = true;
      failures_ = 0;
      out.reports.push_back(
          service_report{true, "automaticRepairsPolicy enabled"});
    }
  }
  std::vector<repair> left;
  for (repair& r : repairs_) {
    outcome o = track(now, model, instances, r, out);
    if (o == outcome::pending)
      left.push_back(r);
    else
      finish(r, o, out);
  }
  repairs_ = std::move(left);
  if (enabled_ && running_ && model.health != health_source::none)
    start(now, model, instances, out);
  return out;
}

repair_plan repair_planner::set_running(sim_time now, bool running) {
  repair_plan out;
  if (running == running_)
    return out;
  running_ = running;
  if (running) {
    failures_ = 0;
    out.wake = now;
    out.reports.push_back(
        service_report{true, "resumed by setOrchestrationServiceState"});
  } else {
    out.reports.push_back(
        service_report{false, "suspended by setOrchestrationServiceState"});
  }
  return out;
}

bool repair_planner::involved(uint32_t id) const {
  return std::any_of(repairs_.begin(), repairs_.end(), [&](const repair& r) {
    return r.target == id || r.replacement == id;
  });
}

repair_planner::outcome repair_planner::track(sim_time now,
                                              const set_model& model,
                                              const instance_map& instances,
                                              repair& r, repair_plan& out) {
  return r.action == repair_action::replace
             ? track_replace(now, model, instances, r, out)
             : track_in_place(now, model, instances, r, out);
}

repair_planner::outcome
repair_planner::track_in_place(sim_time now, const set_model& model,
                               const instance_map& instances, repair& r,
                               repair_plan& out) {
  auto it = instances.find(r.target);
  if (it == instances.end())
    return outcome::abandoned; // the instance left the set
  const instance& i = it->second;
  if (r.done_at == sim_time_never) {
    if (i.work != instance_work::none) {
      r.seen_busy = true;
      return outcome::pending;
    }
    if (!r.seen_busy && i.changed_at <= r.ordered_at)
      return now > r.ordered_at ? outcome::abandoned : outcome::pending;
    r.done_at = now;
  }
  return judge(now, model, i, r, out);
}

repair_planner::outcome
repair_planner::track_replace(sim_time now, const set_model& model,
                              const instance_map& instances, repair& r,
                              repair_plan& out) {
  if (!r.replacement) {
    auto t = instances.find(r.target);
    if (t != instances.end() && t->second.created_at < r.ordered_at) {
      // The old instance is still there.
      if (t->second.work != instance_work::none) {
        r.seen_busy = true;
        return outcome::pending;
      }
      return now > r.ordered_at || r.seen_busy ? outcome::abandoned
                                               : outcome::pending;
    }
    r.gone_at = std::min(r.gone_at, now);
    std::optional<uint32_t> found;
    for (const auto& [id, i] : instances)
      if (!i.extra && i.created_at >= r.ordered_at &&
          (id == r.target || !involved(id)) && (!found || id == r.target))
        found = id;
    if (!found) {
      sim_time deadline = r.gone_at + model.repairs.grace;
      if (now >= deadline)
        return outcome::failed; // no replacement came
      out.wake = std::min(out.wake, deadline);
      return outcome::pending;
    }
    r.replacement = found;
  }
  auto it = instances.find(*r.replacement);
  if (it == instances.end())
    return outcome::failed; // the replacement is gone again
  if (r.done_at == sim_time_never) {
    if (it->second.work != instance_work::none)
      return outcome::pending;
    r.done_at = now;
  }
  return judge(now, model, it->second, r, out);
}

repair_planner::outcome repair_planner::judge(sim_time now,
                                              const set_model& model,
                                              const instance& i, repair& r,
                                              repair_plan& out) {
  if (is_healthy(i, model.health))
    return outcome::completed;
  sim_time deadline = r.done_at + model.repairs.grace;
  if (now >= deadline)
    return outcome::failed;
  out.wake = std::min(out.wake, deadline);
  return outcome::pending;
}

void repair_planner::finish(const repair& r, outcome o, repair_plan& out) {
  out.reports.push_back(repair_report{
      r.target, r.action, o == outcome::completed ? "completed" : "failed"});
  if (o == outcome::completed)
    failures_ = 0;
  if (o != outcome::failed)
    return;
  ++failures_;
  if (running_ && failures_ >= params_.suspend_after) {
    running_ = false;
    out.reports.push_back(service_report{
        false, std::to_string(failures_) + " repairs in a row failed"});
  }
}

void repair_planner::start(sim_time now, const set_model& model,
                           const instance_map& instances, repair_plan& out) {
  uint32_t limit = repair_limit(model.capacity);
  if (repairs_.size() >= limit)
    return; // an outcome frees a place; plan() runs again then
  std::vector<std::pair<sim_time, uint32_t>> due;
  for (const auto& [id, i] : instances) {
    // Azure repairs no instance whose provisioning failed.
    if (i.extra || i.extension_failed || i.protect_from_scale_in ||
        i.protect_from_scale_set_actions || i.work != instance_work::none ||
        !vm_up(i) || !needs_repair(i, model.health) || involved(id))
      continue;
    sim_time at = i.changed_at + model.repairs.grace;
    if (at > now)
      out.wake = std::min(out.wake, at);
    else
      due.emplace_back(at, id);
  }
  std::sort(due.begin(), due.end());
  for (const auto& [at, id] : due) {
    if (repairs_.size() >= limit)
      break;
    repair r;
    r.target = id;
    r.action = model.repairs.action;
    r.ordered_at = now;
    repairs_.push_back(r);
    out.orders.push_back(order{kind_of(r.action), id, "repair"});
    out.reports.push_back(repair_report{id, r.action, "started"});
  }
}

} // namespace vmss::compute
