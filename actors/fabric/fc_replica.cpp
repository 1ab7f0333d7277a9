#include "actors/fabric/fc_replica.hpp"

#include "messages/fabric_events.hpp"

#include <caf/all.hpp>

namespace vmss::fabric {

static_assert(delete_op == static_cast<uint8_t>(physical::vm_op::delete_vm),
              "fc_state's delete_op is physical::vm_op::delete_vm");

namespace {

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

} // namespace

fc_replica::fc_replica(caf::actor_config& cfg, node_kernel& k, entity_id id,
                       const fc_params* params)
    : entity(cfg, k, id), params_(params), core_(id, params->raft, random()),
      leader_(*params, state_) {
}

void fc_replica::on_start() {
  execute(core_.start());
  after(params_->heartbeat_period, fc_sweep_due{});
}

void fc_replica::on_crash() {
  leader_.on_crash();
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
    trace(events::leader_elected, {static_cast<int64_t>(change.term)});
    leader_.on_elected(now());
  }
  if (fx.wants_snapshot)
    core_.compact(applied_, state_.snapshot());
}

void fc_replica::apply(const raft_entry& entry) {
  if (entry.index <= applied_)
    return;
  applied_ = entry.index;
  trace(events::fc_applied,
        {static_cast<int64_t>(entry.index), static_cast<int64_t>(entry.term),
         payload_text(entry.payload)});
  if (entry.payload.empty())
    return; // a new leader's no-op entry (Raft §8)
  auto c = command::decode(entry.payload);
  auto done = state_.apply(c);
  if (leading()) // only the leader acts on what commits
    execute(leader_.on_committed(now(), c, done));
}

void fc_replica::execute(leader_effects fx) {
  for (const auto& r : fx.reports)
    report(r);
  for (auto& s : fx.sends)
    std::visit([&](auto& msg) { send(s.to, std::move(msg)); }, s.msg);
  for (const auto& c : fx.proposals)
    if (!propose(c))
      leader_.not_taken(c);
}

void fc_replica::report(const leader_report& r) {
  const auto& table = kernel_.table();
  std::visit(
      overloaded{
          [&](const placed_report& p) {
            const auto& a = p.where;
            trace(events::placement, {p.vm.name(), table[a.host].path,
                                      static_cast<int64_t>(a.zone + 1),
                                      static_cast<int64_t>(a.fault_domain),
                                      static_cast<int64_t>(a.update_domain)});
          },
          [&](const refused_report& f) {
            trace(events::allocation_failed, {f.vm.name(), f.reason});
          },
          [&](const health_report& h) {
            trace(h.down ? events::host_down : events::host_up,
                  {table[h.host].path});
          },
          [&](const lost_report& l) {
            trace(events::vm_lost, {l.vm.name(), table[l.host].path});
          },
          [&](const operation_report& o) {
            auto op = static_cast<physical::vm_op>(o.op);
            trace(events::vm_operation,
                  {o.vm.name(), std::string(physical::to_string(op)),
                   table[o.host].path});
          },
          [&](const healed_report& h) {
            trace(events::vm_healed,
                  {h.vm.name(), table[h.from].path, table[h.to.host].path,
                   static_cast<int64_t>(h.to.fault_domain)});
          },
          [&](const deferred_report& d) {
            trace(events::heal_deferred,
                  {d.vm.name(), table[d.host].path, d.reason});
          },
          [&](const zombie_report& z) {
            trace(events::zombie_deleted, {z.vm.name(), table[z.host].path});
          },
      },
      r);
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

void fc_replica::sweep() {
  after(params_->heartbeat_period, fc_sweep_due{});
  if (leading())
    execute(leader_.on_sweep(now()));
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
      [=](const physical::host_heartbeat& beat) {
        if (!leading())
          redirect();
        else
          execute(leader_.on_heartbeat(now(), source(), beat));
      },
      [=](const fc_allocate& request) {
        if (!leading())
          redirect();
        else
          execute(
              leader_.on_allocate(now(), source(), request,
                                  core_.last_index() - core_.commit_index()));
      },
      [=](const fc_operate& request) {
        if (!leading())
          redirect();
        else
          execute(leader_.on_operate(source(), request));
      },
      [=](const physical::host_inventory& held) {
        // Asked by a leader this replica no longer is: the new leader asks
        // again when the host first beats to it.
        if (leading())
          execute(leader_.on_inventory(source(), held));
      },
      [=](const fc_sweep_due&) { sweep(); },
      [=](const physical::capacity_fault& c) {
        // The region's capacity, known to every replica (a leader elected
        // later refuses the same allocations).
        for (auto zone : params_->policy.zones)
          if (c.zone < 0 || static_cast<int64_t>(zone) == c.zone)
            leader_.set_exhausted(zone, c.exhausted);
      },
      [=](const physical::leader_kill& kill) {
        // Every replica of the region is told; the one that believes it
        // leads (a deposed leader cut off from the others may too) dies.
        if (!leading())
          return;
        trace(events::leader_killed, {static_cast<int64_t>(core_.term())});
        crash_self(kill.restart_after_ns > 0 ? kill.restart_after_ns
                                             : sim_time_never);
      },
  };
}

} // namespace vmss::fabric
