#pragma once
/// The entity kinds of the fabric family (actors/fabric/module.cpp).

#include "topology/entity_kind.hpp"

namespace vmss::fabric::kinds {

inline constexpr entity_kind fc_replica{"fc_replica"};
/// The model string's direct client of the controller (scale_client.hpp).
inline constexpr entity_kind client{"client"};

} // namespace vmss::fabric::kinds
