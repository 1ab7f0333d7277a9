#pragma once
/// The entity kinds of the network family (actors/network/module.cpp).

#include "topology/entity_kind.hpp"

#include <string>

namespace vmss::network::kinds {

/// One per load balancer resource: "westeurope/lb/web-lb".
inline constexpr entity_kind load_balancer{"load_balancer"};

} // namespace vmss::network::kinds

namespace vmss::network {

inline std::string load_balancer_path(const std::string& region,
                                      const std::string& name) {
  return region + "/lb/" + name;
}

} // namespace vmss::network
