#pragma once
/// The Azure part of a scenario (docs/scenarios.md, docs/azure-input.md):
/// each entry of scaleSets and autoscaleSettings read from its inline REST
/// body, its body file, or the ARM template that deploys it, into the
/// scenario's resources. Private to input/scenario.cpp. No CAF.

#include "input/scenario.hpp"

#include <nlohmann/json.hpp>

namespace vmss::input {

/// Reads the Azure resources of the scenario `out` (its spec read from
/// `document`, its region known) into out.azure, out.create_at, out.zones,
/// out.azure_warnings and out.azure_not_modelled; appends every error, in
/// the file it is in, to `errors`. Files are relative to `base_dir`.
void read_scenario_azure(const nlohmann::ordered_json& document,
                         const std::string& base_dir, scenario_input& out,
                         std::vector<located_diagnostic>& errors);

} // namespace vmss::input
