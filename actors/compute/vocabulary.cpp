// Names of the compute family's enums (messages/compute_model.hpp,
// messages/compute_messages.hpp, actors/compute/instance.hpp).

#include "actors/compute/instance.hpp"
#include "messages/compute_messages.hpp"

namespace vmss::compute {

const char* to_string(orchestration_mode m) {
  return m == orchestration_mode::flexible ? "Flexible" : "Uniform";
}

const char* to_string(upgrade_mode m) {
  switch (m) {
  case upgrade_mode::automatic:
    return "Automatic";
  case upgrade_mode::manual:
    return "Manual";
  case upgrade_mode::rolling:
    return "Rolling";
  }
  return "Manual";
}

const char* to_string(repair_action a) {
  switch (a) {
  case repair_action::replace:
    return "Replace";
  case repair_action::restart:
    return "Restart";
  case repair_action::reimage:
    return "Reimage";
  }
  return "Replace";
}

const char* to_string(scale_in_rule r) {
  switch (r) {
  case scale_in_rule::default_rule:
    return "Default";
  case scale_in_rule::newest_vm:
    return "NewestVM";
  case scale_in_rule::oldest_vm:
    return "OldestVM";
  }
  return "Default";
}

const char* to_string(health_source h) {
  switch (h) {
  case health_source::none:
    return "none";
  case health_source::load_balancer_probe:
    return "load_balancer_probe";
  case health_source::extension:
    return "extension";
  }
  return "none";
}

const char* to_string(arm_op op) {
  switch (op) {
  case arm_op::put_model:
    return "put_model";
  case arm_op::set_capacity:
    return "set_capacity";
  case arm_op::instance_action:
    return "instance_action";
  case arm_op::set_protection:
    return "set_protection";
  case arm_op::cancel_upgrade:
    return "cancel_upgrade";
  case arm_op::set_service_state:
    return "set_service_state";
  }
  return "put_model";
}

const char* to_string(instance_action a) {
  switch (a) {
  case instance_action::delete_vm:
    return "delete";
  case instance_action::reimage:
    return "reimage";
  case instance_action::restart:
    return "restart";
  case instance_action::start:
    return "start";
  case instance_action::power_off:
    return "powerOff";
  case instance_action::deallocate:
    return "deallocate";
  case instance_action::upgrade:
    return "manualUpgrade";
  }
  return "delete";
}

const char* to_string(instance_work w) {
  switch (w) {
  case instance_work::none:
    return "none";
  case instance_work::creating:
    return "creating";
  case instance_work::deleting:
    return "deleting";
  case instance_work::reimaging:
    return "reimaging";
  case instance_work::restarting:
    return "restarting";
  case instance_work::starting:
    return "starting";
  case instance_work::stopping:
    return "stopping";
  case instance_work::draining:
    return "draining";
  }
  return "none";
}

bool is_healthy(const instance& i, health_source source) {
  using physical::vm_state;
  bool up = i.work == instance_work::none &&
            (i.state == vm_state::running || i.state == vm_state::healthy ||
             i.state == vm_state::unhealthy);
  if (!up)
    return false;
  switch (source) {
  case health_source::none:
    return true;
  case health_source::load_balancer_probe:
    return i.probe_up;
  case health_source::extension:
    return i.health == physical::app_health::healthy;
  }
  return false;
}

const char* to_string(statistic s) {
  static const char* const names[] = {"Average", "Min", "Max", "Sum", "Count"};
  return names[static_cast<int>(s)];
}

const char* to_string(time_aggregation a) {
  static const char* const names[] = {"Average", "Minimum", "Maximum",
                                      "Total",   "Count",   "Last"};
  return names[static_cast<int>(a)];
}

} // namespace vmss::compute
