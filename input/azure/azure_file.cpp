#include "input/azure/azure_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vmss::input::azure {

using json = nlohmann::ordered_json;

namespace {

/// A parameters file alone (its values are checked against a template's
/// declarations where the template is given): {"$schema", "contentVersion",
/// "parameters": {NAME: {"value": ...} or {"reference": {...}}}}.
void check_parameters_file(const json& document, read_report& report) {
  for (const auto& [key, v] : document.items())
    if (key != "$schema" && key != "contentVersion" && key != "parameters")
      report.errors.push_back(
          {key, "unknown field (fields: $schema, contentVersion, parameters)"});
  const auto& parameters = document.at("parameters");
  if (!parameters.is_object()) {
    report.errors.push_back({"parameters", "is not an object"});
    return;
  }
  for (const auto& [name, v] : parameters.items()) {
    auto path = json_child("parameters", name);
    bool value = v.is_object() && v.contains("value");
    bool reference = v.is_object() && v.contains("reference");
    if (value == reference)
      report.errors.push_back(
          {path, "give {\"value\": ...} or a Key Vault {\"reference\": ...}"});
    else if (reference)
      report.not_modelled.push_back(json_child(path, "reference"));
    if (v.is_object())
      for (const auto& [key, x] : v.items())
        if (key != "value" && key != "reference" && key != "metadata")
          report.errors.push_back(
              {json_child(path, key),
               "unknown field (fields: value, reference, metadata)"});
  }
}

} // namespace

json read_json_file(const std::string& path, std::vector<diagnostic>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    errors.push_back({"", "cannot open"});
    return json(json::value_t::discarded);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json(text.str(), errors);
}

azure_file read_azure_document(const json& document, const std::string& label,
                               const arm::deployment_inputs& inputs,
                               const std::string& name) {
  azure_file out;
  out.label = label;
  out.kind = kind_of(document);
  switch (out.kind) {
  case document_kind::template_file:
    out.deployment = arm::expand(document, inputs, out.report);
    // As ARM, resources are checked once the template itself is valid.
    if (out.report.errors.empty())
      add_deployment(out.deployment, label, out.found, out.report);
    break;
  case document_kind::parameters_file:
    check_parameters_file(document, out.report);
    break;
  case document_kind::rest_body:
  case document_kind::rest_example: {
    auto body = find_rest_body(document);
    if (!body) {
      out.report.errors.push_back(
          {"", "not a resource body vmss-sim can tell the type of (give "
               "\"type\", e.g. \"" +
                   std::string(scale_set_type) + "\")"});
      break;
    }
    add_resource(body->type, *body->body, {label, body->path},
                 body->name.empty() ? name : body->name, out.found, out.report);
    break;
  }
  case document_kind::not_azure:
    out.report.errors.push_back(
        {"", "is neither a resource's REST body, an ARM template nor a "
             "parameters file"});
    return out;
  }
  std::vector<located_diagnostic> errors, warnings;
  check_references(out.found, false, errors, warnings);
  for (auto& e : errors)
    out.report.errors.push_back({e.path, e.reason});
  for (auto& w : warnings)
    out.report.warnings.push_back({w.path, w.reason});
  return out;
}

std::string describe_kind(const azure_file& f) {
  switch (f.kind) {
  case document_kind::template_file:
    return "ARM template";
  case document_kind::parameters_file:
    return "ARM parameters file";
  case document_kind::rest_example:
    return "Azure REST API example";
  case document_kind::rest_body:
    return "REST body";
  case document_kind::not_azure:
    break;
  }
  return "not Azure JSON";
}

} // namespace vmss::input::azure
