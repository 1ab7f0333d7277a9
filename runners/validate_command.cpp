/// `vmss-sim validate FILE...`: checks input files without running
/// anything (docs/cli.md, docs/azure-input.md). Each file is Azure's JSON
/// (a resource's REST body or one of Azure's REST API examples, an ARM
/// template expanded with its parameters, a parameters file) or, when it
/// is none of those, a scenario (docs/scenarios.md). For each: what it is,
/// the resources found, what is modelled and what is not (grouped by
/// path), warnings and errors ("FILE: JSON.PATH: reason"), with --explain
/// the effective model with Azure's defaults marked, with --json all of it
/// as one JSON document for tools.

#include "actors/physical/region_model.hpp"
#include "input/azure/azure_file.hpp"
#include "input/explain.hpp"
#include "input/json_reader.hpp"
#include "input/scenario.hpp"
#include "runners/commands.hpp"
#include "runners/tell_user.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <set>

namespace vmss {

namespace {

using json = nlohmann::ordered_json;
namespace az = input::azure;

/// What validate found in one file.
struct file_result {
  std::string file;
  std::string kind;
  bool valid = false;
  /// One line: "valid scenario 'x' (...)", "ARM template: 7 resources ...".
  std::string summary;
  std::vector<input::located_diagnostic> errors;
  std::vector<input::located_diagnostic> warnings;
  /// Where the input holds what the model does not simulate.
  std::vector<input::located_diagnostic> not_modelled;
  /// Each resource found: path, type, name, whether it is modelled.
  struct resource_row {
    std::string path, type, name;
    bool modelled = false;
  };
  std::vector<resource_row> resources;
  std::vector<input::arm::deployment::parameter> parameters;
  std::vector<input::explained_value> effective;
};

/// The options every file is read with.
struct validate_args {
  std::vector<std::string> files;
  std::vector<std::string> params;
  std::string parameters_file;
  bool json_output = false;
  bool explain = false;
};

/// "1 VM", "3 VMs"; "2 timeline entries" with `many`.
std::string count(size_t n, const std::string& one, std::string many = {}) {
  return std::to_string(n) + " " +
         (n == 1         ? one
          : many.empty() ? one + "s"
                         : many);
}

/// 'NAME', or (unnamed) for a PUT body, whose name is in its URL.
std::string quoted_name(const std::string& name) {
  return name.empty() ? "(unnamed)" : "'" + name + "'";
}

/// "PATH TYPE 'NAME'" of a resource row; a REST body's path is "(body)".
std::string row_line(const file_result::resource_row& row) {
  return (row.path.empty() ? std::string("(body)") : row.path) + " " +
         row.type + " " + quoted_name(row.name);
}

/// A resource's path, with its file when that is not `file` itself.
std::string where_text(const az::place& p, const std::string& file) {
  return p.file == file ? p.path
                        : p.file + (p.path.empty() ? "" : ": " + p.path);
}

/// The rows, not-modelled paths and effective values of `found`, every
/// path as the file writes it.
void add_resources(const az::resources& found, bool explain, file_result& out) {
  auto row = [&](const az::place& where, const std::string& type,
                 const std::string& name, auto const& model,
                 const std::vector<std::string>& defaulted) {
    out.resources.push_back({where_text(where, out.file), type, name, true});
    if (explain) {
      std::set<std::string> marked(defaulted.begin(), defaulted.end());
      for (auto& v : input::explain(model, where.path, marked))
        out.effective.push_back(std::move(v));
    }
  };
  for (size_t i = 0; i < found.scale_sets.size(); ++i)
    row(found.scale_set_places[i], az::scale_set_type, found.scale_sets[i].name,
        found.scale_sets[i].model, found.scale_sets[i].defaulted);
  for (size_t i = 0; i < found.autoscale_settings.size(); ++i)
    row(found.autoscale_places[i], az::autoscale_type,
        found.autoscale_settings[i].name, found.autoscale_settings[i].model,
        found.autoscale_settings[i].defaulted);
  for (size_t i = 0; i < found.load_balancers.size(); ++i)
    row(found.load_balancer_places[i], az::load_balancer_type,
        found.load_balancers[i].name, found.load_balancers[i].model,
        found.load_balancers[i].defaulted);
  for (size_t i = 0; i < found.traffic_managers.size(); ++i)
    row(found.traffic_manager_places[i], az::traffic_manager_type,
        found.traffic_managers[i].name, found.traffic_managers[i].model,
        found.traffic_managers[i].defaulted);
  for (const auto& other : found.not_modelled)
    out.resources.push_back(
        {where_text(other.where, out.file), other.type, other.name, false});
}

std::string resources_summary(const file_result& r) {
  size_t modelled = 0;
  for (const auto& row : r.resources)
    modelled += row.modelled ? 1 : 0;
  return count(r.resources.size(), "resource") + " (" +
         std::to_string(modelled) + " modelled, " +
         std::to_string(r.resources.size() - modelled) + " not modelled)";
}

/// A file as read once: its JSON (discarded when unreadable) and why not.
struct document {
  std::string path;
  json value;
  std::vector<input::diagnostic> errors;
};

document read_document(const std::string& path) {
  document d{path, nullptr, {}};
  d.value = az::read_json_file(path, d.errors);
  return d;
}

/// `--param name=value` and the parameters file (`--parameters FILE`, else
/// the first parameters file among `files`) as a template's inputs;
/// appends errors of --parameters and --param to `errors` (those of a file
/// among `files` are that file's).
input::arm::deployment_inputs
template_inputs(const validate_args& args, const std::vector<document>& files,
                std::vector<input::located_diagnostic>& errors) {
  input::arm::deployment_inputs in;
  if (!args.parameters_file.empty()) {
    auto d = read_document(args.parameters_file);
    for (const auto& e : d.errors)
      errors.push_back({d.path, e.path, e.reason});
    if (!d.value.is_discarded()) {
      in.file = d.value;
      in.file_label = d.path;
    }
  } else {
    for (const auto& d : files)
      if (!d.value.is_discarded() &&
          az::kind_of(d.value) == az::document_kind::parameters_file) {
        in.file = d.value;
        in.file_label = d.path;
        break;
      }
  }
  for (const auto& p : args.params) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      errors.push_back({"--param", "", "\"" + p + "\" is not NAME=VALUE"});
    else
      in.given.emplace_back(p.substr(0, eq), json(p.substr(eq + 1)));
  }
  return in;
}

/// A scenario file: its summary line, or its errors.
void check_scenario(const std::string& path, bool explain, file_result& out) {
  out.kind = "scenario";
  try {
    auto s = input::load_scenario_file(path);
    // Targets, recoveries, fault processes, family settings; with the seed
    // a run takes without --seed (1 unless the scenario gives one).
    physical::make_region_model(s, s.spec.has_seed() ? s.spec.seed() : 1);
    const auto& spec = s.spec;
    uint64_t vms = 0;
    for (const auto& set : s.azure.scale_sets)
      vms += set.model.sku().capacity();
    // Each region: "preset small: 3 zones x 2 racks x 4 hosts" (with
    // several, "westeurope preset small: …; northeurope …").
    std::string regions;
    for (int i = 0; i < std::max(1, spec.regions_size()); ++i) {
      const auto& t =
          spec.regions().empty() ? spec.topology() : spec.regions(i).topology();
      const auto& r = s.regions.at(static_cast<size_t>(i));
      regions +=
          std::string(i ? "; " : "") +
          (spec.regions().empty() ? "" : r.name + " ") +
          (t.has_file() ? "topology " + t.file() : "preset " + t.preset()) +
          ": " + count(r.zones, "zone") + " x " +
          count(r.racks_per_zone, "rack") + " x " +
          count(r.hosts_per_rack, "host");
    }
    out.summary = "valid scenario '" + spec.name() + "' (" +
                  format_duration(spec.duration_ns()) + ", " + regions + ", " +
                  count(s.azure.scale_sets.size(), "scale set") + " of " +
                  count(vms, "VM") + ", " +
                  count(static_cast<size_t>(spec.timeline_size()),
                        "timeline entry", "timeline entries") +
                  ", " +
                  count(static_cast<size_t>(spec.fault_processes_size()),
                        "fault process", "fault processes") +
                  ")";
    out.warnings = s.azure_warnings;
    out.not_modelled = s.azure_not_modelled;
    add_resources(s.azure, explain, out);
    out.valid = true;
  } catch (const input::input_error& e) {
    out.errors = e.errors();
  } catch (const std::invalid_argument& e) {
    out.errors.push_back({path, "", e.what()});
  }
}

file_result check_file(const document& d, const validate_args& args,
                       const input::arm::deployment_inputs& inputs) {
  file_result out;
  const auto& path = d.path;
  const auto& document = d.value;
  out.file = path;
  if (document.is_discarded()) {
    out.kind = "unreadable";
    out.errors = input::locate(path, d.errors);
    return out;
  }
  if (az::kind_of(document) == az::document_kind::not_azure) {
    check_scenario(path, args.explain, out);
    return out;
  }
  auto f = az::read_azure_document(document, path, inputs);
  out.kind = az::describe_kind(f);
  out.errors = input::locate(path, f.report.errors);
  out.warnings = input::locate(path, f.report.warnings);
  for (const auto& p : f.report.not_modelled)
    out.not_modelled.push_back({path, p, ""});
  out.parameters = f.deployment.parameters;
  add_resources(f.found, args.explain, out);
  out.valid = out.errors.empty();
  if (f.kind == az::document_kind::parameters_file)
    out.summary = "ARM parameters file: " +
                  count(document.at("parameters").size(), "parameter");
  else if (f.kind == az::document_kind::template_file)
    out.summary = "ARM template: " + resources_summary(out) + ", " +
                  count(out.parameters.size(), "parameter");
  else
    out.summary =
        out.kind + ": " +
        (out.resources.empty() ? std::string("no resource")
                               : out.resources[0].type + " " +
                                     quoted_name(out.resources[0].name));
  return out;
}

/// Not-modelled paths grouped by file and parent, each path once:
/// "[FILE: ]PARENT: a, b, c" (FILE when it is not `file`).
std::vector<std::string>
grouped(const std::vector<input::located_diagnostic>& paths,
        const std::string& file) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& p : paths) {
    if (!seen.insert({p.file, p.path}).second)
      continue; // the copies of a copy loop
    auto dot = p.path.find_last_of('.');
    auto parent =
        dot == std::string::npos ? std::string() : p.path.substr(0, dot);
    auto leaf = dot == std::string::npos ? p.path : p.path.substr(dot + 1);
    auto key = where_text({p.file, parent}, file);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == key; });
    if (it == groups.end())
      it = groups.insert(groups.end(), {key, {}});
    it->second.push_back(leaf);
  }
  std::vector<std::string> out;
  for (const auto& [parent, leaves] : groups) {
    std::string line = parent.empty() ? "" : parent + ": ";
    for (size_t i = 0; i < leaves.size(); ++i)
      line += (i ? ", " : "") + leaves[i];
    out.push_back(line);
  }
  return out;
}

