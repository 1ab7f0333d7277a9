/// Fabric-controller checkers (descriptions in the header).

#include "actors/fabric/checkers.hpp"

#include "analysis/record_fields.hpp"
#include "messages/fabric_events.hpp"
#include "messages/fabric_kinds.hpp"
#include "messages/vm_vocabulary.hpp"

namespace vmss::fabric {

using analysis::int_field;
using analysis::is;
using analysis::string_field;

namespace {

/// Each region runs its own fabric controller: its name is the first
/// component of the replica's path ("westeurope/z1/r1/h1/fc").
std::string region_of(std::string_view path) {
  return std::string(path.substr(0, path.find('/')));
}

} // namespace

void single_leader_checker::on_record(const record& r) {
  if (!is(r, events::leader_elected))
    return;
  auto term = int_field(r, events::leader_elected, "term");
  auto [it, fresh] = leader_of_term_.emplace(std::pair{region_of(r.path), term},
                                             std::string(r.path));
  if (!fresh && it->second != r.path)
    violations_.add(r, "second leader in term " + std::to_string(term) +
                           " (first: " + it->second + ")");
}

void committed_stable_checker::on_record(const record& r) {
  if (!is(r, events::fc_applied))
    return;
  auto index = int_field(r, events::fc_applied, "index");
  std::pair<int64_t, std::string> entry{
      int_field(r, events::fc_applied, "term"),
      string_field(r, events::fc_applied, "command")};
  auto [it, fresh] =
      entries_.emplace(std::pair{region_of(r.path), index}, entry);
  if (!fresh && it->second != entry)
    violations_.add(r, "index " + std::to_string(index) + " applied as term " +
                           std::to_string(entry.first) + " '" + entry.second +
                           "', elsewhere as term " +
                           std::to_string(it->second.first) + " '" +
                           it->second.second + "'");
}

void vm_one_host_checker::on_record(const record& r) {
  if (r.kind != kinds::fc_replica.name)
    return;
  if (is(r, events::placement)) {
    auto vm = string_field(r, events::placement, "vm");
    auto host = string_field(r, events::placement, "host");
    auto [it, fresh] = host_of_.emplace(vm, host);
    if (!fresh)
      violations_.add(r, "VM " + vm + " placed on " + host +
                             " while still on " + it->second);
  } else if (is(r, events::vm_healed)) {
    auto vm = string_field(r, events::vm_healed, "vm");
    auto from = string_field(r, events::vm_healed, "from");
    auto to = string_field(r, events::vm_healed, "to");
    auto it = host_of_.find(vm);
    if (it == host_of_.end())
      violations_.add(r, "VM " + vm + " moved from " + from +
                             " but was never placed");
    else if (it->second != from)
      violations_.add(r, "VM " + vm + " moved from " + from + " while on " +
                             it->second);
    host_of_[vm] = to;
  } else if (is(r, events::vm_operation) &&
             string_field(r, events::vm_operation, "op") ==
                 physical::to_string(physical::vm_op::delete_vm)) {
    host_of_.erase(string_field(r, events::vm_operation, "vm"));
  }
}

void register_checkers(analysis::checker_registry& r) {
  r.add<single_leader_checker>();
  r.add<committed_stable_checker>();
  r.add<vm_one_host_checker>();
}

} // namespace vmss::fabric
