#include "actors/compute/arm.hpp"

#include "messages/compute_events.hpp"
#include "messages/compute_kinds.hpp"

#include <caf/all.hpp>

namespace vmss::compute {

arm::arm(caf::actor_config& cfg, node_kernel& k, entity_id id,
         const arm_shell_params* params)
    : entity(cfg, k, id), params_(params), core_(params->core) {
}

void arm::answer(const arm_request& r, arm_answer result) {
  trace(events::arm_request,
        {static_cast<int64_t>(r.id), r.scale_set, std::string(to_string(r.op)),
         result.accepted, result.reason});
  if (!result.accepted)
    return;
  auto path = orchestrator_path(params_->region, r.scale_set);
  auto to = kernel_.table().id_of(path);
  if (result.changed) {
    trace(events::model_updated,
          {r.scale_set, static_cast<int64_t>(result.changed->version)});
    send(to, std::move(*result.changed));
  }
  if (result.forward)
    send(to, r);
}

caf::behavior arm::make_behavior() {
  return {
      [=](const arm_request& r) { answer(r, core_.on_request(r)); },
      [=](const model_put& p) {
        answer(p.request, core_.on_put(p.request, p.model));
      },
      [=](const capacity_query& q) {
        const auto* m = core_.model(q.scale_set);
        send(source(), capacity_answer{q.seq, q.scale_set,
                                       m ? int64_t{m->capacity} : -1});
      },
      [=](const capacity_reported& c) {
        core_.on_capacity(c.scale_set, c.capacity);
      },
  };
}

} // namespace vmss::compute