void print_text(const file_result& r) {
  for (const auto& e : r.errors)
    tell_user(user_line::error, e.line());
  for (const auto& w : r.warnings)
    tell_user(user_line::warning, w.line());
  if (!r.valid) {
    std::cout << r.file << ": invalid (" << count(r.errors.size(), "error")
              << ")\n";
    return;
  }
  std::cout << r.file << ": " << r.summary << "\n";
  if (r.kind == "scenario" && r.resources.empty())
    return;
  if (!r.parameters.empty()) {
    std::cout << "  parameters:\n";
    for (const auto& p : r.parameters)
      std::cout << "    " << p.name << " (" << p.type << ") = "
                << (p.secure ? std::string("(secure, not modelled)")
                             : p.used.dump())
                << "  [" << p.source << "]\n";
  }
  bool any_modelled = false;
  for (const auto& row : r.resources)
    any_modelled = any_modelled || row.modelled;
  if (any_modelled) {
    std::cout << "  modelled:\n";
    for (const auto& row : r.resources)
      if (row.modelled)
        std::cout << "    " << row_line(row) << "\n";
  }
  std::vector<std::string> lines;
  for (const auto& row : r.resources)
    if (!row.modelled)
      lines.push_back(row_line(row));
  for (auto& line : grouped(r.not_modelled, r.file))
    lines.push_back(std::move(line));
  if (!lines.empty())
    std::cout << "  not modelled:\n";
  for (const auto& line : lines)
    std::cout << "    " << line << "\n";
  if (!r.effective.empty()) {
    std::cout << "  effective model:\n";
    for (const auto& v : r.effective)
      std::cout << "    " << input::explain_line(v) << "\n";
  }
}

