#pragma once
/// The subcommands of `vmss-sim` (see docs/cli.md).

#include "kernel/model.hpp"
#include "topology/partition.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace vmss {

/// Builds any model this binary knows from its spec ("pingpong ...",
/// "heartbeat ...", "demo ...").
std::unique_ptr<model> make_any_model(const std::string& spec, uint64_t seed,
                                      uint32_t nodes);

/// The model spec of a scenario run: the scenario's text and the label its
/// errors name, for every node process to read the same scenario.
std::string scenario_model_spec(const std::string& label,
                                const std::string& text);

/// `spec` with cluster.conf's partition rule (topology/partition.hpp) in
/// front, for every node process to place the region's zones alike.
std::string partitioned_model_spec(const topology::partition& p,
                                   const std::string& spec);

/// Path of the running vmss-sim binary, for starting node processes.
std::string self_executable();

void add_run_command(CLI::App& root);
void add_node_command(CLI::App& root);
void add_bench_command(CLI::App& root);
void add_topology_command(CLI::App& root);
void add_validate_command(CLI::App& root);
void add_sweep_command(CLI::App& root);
void add_ctl_command(CLI::App& root);

} // namespace vmss
