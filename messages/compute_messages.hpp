#pragma once
/// Messages of the compute family (actors/compute): requests to the ARM
/// front door, what it tells a scale set's orchestrator, and what host
/// agents report about a scale set's instances.
///
///   control (timeline, ctl) --arm_request--> arm
///   arm --model_changed, arm_request (accepted instance-level)--> orchestrator
///   host agent --instance_status--> orchestrator
///   orchestrator <--> fabric controller (fc_allocate / fc_operate, ...)
///   orchestrator <--> load balancer (network_messages.hpp)

#include "messages/compute_model.hpp"
#include "messages/metrics.hpp"
#include "messages/vm_vocabulary.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::compute {

/// What a request asks of ARM (docs/model.md lists the REST operation each
/// stands for).
enum class arm_op : uint8_t {
  put_model,         ///< PUT/PATCH of the scale set: `model` names the body
  set_capacity,      ///< PATCH sku.capacity = `capacity`
  instance_action,   ///< POST .../{action} on `instances` (empty: all)
  set_protection,    ///< PUT of each instance's protectionPolicy
  cancel_upgrade,    ///< POST .../rollingUpgrades/cancel
  set_service_state, ///< POST .../setOrchestrationServiceState
};

/// "put_model", "set_capacity", ...
const char* to_string(arm_op op);

/// An instance-level action (REST: virtualMachineScaleSets/{vmss}/…).
enum class instance_action : uint8_t {
  delete_vm,  ///< delete (scale set shrinks: capacity - 1)
  reimage,    ///< reimage
  restart,    ///< restart
  start,      ///< start
  power_off,  ///< powerOff (the host keeps the reservation)
  deallocate, ///< deallocate (the reservation is freed)
  upgrade,    ///< manualUpgrade: bring to the latest model
};

/// "delete", "reimage", "restart", "start", "powerOff", "deallocate",
/// "manualUpgrade".
const char* to_string(instance_action a);

