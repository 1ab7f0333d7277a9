#pragma once
/// The load side of a scenario (docs/scenarios.md): workloads, metric
/// series, blue-green deployments, and what autoscale rules read, checked
/// against the scenario's resources. Private to input/scenario.cpp. No CAF.

#include "input/scenario.hpp"

namespace vmss::input {

/// Appends every error of the scenario `in` (its Azure resources read) to
/// `errors` (paths in the scenario file) and `located` (paths in other
/// files: autoscale settings from templates). CSV curves are read by the
/// region model (the workload's reader).
void check_traffic(const scenario_input& in, std::vector<diagnostic>& errors,
                   std::vector<located_diagnostic>& located);

/// The metric names the model derives from the load (messages/metrics.hpp
/// names them; here for input checks without the compute family).
bool derived_metric(const std::string& name);

} // namespace vmss::input
