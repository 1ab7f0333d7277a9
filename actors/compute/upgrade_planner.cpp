// The upgrade planner (upgrade_planner.hpp): Automatic, Manual and Rolling
// upgrades over the orchestrator's instance table. docs/model.md,
// "Rolling, automatic and manual upgrades", gives each rule's source.

#include "actors/compute/upgrade_planner.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <tuple>

namespace vmss::compute {

uint32_t batch_size(uint32_t capacity, uint32_t percent) {
  uint64_t n = uint64_t{capacity} * percent / 100;
  return n == 0 ? 1 : static_cast<uint32_t>(n);
}

bool over_percent(uint32_t count, uint32_t capacity, uint32_t percent) {
  return uint64_t{count} * 100 > uint64_t{percent} * capacity;
}

namespace {

uint32_t set_size(const set_model& model) {
  return std::max<uint32_t>(model.capacity, 1);
}

/// Counted by the unhealthy-instance checks: a member of the set that is
/// not deallocated, being created or leaving it.
bool counted(const instance& i) {
  return !i.extra && !i.deallocated && i.work != instance_work::creating &&
         i.work != instance_work::deleting && i.work != instance_work::draining;
}

std::string breach(const char* limit, uint32_t percent, uint32_t count,
                   uint32_t capacity, const char* what) {
  return std::string(limit) + " " + std::to_string(percent) +
         " exceeded: " + std::to_string(count) + " of " +
         std::to_string(capacity) + " instances " + what;
}

} // namespace

upgrade_planner::upgrade_planner(const upgrade_planner_params& params)
    : params_(params) {
}

bool upgrade_planner::pending(const set_model& model, const instance& i) const {
  return !i.extra && !i.protect_from_scale_set_actions &&
         i.profile != model.profile && !i.deallocated &&
         i.work != instance_work::deleting && i.work != instance_work::draining;
}

upgrade_plan upgrade_planner::plan(sim_time now, uint32_t version,
                                   const set_model& model,
                                   const instance_map& instances) {
  upgrade_plan out;
  if (version != version_)
    on_version(version, model, instances, out);
  bool free = advance(now, model, instances, out);
  if (model.upgrade == upgrade_mode::automatic) {
    plan_automatic(model, instances, out);
    return out;
  }
  if (!active_ || !free)
    return out;
  if (now < pause_until_) {
    out.wake = std::min(out.wake, pause_until_);
    return out;
  }
  next_batch(now, model, instances, out);
  return out;
}

upgrade_plan upgrade_planner::cancel(sim_time) {
  upgrade_plan out;
  if (active_)
    end_run("Cancelled", "cancelled by request", out);
  return out;
}

void upgrade_planner::on_version(uint32_t version, const set_model& model,
                                 const instance_map& instances,
                                 upgrade_plan& out) {
  version_ = version;
  if (model.upgrade != upgrade_mode::rolling) {
    if (active_)
      end_run("Cancelled",
              std::string("upgradePolicy.mode is ") + to_string(model.upgrade),
              out);
    attempted_.clear();
    return;
  }
  if (active_ && model.profile == profile_)
    return; // a change that leaves the profile alone (capacity, policy)
  bool any =
      std::any_of(instances.begin(), instances.end(),
                  [&](const auto& e) { return pending(model, e.second); });
  if (!any && !active_)
    return;
  start_run(model,
            active_ ? "restarted by model version " + std::to_string(version)
                    : std::string(),
            out);
}

void upgrade_planner::start_run(const set_model& model,
                                const std::string& reason, upgrade_plan& out) {
  if (batch_)
    batch_->stale = true;
  active_ = true;
  profile_ = model.profile;
  batches_ = 0;
  pause_until_ = 0;
  attempted_.clear();
  upgraded_.clear();
  out.reports.push_back(status_report{"RollingForward", reason});
}

void upgrade_planner::end_run(const char* status, const std::string& reason,
                              upgrade_plan& out) {
  active_ = false;
  if (batch_)
    batch_->stale = true;
  out.reports.push_back(status_report{status, reason});
}

void upgrade_planner::plan_automatic(const set_model& model,
                                     const instance_map& instances,
                                     upgrade_plan& out) {
  for (const auto& [id, i] : instances) {
    if (!pending(model, i) || i.work != instance_work::none ||
        !attempted_.insert(id).second)
      continue;
    out.orders.push_back(order{order_kind::reimage_to_latest, id, "upgrade"});
  }
}

bool upgrade_planner::settled(sim_time now, const set_model& model,
                              const instance& i, upgrade_plan& out) {
  auto at = settled_at_.emplace(i.id, now).first->second;
  if (is_healthy(i, model.health))
    return true;
  sim_time deadline = at + params_.health_wait;
  if (now >= deadline)
    return true;
  out.wake = std::min(out.wake, deadline);
  return false;
}

bool upgrade_planner::advance(sim_time now, const set_model& model,
                              const instance_map& instances,
                              upgrade_plan& out) {
  if (!batch_)
    return true;
  bool done = batch_->surge != 0 ? advance_surge(now, model, instances, out)
                                 : advance_in_place(now, model, instances, out);
  if (!done)
    return false;
  finish_batch(now, model, instances, out);
  return true;
}

bool upgrade_planner::advance_in_place(sim_time now, const set_model& model,
                                       const instance_map& instances,
                                       upgrade_plan& out) {
  batch& b = *batch_;
  std::vector<uint32_t> left;
  bool done = true;
  for (uint32_t id : b.instances) {
    auto it = instances.find(id);
    if (it == instances.end())
      continue; // deleted meanwhile
    const instance& i = it->second;
    if (i.work != instance_work::none) {
      done = false;
    } else if (b.stale) {
      continue;
    } else if (i.profile != model.profile) {
      if (now > b.started)
        continue; // refused, or the reimage failed: not upgraded
      done = false;
    } else if (!settled(now, model, i, out)) {
      done = false;
    }
    left.push_back(id);
  }
  b.instances = std::move(left);
  return done;
}

bool upgrade_planner::advance_surge(sim_time now, const set_model& model,
                                    const instance_map& instances,
                                    upgrade_plan& out) {
  batch& b = *batch_;
  if (b.stale)
    return true; // what was ordered goes on; the orchestrator keeps count
  if (b.deleting) {
    bool done = true;
    for (uint32_t id : b.instances) {
      auto it = instances.find(id);
      if (it != instances.end() &&
          (it->second.work != instance_work::none || now == b.deleted_at))
        done = false; // still leaving (an idle one refused the delete)
    }
    return done;
  }
  for (const auto& [id, i] : instances)
    if (b.surge_new.size() < b.surge && !b.known.count(id) && !i.extra &&
        i.profile == model.profile &&
        std::find(b.surge_new.begin(), b.surge_new.end(), id) ==
            b.surge_new.end()) {
      settled_at_.erase(id);
      b.surge_new.push_back(id);
    }
  if (b.surge_new.size() < b.surge)
    return false;
  bool ready = true;
  for (uint32_t id : b.surge_new) {
    auto it = instances.find(id);
    if (it != instances.end() && (it->second.work != instance_work::none ||
                                  !settled(now, model, it->second, out)))
      ready = false;
  }
  if (!ready)
    return false;
  upgraded_.insert(b.surge_new.begin(), b.surge_new.end());
  if (upgraded_breach(model, instances, out))
    return true; // the old instances stay
  for (uint32_t id : b.instances)
    if (instances.count(id))
      out.orders.push_back(order{order_kind::delete_instance, id, "upgrade"});
  b.deleting = true;
  b.deleted_at = now;
  return false;
}

void upgrade_planner::finish_batch(sim_time now, const set_model& model,
                                   const instance_map& instances,
                                   upgrade_plan& out) {
  batch b = std::move(*batch_);
  batch_.reset();
  for (uint32_t id : b.instances)
    settled_at_.erase(id);
  for (uint32_t id : b.surge_new)
    settled_at_.erase(id);
  if (b.stale || !active_)
    return;
  if (b.surge == 0) { // maxSurge checked before deleting the old ones
    upgraded_.insert(b.instances.begin(), b.instances.end());
    if (upgraded_breach(model, instances, out))
      return;
  }
  pause_until_ = now + model.rolling.pause_between_batches;
}

bool upgrade_planner::upgraded_breach(const set_model& model,
                                      const instance_map& instances,
                                      upgrade_plan& out) {
  uint32_t bad = 0;
  for (uint32_t id : upgraded_) {
    auto it = instances.find(id);
    bad += it != instances.end() && !is_healthy(it->second, model.health);
  }
  uint32_t percent = model.rolling.max_unhealthy_upgraded_percent;
  if (!over_percent(bad, set_size(model), percent))
    return false;
  fault(model, instances,
        breach("maxUnhealthyUpgradedInstancePercent", percent, bad,
               set_size(model), "unhealthy after their upgrade"),
        out);
  return true;
}

void upgrade_planner::fault(const set_model& model,
                            const instance_map& instances, std::string reason,
                            upgrade_plan& out) {
  if (model.rolling.rollback_on_breach) {
    // rollbackFailedInstancesOnPolicyBreach: the upgraded instances that
    // failed (are unhealthy) go back to the previous model.
    for (uint32_t id : upgraded_) {
      auto it = instances.find(id);
      if (it != instances.end() && !is_healthy(it->second, model.health))
        out.orders.push_back(
            order{order_kind::reimage_to_previous, id, "rollback"});
    }
    reason += "; rolling back the failed instances";
  }
  end_run("Faulted", reason, out);
}

void upgrade_planner::next_batch(sim_time now, const set_model& model,
                                 const instance_map& instances,
                                 upgrade_plan& out) {
  bool any = false;
  uint32_t bad = 0;
  std::vector<const instance*> ready;
  for (const auto& [id, i] : instances) {
    bad += counted(i) && !is_healthy(i, model.health);
    if (!pending(model, i) || attempted_.count(id))
      continue;
    any = true;
    if (i.work == instance_work::none)
      ready.push_back(&i);
  }
  if (!any) {
    end_run("Completed", "", out);
    return;
  }
  if (ready.empty())
    return; // the rest are busy: the table's next change brings them
  const rolling_policy& p = model.rolling;
  if (over_percent(bad, set_size(model), p.max_unhealthy_percent)) {
    fault(model, instances,
          breach("maxUnhealthyInstancePercent", p.max_unhealthy_percent, bad,
                 set_size(model), "unhealthy"),
          out);
    return;
  }
  auto key = [&](const instance* i) {
    bool first = p.prioritize_unhealthy && !is_healthy(*i, model.health);
    int64_t zone = p.cross_zone ? 0 : i->zone;
    return std::make_tuple(!first, zone, i->update_domain, i->id);
  };
  std::sort(
      ready.begin(), ready.end(),
      [&](const instance* a, const instance* b) { return key(a) < key(b); });
  auto group = [&](const instance* i) {
    return std::make_pair(p.cross_zone ? 0 : i->zone, i->update_domain);
  };
  std::vector<uint32_t> ids;
  uint32_t size = batch_size(set_size(model), p.max_batch_percent);
  for (const instance* i : ready)
    if (ids.size() < size && group(i) == group(ready.front()))
      ids.push_back(i->id);
  order_batch(now, model, instances, ids, out);
}

void upgrade_planner::order_batch(sim_time now, const set_model& model,
                                  const instance_map& instances,
                                  const std::vector<uint32_t>& ids,
                                  upgrade_plan& out) {
  VMSS_ASSERT(!ids.empty() && !batch_, "one batch at a time, never empty");
  batch b;
  b.instances = ids;
  b.started = now;
  for (uint32_t id : ids) {
    attempted_.insert(id);
    settled_at_.erase(id);
  }
  if (model.rolling.max_surge) {
    b.surge = static_cast<uint32_t>(ids.size());
    for (const auto& e : instances)
      b.known.insert(e.first);
    for (size_t n = 0; n < ids.size(); ++n)
      out.orders.push_back(order{order_kind::create_surge, 0, "upgrade"});
  } else {
    for (uint32_t id : ids)
      out.orders.push_back(order{order_kind::reimage_to_latest, id, "upgrade"});
  }
  out.reports.push_back(batch_report{++batches_, ids});
  batch_ = std::move(b);
}

} // namespace vmss::compute
