#include "kernel/cluster_internal.hpp"
#include "kernel/log.hpp"
#include "kernel/node_launcher.hpp"
#include "kernel/sha256.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

namespace vmss {

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

std::string node_name(uint32_t k) {
  return "node " + std::to_string(k);
}

/// Node statuses kept per node for the trace's complete prefix: marks come
/// about once a second, and nodes are at most a window apart.
constexpr size_t max_prefixes = 16;

struct coordinator_state {
  const run_options* opts = nullptr;
  run_result* result = nullptr;
  run_tokens tokens;
  detail::refusals refused{"the coordinator"};
  // Rendezvous. Each node slot is taken once: by the first hello that
  // proves the run secret.
  std::vector<caf::response_promise> hellos, readies;
  std::vector<caf::actor> nodes;
  std::vector<uint16_t> ports;
  std::vector<bool> said_hello, said_ready, said_peers, said_done;
  size_t hello_count = 0, ready_count = 0, connected_count = 0;
  // Running: the nodes synchronise among themselves; the coordinator
  // watches them (pings) and collects their final reports.
  bool running = false;
  std::vector<steady::time_point> last_heard; ///< by node
  std::vector<sim_time> node_time;            ///< by node, from statuses
  std::vector<uint64_t> node_events;          ///< by node, from statuses
  /// By node, the last complete prefixes of its trace shard, oldest first.
  std::vector<std::deque<trace::shard_prefix>> prefixes;
  uint64_t max_window = 0; ///< furthest window reported
  steady::time_point last_progress;
  size_t done_count = 0;
  std::vector<protocol::final_report> finals;
  std::vector<bool> reported; ///< by node: its final report is in
  caf::response_promise done;
  bool finished = false;
  steady::time_point t_created = steady::now(), t_start;
  std::unique_ptr<progress_meter> progress; ///< made when the run starts
  steady::time_point last_tick = steady::now();
  steady::time_point wait_from = steady::now(); ///< set-up deadline base
  // Live control (docs/kernel.md "Live control"), see the section below.
  const model* probe = nullptr;          ///< checks live commands (check_live)
  bool ran = false;                      ///< the nodes were told to go
  std::vector<live::pending> live_early; ///< taken before the run started
  struct live_command {
    uint64_t id = 0; ///< the hub's request
    std::string command;
    std::string refusal; ///< empty: accepted
    bool stop = false;
  };
  std::vector<live_command> live_queue; ///< for the next hold, in order
  bool holding = false;
  uint64_t hold_id = 0;
  std::vector<bool> held; ///< by node, for hold_id
  size_t held_count = 0;
  sim_time hold_t = 0;      ///< the largest window end reported
  sim_time last_live_t = 0; ///< the time of the last live commands
  bool stopping = false;    ///< `stop` was applied
  double pace = 0;
  bool paused = false;
};

using coord_ptr = caf::stateful_actor<coordinator_state>*;

void on_live(coord_ptr self);
void live_run_ended(coord_ptr self);

/// Ends the run for the caller of run_simulation. After a success the
/// coordinator quits (the nodes, finished, then exit). After a failure it
/// stays until run_simulation has killed the node processes, so that no node
/// reports a lost coordinator before the cause is printed.
void complete(coord_ptr self, bool quit) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  if (st.progress)
    st.progress->finish();
  st.result->refused += st.refused.count();
  st.done.deliver(protocol::ok_atom::value);
  if (quit)
    self->quit();
}

/// A traced run that failed: the latest mark every node has written (marks
/// fall at the same window ends on every node), and each shard's prefix
/// there.
void record_trace_prefix(coordinator_state& st) {
  auto& res = *st.result;
  if (st.opts->trace_dir.empty())
    return;
  res.trace_incomplete = true;
  res.complete_until = 0;
  res.shards.assign(st.nodes.size(), {});
  if (st.prefixes.empty())
    return; // failed before the nodes ran
  for (auto mark = st.prefixes[0].rbegin(); mark != st.prefixes[0].rend();
       ++mark) {
    std::vector<trace::shard_stats> shards;
    for (const auto& node : st.prefixes) {
      auto i = std::find_if(node.begin(), node.end(), [&](const auto& p) {
        return p.until_ns == mark->until_ns;
      });
      if (i == node.end())
        break;
      shards.push_back({i->records, i->bytes});
    }
    if (shards.size() == st.nodes.size()) {
      res.complete_until = mark->until_ns;
      res.shards = std::move(shards);
      return;
    }
  }
}

