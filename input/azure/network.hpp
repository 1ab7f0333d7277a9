#pragma once
/// Load balancers (Microsoft.Network/loadBalancers: frontends, backend
/// pools, probes, rules) and Traffic Manager profiles
/// (Microsoft.Network/trafficManagerProfiles: monitor config, endpoints)
/// read from their REST bodies or a template's evaluated resources against
/// messages/azure_network.proto (docs/azure-input.md). No CAF.

#include "input/json_reader.hpp"
#include "messages/azure_network.pb.h"

#include <string>
#include <vector>

namespace vmss::input::azure {

struct load_balancer {
  std::string name;
  vmss::azure::network::LoadBalancer model;
  std::vector<std::string> defaulted;
};

struct traffic_manager_profile {
  std::string name;
  vmss::azure::network::TrafficManagerProfile model;
  std::vector<std::string> defaulted;
};

load_balancer read_load_balancer(const nlohmann::ordered_json& body,
                                 const std::string& path,
                                 const std::string& name, read_report& report);

traffic_manager_profile
read_traffic_manager_profile(const nlohmann::ordered_json& body,
                             const std::string& path, const std::string& name,
                             read_report& report);

} // namespace vmss::input::azure
