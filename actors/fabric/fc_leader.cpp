#include "actors/fabric/fc_leader.hpp"

#include "kernel/assert.hpp"

#include <algorithm>

namespace vmss::fabric {

namespace {

template <class Message>
void send(leader_effects& fx, entity_id to, Message msg) {
  auto& s = fx.sends.emplace_back();
  s.to = to;
  s.msg.emplace<Message>(std::move(msg));
}

uint32_t less(uint32_t total, uint32_t used) {
  return total > used ? total - used : 0;
}

} // namespace

fc_leader::fc_leader(const fc_params& params, const fc_state& state)
    : params_(&params), state_(&state) {
  VMSS_ASSERT(params.heartbeat_period > 0 && params.missed > 0,
              "the model validated the heartbeat period and `missed`");
  VMSS_ASSERT(params.down_after > 0 && params.heal_after >= 0 &&
                  params.heal_retry > 0,
              "the model validated the detection and healing times");
}

void fc_leader::forget() {
  hosts_.clear();
  proposed_.clear();
  in_flight_.clear();
  proposed_layout_.clear();
  health_proposed_.clear();
  heal_at_.clear();
}

void fc_leader::on_crash() {
  forget();
}

void fc_leader::set_exhausted(uint32_t zone, bool exhausted) {
  if (exhausted)
    exhausted_.insert(zone);
  else
    exhausted_.erase(zone);
}

std::string
fc_leader::exhausted_refusal(const std::vector<uint32_t>& zones) const {
  for (auto z : zones)
    if (!exhausted_.count(z))
      return "";
  // Azure's messages (learn.microsoft.com/troubleshoot/azure/
  // virtual-machines/windows/allocation-failure).
  if (exhausted_.size() >= params_->policy.zones.size())
    return "AllocationFailed: Allocation failed. We do not have sufficient "
           "capacity for the requested VM size in this region.";
  return "ZonalAllocationFailed: Allocation failed. We do not have "
         "sufficient capacity for the requested VM size in this zone.";
}

void fc_leader::on_elected(sim_time now) {
  // A new leader knows no host's last beat. Host agents need up to
  // `missed` + 1 beats to find it, so each host gets that long on top of
  // the usual threshold before it can be marked down. It knows no host_down's
  // time either: the VMs of a host marked down get the whole heal delay again
  // (more time for the host to come back).
  forget();
  auto grace = (params_->missed + 2) * params_->heartbeat_period;
  for (const auto& h : params_->inventory) {
    hosts_[h.host].last_seen = now + grace;
    if (state_->is_down(h.host))
      heal_at_[h.host] = now + params_->heal_after;
  }
  serving_from_ = now + grace;
}

std::optional<sim_time> fc_leader::heal_at(entity_id host) const {
  auto i = heal_at_.find(host);
  if (i == heal_at_.end())
    return std::nullopt;
  return i->second;
}

leader_effects fc_leader::on_heartbeat(sim_time now, entity_id host,
                                       const physical::host_heartbeat& beat) {
  leader_effects fx;
  auto& h = hosts_[host];
  h.last_seen = now;
  h.tenant_vcpus = beat.tenant_vcpus;
  h.tenant_ram_gb = beat.tenant_ram_gb;
  h.free_slots = beat.free_slots;
  h.placed_since_beat = 0;
  send(fx, host, fc_heartbeat_ack{beat.seq});
  if (!h.heard) // it may hold VMs moved or deleted under another leader
    send(fx, host, fc_inventory_request{});
  h.heard = true;
  if (state_->is_down(host) && health_proposed_.insert(host).second) {
    command up;
    up.kind = command_kind::host_up;
    up.host = host;
    fx.proposals.push_back(up);
  }
  return fx;
}

leader_effects fc_leader::on_inventory(entity_id host,
                                       const physical::host_inventory& held) {
  leader_effects fx;
  for (const auto& v : held.vms) {
    vm_key vm{v.scale_set, v.instance};
    const auto* a = state_->find(vm);
    if (a && a->host == host)
      continue;
    fx.reports.push_back(zombie_report{vm, host});
    send(fx, host,
         fc_operate{vm.scale_set, vm.instance, physical::vm_op::delete_vm});
  }
  return fx;
}

std::vector<host_view> fc_leader::view(sim_time now) const {
  std::vector<host_view> out;
  auto suspect_after = params_->missed * params_->heartbeat_period;
  for (auto h : params_->inventory) {
    auto i = hosts_.find(h.host);
    if (i == hosts_.end() || !i->second.heard || state_->is_down(h.host) ||
        now - i->second.last_seen > suspect_after)
      continue;
    auto [vcpus, ram] = state_->reserved_on(h.host);
    uint32_t vms = i->second.placed_since_beat;
    auto f = in_flight_.find(h.host);
    if (f != in_flight_.end()) {
      vcpus += f->second.vcpus;
      ram += f->second.ram_gb;
      vms += f->second.vms;
    }
    vcpus += i->second.tenant_vcpus;
    ram += i->second.tenant_ram_gb;
    h.vcpus_free = less(params_->host_vcpus, vcpus);
    h.ram_gb_free = less(params_->host_ram_gb, ram);
    // Slots: as the host last reported, less what was placed since.
    h.slots_free = less(i->second.free_slots, vms);
    out.push_back(h);
  }
  return out;
}

const scale_set_layout&
fc_leader::proposed_layout_of(const std::string& scale_set) const {
  static const scale_set_layout none;
  auto pending = proposed_layout_.find(scale_set);
  return pending == proposed_layout_.end() ? none : pending->second;
}

size_t fc_leader::hosts_not_down() const {
  size_t known = 0;
  for (const auto& h : params_->inventory)
    known += !state_->is_down(h.host);
  return known;
}

leader_effects fc_leader::on_allocate(sim_time now, entity_id requester,
                                      const fc_allocate& request,
                                      uint64_t uncommitted) {
  leader_effects fx;
  vm_key vm{request.scale_set, request.instance};
  if (const auto* a = state_->find(vm)) { // a retry of a committed request
    send(fx, requester,
         fc_allocated{vm.scale_set, vm.instance, true, a->host, ""});
    return fx;
  }
  if (proposed_.count(vm))
    return fx; // answered when it commits
  if (now < serving_from_)
    return fx; // a new leader first hears from the hosts; the client retries
  if (uncommitted >= params_->raft.max_uncommitted)
    return fx; // the log is full of uncommitted entries: the client retries
  auto policy =
      policy_for(params_->policy, request.zone, request.fault_domains);
  if (!policy.ok) {
    fx.reports.push_back(refused_report{vm, policy.failure});
    send(fx, requester,
         fc_allocated{vm.scale_set, vm.instance, false, 0, policy.failure});
    return fx;
  }
  auto full = exhausted_refusal(policy.policy.zones);
  if (!full.empty()) {
    fx.reports.push_back(refused_report{vm, full});
    send(fx, requester,
         fc_allocated{vm.scale_set, vm.instance, false, 0, full});
    return fx;
  }
  auto hosts = view(now);
  auto known = hosts.size();
  // Hosts of exhausted zones take no new VM (those there keep running).
  hosts.erase(std::remove_if(hosts.begin(), hosts.end(),
                             [&](const host_view& h) {
                               return exhausted_.count(h.zone) > 0;
                             }),
              hosts.end());
  auto p =
      place(hosts, policy.policy, state_->layout_of(vm.scale_set),
            proposed_layout_of(vm.scale_set), request.vcpus, request.ram_gb);
  if (!p.ok && known < hosts_not_down()) {
    // Some hosts that are not marked down have not reported to this leader
    // yet: do not refuse on partial knowledge; the client asks again.
    return fx;
  }
  if (!p.ok) {
    fx.reports.push_back(refused_report{vm, p.failure});
    send(fx, requester,
         fc_allocated{vm.scale_set, vm.instance, false, 0, p.failure});
    return fx;
  }
  command c;
  c.kind = command_kind::allocate;
  c.vm = vm;
  c.where = {p.host,         p.zone,          p.rack,
             p.fault_domain, p.update_domain, request.vcpus,
             request.ram_gb, requester,       request.fault_domains};
  propose_allocation(c);
  fx.proposals.push_back(c);
  return fx;
}

void fc_leader::propose_allocation(const command& c) {
  VMSS_ASSERT(!state_->is_down(c.where.host) && hosts_.count(c.where.host),
              "a VM is proposed only on a host heard from and not down");
  proposed_[c.vm] = c.where;
  auto& f = in_flight_[c.where.host];
  f.vcpus += c.where.vcpus;
  f.ram_gb += c.where.ram_gb;
  ++f.vms;
  proposed_layout_[c.vm.scale_set].add(c.where.zone, c.where.rack,
                                       c.where.host);
}

void fc_leader::unpropose(const vm_key& vm) {
  auto i = proposed_.find(vm);
  if (i == proposed_.end())
    return;
  const auto& a = i->second;
  auto& f = in_flight_[a.host];
  VMSS_ASSERT(f.vcpus >= a.vcpus && f.ram_gb >= a.ram_gb && f.vms > 0,
              "the in-flight overlay holds every proposed allocation");
  f.vcpus -= a.vcpus;
  f.ram_gb -= a.ram_gb;
  --f.vms;
  auto& layout = proposed_layout_[vm.scale_set];
  VMSS_ASSERT(layout.placed > 0, "the proposed layout holds the VM");
  layout.remove(a.zone, a.rack, a.host);
  --layout.placed;
  proposed_.erase(i);
}

void fc_leader::not_taken(const command& c) {
  switch (c.kind) {
  case command_kind::allocate:
    unpropose(c.vm); // the client retries
    break;
  case command_kind::relocate:
    unpropose(c.vm); // the next sweep proposes it again
    break;
  case command_kind::host_down:
  case command_kind::host_up:
    health_proposed_.erase(c.host); // the next sweep or beat proposes again
    break;
  case command_kind::operate:
    break; // the client asks again
  }
}

leader_effects fc_leader::on_operate(entity_id requester,
                                     const fc_operate& request) {
  leader_effects fx;
  vm_key vm{request.scale_set, request.instance};
  if (!state_->find(vm)) {
    send(fx, requester,
         fc_operated{vm.scale_set, vm.instance, request.op, false,
                     "no such VM"});
    return fx;
  }
  command c;
  c.kind = command_kind::operate;
  c.vm = vm;
  c.op = static_cast<uint8_t>(request.op);
  c.where.requester = requester;
  fx.proposals.push_back(c); // if not taken, the client asks again
  return fx;
}

leader_effects fc_leader::on_sweep(sim_time now) {
  leader_effects fx;
  for (const auto& [host, h] : hosts_) {
    if (now - h.last_seen <= params_->down_after || state_->is_down(host) ||
        !health_proposed_.insert(host).second)
      continue;
    command down;
    down.kind = command_kind::host_down;
    down.host = host;
    fx.proposals.push_back(down);
  }
  heal(now, fx);
  return fx;
}

placement fc_leader::relocation_for(const vm_key& vm, const allocation& a,
                                    const std::vector<host_view>& hosts) const {
  // Zonal and regional VMs alike stay in their zone.
  auto policy = params_->policy;
  policy.zones = {a.zone};
  if (a.fault_domains > 0)
    policy.fault_domains = a.fault_domains;
  return place(hosts, policy, state_->layout_of(vm.scale_set),
               proposed_layout_of(vm.scale_set), a.vcpus, a.ram_gb);
}

void fc_leader::heal(sim_time now, leader_effects& fx) {
  std::map<entity_id, bool> due; // host -> a VM of it found no room
  for (const auto& [host, at] : heal_at_)
    if (at <= now)
      due.emplace(host, false);
  if (due.empty() || now < serving_from_)
    return;
  auto hosts = view(now);
  std::set<entity_id> holding;
  for (const auto& [vm, a] : state_->allocations()) {
    auto d = due.find(a.host);
    if (d == due.end())
      continue;
    holding.insert(a.host);
    if (proposed_.count(vm))
      continue; // its move is in flight
    auto p = relocation_for(vm, a, hosts);
    if (!p.ok) {
      d->second = true;
      fx.reports.push_back(deferred_report{vm, a.host, p.failure});
      continue;
    }
    command c;
    c.kind = command_kind::relocate;
    c.vm = vm;
    c.host = a.host;
    c.where = a;
    c.where.host = p.host;
    c.where.rack = p.rack;
    c.where.fault_domain = p.fault_domain; // the update domain stays
    propose_allocation(c);
    fx.proposals.push_back(c);
    for (auto& h : hosts) // the room it takes, for the next VM of the pass
      if (h.host == p.host) {
        h.vcpus_free -= std::min(h.vcpus_free, a.vcpus);
        h.ram_gb_free -= std::min(h.ram_gb_free, a.ram_gb);
        h.slots_free -= std::min(h.slots_free, 1u);
      }
  }
  for (const auto& [host, deferred] : due)
    if (!holding.count(host))
      heal_at_.erase(host); // nothing left on it to move
    else if (deferred)
      heal_at_[host] = now + params_->heal_retry;
}

leader_effects fc_leader::on_committed(sim_time now, const command& c,
                                       const applied& done) {
  switch (c.kind) {
  case command_kind::allocate:
    return committed_allocation(c, done);
  case command_kind::relocate:
    return committed_relocation(c, done);
  case command_kind::host_down:
    return committed_host_down(now, c, done);
  case command_kind::host_up:
    return committed_host_up(c, done);
  case command_kind::operate:
    return committed_operation(c, done);
  }
  return {};
}

leader_effects fc_leader::committed_host_up(const command& c,
                                            const applied& done) {
  leader_effects fx;
  health_proposed_.erase(c.host);
  heal_at_.erase(c.host); // nothing moves
  if (!done.changed)
    return fx;
  fx.reports.push_back(health_report{c.host, false});
  // Its VMs moved or deleted meanwhile are zombies there: ask.
  send(fx, c.host, fc_inventory_request{});
  return fx;
}

leader_effects fc_leader::committed_relocation(const command& c,
                                               const applied& done) {
  leader_effects fx;
  unpropose(c.vm);
  if (!done.changed)
    return fx; // its host came back, or it was deleted: the sweep decides
  const auto* a = state_->find(c.vm);
  VMSS_ASSERT(a && a->host == c.where.host, "a committed move placed the VM");
  fx.reports.push_back(healed_report{c.vm, c.host, *a});
  send(fx, a->host,
       physical::vm_place{0, c.vm.scale_set, c.vm.instance, a->vcpus, a->ram_gb,
                          false});
  ++hosts_[a->host].placed_since_beat;
  send(fx, a->requester, fc_vm_moved{c.vm.scale_set, c.vm.instance, a->host});
  return fx;
}

leader_effects fc_leader::committed_allocation(const command& c,
                                               const applied& done) {
  leader_effects fx;
  unpropose(c.vm);
  VMSS_ASSERT(!proposed_.count(c.vm), "a committed VM is no longer proposed");
  const auto* a = state_->find(c.vm);
  if (!a)
    return fx;
  if (done.changed) {
    fx.reports.push_back(placed_report{c.vm, *a});
    send(fx, a->host,
         physical::vm_place{0, c.vm.scale_set, c.vm.instance, a->vcpus,
                            a->ram_gb, false});
    ++hosts_[a->host].placed_since_beat;
  }
  send(fx, a->requester,
       fc_allocated{c.vm.scale_set, c.vm.instance, true, a->host, ""});
  return fx;
}

leader_effects fc_leader::committed_host_down(sim_time now, const command& c,
                                              const applied& done) {
  leader_effects fx;
  health_proposed_.erase(c.host);
  if (!done.changed)
    return fx;
  VMSS_ASSERT(state_->is_down(c.host), "a committed host_down marks it down");
  fx.reports.push_back(health_report{c.host, true});
  heal_at_[c.host] = now + params_->heal_after; // time to come back
  for (const auto& [vm, a] : done.lost) {
    fx.reports.push_back(lost_report{vm, c.host});
    send(fx, a.requester, fc_vm_lost{vm.scale_set, vm.instance, c.host});
  }
  return fx;
}

leader_effects fc_leader::committed_operation(const command& c,
                                              const applied& done) {
  leader_effects fx;
  auto op = static_cast<physical::vm_op>(c.op);
  if (!done.operated) {
    send(fx, c.where.requester,
         fc_operated{c.vm.scale_set, c.vm.instance, op, false, "no such VM"});
    return fx;
  }
  auto host = done.operated->host;
  fx.reports.push_back(operation_report{c.vm, c.op, host});
  send(fx, host, fc_operate{c.vm.scale_set, c.vm.instance, op});
  send(fx, c.where.requester,
       fc_operated{c.vm.scale_set, c.vm.instance, op, true, ""});
  return fx;
}

} // namespace vmss::fabric
