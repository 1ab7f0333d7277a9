#pragma once
/// Options and output shared by `run` and `bench`.

#include "kernel/cluster.hpp"
#include "kernel/log.hpp"
#include "kernel/run_secret.hpp"
#include "runners/cluster_config.hpp"
#include "runners/commands.hpp"
#include "runners/modules.hpp"
#include "runners/trace_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

namespace vmss {

struct common_args {
  // Kept as text and parsed strictly by apply_common (CLI11 would wrap
  // "--seed -1" and print a 300-digit range for a bad timeout).
  std::string seed = "1";
  std::string threads = "1";
  std::string nodes = "1";
  std::string node_timeout_s = "10";
  bool progress = false, quiet = false;
  std::string progress_interval = "5s";
  std::string log_level = logging::name(logging::default_level);
  std::string config;
  // Options given on the command line win over the config file.
  CLI::Option* seed_opt = nullptr;
  CLI::Option* threads_opt = nullptr;
  CLI::Option* nodes_opt = nullptr;
  CLI::Option* timeout_opt = nullptr;
};

/// Adds --log-level to `cmd`, kept as text for apply_log_level.
inline void add_log_level_option(CLI::App& cmd, std::string& level) {
  cmd.add_option("--log-level", level,
                 std::string("diagnostics on stderr from this level up: ") +
                     logging::level_names +
                     " (error and warning lines about the command's input "
                     "are always printed)")
      ->type_name("LEVEL")
      ->capture_default_str();
}

inline void add_common_options(CLI::App& cmd, common_args& a) {
  a.seed_opt =
      cmd.add_option("--seed,-s", a.seed, "run seed, 0 to 18446744073709551615")
          ->type_name("N")
          ->capture_default_str();
  a.threads_opt =
      cmd.add_option("--threads", a.threads,
                     "lanes per node process, 1 to 64: threads that run "
                     "its events in parallel, each window, with the same "
                     "results (docs/kernel.md \"Lanes\"); they pay on "
                     "large models")
          ->type_name("N")
          ->capture_default_str();
  a.nodes_opt = cmd.add_option("--nodes", a.nodes,
                               "node processes on this machine, 1 to 64 (1: "
                               "everything in-process)")
                    ->type_name("N")
                    ->capture_default_str();
  a.timeout_opt = cmd.add_option("--node-timeout", a.node_timeout_s,
                                 "seconds of silence after which a node "
                                 "counts as dead, 0.5 to 3600")
                      ->type_name("SECONDS")
                      ->capture_default_str();
  cmd.add_option("--config", a.config,
                 "cluster.conf: its nodes (where each runs and listens), "
                 "threads, node-timeout, secret-file, launch template, "
                 "partition rule and [sim] seed, until, out, scenario "
                 "(docs/cli.md)")
      ->check(CLI::ExistingFile)
      ->excludes(a.nodes_opt);
  auto* plain = cmd.add_flag(
      "--progress", a.progress,
      "plain progress lines on stderr even when it is a terminal (default: "
      "one updating line on a terminal, a plain line every "
      "--progress-interval otherwise)");
  cmd.add_flag("--quiet,-q", a.quiet,
               "no progress lines and no closing hints on stderr")
      ->excludes(plain);
  cmd.add_option("--progress-interval", a.progress_interval,
                 "wall time between plain progress lines, 10ms to 1h")
      ->type_name("DURATION")
      ->capture_default_str();
  add_log_level_option(cmd, a.log_level);
}

/// Parses option `name`'s text with `parse`; throws std::runtime_error
/// "NAME TEXT: reason".
template <class Parse>
auto parse_option(const std::string& name, const std::string& text,
                  Parse parse) {
  try {
    return parse(text);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(name + " " + text + ": " + e.what());
  }
}

/// Sets the log level named `text`; throws std::runtime_error
/// "--log-level TEXT: must be one of ...".
inline void apply_log_level(const std::string& text) {
  logging::set_level(parse_option("--log-level", text, logging::parse_level));
}

/// A --progress-interval: a duration from 10 ms to 1 h.
inline sim_time parse_progress_interval(const std::string& text) {
  sim_time t = 0;
  std::string why;
  if (!parse_duration(text, t, &why))
    throw std::invalid_argument(why);
  if (t < ms(10) || t > seconds(3600))
    throw std::invalid_argument("must be from 10ms to 1h");
  return t;
}

/// Fills `opts` from the options and cluster.conf `file` (read from
/// a.config; empty when there is none); throws std::runtime_error on a bad
/// option.
inline void apply_common(const common_args& a, const cluster_config& file,
                         run_options& opts) {
  apply_log_level(a.log_level);
  auto whole = [](uint64_t min, uint64_t max) {
    return
        [=](const std::string& t) { return parse_whole_number(t, min, max); };
  };
  auto seed = parse_option("--seed", a.seed, whole(0, UINT64_MAX));
  auto threads = static_cast<uint32_t>(
      parse_option("--threads", a.threads, whole(1, max_threads)));
  auto nodes = static_cast<uint32_t>(
      parse_option("--nodes", a.nodes, whole(1, max_nodes)));
  auto timeout =
      parse_option("--node-timeout", a.node_timeout_s, parse_node_timeout);
  auto pick = [](CLI::Option* opt, auto cli, auto from_file) {
    return opt->count() == 0 && from_file ? *from_file : cli;
  };
  opts.seed = pick(a.seed_opt, seed, file.seed);
  opts.threads = pick(a.threads_opt, threads, file.threads);
  opts.nodes = pick(a.nodes_opt, nodes, file.nodes);
  opts.node_timeout_s = pick(a.timeout_opt, timeout, file.node_timeout_s);
  if (file.secret_file)
    opts.secret = read_run_secret_file(*file.secret_file);
  if (!a.config.empty())
    opts.layout = file.layout();
  opts.progress = a.quiet      ? progress_mode::quiet
                  : a.progress ? progress_mode::plain
                               : progress_mode::automatic;
  opts.progress_interval_s = to_seconds(parse_option(
      "--progress-interval", a.progress_interval, parse_progress_interval));
  opts.factory = &make_any_model;
  opts.messages = &register_family_messages;
  opts.executable = self_executable();
}

/// Reads a.config (if given), then fills `opts` as above; throws
/// std::runtime_error on a bad option or config file.
inline void apply_common(const common_args& a, run_options& opts) {
  cluster_config file;
  if (!a.config.empty())
    file = read_cluster_config(a.config);
  apply_common(a, file, opts);
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

/// Reports a run that failed. After a traced run that failed part way (a
/// node process died), writes the manifest of the trace's complete prefix
/// into out's staging directory and keeps it there, naming it.
void report_failed_run(const run_options& opts, model& sim,
                       const run_result& res, const std::string& scenario,
                       trace_output* out);

/// One '#' line per node process: where its wall time went
/// (docs/benchmarks.md "Output").
inline void print_node_figures(const run_result& res) {
  for (const auto& n : res.nodes) {
    double per_s = n.run_s > 0 ? 1 / n.run_s : 0;
    std::cout << fmt::format(
        "# node {}: events={} events_per_s={:.0f} windows={} "
        "windows_per_s={:.0f} barrier_wait={:.1f}% lane_wait={:.1f}% "
        "rss_kb={}\n",
        n.node, n.events, n.events * per_s, n.windows, n.windows * per_s,
        100 * n.barrier_share(), 100 * n.lane_wait_s * per_s, n.rss_kb);
  }
}

/// Prints the model's description and any failed checks as '#' lines.
inline void print_run_lines(const run_result& res) {
  for (const auto& line : res.run_lines)
    std::cout << "# " << line << "\n";
  for (const auto& failure : res.check_failures)
    std::cout << "# check failed: " << failure << "\n";
}

} // namespace vmss
