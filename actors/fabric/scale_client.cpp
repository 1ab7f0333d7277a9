#include "actors/fabric/scale_client.hpp"

#include <caf/all.hpp>

namespace vmss::fabric {

scale_client::scale_client(caf::actor_config& cfg, node_kernel& k, entity_id id,
                           std::vector<entity_id> controllers,
                           const scale_client_params* params)
    : entity(cfg, k, id), controllers_(std::move(controllers)), params_(params),
      attempts_(params->count, 0), done_(params->count, false) {
}

void scale_client::on_start() {
  for (uint32_t i = 0; i < params_->count; ++i)
    after(params_->at + i * params_->interval, client_due{i, 0});
}

void scale_client::ask(uint32_t instance) {
  auto attempt = ++attempts_[instance];
  send(controllers_[target_], fc_allocate{params_->scale_set, instance,
                                          params_->vcpus, params_->ram_gb});
  after(params_->retry, client_due{instance, attempt});
}

caf::behavior scale_client::make_behavior() {
  return {
      [=](const client_due& due) {
        if (due.instance >= done_.size() || done_[due.instance] ||
            due.attempt != attempts_[due.instance])
          return;
        // Silence from every replica for a whole retry period: the one it
        // asks may be gone.
        if (due.attempt > 0 && now() - heard_at_ >= params_->retry)
          target_ = (target_ + 1) % controllers_.size();
        ask(due.instance);
      },
      [=](const fc_redirect& r) {
        heard_at_ = now();
        if (!r.known)
          return; // the retry timer asks again
        for (size_t i = 0; i < controllers_.size(); ++i)
          if (controllers_[i] == r.leader)
            target_ = i;
      },
      [=](const fc_allocated& a) {
        heard_at_ = now();
        if (a.instance >= done_.size() || done_[a.instance])
          return;
        done_[a.instance] = true;
        auto vm = a.scale_set + "/" + std::to_string(a.instance);
        if (a.ok)
          trace("allocated",
                {{"vm", vm}, {"host", kernel_.table()[a.host].path}});
        else
          trace("allocation_refused", {{"vm", vm}, {"reason", a.failure}});
      },
      [=](const fc_vm_lost& lost) {
        trace("vm_lost",
              {{"vm", lost.scale_set + "/" + std::to_string(lost.instance)},
               {"host", kernel_.table()[lost.host].path}});
      },
  };
}

} // namespace vmss::fabric
