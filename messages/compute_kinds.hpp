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

} // namespace vmss::compute::kinds

namespace vmss::compute {

inline std::string arm_path(const std::string& region) {
  return region + "/arm";
}

inline std::string orchestrator_path(const std::string& region,
                                     const std::string& scale_set) {
  return region + "/vmss/" + scale_set;
}

} // namespace vmss::compute
