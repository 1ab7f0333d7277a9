#pragma once
/// ARM deployment templates (docs/azure-input.md): a template and its
/// parameter values expanded into the resources a deployment would create.
/// Checks $schema and contentVersion, parameters (types, defaults,
/// allowedValues, minValue/maxValue, minLength/maxLength, secure types),
/// evaluates variables (with `copy`), user-defined functions, and resources
/// at any nesting (child resources, `copy` loops, `condition`, `dependsOn`)
/// with the expression language of input/arm/expression.hpp. A pure core:
/// it reads no file (the caller passes parsed JSON), no CAF.

#include "input/arm/expression.hpp"
#include "input/json_reader.hpp"

#include <string>
#include <vector>

namespace vmss::input::arm {

/// Where a deployment runs: what resourceGroup(), subscription() and
/// deployment() return (docs/azure-input.md gives these defaults; a
/// scenario sets location to its region's name).
struct deployment_context {
  std::string subscription_id = "00000000-0000-0000-0000-000000000000";
  std::string resource_group = "vmss-sim";
  std::string location = "westeurope";
  std::string deployment_name = "vmss-sim";
};

/// The parameter values a deployment is given, in the order ARM applies
/// them: a parameters file, then `--param name=value` (the later wins).
struct deployment_inputs {
  deployment_context context;
  /// A parsed parameters file ({"parameters": {"x": {"value": ...}}}, with
  /// or without $schema/contentVersion), or null; `file_label` names it.
  value file;
  std::string file_label;
  /// `--param name=value` pairs (or a scenario's "parameters" object),
  /// the value as text; converted by the parameter's declared type
  /// ("3" for an int, "true" for a bool, JSON for array and object).
  std::vector<std::pair<std::string, value>> given;
  std::string given_label = "--param";
};

/// One resource the deployment creates, fully evaluated.
struct resource {
  std::string type;        ///< "Microsoft.Compute/virtualMachineScaleSets"
  std::string api_version; ///< "2024-11-01"
  std::string name;        ///< its full name ("vnet1/subnet1" for a child)
  /// Where it is in the template ("resources[2]", "resources[1].resources[0]");
  /// errors inside it are named from here ("resources[2].sku.capacity").
  std::string path;
  /// For a copy loop: which copy (copyIndex() without offset), else -1.
  int64_t copy = -1;
  /// The evaluated resource without the template's own keys (type,
  /// apiVersion, condition, copy, dependsOn, comments, resources, scope,
  /// metadata, and in languageVersion 2.0 existing):
  /// name, location, sku, zones, tags, properties, ... as the REST body of
  /// a PUT would carry them.
  value body;
  /// dependsOn, evaluated, as written (names or resource ids).
  std::vector<std::string> depends_on;
};

/// What a template expanded to.
struct deployment {
  /// The resources whose condition holds, in template order (a child after
  /// its parent, a copy loop's copies in index order).
  std::vector<resource> resources;
  /// Every parameter's value as used, with where it came from ("default",
  /// the parameters file's label, "--param"); secure ones are not shown.
  struct parameter {
    std::string name;
    std::string type;
    value used;
    std::string source;
    bool secure = false;
  };
  std::vector<parameter> parameters;
  /// The template's outputs, evaluated (an output whose value is not
  /// modelled is listed there instead).
  value outputs = value::object();
};

/// Limits (docs/azure-input.md). ARM's own: a copy loop's count, the
/// resources of one template, its parameters, variables and outputs. Ours,
/// so that no input exhausts memory or the stack: how deep a template's
/// JSON and its nested deployments may nest, how long a chain of variables
/// (or parameter defaults) referring to each other may be, and how many JSON
/// values one expansion may produce.
inline constexpr int64_t max_copy_count = 800;
inline constexpr size_t max_resources = 800;
inline constexpr size_t max_parameters = 256;
inline constexpr size_t max_variables = 256;
inline constexpr size_t max_outputs = 64;
inline constexpr int max_nesting_depth = 64;
inline constexpr int max_reference_depth = 64;
inline constexpr size_t max_values = 1'000'000;

/// Expands `template_json` with `inputs`. Appends to `report` every error
/// (JSON path in the template or the parameters file, and the reason),
/// every warning, and the paths of what the model does not use: secure
/// parameters, values of reference()/listKeys()/... calls. Returns what it
/// could expand (complete only when no error was appended).
deployment expand(const value& template_json, const deployment_inputs& inputs,
                  read_report& report);

/// Whether a parsed JSON document is an ARM deployment template (has
/// "$schema" naming deploymentTemplate, or "resources" with
/// "contentVersion") / a parameters file ("$schema" naming
/// deploymentParameters, or only "parameters" whose members are
/// {"value"|"reference"} objects).
bool is_template(const value& document);
bool is_parameters_file(const value& document);

} // namespace vmss::input::arm
