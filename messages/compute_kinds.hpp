#pragma once
/// The entity kinds of the compute family (actors/compute/module.cpp) and
/// where their entities are: outside the zones, as Azure's regional control
/// plane is.

#include "topology/entity_kind.hpp"

#include <string>

namespace vmss::compute::kinds {

/// The ARM front door of a region: "westeurope/arm".
inline constexpr entity_kind arm{"arm"};
/// One per scale set: "westeurope/vmss/web".
inline constexpr entity_kind orchestrator{"orchestrator"};
/// Azure Monitor's metrics of a region: "westeurope/monitor" (kind
/// metrics_monitor; "monitor" is the heartbeat benchmark's).
inline constexpr entity_kind monitor{"metrics_monitor"};
/// One per autoscale setting, in its target's region:
/// "westeurope/autoscale/web-autoscale".
inline constexpr entity_kind autoscale{"autoscale"};

} // namespace vmss::compute::kinds

namespace vmss::compute {

inline std::string arm_path(const std::string& region) {
  return region + "/arm";
}

inline std::string orchestrator_path(const std::string& region,
                                     const std::string& scale_set) {
  return region + "/vmss/" + scale_set;
}

inline std::string monitor_path(const std::string& region) {
  return region + "/monitor";
}

inline std::string autoscale_path(const std::string& region,
                                  const std::string& setting) {
  return region + "/autoscale/" + setting;
}

} // namespace vmss::compute
