#pragma once
/// Runs a model: in one process, or as a coordinator and N node processes
/// that synchronise in conservative windows of width = lookahead over CAF's
/// middleman. No CAF in this header.

#include "kernel/model.hpp"
#include "kernel/progress.hpp"
#include "kernel/trace_sink.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vmss {

struct run_options {
  std::string model_spec; ///< "name key=value ...", see model.hpp
  model_factory factory;
  message_registration messages = nullptr; ///< the families' messages
  uint64_t seed = 1;
  uint32_t nodes = 1;   ///< node processes; 1 = everything in-process
  uint32_t threads = 2; ///< CAF scheduler threads per process
  sim_time until = sim_time_never;
  std::string trace_dir; ///< empty: no trace
  bool trace_deliveries = false;
  double node_timeout_s = 10; ///< a silent node fails the run after this
  /// The run secret, hex (kernel/run_secret.hpp); empty: a fresh random one.
  std::string secret;
  std::string executable; ///< the vmss-sim binary, for node processes
  /// Progress on stderr (kernel/progress.hpp): an updating line on a
  /// terminal, else a plain line every progress_interval_s wall seconds.
  progress_mode progress = progress_mode::automatic;
  double progress_interval_s = 5;
};

struct run_result {
  std::string error;    ///< empty when the run completed
  uint64_t events = 0;  ///< messages and timers delivered
  sim_time end_t = 0;   ///< time of the last delivered event
  double wall_s = 0;    ///< actor creation to last delivery
  double setup_s = 0;   ///< excluded set-up (processes, topology)
  int64_t rss_kb = 0;   ///< peak RSS of the largest process
  uint64_t windows = 0; ///< synchronisation windows
  uint64_t trace_records = 0;
  uint64_t trace_bytes = 0;
  /// By node, when traced: each whole shard; when trace_incomplete, its
  /// complete prefix (the first `bytes` bytes hold `records` records).
  std::vector<trace::shard_stats> shards;
  /// A traced run that failed: the shards are complete only up to
  /// complete_until. Every shard's prefix (shards[k]) holds, in whole packed
  /// messages, exactly the records with t < complete_until; 0 (empty
  /// prefixes) when no prefix was known to be written on every node.
  bool trace_incomplete = false;
  sim_time complete_until = 0;
  /// Protocol messages refused because they did not prove the run secret or
  /// claimed a taken node slot (each also reported on stderr).
  uint64_t refused = 0;
  std::string delivery_digest; ///< SHA-256 over every entity's deliveries
  model_report report;         ///< summed over nodes
  std::vector<std::string> check_failures;
  std::vector<std::string> run_lines; ///< the model's describe_run()
};

/// Runs the model described by `opts`; never throws for run-time failures
/// (they land in run_result::error).
run_result run_simulation(const run_options& opts);

struct node_options {
  std::string coordinator_host = "127.0.0.1";
  uint16_t coordinator_port = 0;
  uint32_t node_id = 0;
  uint32_t threads = 2;
  double connect_timeout_s = 10;
  std::string secret; ///< the run secret, hex (kernel/run_secret.hpp)
  model_factory factory;
  message_registration messages = nullptr; ///< the families' messages
};

/// Body of `vmss-sim node`: joins a coordinator, runs this node's entities
/// until the coordinator says finish. Throws std::runtime_error "node K:
/// why" when the node cannot join or run (bad input: exit 2).
void run_node(const node_options& opts);

} // namespace vmss
