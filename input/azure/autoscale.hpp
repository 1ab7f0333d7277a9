#pragma once
/// An autoscale setting's REST body (Microsoft.Insights/autoscaleSettings,
/// api-version 2022-10-01, or a template's evaluated resource) read against
/// messages/azure_insights.proto with Azure's rules and defaults
/// (docs/azure-input.md). No CAF.

#include "input/json_reader.hpp"
#include "messages/azure_insights.pb.h"

#include <string>
#include <vector>

namespace vmss::input::azure {

struct autoscale_setting {
  std::string name;
  vmss::azure::insights::AutoscaleSetting model;
  std::vector<std::string> defaulted;
};

/// Reads `body` (at `path`); appends errors, warnings and not-modelled
/// paths to `report`. Whether targetResourceUri names a scale set of the
/// scenario is the caller's check (it knows the scale sets).
autoscale_setting read_autoscale_setting(const nlohmann::ordered_json& body,
                                         const std::string& path,
                                         const std::string& name,
                                         read_report& report);

} // namespace vmss::input::azure
