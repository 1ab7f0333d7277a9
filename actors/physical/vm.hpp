#pragma once
/// The VM entity actor: one VM slot of a server, a thin shell around
/// vm_lifecycle. The hypervisor turns the slot into a VM (vm_create) and
/// passes it requests (vm_command); the VM reports every state change to
/// the hypervisor (vm_status, with its extension's health) and traces it
/// as `vm_state` (state, instance_id, scale_set, reason).
///
/// Its OS disk is a managed disk on storage replicas (storage::disk_client).
/// While Creating it reads the image blocks it needs to boot (hydration, bulk
/// data through the TOR switches): Creating ends when both its drawn
/// duration is over and the data is in (vm_lifecycle's join), so many VMs
/// created in one rack wait on the rack's uplinks.
///
/// Health: a scale set's VM whose set has the Application Health extension
/// runs it once its extensions are done (health_extension): every interval
/// it probes the application, which answers when it is up (an app_fault
/// can crash it) and answers healthy when a write to its disk succeeds (a
/// disk that lost its quorum fails it). Each change of the extension's
/// state is traced (`app_health`) and reported (vm_status.health); the VM
/// is Healthy while the extension says Healthy, Unhealthy while it says
/// Unhealthy or Unknown. A scale set's VM without the extension stays
/// Running. Other tenants' VMs probe their disk the same way every tenant
/// probe period (the first at a random time in it).
///
/// It answers a load balancer's probes (lb_probe) while its OS runs: a TCP
/// probe always, an HTTP probe ok when the application is up.
///
/// It serves a load balancer's requests (vm_serve, answered by vm_served)
/// while its OS runs: through vm_load when its workload listens and its
/// application is up, all failed (503) otherwise; a VM that does not run
/// is silent (the load balancer's timeout fails the batch). Once it has
/// served, it sends its region's monitor a metric_sample at the end of
/// every minute of virtual time while it runs (0 load in idle minutes);
/// stopping or crashing ends that until it serves again. A VM that never
/// served sends none.
///
/// When the server loses power the VM goes down with it (the kernel crashes
/// every entity of the server); when power returns it records that it was
/// down (Stopped, reason host_down) and boots again.

#include "actors/physical/health_extension.hpp"
#include "actors/physical/vm_lifecycle.hpp"
#include "actors/physical/vm_load.hpp"
#include "actors/storage/disk_client.hpp"
#include "actors/storage/disk_placement.hpp"
#include "kernel/entity.hpp"
#include "messages/compute_model.hpp"
#include "messages/physical_messages.hpp"

#include <map>
#include <optional>
#include <string>

namespace vmss::physical {

struct vm_params {
  vm_timings timings;
  sim_time tenant_probe_period = seconds(300); ///< other tenants' VMs
  /// The Application Health extension of each scale set that has one
  /// (filled by the model from the sets' models).
  std::map<std::string, compute::extension_health> extensions;
  /// Retry of a failed hydration once Creating's time is over.
  sim_time hydrate_retry = seconds(5);
  /// vCPUs of each scale set's VM size (filled by the model); a VM of a
  /// set not listed has 1.
  std::map<std::string, uint32_t> vcpus;
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
  /// Traces state `s` and reports it to the hypervisor.
  void record(vm_state s, const char* reason);
  /// Running's time is over: the extensions are done.
  void extensions_done();
  void stop_extension();
  /// The extension's probe got `answer`; reports a change and goes on.
  void on_extension_probe(bool write_ok);
  void report_health();
  app_health health() const;
  void probe();
  void start_io(storage::disk_op op);
  void on_disk(const storage::disk_outcome& outcome);
  void serve(const network::vm_serve& s);
  /// Sends the minute's metric_sample and sets the next minute's timer.
  void sample();
  void stop_sampling();

  const vm_params* params_;
  entity_id hypervisor_;
  // Durable: the assignment and where the lifecycle is.
  vm_lifecycle lifecycle_;
  std::string scale_set_;
  int64_t instance_id_ = -1;
  uint32_t phase_ = 0; ///< numbers the phase timers
  /// The set's extension (its state is volatile: it stops with the VM).
  std::optional<health_extension> extension_;
  /// Its extensions are done: the workload they install (the port a load
  /// balancer probes) listens while the VM runs.
  bool serving_ = false;
  // Volatile: a reboot brings the application back; I/O in flight is lost.
  bool app_up_ = true;
  std::optional<storage::disk_client> disk_;
  storage::disk_op io_op_ =
      storage::disk_op::write; ///< the I/O in flight, or the last one
  /// The region's monitor ("westeurope/monitor"), if the run has one.
  std::optional<entity_id> monitor_;
  std::optional<vm_load> load_; ///< its VM's size (from vm_create)
  uint32_t sample_epoch_ = 0;   ///< numbers the sample timers
};

} // namespace vmss::physical
