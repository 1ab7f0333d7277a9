#pragma once
/// A scale set's REST body (Microsoft.Compute/virtualMachineScaleSets, the
/// body of a PUT, or a template's evaluated resource) read against
/// messages/azure_compute.proto with Azure's leniency, rules and defaults
/// (docs/azure-input.md). No CAF.

#include "input/json_reader.hpp"
#include "messages/azure_compute.pb.h"

#include <optional>
#include <string>
#include <vector>

namespace vmss::input::azure {

/// A scale set as read, with Azure's defaults filled in.
struct scale_set {
  /// Its name: the body's "name", else the name the caller gives.
  std::string name;
  vmss::azure::compute::VirtualMachineScaleSet model;
  /// JSON paths (under the body's path) of every value a default filled.
  std::vector<std::string> defaulted;
  /// The Application Health extension's settings with their defaults, when
  /// the set has the extension (publisher Microsoft.ManagedServices, type
  /// ApplicationHealthLinux or ApplicationHealthWindows): one of the two
  /// health sources, the other being
  /// model.properties().virtual_machine_profile().network_profile()
  /// .health_probe() (Azure allows one at a time, docs/azure-input.md).
  std::optional<vmss::azure::compute::ApplicationHealthSettings>
      application_health;
  /// Its JSON path ("properties.virtualMachineProfile.extensionProfile
  /// .extensions[0]").
  std::string application_health_path;
  /// Whether it reports rich health states (Initializing, Healthy,
  /// Unhealthy, Unknown: typeHandlerVersion 2.x) rather than binary ones.
  bool rich_health_states = false;
  /// The body as given (a template's: as evaluated), for the timeline's
  /// merge-patch updates (docs/scenarios.md).
  nlohmann::ordered_json body;
};

/// Reads `body` (at `path` in its document); appends every error, warning
/// and not-modelled path to `report`. `name` is used when the body has none.
scale_set read_scale_set(const nlohmann::ordered_json& body,
                         const std::string& path, const std::string& name,
                         read_report& report);

} // namespace vmss::input::azure