/// Ends the run with `message` (the first failure wins). The nodes are told
/// to stop quietly, so that the cause is the first error line.
void fail(coord_ptr self, std::string message) {
  auto& st = self->state;
  if (st.finished)
    return;
  if (st.result->error.empty())
    st.result->error = std::move(message);
  for (auto& node : st.nodes)
    if (node) {
      self->demonitor(node);
      self->send(node, protocol::stop_atom::value, st.tokens.coordinator());
    }
  record_trace_prefix(st);
  complete(self, false);
}

void aggregate(coord_ptr self) {
  auto& st = self->state;
  auto& res = *st.result;
  std::vector<uint64_t> digests;
  res.shards.assign(st.nodes.size(), {});
  res.nodes.assign(st.nodes.size(), {});
  for (auto& f : st.finals) {
    res.nodes[f.node] = {f.node,     f.events,      f.windows, f.run_s,
                         f.window_s, f.lane_wait_s, f.rss_kb};
    res.shards[f.node] = {f.trace_records, f.trace_bytes};
    res.events += f.events;
    res.windows = std::max(res.windows, f.windows);
    res.end_t = std::max<sim_time>(res.end_t, f.last_ns);
    res.rss_kb = std::max(res.rss_kb, f.rss_kb);
    res.trace_records += f.trace_records;
    res.trace_bytes += f.trace_bytes;
    res.refused += f.refused;
    for (size_t i = 0; i < f.counter_names.size(); ++i)
      res.report.counters[f.counter_names[i]] += f.counter_values[i];
    for (auto& failure : f.failures)
      res.report.failures.push_back(failure);
    digests.insert(digests.end(), f.digests.begin(), f.digests.end());
  }
  // Entity order, not node order: the digest ignores the partition.
  std::vector<std::array<uint64_t, 3>> rows;
  for (size_t i = 0; i + 2 < digests.size(); i += 3)
    rows.push_back({digests[i], digests[i + 1], digests[i + 2]});
  std::sort(rows.begin(), rows.end());
  sha256 h;
  for (auto& row : rows)
    h.update(row.data(), sizeof(row));
  res.delivery_digest = h.hex();
  res.rss_kb = std::max(res.rss_kb, detail::peak_rss_kb());
}

void start_running(coord_ptr self) {
  auto& st = self->state;
  st.running = true;
  st.last_heard.assign(st.nodes.size(), steady::now());
  st.node_time.assign(st.nodes.size(), 0);
  st.node_events.assign(st.nodes.size(), 0);
  st.prefixes.assign(st.nodes.size(), {});
  st.reported.assign(st.nodes.size(), false);
  st.said_done.assign(st.nodes.size(), false);
  st.last_progress = steady::now();
  for (auto& node : st.nodes) {
    self->monitor(node);
    self->send(node, protocol::go_atom::value, st.tokens.coordinator());
  }
  st.ran = true;
  on_live(self); // requests that came before the start
}

/// Why a message claiming to come from node k is refused; empty when it
/// proves the run secret.
std::string check_node(const coordinator_state& st, uint32_t k,
                       const std::string& token) {
  if (k >= st.nodes.size())
    return "this run has no node " + std::to_string(k) + " (it has " +
           std::to_string(st.nodes.size()) + ")";
  if (!st.tokens.proves_node(k, token))
    return "it does not prove the run secret";
  return {};
}

/// Why a message that only a running node sends is refused (its token is
/// checked first), or empty.
std::string check_running(const coordinator_state& st, uint32_t k,
                          const std::string& token) {
  auto why = check_node(st, k, token);
  if (why.empty() && !st.running)
    why = "the run is not running";
  return why;
}

