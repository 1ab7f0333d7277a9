#pragma once
/// The VM entity actor: one VM slot of a server, a thin shell around
/// vm_lifecycle. The hypervisor turns the slot into a VM (vm_create) and
/// passes it requests (vm_command); the VM reports every state change to
/// the hypervisor (vm_status) and traces it as `vm_state` (state,
/// instance_id, scale_set).
///
/// Its OS disk is a managed disk on storage replicas (storage::disk_client).
/// While Creating it reads the image blocks it needs to boot (hydration, bulk
/// data through the TOR switches): Creating ends when both its drawn
/// duration is over and the data is in (vm_lifecycle's join), so many VMs
/// created in one rack wait on the rack's uplinks. Its application answers a
/// health probe: once extensions are done, then every probe period. A probe
/// passes when the application is up (an app_fault can crash it) and a write to
/// its disk succeeds: a disk that lost its quorum fails the probe. When the
/// server loses power the VM goes down with it (the kernel crashes every
/// entity of the server); when power returns it boots again.

#include "actors/physical/vm_lifecycle.hpp"
#include "actors/storage/disk_client.hpp"
#include "actors/storage/disk_placement.hpp"
#include "kernel/entity.hpp"
#include "messages/physical_messages.hpp"

namespace vmss::physical {

struct vm_params {
  vm_timings timings;
  sim_time probe_period = seconds(10);         ///< a scale set's VMs
  sim_time tenant_probe_period = seconds(300); ///< other tenants' VMs
  /// Retry of a failed hydration once Creating's time is over.
  sim_time hydrate_retry = seconds(5);
  storage::disk_client_params disk;
  const storage::replica_directory* directory = nullptr; ///< set by the model
};

class vm : public entity {
public:
  vm(caf::actor_config& cfg, node_kernel& k, entity_id id,
     const vm_params* params);

  caf::behavior make_behavior() override;
  void on_start() override {}
  void on_restart() override;

private:
  void apply(vm_input in);
  void probe();
  void schedule_probe();
  void start_io(storage::disk_op op);
  void on_disk(const storage::disk_outcome& outcome);

  const vm_params* params_;
  entity_id hypervisor_;
  // Durable: the assignment and where the lifecycle is.
  vm_lifecycle lifecycle_;
  std::string scale_set_;
  int64_t instance_id_ = -1;
  uint32_t phase_ = 0; ///< numbers the phase timers
  // Volatile: a reboot brings the application back; I/O in flight is lost.
  bool app_up_ = true;
  std::optional<storage::disk_client> disk_;
  storage::disk_op io_op_ =
      storage::disk_op::write; ///< the I/O in flight, or the last one
};

} // namespace vmss::physical
