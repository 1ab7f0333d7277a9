#pragma once
/// A scale-out client standing in for the scale-set orchestrator (until it
/// exists): from a time on it asks the fabric controller to place `count`
/// VMs of one scale set, one every `interval`, and keeps asking until each
/// is answered. It finds the
/// leader by itself: it follows fc_redirect, and after `retry` without an
/// answer asks the next replica. Traces `allocated` (vm, host) or
/// `allocation_refused` (vm, reason) once per VM, and `vm_lost` (vm, host)
/// when the controller reports one.

#include "kernel/entity.hpp"
#include "messages/fabric_messages.hpp"

#include <vector>

namespace vmss::fabric {

struct scale_client_params {
  std::string scale_set = "demo-vmss";
  uint32_t count = 0;
  sim_time at = seconds(1);
  sim_time interval = 0; ///< between successive VMs' first requests
  uint32_t vcpus = 2;
  uint32_t ram_gb = 8;
  sim_time retry = seconds(2);
};

class scale_client : public entity {
public:
  scale_client(caf::actor_config& cfg, node_kernel& k, entity_id id,
               std::vector<entity_id> controllers,
               const scale_client_params* params);

  void on_start() override;
  caf::behavior make_behavior() override;

private:
  void ask(uint32_t instance);

  std::vector<entity_id> controllers_;
  const scale_client_params* params_;
  size_t target_ = 0;              ///< the replica it believes leads
  sim_time heard_at_ = 0;          ///< last answer from any replica
  std::vector<uint32_t> attempts_; ///< by instance; 0: not asked yet
  std::vector<bool> done_;
};

} // namespace vmss::fabric
