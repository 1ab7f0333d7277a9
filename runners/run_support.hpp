#pragma once
/// Options and output shared by `run` and `bench`.

#include "kernel/cluster.hpp"
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
};

inline void add_common_options(CLI::App& cmd, common_args& a) {
  cmd.add_option("--seed,-s", a.seed, "run seed")->capture_default_str();
  cmd.add_option("--threads", a.threads, "CAF scheduler threads per process")
    ->check(CLI::Range(1, 64))
    ->capture_default_str();
  cmd.add_option("--nodes", a.nodes,
                 "node processes on this machine (1: everything in-process)")
    ->check(CLI::Range(1, 64))
    ->capture_default_str();
  cmd.add_option("--node-timeout", a.node_timeout_s,
                 "seconds of silence after which a node counts as dead")
    ->check(CLI::PositiveNumber)
    ->capture_default_str();
  cmd.add_flag("--progress", a.progress, "progress lines on stderr");
}

inline void apply_common(const common_args& a, run_options& opts) {
  opts.seed = a.seed;
  opts.threads = a.threads;
  opts.nodes = a.nodes;
  opts.node_timeout_s = a.node_timeout_s;
  opts.progress = a.progress;
  opts.factory = &make_any_model;
  opts.executable = self_executable();
}

/// Prints the model's description and any failed checks as '#' lines.
inline void print_run_lines(const run_result& res) {
  for (const auto& line : res.run_lines)
    std::cout << "# " << line << "\n";
  for (const auto& failure : res.check_failures)
    std::cout << "# check failed: " << failure << "\n";
}

} // namespace vmss
