#pragma once
/// One file of Azure's JSON read whole, as `vmss-sim validate` and
/// scenarios read it: a resource's REST body or one of Azure's REST API
/// example files, or an ARM template expanded with its parameters; each
/// resource read into the model (input/azure/resources.hpp) and checked
/// against the others. No CAF.

#include "input/azure/resources.hpp"

#include <string>

namespace vmss::input::azure {

/// What one file held.
struct azure_file {
  std::string label;
  document_kind kind = document_kind::not_azure;
  /// For a template: its parameters as used and its outputs.
  arm::deployment deployment;
  resources found;
  /// Errors, warnings and not-modelled paths.
  read_report report;

  bool valid() const { return report.errors.empty(); }
};

/// Reads a JSON file; appends "cannot open" or its syntax errors to
/// `errors` and returns a discarded value then.
nlohmann::ordered_json read_json_file(const std::string& path,
                                      std::vector<diagnostic>& errors);

/// Reads `document` (the parsed file `label`) as Azure JSON. A template is
/// expanded with `inputs`; a parameters file is checked for its form only.
/// `name` names a REST body that has none (a PUT body's name is in its
/// URL; empty: unnamed).
azure_file read_azure_document(const nlohmann::ordered_json& document,
                               const std::string& label,
                               const arm::deployment_inputs& inputs,
                               const std::string& name = {});

/// "REST body (Microsoft.Compute/virtualMachineScaleSets)", "ARM template",
/// ... for a summary line.
std::string describe_kind(const azure_file& f);

} // namespace vmss::input::azure
