#include "actors/physical/host_instances.hpp"

#include "kernel/assert.hpp"
#include "messages/compute_kinds.hpp"

namespace vmss::physical {

std::string region_of(const std::string& path) {
  return path.substr(0, path.find('/'));
}

std::optional<entity_id> host_instances::slot_of(const std::string& scale_set,
                                                 uint32_t instance) const {
  for (const auto& [slot, use] : slots_)
    if (!use.deleting && use.vm.scale_set == scale_set &&
        use.vm.instance == instance)
      return slot;
  return std::nullopt;
}

void host_instances::add(const std::string& scale_set, uint32_t instance,
                         entity_id slot) {
  VMSS_ASSERT(!slots_.count(slot) && !slot_of(scale_set, instance),
              "an instance goes into a free slot, once");
  slots_[slot] = {held_vm{scale_set, instance}, false};
}

void host_instances::deleting(entity_id slot) {
  auto i = slots_.find(slot);
  VMSS_ASSERT(i != slots_.end(), "a delete goes to a slot with an instance");
  i->second.deleting = true;
}

const held_vm* host_instances::in(entity_id slot) const {
  auto i = slots_.find(slot);
  return i == slots_.end() ? nullptr : &i->second.vm;
}

void host_instances::remove(entity_id slot) {
  slots_.erase(slot);
}

host_inventory host_instances::inventory() const {
  host_inventory out;
  for (const auto& [slot, use] : slots_)
    if (!use.deleting)
      out.vms.push_back(use.vm);
  return out;
}

std::optional<entity_id>
host_instances::orchestrator_of(const std::string& scale_set,
                                const std::string& region,
                                const entity_table& table) {
  auto [i, fresh] = orchestrators_.try_emplace(scale_set);
  if (fresh) {
    auto path = compute::orchestrator_path(region, scale_set);
    if (table.contains(path))
      i->second = table.id_of(path);
  }
  return i->second;
}

} // namespace vmss::physical
