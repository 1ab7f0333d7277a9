#pragma once
/// The words every family uses about a VM, without CAF: the requests about
/// a VM (vm_op), its lifecycle states (vm_state, drawn in
/// actors/physical/vm_lifecycle.hpp) and its name "set/N". Messages carry
/// vm_op and vm_state as these enums (CAF 0.17 serializes an enum as its
/// underlying type); traces carry their names (to_string).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vmss::physical {

/// A request about a running VM, host agent -> hypervisor -> VM.
/// restart: stop, then start again (the VM keeps its host and disks).
enum class vm_op : uint8_t { start, stop, reimage, delete_vm, restart };

/// "start", "stop", "reimage", "delete".
inline const char* to_string(vm_op op) {
  switch (op) {
  case vm_op::start:
    return "start";
  case vm_op::stop:
    return "stop";
  case vm_op::reimage:
    return "reimage";
  case vm_op::delete_vm:
    return "delete";
  case vm_op::restart:
    return "restart";
  }
  return "unknown";
}

enum class vm_state : uint8_t {
  pending,
  allocating,
  creating,
  starting,
  running,
  healthy,
  unhealthy,
  repairing,
  stopping,
  stopped,
  deleting,
  deleted,
};

/// Lower-case name as used in traces ("allocating").
inline const char* to_string(vm_state s) {
  switch (s) {
  case vm_state::pending:
    return "pending";
  case vm_state::allocating:
    return "allocating";
  case vm_state::creating:
    return "creating";
  case vm_state::starting:
    return "starting";
  case vm_state::running:
    return "running";
  case vm_state::healthy:
    return "healthy";
  case vm_state::unhealthy:
    return "unhealthy";
  case vm_state::repairing:
    return "repairing";
  case vm_state::stopping:
    return "stopping";
  case vm_state::stopped:
    return "stopped";
  case vm_state::deleting:
    return "deleting";
  case vm_state::deleted:
    return "deleted";
  }
  return "unknown";
}

/// What a VM's Application Health extension reports (rich states; a binary
/// extension reports only healthy and unhealthy). `none`: the VM has no
/// extension (another tenant's VM, or a scale set whose health source is a
/// load balancer probe).
enum class app_health : uint8_t {
  none,
  initializing,
  healthy,
  unhealthy,
  unknown
};

/// "none", "Initializing", "Healthy", "Unhealthy", "Unknown": Azure's
/// spelling of the states (the instance view's HealthState/... codes).
inline const char* to_string(app_health h) {
  switch (h) {
  case app_health::none:
    return "none";
  case app_health::initializing:
    return "Initializing";
  case app_health::healthy:
    return "Healthy";
  case app_health::unhealthy:
    return "Unhealthy";
  case app_health::unknown:
    return "Unknown";
  }
  return "none";
}

/// "demo-vmss/3": the name of VM `instance` of scale set `scale_set`, as
/// traces, request plans and error messages write it.
inline std::string vm_name(std::string_view scale_set, uint32_t instance) {
  std::string name(scale_set);
  name += '/';
  name += std::to_string(instance);
  return name;
}

/// The two parts of a VM name, as written (the instance is not checked).
struct vm_name_parts {
  std::string_view scale_set;
  std::string_view instance;
};

/// Splits a VM name at its last '/' (the instance number is what follows
/// it); nothing if `name` has no '/'.
inline std::optional<vm_name_parts> split_vm_name(std::string_view name) {
  auto slash = name.rfind('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  return vm_name_parts{name.substr(0, slash), name.substr(slash + 1)};
}

} // namespace vmss::physical
