#include "kernel/kind_factories.hpp"

#include <stdexcept>
#include <string>

namespace vmss {

void kind_factories::add(const entity_kind& kind, entity_factory make) {
  if (find(kind))
    throw std::logic_error("entity kind " + std::string(kind.name) +
                           " has two factories");
  entries_.emplace_back(&kind, std::move(make));
}

const entity_factory* kind_factories::find(const entity_kind& kind) const {
  for (const auto& [k, make] : entries_)
    if (*k == kind)
      return &make;
  return nullptr;
}

void kind_factories::check(const entity_table& table) const {
  const entity_kind* last = nullptr;
  for (const auto& e : table.entries()) {
    if (e.kind == last)
      continue;
    if (!find(*e.kind))
      throw std::logic_error("entity " + e.path + ": kind " +
                             std::string(e.kind->name) + " has no factory");
    last = e.kind;
  }
}

void kind_factories::spawn(caf::actor_system& sys, node_kernel& kernel,
                           entity_id id) const {
  const auto& e = kernel.table()[id];
  const auto* make = find(*e.kind);
  if (!make)
    throw std::logic_error("entity " + e.path + ": kind " +
                           std::string(e.kind->name) + " has no factory");
  (*make)(sys, kernel, id);
}

} // namespace vmss
