/// vmss-sim: a deterministic, distributed simulator of an Azure-style
/// compute region. See README.md and docs/cli.md.

#include "runners/commands.hpp"
#include "runners/modules.hpp"
#include "runners/tell_user.hpp"
#include "runners/trace_command.hpp"

#include <CLI/CLI.hpp>

namespace {

/// Exit status of bad input (docs/cli.md).
constexpr int exit_bad_input = 2;

/// The innermost subcommand that the command line selected.
const CLI::App* selected(const CLI::App& app) {
  const CLI::App* cur = &app;
  for (auto subs = cur->get_subcommands(); !subs.empty();
       subs = cur->get_subcommands())
    cur = subs.front();
  return cur;
}

/// For a word that names no subcommand, CLI11 says "argument not
/// expected"; name the word and the choices instead. Empty otherwise.
std::string unknown_command(const CLI::App& app) {
  const CLI::App* cur = selected(app);
  auto choices = cur->get_subcommands([](const CLI::App*) { return true; });
  auto rest = cur->remaining();
  if (choices.empty() || rest.empty() || rest.front().rfind('-', 0) == 0)
    return {};
  std::string names;
  for (const auto* sub : choices)
    names += (names.empty() ? "" : ", ") + sub->get_name();
  std::string where = cur == &app ? "" : " of '" + cur->get_name() + "'";
  return "unknown command '" + rest.front() + "'" + where +
         " (commands: " + names + ")";
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"vmss-sim: deterministic actor-model simulator of Azure-style "
               "Virtual Machine Scale Sets and the region under them"};
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "error: " + std::string(e.what()) +
           "\nRun with --help for more information.\n";
  });
  app.footer("Exit status: 0 success, 1 a failed run or failed checks, 2 bad "
             "input (message on stderr starting with 'error: ').");
  vmss::add_run_command(app);
  vmss::add_node_command(app);
  vmss::add_bench_command(app);
  vmss::add_trace_command(app, vmss::all_checkers());
  vmss::add_topology_command(app);
  vmss::add_validate_command(app);
  vmss::add_sweep_command(app);
  vmss::add_ctl_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_name() == "RuntimeError" || e.get_exit_code() == 0)
      return app.exit(e);
    auto unknown = unknown_command(app);
    if (unknown.empty())
      app.exit(e);
    else
      vmss::tell_user(vmss::user_line::error, unknown);
    return exit_bad_input;
  } catch (const std::exception& e) {
    vmss::tell_user(vmss::user_line::error, e.what());
    return exit_bad_input;
  }
  return 0;
}
