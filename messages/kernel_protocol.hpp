#pragma once
/// Messages of the window protocol between the coordinator and the node
/// processes (CAF messages; simulation events travel inside event_blob).

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::protocol {

using hello_atom = caf::atom_constant<caf::atom("hello")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

/// What a node needs to build its part of the run (coordinator -> node).
struct node_setup {
  std::string model_spec;
  uint64_t seed = 0;
  uint32_t nodes = 1;
  uint32_t node = 0;
  int64_t until_ns = 0;
  std::string trace_dir;
  bool trace_deliveries = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_setup& x) {
  return f(caf::meta::type_name("node_setup"), x.model_spec, x.seed, x.nodes,
           x.node, x.until_ns, x.trace_dir, x.trace_deliveries);
}

/// Run every event before `end_ns`, once at least expected_from[i] events
/// from each node i have arrived since the start (coordinator -> node).
/// Blobs from one node arrive in order, so a count per sender cannot be
/// satisfied by a later window's blob while an earlier one is missing.
struct window_cmd {
  int64_t end_ns = 0;
  std::vector<uint64_t> expected_from;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, window_cmd& x) {
  return f(caf::meta::type_name("window_cmd"), x.end_ns, x.expected_from);
}

/// A node finished a window (node -> coordinator).
struct window_report {
  uint32_t node = 0;
  std::vector<uint64_t> sent; ///< events sent to each node in this window
  int64_t next_ns = 0;        ///< earliest local event left
  int64_t outbox_min_ns = 0;  ///< earliest event sent to another node
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, window_report& x) {
  return f(caf::meta::type_name("window_report"), x.node, x.sent, x.next_ns,
           x.outbox_min_ns, x.error);
}

/// One window's events from one node to another, as one Cap'n Proto blob.
struct event_blob {
  uint32_t from = 0;
  uint64_t count = 0;
  std::vector<char> bytes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_blob& x) {
  return f(caf::meta::type_name("event_blob"), x.from, x.count, x.bytes);
}

/// A node's results at the end of the run (node -> coordinator).
struct final_report {
  uint32_t node = 0;
  uint64_t events = 0;
  int64_t last_ns = 0;
  std::vector<uint64_t> digests; ///< (entity id, delivered, hash) triples
  std::vector<std::string> counter_names;
  std::vector<int64_t> counter_values;
  std::vector<std::string> failures;
  uint64_t trace_records = 0;
  uint64_t trace_bytes = 0;
  int64_t rss_kb = 0;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, final_report& x) {
  return f(caf::meta::type_name("final_report"), x.node, x.events, x.last_ns,
           x.digests, x.counter_names, x.counter_values, x.failures,
           x.trace_records, x.trace_bytes, x.rss_kb, x.error);
}

} // namespace vmss::protocol

namespace vmss::protocol {

using run_atom = caf::atom_constant<caf::atom("run")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using ok_atom = caf::atom_constant<caf::atom("ok")>;

} // namespace vmss::protocol
