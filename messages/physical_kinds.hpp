#pragma once
/// The entity kinds of the physical family (actors/physical/module.cpp).

#include "topology/entity_kind.hpp"

namespace vmss::physical::kinds {

inline constexpr entity_kind host_agent{"host_agent"};
inline constexpr entity_kind hypervisor{"hypervisor"};
inline constexpr entity_kind vm{"vm"};
inline constexpr entity_kind tor_switch{"tor_switch"};
/// A region's gateway to other regions and the global entities
/// (multi-region; topology::gateway_path).
inline constexpr entity_kind region_gateway{"region_gateway"};

} // namespace vmss::physical::kinds
