#include "actors/compute/orchestrator.hpp"

#include "messages/compute_events.hpp"
#include "messages/compute_kinds.hpp"
#include "messages/network_kinds.hpp"
#include "messages/physical_messages.hpp"

#include <caf/all.hpp>

namespace vmss::compute {

namespace {

std::string last_component(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

std::string joined(const std::vector<uint32_t>& ids) {
  std::string out;
  for (auto id : ids)
    out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

bool same_request(
    const std::variant<fabric::fc_allocate, fabric::fc_operate>& a,
    const std::variant<fabric::fc_allocate, fabric::fc_operate>& b) {
  if (a.index() != b.index())
    return false;
  if (const auto* x = std::get_if<fabric::fc_allocate>(&a))
    return x->instance == std::get<fabric::fc_allocate>(b).instance;
  const auto& x = std::get<fabric::fc_operate>(a);
  const auto& y = std::get<fabric::fc_operate>(b);
  return x.instance == y.instance && x.op == y.op;
}

} // namespace

orchestrator::orchestrator(caf::actor_config& cfg, node_kernel& k, entity_id id,
                           const orchestrator_shell_params* params)
    : entity(cfg, k, id), params_(params),
      name_(last_component(k.table()[id].path)), core_(params->core),
      finder_(params->controllers, params->retry) {
}

void orchestrator::report(const orchestrator_report& r) {
  const auto& set = name_;
  if (const auto* c = std::get_if<capacity_report>(&r)) {
    trace(events::capacity_changed, {set, static_cast<int64_t>(c->from),
                                     static_cast<int64_t>(c->to), c->reason});
    if (c->reason == "instance_delete") // ARM's model follows
      send(kernel_.table().id_of(arm_path(params_->region)),
           capacity_reported{set, c->to});
  } else if (const auto* v = std::get_if<view_report>(&r)) {
    const auto& i = v->view;
    trace(events::instance_view,
          {set, static_cast<int64_t>(i.id), i.zone,
           static_cast<int64_t>(i.fault_domain),
           static_cast<int64_t>(i.update_domain), v->latest_model,
           v->provisioning_state, v->power_state,
           std::string(physical::to_string(i.health)), i.protect_from_scale_in,
           i.protect_from_scale_set_actions,
           static_cast<int64_t>(i.model_version)});
  } else if (const auto* o = std::get_if<operation_report>(&r)) {
    trace(events::instance_operation,
          {set, static_cast<int64_t>(o->instance), o->operation, o->reason});
  } else if (const auto* f = std::get_if<refused_report>(&r)) {
    trace(events::instance_refused,
          {set, static_cast<int64_t>(f->instance), f->action, f->reason});
  }
}

void orchestrator::wake_at(sim_time t) {
  if (t == sim_time_never || t >= next_wake_)
    return;
  next_wake_ = t;
  after(t > now() ? t - now() : 0, orchestrator_due{++wake_seq_});
}

void orchestrator::ask(uint32_t request) {
  auto to = attempts_[request]++ > 0 ? finder_.ask(now()) : finder_.target();
  std::visit([&](const auto& msg) { send(to, msg); }, pending_.at(request));
  after(params_->retry, fabric::client_due{request, attempts_[request]});
}

void orchestrator::carry_out(orchestrator_effects fx) {
  for (const auto& r : fx.reports)
    report(r);
  for (auto& a : fx.allocations) {
    pending_[next_request_] = std::move(a);
    ask(next_request_++);
  }
  for (auto& o : fx.operations) {
    pending_[next_request_] = std::move(o);
    ask(next_request_++);
  }
  for (auto& l : fx.lb) {
    auto path = network::load_balancer_path(params_->region, l.load_balancer);
    if (kernel_.table().contains(path)) {
      send(kernel_.table().id_of(path), std::move(l.msg));
    } else if (!l.msg.join) {
      // A pool of a load balancer the run does not hold: nothing to drain.
      carry_out(core_.on_drained(
          now(), network::lb_drained{l.msg.scale_set, l.msg.instance}));
    }
  }
  wake_at(fx.wake);
}

void orchestrator::plan() {
  const auto* model = core_.model();
  if (!model)
    return;
  auto repairs = repairs_.plan(now(), *model, core_.instances());
  for (const auto& r : repairs.reports) {
    if (const auto* p = std::get_if<repair_report>(&r))
      trace(events::repair, {name_, static_cast<int64_t>(p->instance),
                             std::string(to_string(p->action)), p->phase});
    else if (const auto* s = std::get_if<service_report>(&r))
      trace(events::service_state,
            {name_, std::string("AutomaticRepairs"),
             std::string(s->running ? "Running" : "Suspended"), s->reason});
  }
  for (const auto& o : repairs.orders)
    carry_out(core_.act(now(), o));
  wake_at(repairs.wake);
  auto upgrades =
      upgrades_.plan(now(), core_.model_version(), *model, core_.instances());
  for (const auto& r : upgrades.reports) {
    if (const auto* b = std::get_if<batch_report>(&r))
      trace(events::upgrade_batch,
            {name_, static_cast<int64_t>(b->batch), joined(b->instances),
             static_cast<int64_t>(model->upgrade == upgrade_mode::rolling
                                      ? model->rolling.max_batch_percent
                                      : 100)});
    else if (const auto* s = std::get_if<status_report>(&r))
      trace(events::upgrade_status, {name_, s->status, s->reason});
  }
  for (const auto& o : upgrades.orders)
    carry_out(core_.act(now(), o));
  wake_at(upgrades.wake);
}

void orchestrator::execute(orchestrator_effects fx) {
  carry_out(std::move(fx));
  plan();
}

void orchestrator::answered(const fc_request& key) {
  finder_.on_answer(now());
  for (auto i = pending_.begin(); i != pending_.end(); ++i)
    if (same_request(i->second, key)) {
      attempts_.erase(i->first);
      pending_.erase(i);
      return;
    }
}

caf::behavior orchestrator::make_behavior() {
  using namespace vmss::fabric;
  return {
      [=](const model_changed& m) {
        execute(core_.on_model(now(), m.version, m.model, m.reason));
      },
      [=](const arm_request& r) {
        switch (r.op) {
        case arm_op::cancel_upgrade: {
          auto plan = upgrades_.cancel(now());
          for (const auto& s : plan.reports)
            if (const auto* st = std::get_if<status_report>(&s))
              trace(events::upgrade_status, {name_, st->status, st->reason});
          wake_at(plan.wake);
          return;
        }
        case arm_op::set_service_state: {
          auto plan = repairs_.set_running(now(), r.running);
          for (const auto& s : plan.reports)
            if (const auto* st = std::get_if<service_report>(&s))
              trace(events::service_state,
                    {name_, std::string("AutomaticRepairs"),
                     std::string(st->running ? "Running" : "Suspended"),
                     st->reason});
          execute({});
          return;
        }
        default:
          execute(core_.on_request(now(), r));
        }
      },
      [=](const instance_status& s) { execute(core_.on_status(now(), s)); },
      [=](const fc_allocated& a) {
        answered(fc_allocate{a.scale_set, a.instance, 0, 0, -1, 0});
        execute(core_.on_allocated(now(), a));
      },
      [=](const fc_operated& o) {
        answered(fc_operate{o.scale_set, o.instance, o.op});
        execute(core_.on_operated(now(), o));
      },
      [=](const fc_redirect& r) {
        // The retry timer asks again, where the finder then points.
        finder_.on_redirect(now(), source(), r.known, r.leader);
      },
      [=](const client_due& due) {
        auto i = attempts_.find(due.request);
        if (i == attempts_.end() || i->second != due.attempt)
          return;
        ask(due.request);
      },
      [=](const fc_vm_lost& lost) { execute(core_.on_lost(now(), lost)); },
      [=](const fc_vm_moved& moved) { execute(core_.on_moved(now(), moved)); },
      [=](const network::lb_drained& d) {
        execute(core_.on_drained(now(), d));
      },
      [=](const network::lb_backend_health& h) {
        execute(core_.on_backend_health(now(), h));
      },
      [=](const instance_fault& f) {
        if (f.extension) {
          execute(core_.on_extension(now(), f.instance, f.all, !f.up));
          return;
        }
        // To the instance's VM, if it has one now (else nothing happens:
        // docs/scenarios.md).
        auto i = core_.instances().find(f.instance);
        if (i != core_.instances().end() && i->second.vm != 0)
          send(i->second.vm, physical::app_fault{f.up});
      },
      [=](const orchestrator_due& due) {
        if (due.seq != wake_seq_)
          return;
        next_wake_ = sim_time_never;
        execute(core_.on_tick(now()));
      },
  };
}

} // namespace vmss::compute
