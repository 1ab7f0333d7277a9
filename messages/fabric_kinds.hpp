#pragma once
/// The entity kinds of the fabric family (actors/fabric/module.cpp).

#include "topology/entity_kind.hpp"

namespace vmss::fabric::kinds {

inline constexpr entity_kind fc_replica{"fc_replica"};
/// The stand-in scale-out client (until the orchestrator exists).
inline constexpr entity_kind client{"client"};

} // namespace vmss::fabric::kinds
