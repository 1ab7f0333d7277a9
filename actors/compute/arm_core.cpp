#include "actors/compute/arm_core.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <set>
#include <type_traits>

namespace vmss::compute {

namespace {

/// Flattens a value through its `inspect` (one list of fields): two models
/// are the same model when their bytes are.
struct model_bytes {
  using result_type = void;
  std::string out;

  template <class... Ts>
  void operator()(Ts&... xs) {
    (add(xs), ...);
  }

private:
  template <class T>
  struct is_vector : std::false_type {};
  template <class T>
  struct is_vector<std::vector<T>> : std::true_type {};

  void add_size(size_t n) {
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
  }
  template <class T>
  void add(T& x) {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      out.append(reinterpret_cast<const char*>(&x), sizeof x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      add_size(x.size());
      out += x;
    } else if constexpr (is_vector<T>::value) {
      add_size(x.size());
      for (auto& e : x)
        add(e);
    } else {
      inspect(*this, x);
    }
  }
};

bool same_model(set_model a, set_model b) {
  model_bytes fa, fb;
  inspect(fa, a);
  inspect(fb, b);
  return fa.out == fb.out;
}

arm_answer refuse(std::string reason) {
  arm_answer out;
  out.reason = std::move(reason);
  return out;
}

std::string change_not_allowed(const std::string& property,
                               const std::string& why) {
  return "PropertyChangeNotAllowed: Changing property '" + property +
         "' is not allowed. (" + why + ")";
}

std::string zone_list(const std::vector<uint32_t>& zones) {
  if (zones.empty())
    return "none (regional)";
  std::string out;
  for (auto z : zones)
    out += (out.empty() ? "" : ", ") + std::to_string(z + 1);
  return out;
}

/// sku.capacity against Azure's limits: 0-1000 instances, at most 100 in
/// one placement group. Empty when allowed.
std::string capacity_refusal(const set_model& m, int64_t capacity) {
  if (capacity < 0 || capacity > 1000)
    return "InvalidParameter: The value of parameter sku.capacity is "
           "invalid. (" +
           std::to_string(capacity) +
           " is outside 0-1000, the instances a scale set holds)";
  int64_t limit = m.single_placement_group ? 100 : 1000;
  if (capacity <= limit)
    return "";
  return "OperationNotAllowed: Unable to create or update "
         "VirtualMachineScaleSet '" +
         m.name + "' as it exceeds the total limit of '" +
         std::to_string(limit) + "' Virtual Machine instances. (sku.capacity " +
         std::to_string(capacity) +
         "; singlePlacementGroup is true: false allows up to 1000)";
}

/// The rules of a model update (docs/model.md, "ARM front door"). Empty
/// when `to` may replace `from`.
std::string update_refusal(const set_model& from, const set_model& to) {
  if (from.mode != to.mode)
    return change_not_allowed(
        "orchestrationMode", std::string("the set was created ") +
                                 to_string(from.mode) +
                                 "; the orchestration mode is set at creation");
  if (from.fault_domains != to.fault_domains)
    return change_not_allowed(
        "platformFaultDomainCount",
        std::to_string(from.fault_domains) + " -> " +
            std::to_string(to.fault_domains) +
            ": the fault domain count is set at creation");
  if (!from.single_placement_group && to.single_placement_group)
    return change_not_allowed(
        "singlePlacementGroup",
        "false -> true: a set of several placement groups cannot go back to "
        "one");
  if (!from.zones.empty() &&
      std::any_of(from.zones.begin(), from.zones.end(), [&](uint32_t z) {
        return std::find(to.zones.begin(), to.zones.end(), z) == to.zones.end();
      }))
    return change_not_allowed("zones",
                              "zones can be added, not removed: the set has " +
                                  zone_list(from.zones) + ", the update has " +
                                  zone_list(to.zones));
  if (from.repairs.enabled && to.repairs.enabled &&
      from.repairs.action != to.repairs.action)
    return std::string("OperationNotAllowed: Changing property "
                       "'automaticRepairsPolicy.repairAction' (") +
           to_string(from.repairs.action) + " -> " +
           to_string(to.repairs.action) +
           ") while automatic repairs are enabled is not allowed. (disable "
           "them first, then enable them with the new action)";
  return "";
}

/// The instance list of an instance-level request. Empty when well formed.
std::string instances_refusal(const arm_request& r) {
  bool required = r.op == arm_op::set_protection ||
                  (r.op == arm_op::instance_action &&
                   (r.action == instance_action::delete_vm ||
                    r.action == instance_action::upgrade));
  if (required && r.instances.empty())
    return "InvalidParameter: Required parameter 'instanceIds' is missing "
           "(null). (" +
           std::string(r.op == arm_op::set_protection
                           ? "a protection policy is set per instance"
                           : std::string(to_string(r.action)) +
                                 " names the instances it acts on") +
           ")";
  std::set<uint32_t> seen;
  for (auto id : r.instances)
    if (!seen.insert(id).second)
      return "InvalidParameter: The value of parameter instanceIds is "
             "invalid. (instance " +
             std::to_string(id) + " is listed twice)";
  return "";
}

/// The rules of an accepted-at-ARM instance-level request, beyond its
/// instance list. Empty when allowed.
std::string request_refusal(const arm_request& r, const set_model& m) {
  if (r.op == arm_op::set_protection && r.protect_from_scale_set_actions &&
      !r.protect_from_scale_in)
    return "InvalidParameter: protectFromScaleIn cannot be false when "
           "protectFromScaleSetActions is true. (protection from scale-set "
           "actions includes protection from scale-in)";
  if (r.op == arm_op::set_service_state && !m.repairs.enabled)
    return "OperationNotAllowed: setOrchestrationServiceState "
           "AutomaticRepairs needs automatic repairs enabled on "
           "VirtualMachineScaleSet '" +
           m.name + "'. (automaticRepairsPolicy.enabled is false)";
  return "";
}

} // namespace

arm_answer arm_core::on_request(const arm_request& request) {
  if (request.op == arm_op::put_model) {
    VMSS_ASSERT(request.model < params_->models.size(),
                "a put_model request names one of arm_params::models");
    return put_model(request, params_->models[request.model]);
  }
  if (request.op == arm_op::set_capacity) {
    auto it = sets_.find(request.scale_set);
    if (it != sets_.end()) {
      auto answer = set_capacity(request, it->second);
      if (answer.changed)
        answer.changed->reason = request.reason;
      return answer;
    }
  }
  auto it = sets_.find(request.scale_set);
  if (it == sets_.end())
    return refuse("ResourceNotFound: The Resource "
                  "'Microsoft.Compute/virtualMachineScaleSets/" +
                  request.scale_set + "' under resource group '" +
                  resource_group + "' was not found.");
  auto why = instances_refusal(request);
  if (why.empty())
    why = request_refusal(request, it->second.model);
  if (!why.empty())
    return refuse(why);
  arm_answer out;
  out.accepted = true;
  out.forward = true;
  return out;
}

arm_answer arm_core::on_put(const arm_request& request, set_model model) {
  return put_model(request, std::move(model));
}

arm_answer arm_core::put_model(const arm_request& request, set_model next) {
  // A PUT names its scale set in its URL.
  next.name = request.scale_set;
  auto it = sets_.find(request.scale_set);
  if (request.keep_capacity && it != sets_.end())
    next.capacity = it->second.model.capacity;
  auto why = capacity_refusal(next, next.capacity);
  if (why.empty() && it != sets_.end())
    why = update_refusal(it->second.model, next);
  if (!why.empty())
    return refuse(why);
  return apply(request.scale_set, std::move(next));
}

arm_answer arm_core::set_capacity(const arm_request& request,
                                  const entry& set) {
  if (set.model.sku.empty() && request.capacity != 0)
    return refuse("InvalidParameter: Required parameter 'sku' is missing "
                  "(null). (VirtualMachineScaleSet '" +
                  set.model.name +
                  "' has no VM size: it holds only the VMs added to it)");
  auto why = capacity_refusal(set.model, request.capacity);
  if (!why.empty())
    return refuse(why);
  auto next = set.model;
  next.capacity = static_cast<uint32_t>(request.capacity);
  return apply(request.scale_set, std::move(next));
}

arm_answer arm_core::apply(const std::string& scale_set, set_model next) {
  arm_answer out;
  out.accepted = true;
  auto& set = sets_[scale_set];
  if (set.version > 0 && same_model(set.model, next))
    return out;
  set.model = std::move(next);
  ++set.version;
  out.changed = model_changed{set.version, set.model};
  return out;
}

void arm_core::on_capacity(const std::string& scale_set, uint32_t capacity) {
  auto i = sets_.find(scale_set);
  if (i != sets_.end())
    i->second.model.capacity = capacity;
}

const set_model* arm_core::model(const std::string& scale_set) const {
  auto it = sets_.find(scale_set);
  return it == sets_.end() ? nullptr : &it->second.model;
}

uint32_t arm_core::version(const std::string& scale_set) const {
  auto it = sets_.find(scale_set);
  return it == sets_.end() ? 0 : it->second.version;
}

} // namespace vmss::compute
