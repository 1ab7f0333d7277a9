#pragma once
/// The Azure resources a file or a scenario holds, read into the model:
/// scale sets, autoscale settings, load balancers and Traffic Manager
/// profiles through their REST readers (input/azure/*.hpp); every other
/// resource type listed as not modelled. Also what kind of Azure JSON a
/// document is (a REST body, one of Azure's REST API example files, a
/// template, a parameters file), and the checks across resources
/// (docs/azure-input.md). No CAF.

#include "input/arm/template.hpp"
#include "input/azure/autoscale.hpp"
#include "input/azure/network.hpp"
#include "input/azure/scale_set.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vmss::input::azure {

/// The resource types read into the model, as Azure spells them (types
/// compare ignoring letter case, as ARM does).
inline constexpr const char* scale_set_type =
    "Microsoft.Compute/virtualMachineScaleSets";
inline constexpr const char* autoscale_type =
    "Microsoft.Insights/autoscaleSettings";
inline constexpr const char* load_balancer_type =
    "Microsoft.Network/loadBalancers";
inline constexpr const char* traffic_manager_type =
    "Microsoft.Network/trafficManagerProfiles";

/// Where a resource is: its file and its JSON path there ("" for a REST
/// body file, "resources[2]" in a template, "scaleSets[0].body" inline in
/// a scenario).
struct place {
  std::string file;
  std::string path;
};

/// A resource the model does not simulate, where it was found.
struct other_resource {
  place where;
  std::string type;
  std::string name;
};

/// Every resource of a file, a deployment or a scenario.
struct resources {
  std::vector<scale_set> scale_sets;
  std::vector<autoscale_setting> autoscale_settings;
  std::vector<load_balancer> load_balancers;
  std::vector<traffic_manager_profile> traffic_managers;
  /// Where each modelled resource is (same order as its list).
  std::vector<place> scale_set_places, autoscale_places, load_balancer_places,
      traffic_manager_places;
  std::vector<other_resource> not_modelled;

  size_t modelled_count() const;
};

/// Reads one resource body of `type` (at `where`; `name` when the body has
/// none) into `out`: a modelled type through its reader, another well-formed
/// type ("Provider.Namespace/type[/child]") into out.not_modelled, a
/// malformed type an error. `report` is where.file's.
void add_resource(const std::string& type, const nlohmann::ordered_json& body,
                  const place& where, const std::string& name, resources& out,
                  read_report& report);

/// Every resource of a template expanded from the file `file`.
void add_deployment(const arm::deployment& d, const std::string& file,
                    resources& out, read_report& report);

/// The checks across resources: names unique per type; an autoscale
/// setting's targetResourceUri names one of the scale sets; a scale set's
/// health probe and backend pools, when their load balancer is given, name
/// a probe and pools it has. When `out` is `complete` (a scenario: nothing
/// else exists) a target that is not there is an error and a load balancer
/// that is not there a warning; in one file alone (it may refer to what was
/// deployed before) a warning and nothing.
void check_references(const resources& out, bool complete,
                      std::vector<located_diagnostic>& errors,
                      std::vector<located_diagnostic>& warnings);

/// What an Azure JSON document is.
enum class document_kind {
  rest_body,       ///< a resource's body (PUT or GET), with or without "type"
  rest_example,    ///< one of Azure's REST API example files
  template_file,   ///< an ARM deployment template
  parameters_file, ///< an ARM parameters file
  not_azure,       ///< none of these (a scenario, or anything else)
};

/// A REST body found in a document: its type (deduced from its shape when
/// it has no "type"), name, and where the body is.
struct rest_document {
  std::string type;
  std::string name;
  /// "" or, in an example file, "parameters.parameters" (or the body's
  /// own name: "parameters.autoscaleSettingResource")
  std::string path;
  const nlohmann::ordered_json* body = nullptr;
};

document_kind kind_of(const nlohmann::ordered_json& document);

/// The REST body of a rest_body or rest_example document; nullopt when its
/// type cannot be told (no "type" and a shape of none of the modelled
/// types).
std::optional<rest_document>
find_rest_body(const nlohmann::ordered_json& document);

} // namespace vmss::input::azure
