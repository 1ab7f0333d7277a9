#pragma once
/// A load balancer (Microsoft.Network/loadBalancers; spec Layer 3 "Load
/// Balancer Integration"), as a pure core: its backend pools and their
/// members, its health probes (tcp or http, intervalInSeconds,
/// probeThreshold) and which rules use them, and draining when a member
/// leaves. Its shell (load_balancer.hpp) sends the probes, feeds the
/// replies and timeouts back, and traces `lb_backend` and `probe_result`.
/// docs/model.md gives each rule and default with its source. No CAF.

#include "kernel/sim_time.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::azure::network {
class LoadBalancer;
} // namespace vmss::azure::network

namespace vmss::network {

struct probe_params {
  std::string name;
  bool tcp = true;
  sim_time interval = seconds(15);
  uint32_t threshold = 1; ///< probeThreshold
};

struct lb_params {
  std::string name;
  std::vector<probe_params> probes;
  std::vector<std::string> pools;
};

/// The load balancer's settings from its typed REST body (read and checked
/// by input/azure/network.cpp), Azure's defaults filled in.
lb_params to_lb_params(const vmss::azure::network::LoadBalancer& lb);

} // namespace vmss::network
