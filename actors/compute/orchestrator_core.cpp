// The scale-set orchestrator's pure core (orchestrator_core.hpp). Each rule
// and its source: docs/model.md, "Scale-set orchestrator".

#include "actors/compute/orchestrator_core.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <tuple>

namespace vmss::compute {

namespace {

using physical::vm_op;
using physical::vm_state;

bool running_state(vm_state s) {
  return s == vm_state::running || s == vm_state::healthy ||
         s == vm_state::unhealthy;
}

/// The transitional states an operation takes the VM through.
bool transitional(vm_state s) {
  return !running_state(s);
}

std::string not_found(uint32_t id) {
  return "InvalidParameter: The provided instanceId " + std::to_string(id) +
         " is not an active Virtual Machine Scale Set VM instanceId.";
}

std::string not_allowed(const std::string& action, const std::string& set,
                        uint32_t id, const char* why) {
  return "OperationNotAllowed: Operation '" + action +
         "' is not allowed on Virtual Machine Scale Set VM '" +
         physical::vm_name(set, id) + "' since " + why + ".";
}

const char* power_of(vm_state s) {
  switch (s) {
  case vm_state::pending:
  case vm_state::allocating:
  case vm_state::creating:
  case vm_state::starting:
  case vm_state::repairing:
    return "starting";
  case vm_state::running:
  case vm_state::healthy:
  case vm_state::unhealthy:
    return "running";
  case vm_state::stopping:
  case vm_state::deleting:
    return "stopping";
  case vm_state::stopped:
  case vm_state::deleted:
    return "stopped";
  }
  return "unknown";
}

} // namespace

bool orchestrator_core::shown::operator==(const shown& o) const {
  return std::tie(provisioning, power, latest, host, vm, fault_domain,
                  model_version, zone, protect_in, protect_actions, health) ==
         std::tie(o.provisioning, o.power, o.latest, o.host, o.vm,
                  o.fault_domain, o.model_version, o.zone, o.protect_in,
                  o.protect_actions, o.health);
}

orchestrator_core::orchestrator_core(const orchestrator_params& params)
    : params_(&params) {
  VMSS_ASSERT(params.update_domains > 0, "orchestrator: update domains");
  VMSS_ASSERT(params.overprovision_percent >= 100,
              "orchestrator: overprovisioning below 100%");
}

const set_model* orchestrator_core::model() const {
  return model_ ? &*model_ : nullptr;
}

// ---------------------------------------------------------------------------
// The table: counts, zones, views.

bool orchestrator_core::leaving(const instance& i) const {
  return i.work == instance_work::deleting || i.work == instance_work::draining;
}

bool orchestrator_core::busy(uint32_t id) const {
  return instances_.at(id).work != instance_work::none ||
         tracks_.at(id).pending != track::wait::none;
}

uint32_t orchestrator_core::members() const {
  uint32_t n = 0;
  for (const auto& [id, i] : instances_)
    n += !i.extra && !leaving(i);
  return n;
}

std::map<int64_t, uint32_t> orchestrator_core::zone_counts() const {
  std::map<int64_t, uint32_t> counts;
  for (auto z : model_->zones)
    counts[z] = 0;
  for (const auto& [id, i] : instances_)
    if (!leaving(i))
      ++counts[i.zone];
  return counts;
}

std::optional<int64_t>
orchestrator_core::choose_zone(const std::set<int64_t>& excluded) const {
  if (model_->zones.empty())
    return -1;
  auto counts = zone_counts();
  std::optional<int64_t> best;
  for (auto z : model_->zones) {
    if (excluded.count(z))
      continue;
    if (!best || counts[z] < counts[*best])
      best = z;
  }
  return best;
}

int64_t orchestrator_core::new_zone() const {
  auto zone =
      choose_zone(model_->zone_balance ? std::set<int64_t>{} : refused_zones_);
  return zone ? *zone : *choose_zone({});
}

uint32_t orchestrator_core::spread_domain(const instance& i) const {
  auto rack = tracks_.at(i.id).rack;
  return model_->fault_domains <= 1 ? rack : rack % model_->fault_domains;
}

void orchestrator_core::place(instance& i, uint32_t host) {
  auto& t = tracks_.at(i.id);
  i.host = host;
  t.rack = params_->host_rack ? params_->host_rack(host) : 0;
  // Max spreading (platformFaultDomainCount 1) shows one fault domain.
  i.fault_domain = model_->fault_domains <= 1 ? 0 : spread_domain(i);
}

orchestrator_core::shown orchestrator_core::view_of(const instance& i) const {
  const auto& t = tracks_.at(i.id);
  shown s;
  switch (i.work) {
  case instance_work::none:
    s.provisioning = t.failed || i.extension_failed ? "Failed" : "Succeeded";
    break;
  case instance_work::creating:
    s.provisioning = t.failed ? "Failed" : "Creating";
    break;
  case instance_work::deleting:
  case instance_work::draining:
    s.provisioning = "Deleting";
    break;
  default:
    s.provisioning = "Updating";
  }
  if (t.unreachable)
    s.power = "unknown";
  else if (i.deallocated)
    s.power = "deallocated";
  else if (i.work == instance_work::stopping && t.deallocate)
    s.power = "deallocating";
  else if (i.host == 0)
    s.power = t.failed ? "unknown" : "starting";
  else
    s.power = power_of(i.state);
  s.latest = i.profile == model_->profile;
  s.host = i.host;
  s.vm = i.vm;
  s.fault_domain = i.fault_domain;
  s.model_version = i.model_version;
  s.zone = i.zone;
  s.protect_in = i.protect_from_scale_in;
  s.protect_actions = i.protect_from_scale_set_actions;
  s.health = i.health;
  return s;
}

void orchestrator_core::touch(orchestrator_effects& e, uint32_t id) {
  const auto& i = instances_.at(id);
  auto now_shown = view_of(i);
  auto it = shown_.find(id);
  if (it != shown_.end() && it->second == now_shown)
    return;
  e.reports.push_back(view_report{i, now_shown.provisioning, now_shown.power,
                                  now_shown.latest});
  shown_[id] = std::move(now_shown);
}

void orchestrator_core::remove(orchestrator_effects& e, uint32_t id) {
  forget_batch_member(id);
  const auto& i = instances_.at(id);
  e.reports.push_back(
      view_report{i, "Deleted", "deallocated", i.profile == model_->profile});
  instances_.erase(id);
  tracks_.erase(id);
  shown_.erase(id);
}

void orchestrator_core::set_capacity(orchestrator_effects& e, uint32_t to,
                                     const std::string& reason) {
  if (to == desired_)
    return;
  e.reports.push_back(capacity_report{desired_, to, reason});
  desired_ = to;
}

// ---------------------------------------------------------------------------
// Reconciliation: scale out, scale in, overprovisioning.

void orchestrator_core::reconcile(sim_time now, orchestrator_effects& e) {
  if (!model_)
    return;
  check_batches(e);
  auto have = members();
  auto want = target();
  if (have < want)
    scale_out(now, e, want - have);
  else if (have > want)
    scale_in(e, have - want);
  else
    scale_in_short_ = 0;
}

void orchestrator_core::scale_out(sim_time now, orchestrator_effects& e,
                                  uint32_t needed) {
  bool over =
      model_->mode == orchestration_mode::uniform && model_->overprovision;
  uint32_t count =
      over ? (needed * params_->overprovision_percent + 99) / 100 : needed;
  op_batch batch;
  batch.needed = needed;
  for (uint32_t k = 0; k < count; ++k) {
    auto id = create(now, e, new_zone(), "scale_out");
    instances_.at(id).extra = k >= needed;
    batch.members.push_back(id);
  }
  if (count > needed)
    batches_.push_back(std::move(batch));
}

uint32_t orchestrator_core::create(sim_time now, orchestrator_effects& e,
                                   int64_t zone, const std::string& reason) {
  instance i;
  i.id = next_id_++;
  i.zone = zone;
  i.update_domain = i.id % params_->update_domains;
  i.model_version = version_;
  i.profile = model_->profile;
  i.work = instance_work::creating;
  i.created_at = now;
  i.changed_at = now;
  instances_[i.id] = i;
  tracks_[i.id] = track{};
  allocate(e, i.id, "create", reason);
  return i.id;
}

void orchestrator_core::allocate(orchestrator_effects& e, uint32_t id,
                                 const std::string& operation,
                                 const std::string& reason) {
  const auto& i = instances_.at(id);
  auto& t = tracks_.at(id);
  t.pending = track::wait::allocate;
  t.failed = false;
  t.reason = reason;
  e.allocations.push_back(
      fabric::fc_allocate{model_->name, id, model_->vcpus, model_->ram_gb,
                          static_cast<int32_t>(i.zone), model_->fault_domains});
  e.reports.push_back(operation_report{id, operation, reason});
  touch(e, id);
}

void orchestrator_core::scale_in(orchestrator_effects& e, uint32_t surplus) {
  auto victims = choose_scale_in(surplus);
  auto shortfall = surplus - static_cast<uint32_t>(victims.size());
  if (shortfall != scale_in_short_ && shortfall > 0)
    e.reports.push_back(refused_report{
        0, "scale_in",
        "ScaleInBlocked: " + std::to_string(shortfall) +
            " more instance(s) would have to go, but the rest are protected "
            "from scale-in; the scale set keeps " +
            std::to_string(members() - victims.size()) +
            " instances for capacity " + std::to_string(target())});
  scale_in_short_ = shortfall;
  for (auto id : victims)
    start_delete(e, id, "scale_in");
}

std::vector<uint32_t> orchestrator_core::choose_scale_in(uint32_t count) const {
  // Balance counts all members, protected ones too (they stay).
  std::map<int64_t, uint32_t> per_zone;
  std::map<std::pair<int64_t, uint32_t>, uint32_t> per_fd;
  std::vector<const instance*> candidates;
  for (const auto& [id, i] : instances_) {
    if (i.extra || leaving(i))
      continue;
    ++per_zone[i.zone];
    ++per_fd[{i.zone, spread_domain(i)}];
    if (!i.protect_from_scale_in && !i.protect_from_scale_set_actions)
      candidates.push_back(&i);
  }
  auto newer = [](const instance* a, const instance* b) {
    return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
  };
  std::vector<uint32_t> chosen;
  while (chosen.size() < count && !candidates.empty()) {
    uint32_t top_zone = 0;
    for (auto* c : candidates)
      top_zone = std::max(top_zone, per_zone[c->zone]);
    uint32_t top_fd = 0;
    for (auto* c : candidates)
      if (per_zone[c->zone] == top_zone)
        top_fd = std::max(top_fd, per_fd[{c->zone, spread_domain(*c)}]);
    const instance* pick = nullptr;
    for (auto* c : candidates) {
      if (per_zone[c->zone] != top_zone)
        continue;
      switch (model_->scale_in) {
      case scale_in_rule::default_rule:
        if (per_fd[{c->zone, spread_domain(*c)}] == top_fd &&
            (!pick || c->id > pick->id))
          pick = c;
        break;
      case scale_in_rule::newest_vm:
        if (!pick || newer(pick, c))
          pick = c;
        break;
      case scale_in_rule::oldest_vm:
        if (!pick || newer(c, pick))
          pick = c;
        break;
      }
    }
    VMSS_ASSERT(pick, "scale-in: a candidate in the largest zone");
    chosen.push_back(pick->id);
    --per_zone[pick->zone];
    --per_fd[{pick->zone, spread_domain(*pick)}];
    candidates.erase(std::find(candidates.begin(), candidates.end(), pick));
  }
  return chosen;
}

bool orchestrator_core::ready(const instance& i) const {
  // With doNotRunExtensionsOnOverprovisionedVMs the extensions (and so
  // the health signal) run only on the kept VMs: provisioned is enough.
  if (model_->no_extensions_on_overprovisioned)
    return i.work == instance_work::none && running_state(i.state);
  return is_healthy(i, model_->health);
}

void orchestrator_core::check_batches(orchestrator_effects& e) {
  std::vector<uint32_t> extras;
  for (auto b = batches_.begin(); b != batches_.end();) {
    for (auto id : b->members) {
      if (b->kept.size() >= b->needed)
        break;
      auto& i = instances_.at(id);
      if (std::count(b->kept.begin(), b->kept.end(), id) || !ready(i))
        continue;
      b->kept.push_back(id);
      if (!i.extra)
        continue;
      // An extra came first: it is kept, the newest not-yet-ready member
      // becomes the extra instead.
      i.extra = false;
      for (auto r = b->members.rbegin(); r != b->members.rend(); ++r) {
        auto& other = instances_.at(*r);
        if (!other.extra && !std::count(b->kept.begin(), b->kept.end(), *r)) {
          other.extra = true;
          break;
        }
      }
    }
    if (b->kept.size() < b->needed) {
      ++b;
      continue;
    }
    for (auto id : b->members)
      if (!std::count(b->kept.begin(), b->kept.end(), id))
        extras.push_back(id);
    b = batches_.erase(b);
  }
  for (auto id : extras)
    if (!leaving(instances_.at(id)))
      start_delete(e, id, "overprovision");
}

void orchestrator_core::forget_batch_member(uint32_t id) {
  for (auto b = batches_.begin(); b != batches_.end(); ++b) {
    auto m = std::find(b->members.begin(), b->members.end(), id);
    if (m == b->members.end())
      continue;
    b->members.erase(m);
    auto k = std::find(b->kept.begin(), b->kept.end(), id);
    if (k != b->kept.end())
      b->kept.erase(k);
    if (!instances_.at(id).extra && b->needed > 0)
      --b->needed;
    if (b->members.empty())
      batches_.erase(b);
    return;
  }
}

// ---------------------------------------------------------------------------
// Deleting (through the load balancer) and operating.

void orchestrator_core::start_delete(orchestrator_effects& e, uint32_t id,
                                     const std::string& reason) {
  forget_batch_member(id);
  auto& i = instances_.at(id);
  auto& t = tracks_.at(id);
  i.extra = false;
  i.work = instance_work::draining;
  t.reason = reason;
  if (t.pending == track::wait::allocate) {
    // Deleted once the allocation is answered (on_allocated).
    touch(e, id);
    return;
  }
  if (i.host == 0 || i.deallocated) {
    remove(e, id); // no reservation to free
    return;
  }
  if (t.joined && !model_->pools.empty()) {
    for (const auto& p : model_->pools)
      e.lb.push_back(
          lb_send{p.load_balancer,
                  network::lb_member{model_->name, id, i.vm, p.pool, false}});
    t.joined = false;
    t.drains_left = static_cast<uint32_t>(model_->pools.size());
    touch(e, id);
    return;
  }
  finish_drain(e, id);
}

void orchestrator_core::finish_drain(orchestrator_effects& e, uint32_t id) {
  auto reason = tracks_.at(id).reason;
  operate(e, id, vm_op::delete_vm, instance_work::deleting, "delete", reason);
}

void orchestrator_core::operate(orchestrator_effects& e, uint32_t id, vm_op op,
                                instance_work work,
                                const std::string& operation,
                                const std::string& reason) {
  auto& i = instances_.at(id);
  auto& t = tracks_.at(id);
  i.work = work;
  t.pending = track::wait::operate;
  t.op = op;
  t.reason = reason;
  t.transition = false;
  e.operations.push_back(fabric::fc_operate{model_->name, id, op});
  e.reports.push_back(operation_report{id, operation, reason});
  touch(e, id);
}

void orchestrator_core::complete(sim_time now, orchestrator_effects& e,
                                 instance& i) {
  auto& t = tracks_.at(i.id);
  if (t.to_latest) {
    i.profile = model_->profile;
    i.model_version = version_;
    t.to_latest = false;
  }
  if (t.to_previous) {
    i.profile = previous_profile_;
    i.model_version = previous_version_;
    t.to_previous = false;
  }
  // A reimage provisions the VM and its extensions again.
  if (i.work == instance_work::reimaging)
    i.extension_failed = false;
  i.work = instance_work::none;
  i.changed_at = now;
  t.failed = false;
  t.transition = false;
  t.reason.clear();
  touch(e, i.id);
}

void orchestrator_core::join_pools(orchestrator_effects& e, instance& i) {
  for (const auto& p : model_->pools)
    e.lb.push_back(
        lb_send{p.load_balancer,
                network::lb_member{model_->name, i.id, i.vm, p.pool, true}});
  tracks_.at(i.id).joined = true;
}

// ---------------------------------------------------------------------------
// Inputs.

orchestrator_effects orchestrator_core::on_model(sim_time now, uint32_t version,
                                                 const set_model& model,
                                                 const std::string& reason) {
  orchestrator_effects e;
  if (version <= version_)
    return e; // late or repeated
  bool first = !model_;
  if (!first && model.profile != model_->profile) {
    previous_profile_ = model_->profile;
    previous_version_ = profile_version_;
  }
  if (first || model.profile != model_->profile)
    profile_version_ = version;
  model_ = model;
  version_ = version;
  set_capacity(e, model.capacity, reason);
  for (const auto& [id, i] : instances_)
    touch(e, id); // latestModelApplied follows the profile
  reconcile(now, e);
  if (first)
    e.wake = now + params_->loop;
  return e;
}

orchestrator_effects
orchestrator_core::on_allocated(sim_time now,
                                const fabric::fc_allocated& answer) {
  orchestrator_effects e;
  auto it = instances_.find(answer.instance);
  if (!model_ || answer.scale_set != model_->name || it == instances_.end() ||
      tracks_.at(answer.instance).pending != track::wait::allocate)
    return e;
  auto& i = it->second;
  auto& t = tracks_.at(i.id);
  t.pending = track::wait::none;
  if (answer.ok) {
    place(i, answer.host);
    i.deallocated = false;
    t.failed = false;
    if (leaving(i))
      finish_drain(e, i.id); // deleted while it was being placed
    else
      touch(e, i.id);
    reconcile(now, e);
    return e;
  }
  e.reports.push_back(refused_report{i.id, "create", answer.failure});
  if (leaving(i)) {
    remove(e, i.id);
  } else if (i.work == instance_work::starting) {
    i.work = instance_work::none; // start of a deallocated VM failed
    t.failed = true;
    touch(e, i.id);
  } else {
    retry_elsewhere(e, i);
  }
  reconcile(now, e);
  return e;
}

void orchestrator_core::retry_elsewhere(orchestrator_effects& e, instance& i) {
  auto& t = tracks_.at(i.id);
  // Best-effort zone balance tolerates one zone that is down; two or more
  // block scaling until the next tick. Strict balance and regional or
  // single-zone sets wait for the next tick in place.
  if (model_->zones.size() > 1 && !model_->zone_balance) {
    refused_zones_.insert(i.zone);
    auto zone = choose_zone(refused_zones_);
    if (refused_zones_.size() < 2 && zone) {
      i.zone = *zone;
      allocate(e, i.id, "create", t.reason);
      return;
    }
  }
  t.failed = true;
  touch(e, i.id);
}

orchestrator_effects
orchestrator_core::on_operated(sim_time now,
                               const fabric::fc_operated& answer) {
  orchestrator_effects e;
  auto it = instances_.find(answer.instance);
  if (!model_ || answer.scale_set != model_->name || it == instances_.end())
    return e;
  auto& i = it->second;
  auto& t = tracks_.at(i.id);
  if (t.pending != track::wait::operate || t.op != answer.op)
    return e;
  t.pending = track::wait::none;
  if (answer.ok) {
    // A VM on a host that is down reports nothing: its delete is done.
    if (answer.op == vm_op::delete_vm && t.unreachable &&
        i.work == instance_work::deleting)
      remove(e, i.id);
    reconcile(now, e);
    return e;
  }
  e.reports.push_back(
      refused_report{i.id, physical::to_string(answer.op), answer.failure});
  if (answer.op == vm_op::delete_vm && i.work == instance_work::deleting) {
    remove(e, i.id); // the controller has no such VM any more
  } else {
    i.work = instance_work::none;
    t.failed = true;
    t.to_latest = false;
    t.to_previous = false;
    t.deallocate = false;
    touch(e, i.id);
  }
  reconcile(now, e);
  return e;
}

orchestrator_effects orchestrator_core::on_status(sim_time now,
                                                  const instance_status& s) {
  orchestrator_effects e;
  auto it = instances_.find(s.instance);
  if (!model_ || s.scale_set != model_->name || it == instances_.end())
    return e;
  auto& i = it->second;
  auto& t = tracks_.at(i.id);
  bool placing = t.pending == track::wait::allocate;
  if (i.host == 0 && !placing)
    return e; // not placed (deallocated, failed): a late status
  if (i.host != 0 && s.host != i.host)
    return e; // from a host the VM has left
  if (i.host == 0)
    place(i, s.host); // ahead of the allocation's answer
  bool health_changed = s.health != i.health;
  i.state = s.state;
  i.health = s.health;
  if (s.vm != 0)
    i.vm = s.vm;
  t.unreachable = false;
  if (s.state == vm_state::deleted) {
    on_deleted(e, i);
    reconcile(now, e);
    return e;
  }
  if (!t.joined && i.vm != 0 && !leaving(i))
    join_pools(e, i);
  progress(now, e, i, health_changed);
  reconcile(now, e);
  return e;
}

void orchestrator_core::on_deleted(orchestrator_effects& e, instance& i) {
  auto& t = tracks_.at(i.id);
  if (leaving(i)) {
    remove(e, i.id);
    return;
  }
  if (i.work == instance_work::stopping && t.deallocate) {
    i.deallocated = true;
    i.host = 0;
    i.vm = 0;
    i.work = instance_work::none;
    t.deallocate = false;
    t.joined = false; // the next VM joins again
    t.reason.clear();
  }
  touch(e, i.id);
}

void orchestrator_core::progress(sim_time now, orchestrator_effects& e,
                                 instance& i, bool health_changed) {
  auto& t = tracks_.at(i.id);
  if (transitional(i.state))
    t.transition = true;
  bool done = false;
  switch (i.work) {
  case instance_work::creating:
  case instance_work::starting:
    done = running_state(i.state);
    break;
  case instance_work::reimaging:
  case instance_work::restarting:
    done = t.transition && running_state(i.state);
    break;
  case instance_work::stopping:
    done = !t.deallocate && i.state == vm_state::stopped;
    break;
  default:
    break;
  }
  if (done)
    complete(now, e, i);
  else if (health_changed && i.work == instance_work::none)
    i.changed_at = now;
  touch(e, i.id);
}

orchestrator_effects orchestrator_core::on_lost(sim_time now,
                                                const fabric::fc_vm_lost& l) {
  orchestrator_effects e;
  auto it = instances_.find(l.instance);
  if (!model_ || l.scale_set != model_->name || it == instances_.end() ||
      it->second.host != l.host)
    return e;
  auto& i = it->second;
  auto& t = tracks_.at(i.id);
  t.unreachable = true;
  i.state = vm_state::stopped;
  if (i.health != physical::app_health::none)
    i.health = physical::app_health::unknown;
  i.probe_up = false;
  if (i.work == instance_work::deleting && t.pending == track::wait::none)
    remove(e, i.id); // its delete is committed; the host is gone
  else
    touch(e, i.id);
  reconcile(now, e);
  return e;
}

orchestrator_effects orchestrator_core::on_moved(sim_time now,
                                                 const fabric::fc_vm_moved& m) {
  orchestrator_effects e;
  auto it = instances_.find(m.instance);
  if (!model_ || m.scale_set != model_->name || it == instances_.end())
    return e;
  auto& i = it->second;
  auto& t = tracks_.at(i.id);
  place(i, m.host);
  i.vm = 0;
  i.state = vm_state::creating;
  t.unreachable = false;
  t.joined = false; // the new VM slot joins the pools again
  if (!leaving(i)) {
    i.work = instance_work::creating;
    t.to_latest = false;
    t.to_previous = false;
    t.deallocate = false;
  }
  touch(e, i.id);
  reconcile(now, e);
  return e;
}

orchestrator_effects
orchestrator_core::on_drained(sim_time now, const network::lb_drained& d) {
  orchestrator_effects e;
  auto it = instances_.find(d.instance);
  if (!model_ || d.scale_set != model_->name || it == instances_.end() ||
      it->second.work != instance_work::draining)
    return e;
  auto& t = tracks_.at(d.instance);
  if (t.drains_left > 0 && --t.drains_left == 0)
    finish_drain(e, d.instance);
  reconcile(now, e);
  return e;
}

orchestrator_effects
orchestrator_core::on_backend_health(sim_time now,
                                     const network::lb_backend_health& h) {
  orchestrator_effects e;
  auto it = instances_.find(h.instance);
  if (!model_ || h.scale_set != model_->name || it == instances_.end() ||
      model_->health != health_source::load_balancer_probe ||
      h.probe != model_->probe)
    return e;
  auto& i = it->second;
  if (i.probe_up != h.up) {
    i.probe_up = h.up;
    if (i.work == instance_work::none)
      i.changed_at = now;
  }
  reconcile(now, e);
  return e;
}

orchestrator_effects orchestrator_core::on_extension(sim_time now, uint32_t id,
                                                     bool all, bool failed) {
  orchestrator_effects e;
  if (!model_)
    return e;
  for (auto& [n, i] : instances_) {
    if ((!all && n != id) || i.work != instance_work::none || i.host == 0 ||
        i.deallocated || i.extension_failed == failed)
      continue;
    i.extension_failed = failed;
    i.changed_at = now;
    touch(e, n);
  }
  reconcile(now, e);
  return e;
}

orchestrator_effects orchestrator_core::on_tick(sim_time now) {
  orchestrator_effects e;
  refused_zones_.clear();
  if (model_) {
    for (auto& [id, i] : instances_) {
      auto& t = tracks_.at(id);
      if (i.work != instance_work::creating || !t.failed ||
          t.pending != track::wait::none)
        continue;
      if (model_->zones.size() > 1 && !model_->zone_balance)
        i.zone = *choose_zone({});
      allocate(e, id, "create", t.reason);
    }
  }
  reconcile(now, e);
  e.wake = now + params_->loop;
  return e;
}

// ---------------------------------------------------------------------------
// Requests and orders.

orchestrator_effects orchestrator_core::on_request(sim_time now,
                                                   const arm_request& r) {
  if (!model_ || r.scale_set != model_->name)
    return {};
  if (r.op == arm_op::instance_action)
    return on_instance_action(now, r);
  if (r.op == arm_op::set_protection)
    return set_protection(r);
  return {};
}

orchestrator_effects
orchestrator_core::on_instance_action(sim_time now, const arm_request& r) {
  orchestrator_effects e;
  auto ids = r.instances;
  if (ids.empty()) // the whole set: a scale-set action
    for (const auto& [id, i] : instances_)
      if (!i.protect_from_scale_set_actions && !leaving(i))
        ids.push_back(id);
  bool unknown = false;
  for (auto id : ids)
    if (!instances_.count(id)) {
      e.reports.push_back(
          refused_report{id, to_string(r.action), not_found(id)});
      unknown = true;
    }
  if (unknown)
    return e; // Azure fails the whole call
  for (auto id : ids) {
    auto& i = instances_.at(id);
    if (auto why = action_refusal(i, r.action))
      e.reports.push_back(refused_report{id, to_string(r.action), *why});
    else
      apply_action(e, i, r.action);
  }
  reconcile(now, e);
  return e;
}

std::optional<std::string>
orchestrator_core::action_refusal(const instance& i, instance_action a) const {
  auto name = to_string(a);
  if (leaving(i))
    return not_allowed(name, model_->name, i.id, "it is marked for deletion");
  if (a == instance_action::delete_vm)
    return std::nullopt;
  if (busy(i.id))
    return not_allowed(name, model_->name, i.id,
                       "another operation is in progress on it");
  bool needs_vm =
      a == instance_action::reimage || a == instance_action::upgrade ||
      a == instance_action::restart || a == instance_action::power_off;
  if (needs_vm && i.deallocated)
    return not_allowed(name, model_->name, i.id, "it is deallocated");
  if (a == instance_action::restart && i.state == vm_state::stopped)
    return not_allowed(name, model_->name, i.id, "it is stopped");
  return std::nullopt;
}

void orchestrator_core::apply_action(orchestrator_effects& e, instance& i,
                                     instance_action a) {
  auto& t = tracks_.at(i.id);
  switch (a) {
  case instance_action::delete_vm:
    if (!i.extra && desired_ > 0)
      set_capacity(e, desired_ - 1, "instance_delete");
    start_delete(e, i.id, "request");
    break;
  case instance_action::reimage:
    operate(e, i.id, vm_op::reimage, instance_work::reimaging, "reimage",
            "request");
    break;
  case instance_action::upgrade:
    if (i.profile == model_->profile)
      break; // already on the latest model
    t.to_latest = true;
    operate(e, i.id, vm_op::reimage, instance_work::reimaging, "reimage",
            "request");
    break;
  case instance_action::restart:
    operate(e, i.id, vm_op::restart, instance_work::restarting, "restart",
            "request");
    break;
  case instance_action::start:
    if (i.deallocated) {
      i.work = instance_work::starting;
      allocate(e, i.id, "start", "request");
    } else if (i.state == vm_state::stopped) {
      operate(e, i.id, vm_op::start, instance_work::starting, "start",
              "request");
    }
    break;
  case instance_action::power_off:
    if (i.state != vm_state::stopped)
      operate(e, i.id, vm_op::stop, instance_work::stopping, "stop", "request");
    break;
  case instance_action::deallocate:
    if (!i.deallocated) {
      t.deallocate = true;
      operate(e, i.id, vm_op::delete_vm, instance_work::stopping, "deallocate",
              "request");
    }
    break;
  }
}

orchestrator_effects orchestrator_core::set_protection(const arm_request& r) {
  orchestrator_effects e;
  bool refuse = false;
  for (auto id : r.instances)
    if (!instances_.count(id)) {
      e.reports.push_back(refused_report{id, "setProtection", not_found(id)});
      refuse = true;
    }
  if (!refuse && r.protect_from_scale_set_actions && !r.protect_from_scale_in)
    for (auto id : r.instances) {
      e.reports.push_back(refused_report{
          id, "setProtection",
          "InvalidParameter: protectFromScaleIn cannot be false when "
          "protectFromScaleSetActions is true."});
      refuse = true;
    }
  if (refuse)
    return e;
  for (auto id : r.instances) {
    auto& i = instances_.at(id);
    if (leaving(i)) {
      e.reports.push_back(
          refused_report{id, "setProtection",
                         not_allowed("setProtection", model_->name, id,
                                     "it is marked for deletion")});
      continue;
    }
    i.protect_from_scale_in = r.protect_from_scale_in;
    i.protect_from_scale_set_actions = r.protect_from_scale_set_actions;
    touch(e, id);
  }
  return e;
}

bool orchestrator_core::orderable(const order& o) const {
  // Orders are scale-set actions: protectFromScaleSetActions shields the
  // instance; overprovisioned extras are not the planners' to touch.
  auto it = instances_.find(o.instance);
  return it != instances_.end() && !busy(o.instance) &&
         !it->second.protect_from_scale_set_actions && !it->second.extra;
}

orchestrator_effects orchestrator_core::act(sim_time now, const order& o) {
  orchestrator_effects e;
  if (!model_)
    return e;
  if (o.kind != order_kind::create_surge && !orderable(o))
    return e;
  auto* i =
      o.kind == order_kind::create_surge ? nullptr : &instances_.at(o.instance);
  bool on_host = i && !i->deallocated;
  switch (o.kind) {
  case order_kind::create_surge:
    ++surge_;
    create(now, e, new_zone(), o.reason);
    break;
  case order_kind::reimage_to_previous:
    if (!on_host || previous_version_ == 0 || i->profile != model_->profile)
      return e; // no earlier model, or not on the latest one
    tracks_.at(i->id).to_previous = true;
    operate(e, i->id, vm_op::reimage, instance_work::reimaging, "reimage",
            o.reason);
    break;
  case order_kind::reimage_to_latest:
  case order_kind::reimage:
    if (!on_host)
      return e;
    tracks_.at(i->id).to_latest = o.kind == order_kind::reimage_to_latest;
    operate(e, i->id, vm_op::reimage, instance_work::reimaging, "reimage",
            o.reason);
    break;
  case order_kind::restart:
    if (!on_host)
      return e;
    operate(e, i->id, vm_op::restart, instance_work::restarting, "restart",
            o.reason);
    break;
  case order_kind::replace: {
    auto zone = i->zone;
    start_delete(e, i->id, o.reason);
    create(now, e, zone, o.reason); // a new instance id
    break;
  }
  case order_kind::delete_instance:
    if (surge_ > 0)
      --surge_;
    start_delete(e, i->id, o.reason);
    break;
  }
  reconcile(now, e);
  return e;
}

} // namespace vmss::compute
