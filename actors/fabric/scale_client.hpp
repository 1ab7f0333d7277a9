#pragma once
/// The model string's direct client of the fabric controller (`run --model
/// 'region vms=N requests=PLAN'`: kernel, controller and benchmark studies
/// with no scale set around the VMs; scenario files go through ARM and the
/// orchestrator instead). From a time on it asks the fabric controller to place
/// `count` VMs of one scale set, one every `interval`; at planned times it asks
/// for operations on them (start, stop, reimage, delete). It keeps asking
/// until each request is answered, and finds the leader with a
/// leader_finder: it follows fc_redirect, moves on to another replica when
/// one knows no leader, and after a retry period with no answer from any
/// replica. Traces, once per request, `allocated`
/// (vm, host) or `allocation_refused` (vm, reason), `operated` (vm, op) or
/// `operation_refused` (vm, op, reason); and `vm_lost` (vm, host) or
/// `vm_moved` (vm, host) when the controller reports one.

#include "actors/fabric/leader_finder.hpp"
#include "kernel/entity.hpp"
#include "messages/fabric_messages.hpp"

#include <vector>

namespace vmss::fabric {

/// An operation on VM `instance` at time `at`.
struct client_operation {
  sim_time at = 0;
  uint32_t instance = 0;
  physical::vm_op op = physical::vm_op::start;
};

struct scale_client_params {
  std::string scale_set = "demo-vmss";
  uint32_t count = 0;
  sim_time at = seconds(1);
  sim_time interval = 0; ///< between successive VMs' first requests
  uint32_t vcpus = 2;
  uint32_t ram_gb = 8;
  sim_time retry = seconds(2);
  std::vector<client_operation> operations;
};

class scale_client : public entity {
public:
  scale_client(caf::actor_config& cfg, node_kernel& k, entity_id id,
               std::vector<entity_id> controllers,
               const scale_client_params* params);

  void on_start() override;
  caf::behavior make_behavior() override;

private:
  /// Requests are numbered: allocations 0..count-1, then the operations.
  void ask(uint32_t request, entity_id to);
  /// Marks `request` answered; false if it already was.
  bool answer(uint32_t request);

  const scale_client_params* params_;
  leader_finder finder_; ///< in virtual time; patience: the retry period
  std::vector<uint32_t> attempts_; ///< by request; 0: not asked yet
  std::vector<bool> done_;
};

} // namespace vmss::fabric
