#pragma once
/// Messages of the window protocol between the coordinator and the node
/// processes (CAF messages; simulation events travel inside event_blob).
///
/// Every message a node sends carries its token and every message the
/// coordinator sends a node carries the coordinator's (kernel/run_secret.hpp):
/// a message that does not prove the run secret is refused. Atom messages:
///
///   node -> coordinator   (hello, node, token)               -> node_setup
///                         (ready, node, token, actor, port)  -> ports
///                         (peers, node, token)               -> ok
///                         (done, node, token), node_status, final_report
///   node -> lower node    (hello, node, token, actor)
///   coordinator -> node   (go, token), (ping, token), (stop, token)
///                         (hold, token, hold_id), live_apply,
///                         (pace, token, pace, paused)
///   node -> coordinator   (held, node, token, hold_id, window_end_ns)
///   node <-> node         window_batch
///   node -> itself        (wake): pacing

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::protocol {

using hello_atom = caf::atom_constant<caf::atom("hello")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

/// What a node needs to build its part of the run (coordinator -> node).
struct node_setup {
  std::string model_spec;
  uint64_t seed = 0;
  uint32_t nodes = 1;
  uint32_t node = 0;
  uint32_t lanes = 1; ///< per node process (kernel/lanes.hpp)
  int64_t until_ns = 0;
  std::string trace_dir;
  bool trace_deliveries = false;
  double pace = 0; ///< virtual seconds per wall second; 0: unpaced
  /// Live commands to re-apply after the scenario's injections (`run
  /// --replay`): times, canonical texts, refusals (empty: accepted).
  std::vector<int64_t> replay_t_ns;
  std::vector<std::string> replay_command;
  std::vector<std::string> replay_refusal;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_setup& x) {
  return f(caf::meta::type_name("node_setup"), x.model_spec, x.seed, x.nodes,
           x.node, x.lanes, x.until_ns, x.trace_dir, x.trace_deliveries, x.pace,
           x.replay_t_ns, x.replay_command, x.replay_refusal);
}

/// Live commands that every node applies at `t_ns`, in this order, before
/// it resumes from hold `hold_id` (coordinator -> node). A refusal is traced,
/// not executed; `stop` ends the run at t_ns + 1 ns.
struct live_apply {
  std::string token; ///< the coordinator's
  uint64_t hold_id = 0;
  int64_t t_ns = 0;
  std::vector<std::string> command;
  std::vector<std::string> refusal; ///< empty: accepted
  bool stop = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, live_apply& x) {
  return f(caf::meta::type_name("live_apply"), x.token, x.hold_id, x.t_ns,
           x.command, x.refusal, x.stop);
}

/// What a node sends every other node after each window: the events for
/// that node as one Cap'n Proto blob (possibly empty), and the earliest time
/// of anything the sender still holds or sent. Once a node has every peer's
/// batch for window w, it knows the global next event time, and so the next
/// window, without a round trip through the coordinator.
struct window_batch {
  uint32_t from = 0;
  std::string token; ///< the sender's
  uint64_t window = 0;
  int64_t next_ns = 0; ///< min(own next event, earliest event it sent)
  uint64_t count = 0;  ///< events in `bytes`
  std::vector<char> bytes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, window_batch& x) {
  return f(caf::meta::type_name("window_batch"), x.from, x.token, x.window,
           x.next_ns, x.count, x.bytes);
}

/// A node's answer to a ping (node -> coordinator): where it is, and the
/// last complete prefix of its trace shard (trace::shard_prefix), and the
/// events it has delivered so far (progress lines).
struct node_status {
  uint32_t node = 0;
  std::string token;
  uint64_t window = 0;
  int64_t window_start_ns = 0;
  int64_t trace_until_ns = 0;
  uint64_t trace_records = 0;
  uint64_t trace_bytes = 0;
  uint64_t events = 0; ///< delivered so far
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_status& x) {
  return f(caf::meta::type_name("node_status"), x.node, x.token, x.window,
           x.window_start_ns, x.trace_until_ns, x.trace_records, x.trace_bytes,
           x.events);
}

/// A node's results at the end of the run (node -> coordinator).
struct final_report {
  uint32_t node = 0;
  std::string token;
  uint64_t events = 0;
  uint64_t windows = 0;
  int64_t last_ns = 0;
  std::vector<uint64_t> digests; ///< (entity id, delivered, hash) triples
  std::vector<std::string> counter_names;
  std::vector<int64_t> counter_values;
  std::vector<std::string> failures;
  uint64_t trace_records = 0;
  uint64_t trace_bytes = 0;
  int64_t rss_kb = 0;
  uint64_t refused = 0; ///< messages this node refused
  std::string error;
  /// Wall seconds from the first window to the last; of those, in windows
  /// (running lanes, exchanging, merging records), and the first lane's
  /// wait for the others at the end of each window.
  double run_s = 0;
  double window_s = 0;
  double lane_wait_s = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, final_report& x) {
  return f(caf::meta::type_name("final_report"), x.node, x.token, x.events,
           x.windows, x.last_ns, x.digests, x.counter_names, x.counter_values,
           x.failures, x.trace_records, x.trace_bytes, x.rss_kb, x.refused,
           x.error, x.run_s, x.window_s, x.lane_wait_s);
}

} // namespace vmss::protocol

namespace vmss::protocol {

using run_atom = caf::atom_constant<caf::atom("run")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using ok_atom = caf::atom_constant<caf::atom("ok")>;
using go_atom = caf::atom_constant<caf::atom("go")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using live_atom = caf::atom_constant<caf::atom("live")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using held_atom = caf::atom_constant<caf::atom("held")>;
using pace_atom = caf::atom_constant<caf::atom("pace")>;
using wake_atom = caf::atom_constant<caf::atom("wake")>;

} // namespace vmss::protocol
