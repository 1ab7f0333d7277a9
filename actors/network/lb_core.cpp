#include "actors/network/lb_core.hpp"

#include "messages/azure_network.pb.h"

namespace vmss::network {

lb_params to_lb_params(const vmss::azure::network::LoadBalancer& lb) {
  using vmss::azure::network::ProbeProperties;
  lb_params out;
  out.name = lb.name();
  for (const auto& p : lb.properties().probes()) {
    probe_params probe;
    probe.name = p.name();
    probe.tcp = p.properties().protocol() == ProbeProperties::Tcp;
    // Azure's defaults: docs/model.md, "Load balancer".
    probe.interval = seconds(p.properties().has_interval_in_seconds()
                                 ? p.properties().interval_in_seconds()
                                 : 15);
    probe.threshold = p.properties().has_probe_threshold()
                          ? static_cast<uint32_t>(
                                p.properties().probe_threshold())
                          : 1;
    out.probes.push_back(probe);
  }
  for (const auto& pool : lb.properties().backend_address_pools())
    out.pools.push_back(pool.name());
  return out;
}

} // namespace vmss::network