json diagnostics_json(const std::vector<input::located_diagnostic>& ds) {
  json out = json::array();
  for (const auto& d : ds)
    out.push_back({{"file", d.file}, {"path", d.path}, {"reason", d.reason}});
  return out;
}

json places_json(const std::vector<input::located_diagnostic>& ds) {
  json out = json::array();
  for (const auto& d : ds)
    out.push_back({{"file", d.file}, {"path", d.path}});
  return out;
}

json to_json(const file_result& r) {
  json resources = json::array();
  for (const auto& row : r.resources)
    resources.push_back({{"path", row.path},
                         {"type", row.type},
                         {"name", row.name},
                         {"modelled", row.modelled}});
  json parameters = json::array();
  for (const auto& p : r.parameters)
    parameters.push_back({{"name", p.name},
                          {"type", p.type},
                          {"value", p.secure ? json(nullptr) : p.used},
                          {"source", p.source},
                          {"secure", p.secure}});
  json out = {{"file", r.file},
              {"kind", r.kind},
              {"valid", r.valid},
              {"summary", r.summary},
              {"resources", resources},
              {"parameters", parameters},
              {"notModelled", places_json(r.not_modelled)},
              {"warnings", diagnostics_json(r.warnings)},
              {"errors", diagnostics_json(r.errors)}};
  if (!r.effective.empty()) {
    json effective = json::array();
    for (const auto& v : r.effective)
      effective.push_back({{"path", v.path},
                           {"value", json::parse(v.value)},
                           {"default", v.defaulted}});
    out["effective"] = effective;
  }
  return out;
}

} // namespace

