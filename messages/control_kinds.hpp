#pragma once
/// The entity kinds of the control family (actors/control/module.cpp).

#include "messages/network_kinds.hpp"
#include "topology/entity_kind.hpp"

#include <string>

namespace vmss::control::kinds {

/// One per workload of the scenario: its clients, on the internet outside
/// every region ("global/workload/web-users").
inline constexpr entity_kind workload{"workload"};

} // namespace vmss::control::kinds

namespace vmss::control {

inline std::string workload_path(const std::string& name) {
  return std::string(network::global_prefix) + "/workload/" + name;
}

} // namespace vmss::control