void on_done(coord_ptr self, uint32_t k, const std::string& token) {
  auto& st = self->state;
  auto why = check_running(st, k, token);
  if (why.empty() && st.said_done[k])
    why = "node " + std::to_string(k) + " said so already";
  if (!why.empty()) {
    st.refused.refuse("done from node " + std::to_string(k), why);
    return;
  }
  st.said_done[k] = true;
  live_run_ended(self);
  if (++st.done_count == st.nodes.size())
    st.result->wall_s = seconds_since(st.t_start);
}

void on_final(coord_ptr self, protocol::final_report& report) {
  auto& st = self->state;
  auto what = "the final report of node " + std::to_string(report.node);
  auto why = check_running(st, report.node, report.token);
  if (why.empty() && st.reported[report.node])
    why = "it came already";
  if (!why.empty()) {
    st.refused.refuse(what, why);
    return;
  }
  if (!report.error.empty()) {
    fail(self, node_name(report.node) + ": " + report.error);
    return;
  }
  self->demonitor(st.nodes[report.node]);
  st.last_heard[report.node] = steady::now();
  st.reported[report.node] = true;
  st.finals.push_back(std::move(report));
  if (st.finals.size() == st.nodes.size()) {
    st.running = false;
    st.result->setup_s +=
        std::chrono::duration<double>(st.t_start - st.t_created).count();
    aggregate(self);
    complete(self, true);
  }
}

void on_status(coord_ptr self, const protocol::node_status& status) {
  auto& st = self->state;
  uint32_t k = status.node;
  auto why = check_node(st, k, status.token);
  if (!why.empty()) {
    st.refused.refuse("the status of node " + std::to_string(k), why);
    return;
  }
  if (!st.running)
    return; // a late answer to a ping
  st.last_heard[k] = steady::now();
  st.node_time[k] = status.window_start_ns;
  st.node_events[k] = status.events;
  if (status.window > st.max_window) {
    st.max_window = status.window;
    st.last_progress = steady::now();
  }
  auto& prefixes = st.prefixes[k];
  if (status.trace_until_ns > 0 &&
      (prefixes.empty() || prefixes.back().until_ns != status.trace_until_ns)) {
    prefixes.push_back(
        {status.trace_until_ns, status.trace_records, status.trace_bytes});
    if (prefixes.size() > max_prefixes)
      prefixes.pop_front();
  }
}

sim_time slowest_time(const coordinator_state& st) {
  return st.node_time.empty()
             ? 0
             : *std::min_element(st.node_time.begin(), st.node_time.end());
}

void print_progress(coord_ptr self) {
  auto& st = self->state;
  if (!st.running)
    return;
  if (!st.progress)
    st.progress = std::make_unique<progress_meter>(
        st.opts->progress, st.opts->progress_interval_s);
  progress_sample sample;
  sample.virtual_s = to_seconds(slowest_time(st));
  if (st.opts->until != sim_time_never)
    sample.end_s = to_seconds(st.opts->until);
  for (auto events : st.node_events)
    sample.events += events;
  sample.wall_s = seconds_since(st.t_start);
  st.progress->update(sample);
}

/// Pings come every tick: often enough for a few per node timeout.
std::chrono::duration<double> tick_period(const coordinator_state& st) {
  return std::min<std::chrono::duration<double>>(
      200ms, std::chrono::duration<double>(st.opts->node_timeout_s / 5));
}

/// A tick this late means the coordinator itself did not run (stopped,
/// or starved of CPU): nodes could not be heard meanwhile, so the silence
/// does not count against them.
bool forgive_own_stall(coord_ptr self) {
  auto& st = self->state;
  auto now = steady::now();
  double gap = std::chrono::duration<double>(now - st.last_tick).count();
  st.last_tick = now;
  if (gap <= std::min(1.0, st.opts->node_timeout_s / 2))
    return false;
  logging::warn("the coordinator did not run for {} s (stopped or starved "
                "of CPU); not counted against the nodes",
                static_cast<int>(gap + 0.5));
  std::fill(st.last_heard.begin(), st.last_heard.end(), now);
  st.last_progress = st.wait_from = now;
  return true;
}

