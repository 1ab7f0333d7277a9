#pragma once
/// What every `vmss-sim trace …` subcommand shares: the exit codes, the
/// error guard, opening a trace and the DIR argument. Errors print
/// `error: …` to stderr and throw CLI::RuntimeError(code) for main to turn
/// into the exit code via app.exit(e).

#include "analysis/trace_reader.hpp"
#include "runners/tell_user.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <string>

namespace vmss::trace_cli {

constexpr int exit_checks_failed = 1;
constexpr int exit_error = 2;

/// The --help footer of the commands that exit 0 or 2.
extern const char* const exit_footer;

/// Runs `body`; any std::exception becomes `error: …` on stderr and
/// CLI::RuntimeError(exit_error).
template <class Body>
void guarded(Body&& body) {
  try {
    body();
  } catch (const CLI::Error&) {
    throw;
  } catch (const std::exception& e) {
    tell_user(user_line::error, e.what());
    throw CLI::RuntimeError(exit_error);
  }
}

/// Opens the trace in `dir`; an incomplete one gets a warning on stderr.
analysis::trace_reader open_trace(const std::string& dir,
                                  analysis::read_options options = {});

/// Adds subcommand `name` of `trace` with its required DIR argument.
CLI::App* add_dir_command(CLI::App& trace, const char* name,
                          const char* description, std::string& dir);

/// `trace instances` (runners/trace_instances_command.cpp).
void add_instances(CLI::App& trace);

} // namespace vmss::trace_cli