struct arm_request {
  uint32_t id = 0; ///< numbers the run's requests (the timeline entry)
  std::string scale_set;
  arm_op op = arm_op::put_model;
  uint32_t model = 0;    ///< put_model: index into arm_params::models
  int64_t capacity = -1; ///< set_capacity
  instance_action action = instance_action::delete_vm;
  std::vector<uint32_t> instances;    ///< instance_action, set_protection
  bool protect_from_scale_in = false; ///< set_protection
  bool protect_from_scale_set_actions = false; ///< set_protection
  bool running = true; ///< set_service_state: Running, else Suspended
  /// put_model of a PATCH that does not set sku.capacity (a timeline or
  /// live `update`): the set keeps the capacity it has now (autoscale's,
  /// the last scale's), as Azure's PATCH leaves what it does not name.
  bool keep_capacity = false;
  /// Who asks and why, for capacity_changed's reason: "request" (a user,
  /// the timeline) or "autoscale:SETTING/PROFILE/rules[N]".
  std::string reason = "request";
  friend bool operator==(const arm_request& a, const arm_request& b) {
    return a.id == b.id && a.scale_set == b.scale_set && a.op == b.op &&
           a.model == b.model && a.capacity == b.capacity &&
           a.action == b.action && a.instances == b.instances &&
           a.protect_from_scale_in == b.protect_from_scale_in &&
           a.protect_from_scale_set_actions ==
               b.protect_from_scale_set_actions &&
           a.running == b.running && a.keep_capacity == b.keep_capacity &&
           a.reason == b.reason;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, arm_request& x) {
  return f(caf::meta::type_name("arm_request"), x.id, x.scale_set, x.op,
           x.model, x.capacity, x.action, x.instances, x.protect_from_scale_in,
           x.protect_from_scale_set_actions, x.running, x.keep_capacity,
           x.reason);
}

/// A PUT of a scale set's model known only at run time (a live `update`:
/// its merge patch over the body as earlier updates left it), to the ARM
/// front door of the set's region; `request` is a put_model request whose
/// `model` index is unused.
struct model_put {
  arm_request request;
  set_model model;
  friend bool operator==(const model_put& a, const model_put& b) {
    return a.request == b.request && a.model.name == b.model.name;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_put& x) {
  return f(caf::meta::type_name("model_put"), x.request, x.model);
}

/// ARM -> orchestrator: the set's model is now `model`, version
/// `version` (1 when the set is created, +1 per accepted change).
struct model_changed {
  uint32_t version = 0;
  set_model model;
  /// The accepted request's reason (arm_request::reason).
  std::string reason = "request";
  friend bool operator==(const model_changed& a, const model_changed& b) {
    return a.version == b.version && a.model.name == b.model.name;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_changed& x) {
  return f(caf::meta::type_name("model_changed"), x.version, x.model, x.reason);
}

/// Host agent -> the orchestrator of `scale_set`: instance `instance` on
/// this host (VM slot entity `vm`) is now in `state` with `health`.
struct instance_status {
  std::string scale_set;
  uint32_t instance = 0;
  uint32_t vm = 0;
  uint32_t host = 0;
  physical::vm_state state = physical::vm_state::pending;
  physical::app_health health = physical::app_health::none;
  friend bool operator==(const instance_status& a, const instance_status& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.vm == b.vm && a.host == b.host && a.state == b.state &&
           a.health == b.health;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_status& x) {
  return f(caf::meta::type_name("instance_status"), x.scale_set, x.instance,
           x.vm, x.host, x.state, x.health);
}

/// The scenario -> the orchestrator: crash (up = false) or restore the
/// application of instance `instance` (an app_crash whose target is
/// SETNAME/N; the orchestrator passes it to the instance's VM), or, with
/// `extension`, fail (extension_failure) or restore (extension_restore)
/// the provisioning of its VM extensions; `all`: of every instance of the
/// set (target SETNAME; `instance` unused).
struct instance_fault {
  uint32_t instance = 0;
  bool up = false;
  bool extension = false;
  bool all = false;
  friend bool operator==(const instance_fault& a, const instance_fault& b) {
    return a.instance == b.instance && a.up == b.up &&
           a.extension == b.extension && a.all == b.all;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_fault& x) {
  return f(caf::meta::type_name("instance_fault"), x.instance, x.up,
           x.extension, x.all);
}

/// Orchestrator -> ARM: instance deletes lowered the set's capacity to
/// `capacity`.
struct capacity_reported {
  std::string scale_set;
  uint32_t capacity = 0;
  friend bool operator==(const capacity_reported& a,
                         const capacity_reported& b) {
    return a.scale_set == b.scale_set && a.capacity == b.capacity;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, capacity_reported& x) {
  return f(caf::meta::type_name("capacity_reported"), x.scale_set, x.capacity);
}

/// Timer: the orchestrator's reconciliation loop (and the planners' next
/// deadline). `seq` numbers the timers so that a superseded one is ignored.
struct orchestrator_due {
  uint64_t seq = 0;
  friend bool operator==(const orchestrator_due& a, const orchestrator_due& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, orchestrator_due& x) {
  return f(caf::meta::type_name("orchestrator_due"), x.seq);
}

/// VM -> the monitor of its region ("westeurope/monitor"): instance
/// `instance` of `scale_set` in the time grain starting at `grain_start_ns`
/// (virtual time, a multiple of one minute): its Percentage CPU (average
/// over the grain) and the bytes it received and sent (Network In Total,
/// Network Out Total).
struct metric_sample {
  std::string scale_set;
  uint32_t instance = 0;
  int64_t grain_start_ns = 0;
  double cpu_percent = 0;
  double bytes_in = 0;
  double bytes_out = 0;
  friend bool operator==(const metric_sample& a, const metric_sample& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance &&
           a.grain_start_ns == b.grain_start_ns &&
           a.cpu_percent == b.cpu_percent && a.bytes_in == b.bytes_in &&
           a.bytes_out == b.bytes_out;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_sample& x) {
  return f(caf::meta::type_name("metric_sample"), x.scale_set, x.instance,
           x.grain_start_ns, x.cpu_percent, x.bytes_in, x.bytes_out);
}

/// Autoscale -> monitor: the value of each of `metrics` for `scale_set`
/// now (what has been ingested by now). Answered by metric_values.
struct metric_query {
  uint64_t seq = 0;
  std::string scale_set;
  std::vector<metric_spec> metrics;
  /// dividePerInstance divides by this (the set's current capacity).
  uint32_t instances = 0;
  friend bool operator==(const metric_query& a, const metric_query& b) {
    return a.seq == b.seq && a.scale_set == b.scale_set &&
           a.metrics == b.metrics && a.instances == b.instances;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_query& x) {
  return f(caf::meta::type_name("metric_query"), x.seq, x.scale_set, x.metrics,
           x.instances);
}

/// Monitor -> autoscale: one value per metric_query::metrics, in order;
/// present[i] is 0 when the window holds no data for metric i.
struct metric_values {
  uint64_t seq = 0;
  std::vector<double> values;
  std::vector<uint8_t> present;
  friend bool operator==(const metric_values& a, const metric_values& b) {
    return a.seq == b.seq && a.values == b.values && a.present == b.present;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_values& x) {
  return f(caf::meta::type_name("metric_values"), x.seq, x.values, x.present);
}

/// Autoscale -> ARM: the set's capacity (sku.capacity) now, answered by
/// capacity_answer (capacity -1: ARM has no such set yet).
struct capacity_query {
  uint64_t seq = 0;
  std::string scale_set;
  friend bool operator==(const capacity_query& a, const capacity_query& b) {
    return a.seq == b.seq && a.scale_set == b.scale_set;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, capacity_query& x) {
  return f(caf::meta::type_name("capacity_query"), x.seq, x.scale_set);
}

struct capacity_answer {
  uint64_t seq = 0;
  std::string scale_set;
  int64_t capacity = -1;
  friend bool operator==(const capacity_answer& a, const capacity_answer& b) {
    return a.seq == b.seq && a.scale_set == b.scale_set &&
           a.capacity == b.capacity;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, capacity_answer& x) {
  return f(caf::meta::type_name("capacity_answer"), x.seq, x.scale_set,
           x.capacity);
}

/// Timer of the autoscale engine (evaluations) and of the monitor
/// (ingestion); `seq` numbers them.
struct autoscale_due {
  uint64_t seq = 0;
  friend bool operator==(const autoscale_due& a, const autoscale_due& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, autoscale_due& x) {
  return f(caf::meta::type_name("autoscale_due"), x.seq);
}

} // namespace vmss::compute
