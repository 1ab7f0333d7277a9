#pragma once
/// Reading the scenario file of a command (`run`, `sweep`): its text and
/// the checked scenario, every error of an invalid one an `error:` line on
/// stderr and exit 2 (docs/cli.md).

#include "input/scenario.hpp"

#include <string>

namespace vmss {

/// The text of scenario FILE, or of the built-in default scenario (FILE
/// empty). An unreadable file throws std::invalid_argument naming it.
std::string scenario_text(const std::string& file);

/// Reads and checks the scenario of `text` (FILE's, or the built-in one);
/// an invalid one prints its errors and throws CLI::RuntimeError(2).
input::scenario_input read_scenario(const std::string& file,
                                    const std::string& text);

} // namespace vmss
