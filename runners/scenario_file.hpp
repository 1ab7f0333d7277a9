#pragma once
/// Reading the scenario file of a command (`run`, `sweep`, `bench
/// region-day`): its text and the checked scenario, every error of an
/// invalid one an `error:` line on stderr and exit 2 (docs/cli.md).

#include "input/scenario.hpp"
#include "kernel/cluster.hpp"

#include <string>

namespace vmss {

/// The text of scenario FILE, or of the built-in default scenario (FILE
/// empty). An unreadable file throws std::invalid_argument naming it.
std::string scenario_text(const std::string& file);

/// Reads and checks the scenario of `text` (FILE's, or the built-in one);
/// an invalid one prints its errors and throws CLI::RuntimeError(2).
input::scenario_input read_scenario(const std::string& file,
                                    const std::string& text);

/// Reads and checks a built-in scenario's `text`, named `label` in errors
/// (its files, if any, relative to the working directory); an invalid one
/// prints its errors and throws CLI::RuntimeError(2).
input::scenario_input read_builtin_scenario(const std::string& text,
                                            const std::string& label);

/// Makes `opts` run scenario `in` (read from `text`) as `vmss-sim run`
/// does: its model spec and its duration as the end; prints its Azure
/// warnings and, if some of its JSON is not modelled, a note naming
/// `vmss-sim validate FILE` (`file`) on stderr. Returns the run's name,
/// "NAME (LABEL)", which the manifest records.
std::string use_scenario(const input::scenario_input& in,
                         const std::string& text, const std::string& file,
                         run_options& opts);

/// Runs with the scenario's seed when it has one and the command line gave
/// none (`seed_given`: --seed was given).
inline void use_scenario_seed(const input::scenario_input& in, bool seed_given,
                              run_options& opts) {
  if (in.spec.has_seed() && !seed_given)
    opts.seed = in.spec.seed();
}

} // namespace vmss
