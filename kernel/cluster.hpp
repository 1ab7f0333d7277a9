#pragma once
/// Runs a model: in one process, or as a coordinator and N node processes
/// that synchronise in conservative windows of width = lookahead over CAF's
/// middleman. No CAF in this header.

#include "kernel/live_hub.hpp"
#include "kernel/model.hpp"
#include "kernel/node_launcher.hpp"
#include "kernel/progress.hpp"
#include "kernel/trace_observer.hpp"
#include "kernel/trace_sink.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vmss {

/// A live command of an earlier run, as its trace recorded it.
struct replayed_command {
  sim_time t = 0;
  std::string canonical; ///< the command, as check_live() returned it
  std::string refusal;   ///< why it was refused; empty when accepted
};

struct run_options {
  std::string model_spec; ///< "name key=value ...", see model.hpp
  model_factory factory;
  message_registration messages = nullptr; ///< the families' messages
  uint64_t seed = 1;
  uint32_t nodes = 1; ///< node processes; 1 = everything in-process
  /// Lanes per node process: threads that run its events in parallel
  /// (kernel/lanes.hpp; docs/kernel.md "Lanes").
  uint32_t threads = 1;
  sim_time until = sim_time_never;
  std::string trace_dir; ///< empty: no trace
  bool trace_deliveries = false;
  double node_timeout_s = 10; ///< a silent node fails the run after this
  /// The run secret, hex (kernel/run_secret.hpp); empty: a fresh random one.
  std::string secret;
  std::string executable; ///< the vmss-sim binary, for node processes
  /// Where the coordinator listens and how it starts the nodes
  /// (cluster.conf); default: local processes over loopback.
  cluster_layout layout;
  /// Progress on stderr (kernel/progress.hpp): an updating line on a
  /// terminal, else a plain line every progress_interval_s wall seconds.
  progress_mode progress = progress_mode::automatic;
  double progress_interval_s = 5;

  // -- live control (docs/kernel.md "Live control") --------------------------
  /// Where live clients meet this run (`--control`, `--view`); nullptr: none.
  /// The coordinator takes its requests between windows and answers them.
  live::hub* live = nullptr;
  /// Virtual seconds per wall second; 0: as fast as possible. Changes no
  /// result.
  double pace = 0;
  /// Called for every trace record of the entities run in this process
  /// (one-process runs; a multi-node run's coordinator process runs none).
  trace_observer observer;
  /// Added to the `status` answer as its member "region" (a JSON value, e.g.
  /// analysis/live_state's snapshot); unset: the member is null.
  std::function<std::string()> live_status;
  /// Live commands to re-apply (`run --replay`): each at its time, after the
  /// scenario's injections, in this order (kernel/model.hpp apply_live).
  std::vector<replayed_command> replay;
};

/// Where one node process's wall time went (the bench's `# node` lines).
struct node_figures {
  uint32_t node = 0;
  uint64_t events = 0;
  uint64_t windows = 0;
  double run_s = 0;       ///< first window to last
  double window_s = 0;    ///< in windows: lanes running, exchanging, merging
  double lane_wait_s = 0; ///< lane 0 waiting for the other lanes
  int64_t rss_kb = 0;     ///< peak RSS of the process

  /// Share of run_s spent waiting at window barriers: for the other
  /// processes (outside windows) and for the other lanes (inside).
  double barrier_share() const {
    return run_s > 0 ? (run_s - window_s + lane_wait_s) / run_s : 0;
  }
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
  std::vector<node_figures> nodes;    ///< by node
};

/// The entity table's shards: every process's lanes (kernel/lanes.hpp).
/// Models are built with this many nodes; shard s runs in process
/// s % opts.nodes.
inline uint32_t run_shards(const run_options& opts) {
  return opts.nodes * opts.threads;
}

/// Runs the model described by `opts`; never throws for run-time failures
/// (they land in run_result::error).
run_result run_simulation(const run_options& opts);

struct node_options {
  std::string coordinator_host = "127.0.0.1";
  uint16_t coordinator_port = 0;
  uint32_t node_id = 0;
  uint32_t threads = 2; ///< CAF scheduler threads (lanes: the run's set-up)
  double connect_timeout_s = 10;
  std::string secret; ///< the run secret, hex (kernel/run_secret.hpp)
  model_factory factory;
  message_registration messages = nullptr; ///< the families' messages
  /// Where this node listens for its peers (port 0: a free one).
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 0;
  /// By node: the address to reach each peer at; empty (or shorter than
  /// the run): the coordinator's host.
  std::vector<std::string> peer_addresses;
};

/// Body of `vmss-sim node`: joins a coordinator, runs this node's entities
/// until the coordinator says finish. Throws std::runtime_error "node K:
/// why" when the node cannot join or run (bad input: exit 2).
void run_node(const node_options& opts);

} // namespace vmss
