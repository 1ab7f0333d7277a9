#pragma once
/// Definition of spawn_entity (needs CAF's actor system; include only in
/// the translation units that spawn entities).

#include "kernel/entity.hpp"
#include "kernel/model.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>

#include <functional>

namespace vmss {

template <class T, class... Ts>
void spawn_entity(caf::actor_system& sys, node_kernel& kernel, entity_id id,
                  Ts&&... xs) {
  auto handle = sys.spawn<T, caf::lazy_init + caf::hidden>(
      std::ref(kernel), id, std::forward<Ts>(xs)...);
  auto* self =
      static_cast<entity*>(caf::actor_cast<caf::abstract_actor*>(handle));
  kernel.attach(id, self, sizeof(T), std::move(handle));
}

} // namespace vmss
