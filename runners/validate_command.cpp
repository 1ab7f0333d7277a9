/// `vmss-sim validate FILE...`: checks input files without running
/// anything (docs/cli.md). Each file is checked by the first file kind
/// that claims it; scenario files (docs/scenarios.md) are the kind of any
/// file that no other kind claims. Azure's JSON joins as more kinds.

#include "actors/physical/region_model.hpp"
#include "input/json_reader.hpp"
#include "input/scenario.hpp"
#include "runners/commands.hpp"
#include "runners/tell_user.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace vmss {

namespace {

/// A kind of file `validate` checks.
struct file_kind {
  /// Whether this kind reads the file at `path`.
  bool (*claims)(const std::string& path);
  /// Checks the file: a summary of a valid one ("valid scenario 'x' (...)");
  /// throws input::input_error with every error of an invalid one.
  std::string (*check)(const std::string& path);
};

/// "1 VM", "3 VMs"; "2 timeline entries" with `many`.
std::string count(size_t n, const std::string& one, std::string many = {}) {
  return std::to_string(n) + " " +
         (n == 1         ? one
          : many.empty() ? one + "s"
                         : many);
}

std::string scenario_summary(const std::string& path) {
  auto s = input::load_scenario_file(path);
  // Targets, recoveries, fault processes, family settings; with the seed a
  // run takes without --seed (1 unless the scenario gives one).
  physical::make_region_model(s, s.spec.has_seed() ? s.spec.seed() : 1);
  const auto& spec = s.spec;
  const auto& r = s.region;
  uint64_t vms = 0;
  for (const auto& set : spec.scale_sets())
    vms += set.capacity();
  auto topology = spec.topology().has_file()
                      ? "topology " + spec.topology().file()
                      : "preset " + spec.topology().preset();
  return "valid scenario '" + spec.name() + "' (" +
         format_duration(spec.duration_ns()) + ", " + topology + ": " +
         count(r.zones, "zone") + " x " + count(r.racks_per_zone, "rack") +
         " x " + count(r.hosts_per_rack, "host") + ", " +
         count(static_cast<size_t>(spec.scale_sets_size()), "scale set") +
         " of " + count(vms, "VM") + ", " +
         count(static_cast<size_t>(spec.timeline_size()), "timeline entry",
               "timeline entries") +
         ", " +
         count(static_cast<size_t>(spec.fault_processes_size()),
               "fault process", "fault processes") +
         ")";
}

/// In order: the first that claims a file checks it.
const file_kind file_kinds[] = {
    {[](const std::string&) { return true; }, scenario_summary},
};

/// Checks one file; prints its summary or its errors. True if valid.
bool validate_file(const std::string& path) {
  for (const auto& kind : file_kinds) {
    if (!kind.claims(path))
      continue;
    try {
      auto summary = kind.check(path);
      std::cout << path << ": " << summary << "\n";
      return true;
    } catch (const input::input_error& e) {
      for (const auto& line : e.lines())
        tell_user(user_line::error, line);
      return false;
    } catch (const std::invalid_argument& e) {
      tell_user(user_line::error, e.what());
      return false;
    }
  }
  return false;
}

} // namespace

void add_validate_command(CLI::App& root) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = root.add_subcommand(
      "validate",
      "Check scenario files (docs/scenarios.md) without running them: "
      "prints 'FILE: valid scenario ...' for each valid file and every "
      "error of the others ('error: FILE: JSON.PATH: reason' on stderr)");
  cmd->add_option("files", *files, "scenario JSON files")->required();
  cmd->footer("Exit status: 0 when every file is valid, 2 otherwise.");
  cmd->callback([files] {
    bool all_valid = true;
    for (const auto& path : *files)
      all_valid = validate_file(path) && all_valid;
    std::cout.flush();
    if (!all_valid)
      throw CLI::RuntimeError(2);
  });
}

} // namespace vmss
