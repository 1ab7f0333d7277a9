#include "actors/fabric/fc_replica.hpp"

#include <caf/all.hpp>

namespace vmss::fabric {

static_assert(delete_op == static_cast<uint8_t>(physical::vm_op::delete_vm),
              "fc_state's delete_op is physical::vm_op::delete_vm");

fc_replica::fc_replica(caf::actor_config& cfg, node_kernel& k, entity_id id,
                       const fc_params* params)
    : entity(cfg, k, id), params_(params), core_(id, params->raft, random()) {
}

void fc_replica::on_start() {
  execute(core_.start());
  after(params_->heartbeat_period, fc_sweep_due{});
}

void fc_replica::on_crash() {
  hosts_.clear();
  forget_proposals();
  health_proposed_.clear();
}

void fc_replica::on_restart() {
  applied_ = 0;
  state_ = fc_state{};
  execute(core_.restart());
  after(params_->heartbeat_period, fc_sweep_due{});
}

void fc_replica::execute(raft_effects fx) {
  if (fx.restore) {
    state_ = fc_state{};
    if (!fx.restore->data.empty()) // empty: no snapshot taken yet
      state_.restore(fx.restore->data);
    applied_ = fx.restore->index;
  }
  for (const auto& entry : fx.committed)
    apply(entry);
  for (auto& s : fx.sends)
    std::visit([&](auto& msg) { send(s.to, std::move(msg)); }, s.msg);
  for (auto& t : fx.timers)
    after(t.delay, t.timer);
  for (const auto& change : fx.roles) {
    if (change.role != raft_role::leader)
      continue;
    trace("leader_elected", {{"term", static_cast<int64_t>(change.term)}});
    // A new leader knows no host's last beat. Host agents need up to
    // `missed` + 1 beats to find it, so each host gets that long on top of
    // the usual threshold before it can be marked down.
    hosts_.clear();
    auto grace = (params_->missed + 2) * params_->heartbeat_period;
    for (const auto& h : params_->inventory)
      hosts_[h.host].last_seen = now() + grace;
    forget_proposals();
    health_proposed_.clear();
    serving_from_ = now() + grace;
  }
  if (fx.wants_snapshot)
    core_.compact(applied_, state_.snapshot());
}

void fc_replica::apply(const raft_entry& entry) {
  if (entry.index <= applied_)
    return;
  applied_ = entry.index;
  trace("fc_applied", {{"index", static_cast<int64_t>(entry.index)},
                       {"term", static_cast<int64_t>(entry.term)},
                       {"command", payload_text(entry.payload)}});
  if (entry.payload.empty())
    return; // a new leader's no-op entry (Raft §8)
  auto c = command::decode(entry.payload);
  auto done = state_.apply(c);
  if (!leading())
    return; // only the leader acts on what commits
  switch (c.kind) {
  case command_kind::allocate: {
    unpropose(c.vm);
    const auto* a = state_.find(c.vm);
    if (!a)
      return;
    if (done.changed) {
      trace("placement",
            {{"vm", c.vm.name()},
             {"host", kernel_.table()[a->host].path},
             {"zone", static_cast<int64_t>(a->zone + 1)},
             {"fault_domain", static_cast<int64_t>(a->fault_domain)},
             {"update_domain", static_cast<int64_t>(a->update_domain)}});
      send(a->host, physical::vm_place{0, c.vm.scale_set, c.vm.instance,
                                       a->vcpus, a->ram_gb, false});
      ++hosts_[a->host].placed_since_beat;
    }
    send(a->requester,
         fc_allocated{c.vm.scale_set, c.vm.instance, true, a->host, ""});
    break;
  }
  case command_kind::host_down:
    health_proposed_.erase(c.host);
    if (!done.changed)
      return;
    trace("host_down", {{"host", kernel_.table()[c.host].path}});
    for (const auto& [vm, a] : done.lost) {
      trace("vm_lost",
            {{"vm", vm.name()}, {"host", kernel_.table()[c.host].path}});
      send(a.requester, fc_vm_lost{vm.scale_set, vm.instance, c.host});
    }
    break;
  case command_kind::host_up:
    health_proposed_.erase(c.host);
    if (done.changed)
      trace("host_up", {{"host", kernel_.table()[c.host].path}});
    break;
  case command_kind::operate: {
    auto op = static_cast<physical::vm_op>(c.op);
    if (!done.operated) {
      send(c.where.requester, fc_operated{c.vm.scale_set, c.vm.instance, c.op,
                                          false, "no such VM"});
      return;
    }
    trace("vm_operation",
          {{"vm", c.vm.name()},
           {"op", std::string(physical::to_string(op))},
           {"host", kernel_.table()[done.operated->host].path}});
    send(done.operated->host, fc_operate{c.vm.scale_set, c.vm.instance, c.op});
    send(c.where.requester,
         fc_operated{c.vm.scale_set, c.vm.instance, c.op, true, ""});
    break;
  }
  }
}

void fc_replica::on_operate(const fc_operate& request) {
  if (!leading()) {
    redirect();
    return;
  }
  vm_key vm{request.scale_set, request.instance};
  if (!state_.find(vm)) {
    send(source(), fc_operated{vm.scale_set, vm.instance, request.op, false,
                               "no such VM"});
    return;
  }
  command c;
  c.kind = command_kind::operate;
  c.vm = vm;
  c.op = request.op;
  c.where.requester = source();
  propose(c); // if not taken, the client asks again
}

bool fc_replica::propose(const command& c) {
  auto r = core_.propose(c.encode());
  execute(std::move(r.effects));
  return r.status == propose_status::accepted;
}

void fc_replica::redirect() {
  auto hint = core_.leader_hint();
  send(source(), fc_redirect{hint.has_value(), hint.value_or(0)});
}

void fc_replica::on_heartbeat(const physical::host_heartbeat& beat) {
  if (!leading()) {
    redirect();
    return;
  }
  auto& h = hosts_[source()];
  h.last_seen = now();
  h.tenant_vcpus = beat.tenant_vcpus;
  h.tenant_ram_gb = beat.tenant_ram_gb;
  h.free_slots = beat.free_slots;
  h.placed_since_beat = 0;
  h.heard = true;
  send(source(), fc_heartbeat_ack{beat.seq});
  if (state_.is_down(source()) && health_proposed_.insert(source()).second) {
    command up;
    up.kind = command_kind::host_up;
    up.host = source();
    if (!propose(up))
      health_proposed_.erase(source());
  }
}

void fc_replica::on_allocate(const fc_allocate& request) {
  if (!leading()) {
    redirect();
    return;
  }
  vm_key vm{request.scale_set, request.instance};
  if (const auto* a = state_.find(vm)) { // a retry of a committed request
    send(source(), fc_allocated{vm.scale_set, vm.instance, true, a->host, ""});
    return;
  }
  if (proposed_.count(vm))
    return; // answered when it commits
  if (now() < serving_from_)
    return; // a new leader first hears from the hosts; the client retries
  if (core_.last_index() - core_.commit_index() >=
      params_->raft.max_uncommitted)
    return; // the log is full of uncommitted entries: the client retries
  // The hosts heard from, less what committed and proposed VMs reserve.
  std::vector<host_view> view;
  for (auto h : params_->inventory) {
    auto i = hosts_.find(h.host);
    if (i == hosts_.end() || !i->second.heard || state_.is_down(h.host))
      continue;
    auto [vcpus, ram] = state_.reserved_on(h.host);
    auto f = in_flight_.find(h.host);
    if (f != in_flight_.end()) {
      vcpus += f->second.first;
      ram += f->second.second;
    }
    vcpus += i->second.tenant_vcpus;
    ram += i->second.tenant_ram_gb;
    h.vcpus_free =
        params_->host_vcpus > vcpus ? params_->host_vcpus - vcpus : 0;
    h.ram_gb_free = params_->host_ram_gb > ram ? params_->host_ram_gb - ram : 0;
    // Slots: as the host last reported, less what was placed since.
    auto v = in_flight_vms_.find(h.host);
    uint32_t vms = i->second.placed_since_beat +
                   (v == in_flight_vms_.end() ? 0 : v->second);
    h.slots_free = i->second.free_slots > vms ? i->second.free_slots - vms : 0;
    view.push_back(h);
  }
  auto& pending_layout = proposed_layout_[vm.scale_set];
  auto p = place(view, params_->policy, state_.layout_of(vm.scale_set),
                 pending_layout, request.vcpus, request.ram_gb);
  if (!p.ok && view.size() < hosts_not_down()) {
    // Some hosts that are not marked down have not reported to this leader
    // yet: do not refuse on partial knowledge; the client asks again.
    return;
  }
  if (!p.ok) {
    trace("allocation_failed", {{"vm", vm.name()}, {"reason", p.failure}});
    send(source(),
         fc_allocated{vm.scale_set, vm.instance, false, 0, p.failure});
    return;
  }
  command c;
  c.kind = command_kind::allocate;
  c.vm = vm;
  c.where = {p.host,          p.zone,        p.rack,         p.fault_domain,
             p.update_domain, request.vcpus, request.ram_gb, source()};
  proposed_[vm] = c.where;
  in_flight_[c.where.host].first += c.where.vcpus;
  in_flight_[c.where.host].second += c.where.ram_gb;
  ++in_flight_vms_[c.where.host];
  pending_layout.add(c.where.zone, c.where.rack, c.where.host);
  if (!propose(c))
    unpropose(vm); // the client retries
}

void fc_replica::unpropose(const vm_key& vm) {
  auto i = proposed_.find(vm);
  if (i == proposed_.end())
    return;
  const auto& a = i->second;
  in_flight_[a.host].first -= a.vcpus;
  in_flight_[a.host].second -= a.ram_gb;
  --in_flight_vms_[a.host];
  auto& layout = proposed_layout_[vm.scale_set];
  layout.remove(a.zone, a.rack, a.host);
  --layout.placed;
  proposed_.erase(i);
}

void fc_replica::forget_proposals() {
  proposed_.clear();
  in_flight_.clear();
  in_flight_vms_.clear();
  proposed_layout_.clear();
}

size_t fc_replica::hosts_not_down() const {
  size_t known = 0;
  for (const auto& h : params_->inventory)
    known += !state_.is_down(h.host);
  return known;
}

void fc_replica::sweep() {
  after(params_->heartbeat_period, fc_sweep_due{});
  if (!leading())
    return;
  auto limit = params_->missed * params_->heartbeat_period;
  for (const auto& [host, h] : hosts_) {
    if (now() - h.last_seen <= limit || state_.is_down(host) ||
        !health_proposed_.insert(host).second)
      continue;
    command down;
    down.kind = command_kind::host_down;
    down.host = host;
    if (!propose(down))
      health_proposed_.erase(host);
  }
}

caf::behavior fc_replica::make_behavior() {
  return {
      [=](const pre_vote_request& m) { from_peer(m); },
      [=](const pre_vote_response& m) { from_peer(m); },
      [=](const vote_request& m) { from_peer(m); },
      [=](const vote_response& m) { from_peer(m); },
      [=](const append_entries& m) { from_peer(m); },
      [=](const append_entries_response& m) { from_peer(m); },
      [=](const install_snapshot& m) { from_peer(m); },
      [=](const install_snapshot_response& m) { from_peer(m); },
      [=](const raft_timer& t) { execute(core_.on_timer(t)); },
      [=](const physical::host_heartbeat& beat) { on_heartbeat(beat); },
      [=](const fc_allocate& request) { on_allocate(request); },
      [=](const fc_operate& request) { on_operate(request); },
      [=](const fc_sweep_due&) { sweep(); },
  };
}

} // namespace vmss::fabric