/// Before running: fails the run if the nodes take too long to join.
void check_setup(coord_ptr self) {
  auto& st = self->state;
  bool waiting =
      st.hello_count < st.nodes.size() || st.connected_count < st.nodes.size();
  if (!waiting || seconds_since(st.wait_from) <= st.opts->node_timeout_s * 3)
    return;
  for (uint32_t k = 0; k < st.nodes.size(); ++k)
    if (!st.said_hello[k]) {
      fail(self, node_name(k) + " never connected");
      return;
    }
  fail(self, "the nodes did not finish setting up in time");
}

/// Pings the nodes; fails the run if one has been silent for too long.
void on_tick(coord_ptr self) {
  auto& st = self->state;
  if (st.finished)
    return;
  self->delayed_send(self,
                     std::chrono::duration_cast<caf::timespan>(tick_period(st)),
                     protocol::tick_atom::value);
  if (forgive_own_stall(self))
    return;
  print_progress(self);
  double limit = st.opts->node_timeout_s;
  if (!st.running) {
    check_setup(self);
    return;
  }
  for (auto& node : st.nodes)
    self->send(node, protocol::ping_atom::value, st.tokens.coordinator());
  // In one process a long window is just a long window.
  if (st.opts->nodes == 1)
    return;
  for (uint32_t k = 0; k < st.nodes.size(); ++k) {
    double silent = seconds_since(st.last_heard[k]);
    if (silent > limit) {
      fail(self, node_name(k) + " stopped answering: nothing for " +
                     std::to_string(static_cast<int>(silent)) +
                     " s at virtual time " +
                     std::to_string(to_seconds(st.node_time[k])) + " s");
      return;
    }
  }
  // Every node answers, yet no window completes: a protocol bug, not a
  // dead node. Fail rather than hang. (Paced, paused or holding for live
  // commands, nodes wait on purpose.)
  if (st.pace > 0 || st.paused || st.holding)
    st.last_progress = steady::now();
  if (seconds_since(st.last_progress) > limit && st.done_count == 0)
    fail(self, "no node has finished a window for " +
                   std::to_string(static_cast<int>(limit)) +
                   " s (stuck after window " + std::to_string(st.max_window) +
                   " at virtual time " +
                   std::to_string(to_seconds(slowest_time(st))) + " s)");
}

// -- live control --------------------------------------------------------
//
// `vmss-sim ctl` and the live view queue requests in the hub (run_options::
// live); the hub's wake-up makes the coordinator take them. `status`,
// `pause`, `resume` and `pace X` are run control: answered here, never
// traced. Every other command (and any request without the run's token, as
// a refusal) is checked by the model, then applied on every node at one
// virtual time T: the coordinator holds every node at its next window
// boundary, T = the largest window end any node reached (never before the
// previous live T), and sends (T, commands in arrival order); each node
// applies them and starts its next window at or before T.

/// The live parts of a node's set-up: the pace, and the commands to replay.
void add_live_setup(const run_options& opts, protocol::node_setup& setup) {
  setup.pace = opts.pace;
  for (const auto& c : opts.replay) {
    setup.replay_t_ns.push_back(c.t);
    setup.replay_command.push_back(c.canonical);
    setup.replay_refusal.push_back(c.refusal);
  }
}

/// A virtual time for people: seconds with up to 9 decimals.
std::string live_time_text(sim_time t) {
  auto text = fmt::format("{}.{:09d}", t / 1000000000, t % 1000000000);
  while (text.back() == '0')
    text.pop_back();
  if (text.back() == '.')
    text.pop_back();
  return text + "s";
}

std::string live_join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words)
    out += (out.empty() ? "" : " ") + w;
  return out;
}

