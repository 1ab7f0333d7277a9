#pragma once
/// A scale set's instance as its orchestrator knows it (spec Layer 2
/// "Instance View"): where it is, what it last reported, what model it
/// runs, its protection, and what the orchestrator is doing to it. The
/// orchestrator core owns the table; the upgrade and repair planners read
/// it. No CAF.

#include "kernel/sim_time.hpp"
#include "messages/compute_model.hpp"
#include "messages/vm_vocabulary.hpp"

#include <cstdint>
#include <map>

namespace vmss::compute {

/// What the orchestrator is doing to an instance (at most one thing).
enum class instance_work : uint8_t {
  none,
  creating,   ///< allocated or being allocated, not yet Running
  deleting,   ///< scale-in, overprovision extra, request, or Replace
  reimaging,  ///< request, repair Reimage, or upgrade
  restarting, ///< request or repair Restart
  starting,   ///< start request
  stopping,   ///< powerOff / deallocate request
  draining,   ///< left the load balancer; deleted once drained
};

/// "none", "creating", ...
const char* to_string(instance_work w);

struct instance {
  uint32_t id = 0;
  int64_t zone = -1; ///< 0-based; -1 until placed
  uint32_t fault_domain = 0;
  uint32_t update_domain = 0;
  uint32_t host = 0; ///< host agent entity (0 until placed)
  uint32_t vm = 0;   ///< VM slot entity (0 until its first status)
  physical::vm_state state = physical::vm_state::pending;
  physical::app_health health = physical::app_health::none;
  /// The load balancer probe's verdict (sets whose health source is the
  /// probe).
  bool probe_up = false;
  /// The model version whose profile it runs (latestModelApplied when the
  /// set's profile has not changed since).
  uint32_t model_version = 0;
  /// Its profile's fingerprint (set_model::profile): latestModelApplied is
  /// profile == the set's profile.
  uint64_t profile = 0;
  bool protect_from_scale_in = false;
  bool protect_from_scale_set_actions = false;
  /// An overprovisioned extra: deleted once enough instances are healthy.
  bool extra = false;
  /// Deallocated: no reservation on a host (start allocates again).
  bool deallocated = false;
  instance_work work = instance_work::none;
  /// Its VM extensions failed to provision (extension_failure):
  /// provisioningState Failed, VMExtensionProvisioningError, until
  /// extension_restore or a reimage; automatic repairs pass it over.
  bool extension_failed = false;
  sim_time created_at = 0;
  /// When its last state change (create, update, repair, start, a health
  /// change) completed: automatic repairs' grace period counts from here.
  sim_time changed_at = 0;
};

using instance_map = std::map<uint32_t, instance>;

/// Healthy for the control plane: running (Running, Healthy or Unhealthy
/// VM state, no work in progress) and, with a health source, found healthy
/// by it (the extension's Healthy, or the probe up).
bool is_healthy(const instance& i, health_source source);

} // namespace vmss::compute
