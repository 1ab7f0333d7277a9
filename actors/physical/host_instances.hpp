#pragma once
/// The scale-set VMs a host agent holds, as a pure core (no CAF): which VM
/// slot runs which instance, what the host lists to the fabric controller
/// (host_inventory) and where each instance's status goes.
///
/// A slot whose VM is being deleted keeps its instance until the VM reports
/// it is deleted; meanwhile the same instance may be placed again (service
/// healing can bring it back to a host that still deletes its old copy),
/// in another slot, and requests about the instance go to that one.
///
/// Statuses go to the orchestrator of the instance's scale set
/// (compute::orchestrator_path: "REGION/vmss/SET"), when the run has one;
/// the entity table is looked up once per scale set.

#include "messages/physical_messages.hpp"
#include "topology/entity_table.hpp"

#include <map>
#include <optional>
#include <string>

namespace vmss::physical {

/// "westeurope" of "westeurope/z1/r1/h1": a path's first component.
std::string region_of(const std::string& path);

class host_instances {
public:
  /// The slot running `instance` of `scale_set` and not being deleted.
  std::optional<entity_id> slot_of(const std::string& scale_set,
                                   uint32_t instance) const;
  /// `instance` of `scale_set` now runs in `slot`, a free slot.
  void add(const std::string& scale_set, uint32_t instance, entity_id slot);
  /// A delete was passed on to `slot`'s VM.
  void deleting(entity_id slot);
  /// The scale-set instance in `slot` (none: free, or another tenant's).
  const held_vm* in(entity_id slot) const;
  /// `slot`'s VM is deleted: the slot holds nothing.
  void remove(entity_id slot);
  /// Every instance held and not being deleted (each once), by slot.
  host_inventory inventory() const;

  /// The orchestrator of `scale_set` in `region` if `table` has one.
  std::optional<entity_id> orchestrator_of(const std::string& scale_set,
                                           const std::string& region,
                                           const entity_table& table);

private:
  struct slot_use {
    held_vm vm;
    bool deleting = false;
  };
  std::map<entity_id, slot_use> slots_;
  std::map<std::string, std::optional<entity_id>> orchestrators_;
};

} // namespace vmss::physical
