/// Scale-set checkers (descriptions in the header).

#include "actors/compute/checkers.hpp"

#include "actors/compute/autoscale_checkers.hpp"
#include "analysis/record_fields.hpp"
#include "kernel/numbers.hpp"
#include "messages/compute_events.hpp"
#include "messages/control_events.hpp"
#include "messages/physical_events.hpp"
#include "messages/vm_vocabulary.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

namespace vmss::compute {

using analysis::instance_state;
using analysis::int_field;
using analysis::is;
using analysis::string_field;

namespace {

using key = instance_table::key;

/// SET/N of a record of `def` that has scale_set and instance_id fields.
key instance_of(const record& r, const trace::event_def& def) {
  return {string_field(r, def, "scale_set"), int_field(r, def, "instance_id")};
}

std::string name_of(const key& k) {
  return physical::vm_name(k.first, static_cast<uint32_t>(k.second));
}

/// The declared event of a record about one scale set (a change of the
/// set), or nullptr for any other record.
const trace::event_def* set_event(const record& r) {
  for (const auto* def :
       {&events::capacity_changed, &events::model_updated,
        &events::instance_operation, &events::repair, &events::upgrade_batch,
        &events::upgrade_status, &events::instance_view})
    if (is(r, *def))
      return def;
  return nullptr;
}

bool is_fault(const record& r) {
  return is(r, vmss::control::events::fault_injected) ||
         is(r, vmss::control::events::fault_recovered);
}

/// A VM that runs (its guest is up).
bool vm_runs(const std::string& state) {
  return state == "running" || state == "healthy" || state == "unhealthy";
}

/// A VM that runs or is coming up.
bool vm_alive(const std::string& state) {
  return state == "creating" || state == "starting" || vm_runs(state);
}

/// The number of instance ids in an upgrade_batch's list ("0,3"; "" for
/// none).
size_t batch_size(const record& r) {
  auto list = string_field(r, events::upgrade_batch, "instances");
  size_t count = 0;
  for (size_t begin = 0; begin < list.size(); ++count) {
    size_t end = std::min(list.find(',', begin), list.size());
    uint64_t id = 0;
    if (!parse_uint(list.substr(begin, end - begin), 0, UINT32_MAX, id))
      throw std::runtime_error(
          "record upgrade_batch at t_ns=" + std::to_string(r.t_ns()) + " of " +
          std::string(r.path) + ": field 'instances': '" + list +
          "' is not a list of instance ids like \"0,3\"");
    begin = end + 1;
  }
  return count;
}

} // namespace

int64_t repair_limit(size_t instances) {
  if (instances < 20)
    return 1;
  return std::max<int64_t>(1, static_cast<int64_t>(instances) * 5 / 100);
}

int64_t batch_limit(size_t instances, int64_t percent) {
  return std::max<int64_t>(1, static_cast<int64_t>(instances) * percent / 100);
}

// --- capacity_converges ----------------------------------------------------

void capacity_converges_checker::start(const trace::manifest& m) {
  end_ns_ = m.complete ? m.end_t_ns : m.complete_until_ns;
}

void capacity_converges_checker::on_record(const record& r) {
  if (is_fault(r)) {
    last_fault_ns_ = r.t_ns();
    return;
  }
  const auto* def = set_event(r);
  if (def == nullptr)
    return;
  std::string set = string_field(r, *def, "scale_set");
  activity_[set] = r.t_ns();
  table_.apply(r);
  if (is(r, events::capacity_changed)) {
    sets_[set] = set_state{int_field(r, *def, "to"), std::string(r.path)};
  } else if (is(r, events::instance_operation)) {
    auto op = string_field(r, *def, "operation");
    bool by_request = string_field(r, *def, "reason") == "request" &&
                      (op == "stop" || op == "deallocate");
    auto k = instance_of(r, *def);
    if (by_request)
      stopped_by_request_.insert(k);
    else
      stopped_by_request_.erase(k);
  }
}

bool capacity_converges_checker::in_service(const key& k,
                                            const instance_state& s) const {
  if (s.provisioning_state != "Succeeded")
    return false;
  if (s.power_state == "running")
    return true;
  return (s.power_state == "stopped" || s.power_state == "deallocated") &&
         stopped_by_request_.count(k) > 0;
}

violation_list capacity_converges_checker::finish() {
  violation_list out;
  bool region_quiet = end_ns_ - last_fault_ns_ >= capacity_settle_ns;
  for (const auto& [set, s] : sets_) {
    if (!region_quiet || end_ns_ - activity_[set] < capacity_settle_ns)
      continue;
    int64_t serving = 0;
    std::string others;
    for (const auto& [k, view] : table_.rows()) {
      if (k.first != set || view.deleted())
        continue;
      if (in_service(k, view))
        ++serving;
      else
        others += (others.empty() ? "" : ", ") + name_of(k) + " " +
                  view.provisioning_state + "/" + view.power_state;
    }
    if (serving == s.capacity)
      continue;
    out.add(analysis::violation{
        end_ns_, s.entity,
        "scale set " + set + ": capacity " + std::to_string(s.capacity) +
            " but " + std::to_string(serving) +
            " instances in service at the end (" +
            std::to_string(std::abs(s.capacity - serving)) +
            (serving < s.capacity ? " short" : " over") + ")" +
            (others.empty() ? "" : "; not in service: " + others)});
  }
  return out;
}

// --- deleted_not_running ---------------------------------------------------

void deleted_not_running_checker::on_record(const record& r) {
  if (is(r, events::instance_view)) {
    auto s = analysis::read_instance_view(r);
    if (s.deleted())
      deleted_.insert({s.scale_set, s.instance_id});
  } else if (is(r, events::instance_operation)) {
    if (string_field(r, events::instance_operation, "operation") == "create")
      deleted_.erase(instance_of(r, events::instance_operation));
  } else if (!deleted_.empty() && is(r, physical::events::vm_state)) {
    const auto& def = physical::events::vm_state;
    auto state = string_field(r, def, "state");
    if (!vm_runs(state))
      return;
    auto k = instance_of(r, def);
    if (deleted_.count(k) > 0)
      violations_.add(r, "VM " + name_of(k) + " is " + state +
                             " after its instance was Deleted (no create "
                             "since)");
  }
}

// --- protected_instances ---------------------------------------------------

void protected_instances_checker::on_record(const record& r) {
  if (table_.apply(r) != nullptr || !is(r, events::instance_operation))
    return;
  const auto& def = events::instance_operation;
  auto k = instance_of(r, def);
  const auto* view = table_.find(k.first, k.second);
  if (view == nullptr)
    return;
  auto op = string_field(r, def, "operation");
  auto reason = string_field(r, def, "reason");
  bool actions = view->protect_from_scale_set_actions;
  bool any = actions || view->protect_from_scale_in;
  const char* from = actions ? "scale-set actions" : "scale-in";
  if (reason == "scale_in" && op == "delete" && any)
    violations_.add(r, "scale-in deletes " + name_of(k) + ", protected from " +
                           from);
  else if ((reason == "repair" && any) ||
           (actions && (reason == "upgrade" || reason == "rollback")))
    violations_.add(r, reason + " " + op + "s " + name_of(k) +
                           ", protected from " + from);
}

// --- disruption_share ------------------------------------------------------

void disruption_share_checker::on_record(const record& r) {
  if (table_.apply(r) != nullptr)
    return;
  if (is(r, events::repair))
    on_repair(r);
  else if (is(r, events::upgrade_batch))
    on_batch(r);
}

void disruption_share_checker::on_repair(const record& r) {
  const auto& def = events::repair;
  auto set = string_field(r, def, "scale_set");
  auto phase = string_field(r, def, "phase");
  auto& in_flight = repairs_in_flight_[set];
  if (phase == "completed" || phase == "failed") {
    in_flight = std::max<int64_t>(0, in_flight - 1);
    return;
  }
  if (phase != "started")
    return;
  ++in_flight;
  size_t instances = table_.live_count(set);
  int64_t limit = repair_limit(instances);
  if (in_flight > limit)
    violations_.add(r, "scale set " + set + ": " + std::to_string(in_flight) +
                           " repairs in flight, at most " +
                           std::to_string(limit) + " for " +
                           std::to_string(instances) + " instances");
}

void disruption_share_checker::on_batch(const record& r) {
  const auto& def = events::upgrade_batch;
  auto set = string_field(r, def, "scale_set");
  auto percent = int_field(r, def, "max_batch_percent");
  size_t instances = table_.live_count(set);
  int64_t size = static_cast<int64_t>(batch_size(r));
  int64_t limit = batch_limit(instances, percent);
  if (size > limit)
    violations_.add(r, "scale set " + set + ": upgrade batch " +
                           std::to_string(int_field(r, def, "batch")) +
                           " has " + std::to_string(size) +
                           " instances, at most " + std::to_string(limit) +
                           " (" + std::to_string(percent) + "% of " +
                           std::to_string(instances) + ")");
}

// --- vm_known --------------------------------------------------------------

void vm_known_checker::on_record(const record& r) {
  // A VM of a scale set has its view before its first vm_state (the
  // orchestrator creates the instance); before any view there is nothing
  // to judge.
  if (table_.apply(r) != nullptr || table_.rows().empty() ||
      !is(r, physical::events::vm_state))
    return;
  const auto& def = physical::events::vm_state;
  auto set = string_field(r, def, "scale_set");
  if (set.empty())
    return; // another tenant's VM
  vms_[{set, int_field(r, def, "instance_id")}] =
      vm_seen{string_field(r, def, "state"), r.t_ns(), std::string(r.path)};
}

violation_list vm_known_checker::finish() {
  std::set<std::string> controlled; // sets whose orchestrator traced views
  for (const auto& row : table_.rows())
    controlled.insert(row.first.first);
  for (const auto& [k, vm] : vms_) {
    if (!vm_alive(vm.state) || controlled.count(k.first) == 0)
      continue;
    const auto* view = table_.find(k.first, k.second);
    if (view != nullptr && !view->deleted())
      continue;
    violations_.add(analysis::violation{
        vm.t_ns, vm.entity,
        "VM " + name_of(k) + " is " + vm.state + " at the end but its scale " +
            "set has " + (view ? "deleted instance " : "no instance ") +
            std::to_string(k.second)});
  }
  return std::move(violations_);
}

void register_checkers(analysis::checker_registry& r) {
  r.add<capacity_converges_checker>();
  r.add<deleted_not_running_checker>();
  r.add<protected_instances_checker>();
  r.add<disruption_share_checker>();
  r.add<vm_known_checker>();
  r.add<autoscale_bounds_checker>();
  r.add<autoscale_cooldown_checker>();
}

} // namespace vmss::compute