/// The `status` answer: where the run is (from the nodes' last statuses,
/// at most a tick old) and, when the runner provides it, the region.
std::string live_status(const coordinator_state& st) {
  uint64_t events = 0;
  for (auto e : st.node_events)
    events += e;
  std::string region =
      st.opts->live_status ? st.opts->live_status() : std::string("null");
  return fmt::format(
      "{{\"virtual_s\":{:.6f},\"pace\":{},\"paused\":{},\"events\":{},"
      "\"windows\":{},\"nodes\":{},\"until_s\":{},\"stopping\":{},"
      "\"region\":{}}}",
      to_seconds(slowest_time(st)), st.pace, st.paused ? "true" : "false",
      events, st.max_window, st.nodes.size(),
      st.opts->until == sim_time_never
          ? std::string("null")
          : fmt::format("{:.6f}", to_seconds(st.opts->until)),
      st.stopping ? "true" : "false", region);
}

void live_reply(coordinator_state& st, uint64_t id, bool ok, std::string text) {
  st.opts->live->reply(id, {ok, std::move(text)});
}

/// Parses the X of `pace X`: virtual seconds per wall second, 0 (as fast as
/// possible) to 1e9.
bool live_parse_pace(const std::vector<std::string>& words, double& pace) {
  if (words.size() != 2 || words[1].empty())
    return false;
  char* end = nullptr;
  pace = std::strtod(words[1].c_str(), &end);
  return *end == '\0' && std::isfinite(pace) && pace >= 0 && pace <= 1e9;
}

void live_send_pace(coord_ptr self) {
  auto& st = self->state;
  for (auto& node : st.nodes)
    self->send(node, protocol::pace_atom::value, st.tokens.coordinator(),
               st.pace, st.paused);
}

/// pause, resume, pace X: true when `p` was one of them (answered).
bool live_run_control(coord_ptr self, const live::pending& p) {
  auto& st = self->state;
  const auto& verb = p.words[0];
  if (verb == "pause" || verb == "resume") {
    if (p.words.size() != 1) {
      live_reply(st, p.id, false, verb + " takes no arguments");
      return true;
    }
    st.paused = verb == "pause";
    live_send_pace(self);
    live_reply(st, p.id, true, st.paused ? "paused" : "resumed");
    return true;
  }
  if (verb == "pace") {
    double pace = 0;
    if (!live_parse_pace(p.words, pace)) {
      live_reply(st, p.id, false,
                 "pace X: X is virtual seconds per wall second, 0 (as fast "
                 "as possible) to 1e9");
      return true;
    }
    st.pace = pace;
    live_send_pace(self);
    live_reply(st, p.id, true, fmt::format("pace {}", pace));
    return true;
  }
  return false;
}

void live_request(coord_ptr self, live::pending& p) {
  auto& st = self->state;
  if (p.words.empty()) {
    live_reply(st, p.id, false, "no command");
    return;
  }
  if (st.finished || st.done_count > 0 || st.stopping) {
    live_reply(st, p.id, false, "the run has ended");
    return;
  }
  if (!p.token_ok) {
    st.live_queue.push_back({p.id, live_join(p.words),
                             "the request does not carry the run's token",
                             false});
    return;
  }
  if (p.words[0] == "status") {
    live_reply(st, p.id, true, live_status(st));
    return;
  }
  if (live_run_control(self, p))
    return;
  try {
    auto canonical = st.probe->check_live(p.words);
    st.live_queue.push_back({p.id, canonical, "", p.words[0] == "stop"});
  } catch (const std::exception& e) {
    // A model's check may throw more than std::invalid_argument: a bad
    // command never takes the run down.
    live_reply(st, p.id, false, e.what());
  }
}

/// Holds every node at its next window boundary, if commands wait.
void live_hold(coord_ptr self) {
  auto& st = self->state;
  if (st.holding || st.live_queue.empty() || !st.running)
    return;
  st.holding = true;
  ++st.hold_id;
  st.held.assign(st.nodes.size(), false);
  st.held_count = 0;
  st.hold_t = 0;
  for (auto& node : st.nodes)
    self->send(node, protocol::hold_atom::value, st.tokens.coordinator(),
               st.hold_id);
}

void on_live(coord_ptr self) {
  auto& st = self->state;
  if (!st.opts->live || st.finished)
    return;
  auto taken = st.opts->live->take();
  if (!st.ran) {
    st.live_early.insert(st.live_early.end(), taken.begin(), taken.end());
    return;
  }
  taken.insert(taken.begin(), st.live_early.begin(), st.live_early.end());
  st.live_early.clear();
  for (auto& p : taken)
    live_request(self, p);
  live_hold(self);
}

