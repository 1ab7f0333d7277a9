/// vmss-sim: a deterministic, distributed simulator of an Azure-style
/// compute region. See README.md and docs/cli.md.

#include "runners/commands.hpp"
#include "runners/trace_command.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"vmss-sim: deterministic actor-model simulator of Azure-style "
               "Virtual Machine Scale Sets and the region under them"};
  app.require_subcommand(1);
  vmss::add_run_command(app);
  vmss::add_node_command(app);
  vmss::add_bench_command(app);
  vmss::add_trace_command(app);
  vmss::add_topology_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
