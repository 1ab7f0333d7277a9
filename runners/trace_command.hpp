#pragma once
/// `vmss-sim trace …`: digest, export, check, summary and instances of a trace
/// directory. Errors print `error: …` to stderr and throw
/// CLI::RuntimeError(code) (2 = error, 1 = checks failed) for main to turn
/// into the exit code via app.exit(e).

namespace CLI {
class App;
} // namespace CLI

namespace vmss {

namespace analysis {
class checker_registry;
} // namespace analysis

/// Adds the `trace` subcommand and its sub-subcommands to `root`; `check`
/// runs `checkers` (runners/modules.cpp: analysis's and every family's).
void add_trace_command(CLI::App& root,
                       const analysis::checker_registry& checkers);

} // namespace vmss
