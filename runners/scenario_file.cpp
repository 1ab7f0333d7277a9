/// Scenario files of the commands (see the header).

#include "runners/scenario_file.hpp"

#include "input/json_reader.hpp"
#include "runners/commands.hpp"
#include "runners/tell_user.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vmss {

namespace {

/// `load` (a scenario loader), its input_error printed as `error:` lines
/// and turned into exit 2.
template <class Load>
input::scenario_input checked(Load load) {
  try {
    return load();
  } catch (const input::input_error& e) {
    for (const auto& line : e.lines())
      tell_user(user_line::error, line);
    throw CLI::RuntimeError(2); // bad input (docs/cli.md)
  }
}

} // namespace

std::string scenario_text(const std::string& file) {
  if (file.empty())
    return input::builtin_default_scenario();
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw std::invalid_argument(file + ": cannot read the scenario file (" +
                                std::strerror(errno) + ")");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

input::scenario_input read_scenario(const std::string& file,
                                    const std::string& text) {
  return checked([&] {
    if (file.empty())
      return input::load_builtin_default_scenario();
    auto slash = file.rfind('/');
    return input::load_scenario_text(
        text, file, slash == std::string::npos ? "." : file.substr(0, slash));
  });
}

input::scenario_input read_builtin_scenario(const std::string& text,
                                            const std::string& label) {
  return checked([&] { return input::load_scenario_text(text, label, "."); });
}

std::string use_scenario(const input::scenario_input& in,
                         const std::string& text, const std::string& file,
                         run_options& opts) {
  for (const auto& w : in.azure_warnings)
    tell_user(user_line::warning, w.line());
  if (!in.azure_not_modelled.empty() || !in.azure.not_modelled.empty())
    tell_user(user_line::note,
              std::to_string(in.azure.not_modelled.size()) + " resources and " +
                  std::to_string(in.azure_not_modelled.size()) +
                  " paths of the scenario's Azure JSON are not modelled "
                  "('vmss-sim validate " +
                  (file.empty() ? std::string("FILE") : file) +
                  "' lists them)");
  opts.model_spec = scenario_model_spec(in.label, text);
  opts.until = in.spec.duration_ns();
  return in.spec.name() + " (" + in.label + ")";
}

} // namespace vmss
