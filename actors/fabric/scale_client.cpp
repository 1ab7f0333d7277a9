#include "actors/fabric/scale_client.hpp"

#include "messages/fabric_events.hpp"

#include <caf/all.hpp>

namespace vmss::fabric {

scale_client::scale_client(caf::actor_config& cfg, node_kernel& k, entity_id id,
                           std::vector<entity_id> controllers,
                           const scale_client_params* params)
    : entity(cfg, k, id), params_(params),
      finder_(std::move(controllers), params->retry),
      attempts_(params->count + params->operations.size(), 0),
      done_(params->count + params->operations.size(), false) {
}

void scale_client::on_start() {
  for (uint32_t i = 0; i < params_->count; ++i)
    after(params_->at + i * params_->interval, client_due{i, 0});
  for (uint32_t i = 0; i < params_->operations.size(); ++i)
    after(params_->operations[i].at, client_due{params_->count + i, 0});
}

void scale_client::ask(uint32_t request, entity_id to) {
  auto attempt = ++attempts_[request];
  if (request < params_->count) {
    send(to, fc_allocate{params_->scale_set, request, params_->vcpus,
                         params_->ram_gb});
  } else {
    const auto& op = params_->operations[request - params_->count];
    send(to, fc_operate{params_->scale_set, op.instance, op.op});
  }
  after(params_->retry, client_due{request, attempt});
}

bool scale_client::answer(uint32_t request) {
  finder_.on_answer(now());
  if (request >= done_.size() || done_[request])
    return false;
  done_[request] = true;
  return true;
}

caf::behavior scale_client::make_behavior() {
  return {
      [=](const client_due& due) {
        if (due.request >= done_.size() || done_[due.request] ||
            due.attempt != attempts_[due.request])
          return;
        // A retry: after a retry period of silence from every replica the
        // finder moves on, the one it asks may be gone.
        ask(due.request,
            due.attempt > 0 ? finder_.ask(now()) : finder_.target());
      },
      [=](const fc_redirect& r) {
        // The retry timer asks again, where the finder then points.
        finder_.on_redirect(now(), source(), r.known, r.leader);
      },
      [=](const fc_allocated& a) {
        if (a.instance >= params_->count || !answer(a.instance))
          return;
        auto vm = physical::vm_name(a.scale_set, a.instance);
        if (a.ok)
          trace(events::allocated, {vm, kernel_.table()[a.host].path});
        else
          trace(events::allocation_refused, {vm, a.failure});
      },
      [=](const fc_operated& o) {
        // The first unanswered operation of the plan it answers.
        const auto& ops = params_->operations;
        for (uint32_t i = 0; i < ops.size(); ++i) {
          if (ops[i].instance != o.instance || ops[i].op != o.op ||
              done_[params_->count + i] || attempts_[params_->count + i] == 0)
            continue;
          answer(params_->count + i);
          auto vm = physical::vm_name(o.scale_set, o.instance);
          if (o.ok)
            trace(events::operated,
                  {vm, std::string(physical::to_string(o.op))});
          else
            trace(events::operation_refused,
                  {vm, std::string(physical::to_string(o.op)), o.failure});
          return;
        }
      },
      [=](const fc_vm_lost& lost) {
        trace(events::vm_lost,
              {physical::vm_name(lost.scale_set, lost.instance),
               kernel_.table()[lost.host].path});
      },
      [=](const fc_vm_moved& moved) {
        trace(events::vm_moved,
              {physical::vm_name(moved.scale_set, moved.instance),
               kernel_.table()[moved.host].path});
      },
  };
}

} // namespace vmss::fabric