/// Every node holds: the commands take effect at T.
void live_apply_held(coord_ptr self) {
  auto& st = self->state;
  sim_time t = std::max(st.hold_t, st.last_live_t);
  st.last_live_t = t;
  protocol::live_apply a;
  a.token = st.tokens.coordinator();
  a.hold_id = st.hold_id;
  a.t_ns = t;
  for (auto& c : st.live_queue) {
    a.command.push_back(c.command);
    a.refusal.push_back(c.refusal);
    a.stop = a.stop || (c.stop && c.refusal.empty());
  }
  for (auto& node : st.nodes)
    self->send(node, a);
  for (auto& c : st.live_queue) {
    if (c.refusal.empty())
      live_reply(st, c.id, true, "accepted at " + live_time_text(t));
    else
      live_reply(st, c.id, false,
                 "refused: " + c.refusal + " (traced at " + live_time_text(t) +
                     ")");
  }
  st.live_queue.clear();
  st.holding = false;
  st.stopping = st.stopping || a.stop;
  logging::debug("live: {} command(s) at {}", a.command.size(),
                 live_time_text(t));
}

void on_held(coord_ptr self, uint32_t k, const std::string& token, uint64_t id,
             int64_t end_ns) {
  auto& st = self->state;
  auto why = check_running(st, k, token);
  if (!why.empty()) {
    st.refused.refuse("held from node " + std::to_string(k), why);
    return;
  }
  if (!st.holding || id != st.hold_id || st.held[k])
    return;
  st.held[k] = true;
  st.hold_t = std::max<sim_time>(st.hold_t, end_ns);
  if (++st.held_count == st.nodes.size())
    live_apply_held(self);
}

/// A node finished: what waits will not take effect.
void live_run_ended(coord_ptr self) {
  auto& st = self->state;
  if (!st.opts->live)
    return;
  for (auto& c : st.live_queue)
    live_reply(st, c.id, false,
               "the run ended before the command could take effect");
  st.live_queue.clear();
  for (auto& p : st.live_early)
    live_reply(st, p.id, false, "the run has ended");
  st.live_early.clear();
  st.holding = false;
}

/// Once every node has said hello, each gets its set-up.
void send_setups(coord_ptr self) {
  auto& st = self->state;
  st.t_start = steady::now();
  for (uint32_t j = 0; j < st.nodes.size(); ++j) {
    protocol::node_setup setup;
    setup.model_spec = st.opts->model_spec;
    setup.seed = st.opts->seed;
    setup.nodes = st.opts->nodes;
    setup.node = j;
    setup.lanes = st.opts->threads;
    setup.until_ns = st.opts->until;
    setup.trace_dir = st.opts->trace_dir;
    setup.trace_deliveries = st.opts->trace_deliveries;
    add_live_setup(*st.opts, setup);
    st.hellos[j].deliver(std::move(setup));
  }
}

void on_hello(coord_ptr self, uint32_t k, const std::string& token) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  auto why = check_node(st, k, token);
  if (why.empty() && st.said_hello[k])
    why = "the slot of node " + std::to_string(k) + " is taken";
  if (!why.empty()) {
    rp.deliver(st.refused.refuse("hello from node " + std::to_string(k), why));
    return;
  }
  st.said_hello[k] = true;
  st.hellos[k] = rp;
  if (++st.hello_count == st.nodes.size())
    send_setups(self);
}

void on_ready(coord_ptr self, uint32_t k, const std::string& token,
              caf::actor node, uint16_t port) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  auto why = check_node(st, k, token);
  if (why.empty() && (!st.said_hello[k] || st.hello_count < st.nodes.size()))
    why = "it comes before the set-up";
  if (why.empty() && st.said_ready[k])
    why = "node " + std::to_string(k) + " is ready already";
  if (why.empty() && !node)
    why = "it names no actor";
  if (!why.empty()) {
    rp.deliver(st.refused.refuse("ready from node " + std::to_string(k), why));
    return;
  }
  st.said_ready[k] = true;
  st.readies[k] = rp;
  st.nodes[k] = node;
  st.ports[k] = port;
  if (++st.ready_count < st.nodes.size())
    return;
  for (auto& r : st.readies)
    r.deliver(st.ports);
}

