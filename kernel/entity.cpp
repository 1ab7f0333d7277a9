#include "kernel/entity.hpp"

namespace vmss {

entity::entity(caf::actor_config& cfg, node_kernel& kernel, entity_id id)
    : caf::event_based_actor(cfg), kernel_(kernel), id_(id),
      rng_(kernel.config().seed, path_key(kernel.table()[id].path)) {
}

} // namespace vmss
