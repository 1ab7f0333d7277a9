#include "actors/physical/host_agent.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

host_agent::host_agent(caf::actor_config& cfg, node_kernel& k, entity_id id,
                       entity_id monitor, const host_agent_params* params)
    : entity(cfg, k, id), monitor_(monitor), params_(params),
      capacity_(params->cores, params->ram_gb) {
}

sim_time host_agent::jitter() {
  return random().uniform(0, params_->heartbeat_period / 100);
}

void host_agent::on_start() {
  trace("host_started");
  after(jitter(), heartbeat_due{});
}

void host_agent::place(const vm_place& request) {
  const auto& vm_path = kernel_.table()[request.vm].path;
  auto result = capacity_.reserve(request.vm, {request.vcpus, request.ram_gb});
  if (result != reserve_result::ok) {
    trace("vm_rejected",
          {{"vm", vm_path}, {"reason", std::string(to_string(result))}});
    return;
  }
  trace("vm_admitted",
        {{"vm", vm_path},
         {"vcpus", static_cast<int64_t>(request.vcpus)},
         {"ram_gb", static_cast<int64_t>(request.ram_gb)},
         {"ram_gb_free", static_cast<int64_t>(capacity_.ram_gb_usable() -
                                              capacity_.ram_gb_reserved())}});
  send(request.vm, vm_create{request.scale_set, request.instance_id});
}

caf::behavior host_agent::make_behavior() {
  return {
      [=](const heartbeat_due&) {
        send(monitor_, host_heartbeat{heartbeat_seq_++});
        after(params_->heartbeat_period + jitter(), heartbeat_due{});
      },
      [=](const vm_place& request) { place(request); },
  };
}

} // namespace vmss::physical