void add_validate_command(CLI::App& root) {
  auto args = std::make_shared<validate_args>();
  auto* cmd = root.add_subcommand(
      "validate",
      "Check Azure JSON (a scale set's, autoscale setting's, load "
      "balancer's or Traffic Manager profile's REST body, Azure's REST API "
      "example files, ARM templates and parameters files; "
      "docs/azure-input.md) and scenario files (docs/scenarios.md) without "
      "running anything: for each file what it is, the resources found, "
      "what is modelled and what is not, and every warning and error "
      "('error: FILE: JSON.PATH: reason' on stderr)");
  cmd->add_option("files", args->files,
                  "JSON files: REST bodies, templates, parameters files, "
                  "scenarios")
      ->required();
  cmd->add_option("--param", args->params,
                  "a template parameter's value, NAME=VALUE (repeatable; "
                  "wins over --parameters)");
  cmd->add_option("--parameters", args->parameters_file,
                  "an ARM parameters file for the templates "
                  "(azuredeploy.parameters.json); without it, a parameters "
                  "file among FILES is used");
  cmd->add_flag("--json", args->json_output,
                "print one JSON document for tools instead of text");
  cmd->add_flag("--explain", args->explain,
                "show the effective model of each modelled resource, "
                "Azure's defaults marked (default)");
  cmd->footer("Exit status: 0 when every file is valid, 2 otherwise.");
  cmd->callback([args] {
    // Each file is read once.
    std::vector<document> files;
    for (const auto& path : args->files)
      files.push_back(read_document(path));
    std::vector<input::located_diagnostic> input_errors;
    auto inputs = template_inputs(*args, files, input_errors);
    std::vector<file_result> results;
    for (const auto& d : files)
      results.push_back(check_file(d, *args, inputs));
    bool all_valid = input_errors.empty();
    for (const auto& r : results)
      all_valid = all_valid && r.valid;
    if (args->json_output) {
      json files = json::array();
      for (const auto& r : results)
        files.push_back(to_json(r));
      json doc = {{"valid", all_valid},
                  {"errors", diagnostics_json(input_errors)},
                  {"files", files}};
      std::cout << doc.dump(2, ' ', false, json::error_handler_t::replace)
                << "\n";
    } else {
      for (const auto& e : input_errors)
        tell_user(user_line::error, e.line());
      for (const auto& r : results)
        print_text(r);
    }
    std::cout.flush();
    if (!all_valid)
      throw CLI::RuntimeError(2);
  });
}

} // namespace vmss