caf::result<protocol::ok_atom> on_peers(coord_ptr self, uint32_t k,
                                        const std::string& token) {
  auto& st = self->state;
  auto why = check_node(st, k, token);
  if (why.empty() && (st.ready_count < st.nodes.size() || st.said_peers[k]))
    why = "it is not expected now";
  if (!why.empty())
    return st.refused.refuse("peers from node " + std::to_string(k), why);
  st.said_peers[k] = true;
  if (++st.connected_count == st.nodes.size())
    start_running(self);
  return protocol::ok_atom::value;
}

caf::behavior coordinator(coord_ptr self, const run_options* opts,
                          run_result* result, run_tokens tokens,
                          const model* probe) {
  auto& st = self->state;
  st.opts = opts;
  st.probe = probe;
  st.pace = opts->pace;
  st.result = result;
  st.tokens = std::move(tokens);
  uint32_t n = opts->nodes;
  st.hellos.resize(n);
  st.readies.resize(n);
  st.nodes.resize(n);
  st.ports.resize(n);
  st.said_hello.assign(n, false);
  st.said_ready.assign(n, false);
  st.said_peers.assign(n, false);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    for (uint32_t k = 0; k < st.nodes.size(); ++k)
      if (st.nodes[k] && msg.source == st.nodes[k].address())
        fail(self, node_name(k) + " died (" +
                       detail::describe(self->system(), msg.reason) +
                       ") at virtual time " +
                       std::to_string(to_seconds(st.node_time[k])) + " s");
  });
  self->set_default_handler(
      [=](caf::scheduled_actor*,
          caf::message_view&) -> caf::result<caf::message> {
        return self->state.refused.refuse("a message",
                                          "it is not part of the protocol");
      });
  self->send(self, protocol::tick_atom::value);
  return {
      // From this process only: the run waits until the coordinator ends.
      [=](protocol::run_atom) {
        if (!detail::from_this_process(self))
          return;
        self->state.done = self->make_response_promise();
      },
      [=](protocol::start_atom, std::vector<caf::actor>& nodes) {
        auto& st = self->state;
        if (!detail::from_this_process(self) || nodes.size() != st.nodes.size())
          return;
        st.done = self->make_response_promise();
        st.nodes = std::move(nodes);
        st.t_start = steady::now();
        st.hello_count = st.connected_count = st.nodes.size();
        start_running(self);
      },
      [=](protocol::hello_atom, uint32_t k, const std::string& token) {
        on_hello(self, k, token);
      },
      [=](protocol::ready_atom, uint32_t k, const std::string& token,
          caf::actor node,
          uint16_t port) { on_ready(self, k, token, std::move(node), port); },
      [=](protocol::peers_atom, uint32_t k, const std::string& token) {
        return on_peers(self, k, token);
      },
      [=](protocol::node_status& status) { on_status(self, status); },
      [=](protocol::done_atom, uint32_t k, const std::string& token) {
        on_done(self, k, token);
      },
      [=](protocol::final_report& report) { on_final(self, report); },
      // From the hub's wake-up (any thread, anonymous): requests are queued.
      // Harmless from anywhere: it only makes the coordinator look.
      [=](protocol::live_atom) { on_live(self); },
      [=](protocol::held_atom, uint32_t k, const std::string& token,
          uint64_t id, int64_t end_ns) { on_held(self, k, token, id, end_ns); },
      [=](protocol::tick_atom) {
        if (detail::from_this_process(self))
          on_tick(self);
      },
  };
}

