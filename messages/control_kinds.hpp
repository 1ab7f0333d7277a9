#pragma once
/// The entity kinds of the control family (actors/control/module.cpp).

#include "messages/network_kinds.hpp"
#include "topology/entity_kind.hpp"

#include <string>

namespace vmss::control::kinds {

/// One per workload of the scenario: its clients, on the internet outside
/// every region ("global/workload/web-users").
inline constexpr entity_kind workload{"workload"};
/// The control actor: records what the timeline and live commands did
/// ("westeurope/control", actors/control/control_actor.hpp).
inline constexpr entity_kind control{"control"};

} // namespace vmss::control::kinds

namespace vmss::control {

/// The control actor's path: beside the first region's control plane.
inline std::string control_path(const std::string& first_region) {
  return first_region + "/control";
}

inline std::string workload_path(const std::string& name) {
  return std::string(network::global_prefix) + "/workload/" + name;
}

} // namespace vmss::control
