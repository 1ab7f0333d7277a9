#pragma once
/// Azure resource ids ("/subscriptions/{s}/resourceGroups/{g}/providers/
/// Microsoft.Compute/virtualMachineScaleSets/{name}"), as autoscale
/// settings name the resource they scale and the one whose metric they
/// watch. Azure compares ids ignoring letter case. No CAF.

#include <string>

namespace vmss::input::azure {

/// A resource id taken apart. For a child resource ("…/loadBalancers/lb/
/// backendAddressPools/pool") `type` and `name` join the segments with "/"
/// as ARM templates write them: "Microsoft.Network/loadBalancers/
/// backendAddressPools" and "lb/pool".
struct resource_id {
  std::string subscription;
  /// Empty for a subscription-level resource.
  std::string resource_group;
  /// "Microsoft.Compute/virtualMachineScaleSets".
  std::string type;
  std::string name;
};

/// Parses `text`; on failure returns false and says why in `why`. The
/// keywords subscriptions, resourceGroups and providers match in any letter
/// case, as Azure's do.
bool parse_resource_id(const std::string& text, resource_id& out,
                       std::string* why = nullptr);

/// Whether `a` and `b` name the same resource (letter case ignored).
bool same_resource(const resource_id& a, const resource_id& b);

/// Whether `id` is of `type` ("Microsoft.Compute/virtualMachineScaleSets"),
/// letter case ignored.
bool is_of_type(const resource_id& id, const std::string& type);

} // namespace vmss::input::azure
