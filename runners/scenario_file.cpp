/// Scenario files of the commands (see the header).

#include "runners/scenario_file.hpp"

#include "input/json_reader.hpp"
#include "runners/tell_user.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vmss {

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
  try {
    if (file.empty())
      return input::load_builtin_default_scenario();
    auto slash = file.rfind('/');
    return input::load_scenario_text(
        text, file, slash == std::string::npos ? "." : file.substr(0, slash));
  } catch (const input::input_error& e) {
    for (const auto& line : e.lines())
      tell_user(user_line::error, line);
    throw CLI::RuntimeError(2); // bad input (docs/cli.md)
  }
}

} // namespace vmss