void run_in_process(caf::actor_system& sys, const run_options& opts,
                    run_result& result, caf::actor coord,
                    const run_tokens& tokens) {
  protocol::node_setup setup;
  setup.model_spec = opts.model_spec;
  setup.seed = opts.seed;
  setup.lanes = opts.threads;
  setup.until_ns = opts.until;
  setup.trace_dir = opts.trace_dir;
  setup.trace_deliveries = opts.trace_deliveries;
  add_live_setup(opts, setup);
  auto t0 = steady::now();
  auto node = detail::build_node(sys, setup, opts.factory);
  node->lanes.set_observer(&opts.observer);
  double build_s = seconds_since(t0); // actor creation counts as run time
  auto actor = detail::spawn_node_actor(sys, *node, coord, opts.until, tokens);
  caf::scoped_actor self{sys};
  self->request(coord, caf::infinite, protocol::start_atom::value,
                std::vector<caf::actor>{actor})
      .receive([](protocol::ok_atom) {},
               [&](caf::error& err) {
                 if (result.error.empty())
                   result.error = detail::describe(sys, err);
               });
  self->wait_for(actor);
  result.wall_s += build_s;
}

void run_distributed(caf::actor_system& sys, const run_options& opts,
                     run_result& result, caf::actor coord,
                     const std::string& secret) {
  const auto& where = opts.layout;
  auto port = sys.middleman().publish(coord, where.coordinator_port,
                                      where.coordinator_address.c_str(), true);
  if (!port) {
    result.error = "cannot publish the coordinator on " +
                   where.coordinator_address + ":" +
                   std::to_string(where.coordinator_port) + ": " +
                   detail::describe(sys, port.error());
    return;
  }
  auto address = where.coordinator_address + ":" + std::to_string(*port);
  logging::info("coordinator {} pid {}", address, getpid());
  node_launcher children(where);
  if (!children.start({opts.executable, address, opts.nodes, opts.threads,
                       logging::name(logging::current_level()), secret},
                      result.error))
    return;
  caf::scoped_actor self{sys};
  self->request(coord, caf::infinite, protocol::run_atom::value)
      .receive([](protocol::ok_atom) {},
               [&](caf::error& err) {
                 if (result.error.empty())
                   result.error = detail::describe(sys, err);
               });
  children.stop(!result.error.empty());
}

} // namespace

run_result run_simulation(const run_options& opts) {
  run_result result;
  auto t_setup = steady::now();
  std::unique_ptr<model> probe;
  try {
    if (opts.threads < 1 || opts.threads > max_lanes)
      throw std::invalid_argument("--threads must be 1 to " +
                                  std::to_string(max_lanes));
    probe = opts.factory(opts.model_spec, opts.seed, run_shards(opts));
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;
  }
  caf::actor_system_config cfg;
  // Two scheduler threads: the coordinator answers while the node actor
  // runs its windows; the lanes have threads of their own.
  detail::configure(cfg, 2, opts.nodes > 1, opts.messages);
  result.run_lines = probe->describe_run();
  caf::actor_system sys{cfg};
  if (run_shards(opts) > 1 && probe->lookahead() <= 0) {
    result.error = "the model's lookahead must be positive for --nodes > 1 "
                   "or --threads > 1";
    return result;
  }
  result.setup_s = seconds_since(t_setup);
  std::string secret;
  run_tokens tokens;
  try {
    secret = opts.secret.empty() ? generate_run_secret() : opts.secret;
    tokens = run_tokens(secret, opts.nodes);
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;
  }
  auto coord = sys.spawn(coordinator, &opts, &result, tokens,
                         static_cast<const model*>(probe.get()));
  if (opts.live)
    opts.live->set_wakeup(
        [coord] { caf::anon_send(coord, protocol::live_atom::value); });
  try {
    if (opts.nodes > 1)
      run_distributed(sys, opts, result, coord, secret);
    else
      run_in_process(sys, opts, result, coord, tokens);
  } catch (const std::exception& e) {
    if (result.error.empty())
      result.error = e.what();
  }
  if (opts.live) {
    opts.live->set_wakeup(nullptr);
    opts.live->close(result.error.empty() ? "the run is over"
                                          : "the run failed: " + result.error);
  }
  caf::anon_send_exit(coord, caf::exit_reason::user_shutdown);
  if (result.error.empty())
    probe->check(result.report, result.end_t, result.check_failures);
  return result;
}

} // namespace vmss
