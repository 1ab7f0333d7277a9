#pragma once
/// Which factory spawns the actor of each entity kind. A model fills it from
/// its families (each family adds its kinds: one typed kind, one factory) and
/// checks it against its entity table before anything runs, so that a kind
/// described without a factory is a bug found at construction, not a
/// missing actor at spawn time. No CAF in this header.

#include "kernel/node_kernel.hpp"
#include "topology/entity_kind.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <vector>

namespace vmss {

using entity_factory =
    std::function<void(caf::actor_system&, node_kernel&, entity_id)>;

class kind_factories {
public:
  /// Throws std::logic_error if `kind` has a factory already.
  void add(const entity_kind& kind, entity_factory make);

  /// Throws std::logic_error naming the first kind in `table` that has no
  /// factory.
  void check(const entity_table& table) const;

  /// Spawns the actor of `id` by its kind's factory.
  void spawn(caf::actor_system& sys, node_kernel& kernel, entity_id id) const;

private:
  const entity_factory* find(const entity_kind& kind) const;

  std::vector<std::pair<const entity_kind*, entity_factory>> entries_;
};

} // namespace vmss
