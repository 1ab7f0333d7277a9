#pragma once
/// The entity kinds of the network family (actors/network/module.cpp).

#include "topology/entity_kind.hpp"

#include <string>

namespace vmss::network::kinds {

/// One per load balancer resource: "westeurope/lb/web-lb".
inline constexpr entity_kind load_balancer{"load_balancer"};
/// One per Traffic Manager profile, global (outside every region):
/// "global/tm/web-tm".
inline constexpr entity_kind traffic_manager{"traffic_manager"};
/// One per blue-green deployment of the scenario, in its load balancer's
/// region: "westeurope/deploy/release-2".
inline constexpr entity_kind deployment{"deployment"};

} // namespace vmss::network::kinds

namespace vmss::network {

inline std::string load_balancer_path(const std::string& region,
                                      const std::string& name) {
  return region + "/lb/" + name;
}

/// Where global entities (Traffic Manager, the workload's clients) live:
/// outside every region, a region's cross-region latency away from it.
inline constexpr const char* global_prefix = "global";

inline std::string traffic_manager_path(const std::string& name) {
  return std::string(global_prefix) + "/tm/" + name;
}

inline std::string deployment_path(const std::string& region,
                                   const std::string& name) {
  return region + "/deploy/" + name;
}

} // namespace vmss::network
