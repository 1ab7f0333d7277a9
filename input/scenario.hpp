#pragma once
/// Scenario files (docs/scenarios.md): JSON with the schema of
/// messages/scenario.proto, read by input/json_reader.hpp and checked as
/// far as possible without building the region's entities: durations,
/// times within the run, one action per timeline entry and the fields it
/// takes, scale sets and the VMs operations name, VM sizes, zones, the
/// fault processes, and the topology (a preset with overrides, or a file
/// read by topology::read_region). Checks that need the entities (targets
/// exist and fit their fault, a recovery follows its fault) are the
/// region model's: it names an entry by entry_path(). No CAF in here.

#include "input/azure/resources.hpp"
#include "input/json_reader.hpp"
#include "kernel/sim_time.hpp"
#include "messages/scenario.pb.h"
#include "topology/region.hpp"

#include <string>

namespace vmss::input {

/// A scenario as read and checked, with its defaults filled in.
struct scenario_input {
  /// How errors name the file ("scenarios/default.json").
  std::string label;
  /// The scenario's folder: files it names are relative to it.
  std::string base_dir;
  vmss::scenario::Scenario spec;
  /// The first region (the one spec.topology() describes, or regions[0]
  /// of spec.regions()), validated.
  topology::region region;
  /// Every region, in the scenario's order (one unless spec.regions()).
  std::vector<topology::region> regions;
  /// The region (index into `regions`) of each of azure.scale_sets and of
  /// azure.load_balancers: the one its `location` names (a load balancer
  /// without a location of the scenario: the region of the first scale set
  /// using it, else the first region).
  std::vector<size_t> set_region, lb_region;
  /// For each of azure.traffic_managers, each endpoint's load balancer
  /// (index into azure.load_balancers): the one its targetResourceId names,
  /// directly or through a public IP address of the load balancer's
  /// frontends.
  std::vector<std::vector<size_t>> tm_endpoint_lbs;
  /// startTime in seconds since 1970-01-01 UTC.
  int64_t start_utc_seconds = 1704067200; // input/time_zone.hpp's default
  /// The Azure resources of scaleSets and autoscaleSettings (and what their
  /// templates deploy besides), read and checked (docs/azure-input.md).
  azure::resources azure;
  /// For each of azure.scale_sets: when it is created (createAt, default
  /// 1s), and its zones, 1-based (every zone of the region for a regional
  /// set).
  std::vector<sim_time> create_at;
  std::vector<std::vector<uint32_t>> zones;
  /// What reading the Azure JSON warned about, and where it holds what the
  /// model does not simulate (file and JSON path; no reason).
  std::vector<located_diagnostic> azure_warnings;
  std::vector<located_diagnostic> azure_not_modelled;
  /// Each `update` of the timeline, in order: the scale set's model after
  /// it (its merge patch over the body the earlier updates left).
  struct model_update {
    size_t entry = 0;     ///< index into spec.timeline()
    size_t scale_set = 0; ///< index into azure.scale_sets
    azure::scale_set model;
  };
  std::vector<model_update> updates;

  /// "LABEL: PATH: REASON", the form of every error about this scenario.
  std::string error(const std::string& path, const std::string& reason) const;
};

/// Whether `name` can name a scenario or a scale set (its VMs are
/// SETNAME/N): 1 to 64 letters, digits, '-', '_' or '.'.
bool plain_name(const std::string& name);
inline constexpr const char* plain_name_rule =
    "must be 1 to 64 letters, digits, '-', '_' or '.'";

/// The JSON path of element `index` of a repeated top-level field, as
/// errors name it: entry_path("timeline", 3) is "timeline[3]" (field names
/// as in JSON: "timeline", "scaleSets", "faultProcesses").
std::string entry_path(const std::string& field, size_t index);

/// The checks load_scenario_text makes of each timeline entry, for one
/// entry `e` at `path` ("timeline[3]") of the scenario `in`: its action,
/// target and the fields it takes, and that its time lies within the run.
/// A live command (`vmss-sim ctl`) is checked as such an entry. Returns the
/// errors (none: valid); the checks that need the entities are the region
/// model's.
std::vector<diagnostic>
check_timeline_entry(const scenario_input& in,
                     const vmss::scenario::TimelineEntry& e,
                     const std::string& path);

/// An `update` entry (at `path`) of scale set `set`: its merge patch
/// `patch` over `body` (the set's REST body as earlier updates left it)
/// into `merged`, read as the set's body into `model`. Returns the read's
/// errors and warnings (renaming the set is an error).
read_report
merge_update(const azure::scale_set& set, const nlohmann::ordered_json& body,
             const nlohmann::ordered_json& patch, const std::string& path,
             nlohmann::ordered_json& merged, azure::scale_set& model);

/// Reads and checks a scenario file. A topology file is relative to the
/// scenario file's folder. Throws input_error with every error found.
scenario_input load_scenario_file(const std::string& path);

/// Reads and checks scenario text; `label` names it in errors and
/// `base_dir` is where a topology file is looked up.
scenario_input load_scenario_text(const std::string& text,
                                  const std::string& label,
                                  const std::string& base_dir);

/// The built-in default scenario: the text of scenarios/default.json,
/// embedded at build time.
const std::string& builtin_default_scenario();

/// builtin_default_scenario() loaded, labelled "scenarios/default.json
/// (built in)".
scenario_input load_builtin_default_scenario();

/// The region-day benchmark's scenario (`bench region-day`,
/// docs/benchmarks.md): the text of scenarios/region-day.json, embedded at
/// build time.
const std::string& builtin_region_day_scenario();

/// The label of builtin_region_day_scenario() in errors and manifests.
inline constexpr const char* builtin_region_day_label =
    "scenarios/region-day.json (built in)";

/// A VM size the simulator models: its vCPUs and memory.
struct vm_size {
  const char* name;
  uint32_t vcpus;
  uint32_t ram_gb;
};

/// The modelled VM size called `name` (Azure's names, e.g.
/// "Standard_D2s_v3"), or nullptr.
const vm_size* find_vm_size(const std::string& name);

/// Every modelled VM size's name, for "did you mean" and the docs.
std::vector<std::string> vm_size_names();

} // namespace vmss::input
