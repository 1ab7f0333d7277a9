#pragma once
/// Options and output shared by `run` and `bench`.

#include "kernel/cluster.hpp"
#include "runners/cluster_config.hpp"
#include "runners/commands.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace vmss {

struct common_args {
  uint64_t seed = 1;
  uint32_t threads = 2;
  uint32_t nodes = 1;
  double node_timeout_s = 10;
  bool progress = false;
  std::string config;
  // Options given on the command line win over the config file.
  CLI::Option* seed_opt = nullptr;
  CLI::Option* threads_opt = nullptr;
  CLI::Option* nodes_opt = nullptr;
  CLI::Option* timeout_opt = nullptr;
};

inline void add_common_options(CLI::App& cmd, common_args& a) {
  a.seed_opt =
      cmd.add_option("--seed,-s", a.seed, "run seed")->capture_default_str();
  a.threads_opt = cmd.add_option("--threads", a.threads,
                                 "CAF scheduler threads per process")
                      ->check(CLI::Range(1, 64))
                      ->capture_default_str();
  a.nodes_opt = cmd.add_option("--nodes", a.nodes,
                               "node processes on this machine (1: "
                               "everything in-process)")
                    ->check(CLI::Range(1, 64))
                    ->capture_default_str();
  a.timeout_opt = cmd.add_option("--node-timeout", a.node_timeout_s,
                                 "seconds of silence after which a node "
                                 "counts as dead")
                      ->check(CLI::PositiveNumber)
                      ->capture_default_str();
  cmd.add_option("--config", a.config,
                 "cluster.conf with [cluster] nodes, threads, node-timeout "
                 "and [sim] seed")
      ->check(CLI::ExistingFile)
      ->excludes(a.nodes_opt);
  cmd.add_flag("--progress", a.progress, "progress lines on stderr");
}

/// Fills `opts`; throws std::runtime_error on a bad config file.
inline void apply_common(const common_args& a, run_options& opts) {
  cluster_config file;
  if (!a.config.empty())
    file = read_cluster_config(a.config);
  auto pick = [](CLI::Option* opt, auto cli, auto from_file) {
    return opt->count() == 0 && from_file ? *from_file : cli;
  };
  opts.seed = pick(a.seed_opt, a.seed, file.seed);
  opts.threads = pick(a.threads_opt, a.threads, file.threads);
  opts.nodes = pick(a.nodes_opt, a.nodes, file.nodes);
  opts.node_timeout_s =
      pick(a.timeout_opt, a.node_timeout_s, file.node_timeout_s);
  opts.progress = a.progress;
  opts.factory = &make_any_model;
  opts.executable = self_executable();
}

/// Builds the model of `opts` once, so that every input (model options,
/// plans, topology, sizes, an end for a model that never runs out of
/// events) is checked before anything is touched, and prints the plan's
/// warnings on stderr. Throws std::invalid_argument with the reason (bad
/// input: exit 2).
std::unique_ptr<model> check_model(const run_options& opts);

/// Writes opts.trace_dir/manifest.json, which ties the node shards of a
/// traced run of `sim` together (entity table, shard sizes, seed).
void write_run_manifest(const run_options& opts, model& sim,
                        const run_result& res, const std::string& scenario);

/// Prints the model's description and any failed checks as '#' lines.
inline void print_run_lines(const run_result& res) {
  for (const auto& line : res.run_lines)
    std::cout << "# " << line << "\n";
  for (const auto& failure : res.check_failures)
    std::cout << "# check failed: " << failure << "\n";
}

} // namespace vmss
