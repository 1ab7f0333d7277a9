#include "kernel/cluster_internal.hpp"
#include "kernel/log.hpp"
#include "kernel/message_family.hpp"
#include "kernel/wire.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

namespace vmss::detail {

void configure(caf::actor_system_config& cfg, uint32_t threads, bool middleman,
               message_registration messages) {
  register_kernel_messages(cfg);
  if (messages)
    messages(cfg);
  cfg.set("scheduler.max-threads", static_cast<size_t>(std::max(threads, 1u)));
  // Idle workers otherwise sleep between polls, which caps window barriers.
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  cfg.set("logger.verbosity", caf::atom("quiet"));
  if (middleman) {
    cfg.load<caf::io::middleman>();
    cfg.set("middleman.workers", size_t{0});
  }
}

std::unique_ptr<node_instance> build_node(caf::actor_system& sys,
                                          const protocol::node_setup& setup,
                                          const model_factory& factory) {
  if (setup.lanes < 1 || setup.lanes > max_lanes)
    throw std::invalid_argument("a node process runs 1 to " +
                                std::to_string(max_lanes) + " lanes");
  auto node =
      std::make_unique<node_instance>(setup.node, setup.nodes, setup.lanes);
  auto& lanes = node->lanes;
  // Each lane is built as a node process of its own would be, with the
  // shard count as the models' node count.
  for (size_t i = 0; i < lanes.size(); ++i) {
    auto& lane = lanes[i];
    lane.sim = factory(setup.model_spec, setup.seed, lanes.shards());
    lane.table = entity_table(lanes.shards());
    lane.sim->describe(lane.table);
    lane.table.finalize();
    kernel_config kcfg;
    kcfg.seed = setup.seed;
    kcfg.node = lanes.shard(i);
    kcfg.slot_width = std::min(lane.sim->lookahead(), ms(1));
    kcfg.trace_deliveries = setup.trace_deliveries;
    lane.kernel =
        std::make_unique<node_kernel>(lane.table, lane.sim->network(), kcfg);
    for (entity_id id = 0; id < lane.table.size(); ++id)
      if (lane.kernel->is_local(id))
        lane.sim->spawn(sys, *lane.kernel, id);
    lane.kernel->schedule_starts();
    lane.sim->inject(*lane.kernel);
  }
  if (!setup.trace_dir.empty())
    node->trace =
        std::make_unique<trace::shard_writer>(setup.trace_dir, setup.node);
  lanes.set_trace(node->trace.get());
  // `run --replay`: the live commands of the earlier run, after every
  // scenario injection, in trace order (the kernel numbers injections).
  for (size_t i = 0; i < setup.replay_t_ns.size(); ++i)
    lanes.apply_live(setup.replay_t_ns[i], setup.replay_command.at(i),
                     setup.replay_refusal.at(i));
  node->pace = setup.pace;
  return node;
}

int64_t peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

caf::error refusals::refuse(const std::string& what, const std::string& why) {
  constexpr uint64_t max_reported = 10;
  if (++count_ <= max_reported)
    logging::warn("{} refused {}: {}{}", who_, what, why,
                  count_ == max_reported ? " (further refusals are only "
                                           "counted)"
                                         : "");
  return caf::make_error(caf::sec::runtime_error,
                         who_ + " refused " + what + ": " + why);
}

bool from_this_process(caf::scheduled_actor* self) {
  const auto& sender = self->current_sender();
  return sender && sender->node() == self->home_system().node();
}

std::string describe(caf::actor_system& sys, const caf::error& err) {
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
    case caf::sec::runtime_error:
      if (err.context().match_elements<std::string>())
        return err.context().get_as<std::string>(0);
      break;
    case caf::sec::request_receiver_down:
      return "the other side went away";
    case caf::sec::request_timeout:
      return "no answer in time";
    case caf::sec::cannot_connect_to_node:
      return "nothing accepts connections there";
    default:
      break;
    }
  } else if (err.category() == caf::atom("exit")) {
    switch (static_cast<caf::exit_reason>(err.code())) {
    case caf::exit_reason::remote_link_unreachable:
    case caf::exit_reason::unreachable:
      return "its connection closed";
    case caf::exit_reason::kill:
      return "killed";
    case caf::exit_reason::unhandled_exception:
      return "an unhandled exception";
    default:
      break;
    }
  }
  return sys.render(err);
}

namespace {

/// Every node marks its trace shard complete after the first window that
/// ends in each new interval of this much virtual time. Every node runs the
/// same windows, so all mark the same points, and where the marks fall (and
/// so the shards' bytes) depends on the run, never on the wall clock.
constexpr sim_time trace_mark_interval = seconds(1);

struct node_state {
  node_instance* node = nullptr;
  caf::actor coordinator;
  run_tokens tokens;
  refusals refused{"node"};
  std::vector<caf::actor> peers;
  size_t peers_known = 0;
  caf::response_promise peers_complete;
  sim_time lookahead = sim_time_never;
  sim_time until = sim_time_never;
  uint64_t window = 0; ///< the last window this node ran (0: none yet)
  sim_time window_start = 0;
  sim_time own_next = 0; ///< this node's next_ns for `window`
  /// Peer batches by window; peers run at most one window ahead.
  std::map<uint64_t, std::vector<protocol::window_batch>> inbox;
  sim_time last_mark = 0; ///< end of the last window marked
  bool started = false;   ///< got `go` and sent its window-0 batch
  bool finished = false;
  bool go_pending = false; ///< alone: a `go` to itself is in the mailbox
  // The next window, once every peer's batch of the current one is in.
  bool have_next = false;
  sim_time next_start = 0;
  sim_time last_end = 0;      ///< end of the last window run
  std::vector<event> sending; ///< a peer's events being encoded
  // Where the wall time goes (final_report).
  std::chrono::steady_clock::time_point started_wall;
  double window_s = 0;
  // Live control (docs/kernel.md "Live control").
  bool holding = false; ///< told to hold at this window boundary
  uint64_t hold_id = 0;
  /// Times of applied live commands that no window has run past yet,
  /// ascending: every node starts its next window at or before the first.
  std::vector<sim_time> live_times;
  // Pacing against the wall clock: never changes a result.
  double pace = 0;
  bool paused = false;
  bool wake_pending = false;
  std::chrono::steady_clock::time_point anchor_wall;
  sim_time anchor_virt = 0;
};

using node_actor_ptr = caf::stateful_actor<node_state>*;

uint32_t node_id(node_actor_ptr self) {
  return self->state.node->lanes.node();
}

const std::string& my_token(node_actor_ptr self) {
  return self->state.tokens.node(node_id(self));
}

protocol::final_report final_report(node_actor_ptr self) {
  auto& st = self->state;
  auto& lanes = st.node->lanes;
  model_report mr;
  lanes.finish(mr);
  protocol::final_report out;
  out.node = lanes.node();
  out.token = my_token(self);
  out.events = lanes.stats().events;
  out.windows = st.window;
  out.last_ns = lanes.stats().last_t;
  for (const auto& d : lanes.delivery_digests()) {
    out.digests.push_back(d.id);
    out.digests.push_back(d.delivered);
    out.digests.push_back(d.hash);
  }
  for (const auto& [name, value] : mr.counters) {
    out.counter_names.push_back(name);
    out.counter_values.push_back(value);
  }
  out.failures = mr.failures;
  out.error = lanes.error();
  if (st.node->trace) {
    try {
      auto stats = st.node->trace->close();
      out.trace_records = stats.records;
      out.trace_bytes = stats.bytes;
    } catch (const std::exception& e) {
      out.error = e.what();
    }
  }
  out.rss_kb = peak_rss_kb();
  out.refused = st.refused.count();
  out.run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            st.started_wall)
                  .count();
  out.window_s = st.window_s;
  out.lane_wait_s = lanes.lane_wait_s();
  return out;
}

/// The run is over for this node (done, or failed): report and wait for
/// the coordinator to go away.
void finish(node_actor_ptr self) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  self->send(st.coordinator, protocol::done_atom::value, node_id(self),
             my_token(self));
  self->send(st.coordinator, final_report(self));
}

/// Sends every peer this window's batch: its events, and this node's next
/// event time (including what it just sent).
void broadcast(node_actor_ptr self) {
  auto& st = self->state;
  auto& lanes = st.node->lanes;
  sim_time sent_min = lanes.outbox_min_time();
  st.own_next = std::min(lanes.next_time(), sent_min);
  uint32_t me = node_id(self);
  for (uint32_t j = 0; j < st.peers.size(); ++j) {
    if (j == me)
      continue;
    st.sending.clear();
    lanes.take_outbox(j, st.sending);
    protocol::window_batch batch{me,          my_token(self),    st.window,
                                 st.own_next, st.sending.size(), {}};
    if (!st.sending.empty())
      batch.bytes = wire::encode_batch(me, st.sending);
    self->send(st.peers[j], std::move(batch));
  }
  lanes.clear_outbox();
}

/// Runs window [next, end); after it, marks the trace shard complete up to
/// `end` when the window enters a new trace_mark_interval. False when the
/// run failed.
bool run_window(node_actor_ptr self, sim_time end) {
  auto& st = self->state;
  auto& lanes = st.node->lanes;
  auto t0 = std::chrono::steady_clock::now();
  bool ok = lanes.run_window(end, self->context());
  st.window_s +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  if (!ok)
    return false;
  bool mark = end / trace_mark_interval > st.last_mark / trace_mark_interval;
  if (mark && st.node->trace) {
    st.last_mark = end;
    try {
      st.node->trace->mark_complete(end);
    } catch (const std::exception& e) {
      lanes.fail(e.what());
      return false;
    }
  }
  return true;
}

/// Takes the peers' batches of the current window once all are in, and
/// fixes the start of the next window (the global next event time). False
/// while some are missing.
bool collect_next(node_actor_ptr self) {
  auto& st = self->state;
  if (st.have_next)
    return true;
  auto i = st.inbox.find(st.window);
  size_t have = i == st.inbox.end() ? 0 : i->second.size();
  if (have + 1 < st.peers.size())
    return false;
  sim_time next = st.own_next;
  if (i != st.inbox.end()) {
    for (auto& batch : i->second) {
      next = std::min<sim_time>(next, batch.next_ns);
      if (batch.count == 0)
        continue;
      std::vector<event> events;
      events.reserve(batch.count);
      wire::decode_batch(batch.bytes, events);
      st.node->lanes.accept(std::move(events));
    }
    st.inbox.erase(i);
  }
  st.next_start = next;
  st.have_next = true;
  return true;
}

/// The width of the window starting now: the lookahead across nodes; alone,
/// 1 s, or 20 ms of wall time when paced (window width changes no result).
sim_time window_width(const node_state& st) {
  if (st.peers.size() > 1 || st.pace <= 0)
    return st.lookahead;
  auto paced = static_cast<sim_time>(st.pace * 0.02 * 1e9);
  return std::clamp<sim_time>(paced, 1000, st.lookahead);
}

/// How far ahead of the wall clock a paced node may run.
constexpr std::chrono::milliseconds pace_slack{20};

/// Whether run control lets the window at `start` run now: not while
/// holding or paused; when paced, once the wall clock has reached `start`
/// (a wake-up is scheduled for then).
bool may_run(node_actor_ptr self, sim_time start) {
  auto& st = self->state;
  if (st.holding || st.paused)
    return false;
  if (st.pace <= 0)
    return true;
  auto due = st.anchor_wall +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(
                     to_seconds(start - st.anchor_virt) / st.pace));
  // Windows may run up to pace_slack ahead of the wall clock: a wake-up per
  // tiny window (1 ms across nodes) would cost CAF's idle-worker sleep each.
  auto now = std::chrono::steady_clock::now();
  if (due <= now + pace_slack)
    return true;
  if (!st.wake_pending) {
    st.wake_pending = true;
    self->delayed_send(self,
                       std::chrono::duration_cast<caf::timespan>(due - now),
                       protocol::wake_atom::value);
  }
  return false;
}

/// Runs the next window once every peer's batch for the current one is in
/// and run control lets it.
void try_advance(node_actor_ptr self) {
  auto& st = self->state;
  auto& lanes = st.node->lanes;
  // Alone with several lanes, windows are only the lookahead wide: those
  // within one virtual second run back to back, then the mailbox has its
  // turn (pings, holds), as with one lane's 1 s windows.
  sim_time run_until = sim_time_never;
  for (;;) {
    if (!st.started || st.finished || !collect_next(self))
      return;
    sim_time next = st.next_start;
    if (!st.live_times.empty())
      next = std::min(next, st.live_times.front());
    if (!lanes.error().empty() || next == sim_time_never || next >= st.until) {
      finish(self);
      return;
    }
    if (!may_run(self, next))
      return;
    st.have_next = false;
    st.window_start = next;
    sim_time width = window_width(st);
    sim_time end = width >= st.until - next ? st.until : next + width;
    ++st.window;
    logging::line(logging::level::trace,
                  "node {}: window {} [{:.6f}s, {:.6f}s)", node_id(self),
                  st.window, to_seconds(next), to_seconds(end));
    if (!run_window(self, end)) {
      finish(self);
      return;
    }
    st.last_end = end;
    while (!st.live_times.empty() && st.live_times.front() < end)
      st.live_times.erase(st.live_times.begin());
    broadcast(self);
    bool alone = st.peers.size() == 1;
    if (alone && lanes.size() > 1 && st.pace <= 0 && !st.holding &&
        !st.paused && st.live_times.empty()) {
      if (run_until == sim_time_never)
        run_until = (st.window_start / seconds(1) + 1) * seconds(1);
      if (end < run_until)
        continue;
    }
    // Alone, nobody else wakes this node up: continue through the mailbox,
    // so that the coordinator's pings are answered between windows.
    if (alone && !st.go_pending) {
      st.go_pending = true;
      self->send(self, protocol::go_atom::value, st.tokens.coordinator());
    }
    // Held back (paced, paused, holding), this node may find every peer's
    // batch of the new window in already: no batch comes to wake it then.
    auto i = st.inbox.find(st.window);
    if (st.peers.size() > 1 && i != st.inbox.end() &&
        i->second.size() + 1 >= st.peers.size())
      self->send(self, protocol::wake_atom::value);
    return;
  }
}

/// Applies live commands at their time (every node the same, in the same
/// order), then resumes from the hold they answer.
void on_live_apply(node_actor_ptr self, protocol::live_apply& a) {
  auto& st = self->state;
  if (st.finished)
    return;
  auto& lanes = st.node->lanes;
  try {
    if (a.refusal.size() != a.command.size())
      throw std::invalid_argument("malformed live commands");
    for (size_t i = 0; i < a.command.size(); ++i)
      lanes.apply_live(a.t_ns, a.command[i], a.refusal[i]);
  } catch (const std::exception& e) {
    lanes.fail(std::string("live command: ") + e.what());
    finish(self);
    return;
  }
  auto at =
      std::lower_bound(st.live_times.begin(), st.live_times.end(), a.t_ns);
  if (at == st.live_times.end() || *at != a.t_ns)
    st.live_times.insert(at, a.t_ns);
  if (a.stop)
    st.until = std::min<sim_time>(st.until, a.t_ns + 1);
  if (a.hold_id == st.hold_id)
    st.holding = false;
  try_advance(self);
}

/// New pace or pause from `vmss-sim ctl`: the wall clock counts from here.
void on_pace(node_actor_ptr self, double pace, bool paused) {
  auto& st = self->state;
  st.pace = pace;
  st.paused = paused;
  st.anchor_wall = std::chrono::steady_clock::now();
  st.anchor_virt = st.last_end;
  st.wake_pending = false;
  try_advance(self);
}

void add_peer(node_actor_ptr self, uint32_t k, const caf::actor& peer) {
  auto& st = self->state;
  st.peers[k] = peer;
  if (++st.peers_known == st.peers.size())
    st.peers_complete.deliver(protocol::ok_atom::value);
}

/// Why a message claiming to come from node `from` is refused; empty when
/// it proves the run secret and `from` is another node of the run.
std::string check_peer(node_actor_ptr self, uint32_t from,
                       const std::string& token) {
  auto& st = self->state;
  if (from >= st.peers.size() || from == node_id(self))
    return "there is no other node " + std::to_string(from) + " in this run";
  if (!st.tokens.proves_node(from, token))
    return "it does not prove the run secret";
  return {};
}

/// Why a window batch is refused, or empty.
std::string check_batch(node_actor_ptr self, const protocol::window_batch& b) {
  auto& st = self->state;
  auto why = check_peer(self, b.from, b.token);
  if (why.empty() &&
      (!st.peers[b.from] || b.window < st.window || b.window > st.window + 1))
    why = "not expected now (this node is at window " +
          std::to_string(st.window) + ")";
  return why;
}

void on_batch(node_actor_ptr self, protocol::window_batch& batch) {
  auto& st = self->state;
  auto why = check_batch(self, batch);
  if (!why.empty()) {
    st.refused.refuse("a window batch from node " + std::to_string(batch.from),
                      why);
    return;
  }
  try {
    st.inbox[batch.window].push_back(std::move(batch));
    try_advance(self);
  } catch (const std::exception& e) {
    st.node->lanes.fail("bad event batch from node " +
                        std::to_string(batch.from) + ": " + e.what());
    finish(self);
  }
}

/// Answers a ping: where this node is, and its trace shard's last complete
/// prefix. Always to the coordinator, whoever asked.
void send_status(node_actor_ptr self) {
  auto& st = self->state;
  protocol::node_status status;
  status.node = node_id(self);
  status.token = my_token(self);
  status.window = st.window;
  status.window_start_ns = st.window_start;
  status.events = st.node->lanes.stats().events;
  if (st.node->trace) {
    auto prefix = st.node->trace->complete_prefix();
    status.trace_until_ns = prefix.until_ns;
    status.trace_records = prefix.records;
    status.trace_bytes = prefix.bytes;
  }
  self->send(st.coordinator, std::move(status));
}

/// True when `token` is the coordinator's; else refuses `what`.
bool from_coordinator(node_actor_ptr self, const char* what,
                      const std::string& token) {
  if (self->state.tokens.proves_coordinator(token))
    return true;
  self->state.refused.refuse(what, "it does not prove the run secret");
  return false;
}

caf::behavior node_actor(node_actor_ptr self, node_instance* node,
                         caf::actor coordinator, sim_time until,
                         run_tokens tokens) {
  auto& st = self->state;
  st.node = node;
  st.coordinator = coordinator;
  st.until = until;
  st.tokens = std::move(tokens);
  st.refused = refusals("node " + std::to_string(node_id(self)));
  uint32_t nodes = node->lanes.nodes();
  // Alone, a node with one lane needs no lookahead; it still pauses every
  // virtual second so that it can answer the coordinator (progress lines).
  st.lookahead =
      node->lanes.shards() > 1 ? node->lanes.lookahead() : seconds(1);
  st.pace = node->pace;
  st.peers.resize(nodes);
  self->monitor(coordinator);
  self->set_down_handler([=](caf::down_msg& msg) {
    if (msg.source != self->state.coordinator)
      return;
    if (!self->state.finished)
      logging::error("node {} lost its coordinator; stopping", node_id(self));
    self->quit(caf::exit_reason::user_shutdown);
  });
  self->set_default_handler(
      [=](caf::scheduled_actor*,
          caf::message_view&) -> caf::result<caf::message> {
        return self->state.refused.refuse("a message",
                                          "it is not part of the protocol");
      });
  return {
      // From this process's main thread: the lower-numbered peers it
      // connected to. Each pair of nodes shares one connection: this node
      // introduces itself over it to the lower peers, and the higher peers
      // introduce themselves to it. Answers once every peer is known.
      [=](protocol::peers_atom, std::vector<caf::actor>& lower) {
        auto& st = self->state;
        if (!from_this_process(self) || lower.size() > st.peers.size()) {
          st.refused.refuse("a peer list", "it comes from another process");
          return;
        }
        st.peers_complete = self->make_response_promise();
        uint32_t me = node_id(self);
        for (uint32_t i = 0; i < lower.size(); ++i)
          if (i != me && lower[i])
            self->send(lower[i], protocol::hello_atom::value, me,
                       my_token(self), caf::actor_cast<caf::actor>(self));
        for (uint32_t i = 0; i < lower.size(); ++i)
          if (lower[i])
            add_peer(self, i, lower[i]);
      },
      [=](protocol::hello_atom, uint32_t from, std::string& token,
          caf::actor& peer) {
        auto& st = self->state;
        auto why = check_peer(self, from, token);
        if (why.empty() && from < node_id(self))
          why = "a lower node does not introduce itself";
        if (why.empty() && st.peers[from])
          why = "node " + std::to_string(from) + " is already connected";
        if (why.empty() && !peer)
          why = "it names no actor";
        if (!why.empty()) {
          st.refused.refuse("hello from node " + std::to_string(from), why);
          return;
        }
        add_peer(self, from, peer);
      },
      // Window 0: nothing has run; every node tells the others its first
      // event time.
      [=](protocol::go_atom, const std::string& token) {
        auto& st = self->state;
        if (!from_coordinator(self, "go", token))
          return;
        st.go_pending = false;
        if (!st.started) {
          st.started = true;
          st.anchor_wall = std::chrono::steady_clock::now();
          st.started_wall = st.anchor_wall;
          broadcast(self);
        }
        try_advance(self);
      },
      [=](protocol::wake_atom) {
        if (!from_this_process(self))
          return;
        self->state.wake_pending = false;
        try_advance(self);
      },
      // Live control: hold at this window boundary and say how far this
      // node has run; the coordinator answers with the commands to apply.
      [=](protocol::hold_atom, const std::string& token, uint64_t id) {
        auto& st = self->state;
        if (!from_coordinator(self, "hold", token) || st.finished)
          return;
        st.holding = true;
        st.hold_id = id;
        self->send(st.coordinator, protocol::held_atom::value, node_id(self),
                   my_token(self), id, static_cast<int64_t>(st.last_end));
      },
      [=](protocol::live_apply& a) {
        if (from_coordinator(self, "live commands", a.token))
          on_live_apply(self, a);
      },
      [=](protocol::pace_atom, const std::string& token, double pace,
          bool paused) {
        if (from_coordinator(self, "pace", token))
          on_pace(self, pace, paused);
      },
      [=](protocol::window_batch& batch) { on_batch(self, batch); },
      [=](protocol::ping_atom, const std::string& token) {
        if (from_coordinator(self, "ping", token))
          send_status(self);
      },
      // The run failed elsewhere: the coordinator says why; stop quietly.
      [=](protocol::stop_atom, const std::string& token) {
        if (!from_coordinator(self, "stop", token))
          return;
        self->state.finished = true;
        self->quit(caf::exit_reason::user_shutdown);
      },
  };
}

} // namespace

caf::actor spawn_node_actor(caf::actor_system& sys, node_instance& node,
                            caf::actor coordinator, sim_time until,
                            const run_tokens& tokens) {
  return sys.spawn(node_actor, &node, std::move(coordinator), until, tokens);
}

} // namespace vmss::detail

namespace vmss {

namespace {

using namespace std::chrono_literals;

/// Connects to a published actor, retrying until `timeout_s` (wall) passes.
caf::expected<caf::actor> connect(caf::actor_system& sys,
                                  const std::string& host, uint16_t port,
                                  double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration<double>(timeout_s);
  for (;;) {
    auto result = sys.middleman().remote_actor(host, port);
    if (result || std::chrono::steady_clock::now() > deadline)
      return result;
    std::this_thread::sleep_for(50ms);
  }
}

/// The steps by which a node process joins a run. Each throws
/// std::runtime_error saying what failed.
class node_join {
public:
  node_join(caf::actor_system& sys, const node_options& opts)
      : sys_(sys), opts_(opts), self_(sys),
        tokens_(opts.secret, opts.node_id + 1),
        timeout_(std::chrono::duration_cast<caf::timespan>(
            std::chrono::duration<double>(opts.connect_timeout_s * 6))) {
    auto coordinator = connect(sys, opts.coordinator_host,
                               opts.coordinator_port, opts.connect_timeout_s);
    if (!coordinator)
      throw std::runtime_error("cannot reach the coordinator at " +
                               opts.coordinator_host + ":" +
                               std::to_string(opts.coordinator_port) + ": " +
                               detail::describe(sys, coordinator.error()));
    coordinator_ = *coordinator;
  }

  const caf::actor& coordinator() const { return coordinator_; }
  const run_tokens& tokens() const { return tokens_; }

  /// Says hello; the coordinator answers once every node has.
  protocol::node_setup hello() {
    auto setup = ask<protocol::node_setup>("hello", coordinator_,
                                           protocol::hello_atom::value,
                                           opts_.node_id, token());
    if (setup.node != opts_.node_id || setup.node >= setup.nodes)
      throw std::runtime_error("the coordinator sent the set-up of node " +
                               std::to_string(setup.node) + " of " +
                               std::to_string(setup.nodes));
    tokens_ = run_tokens(opts_.secret, setup.nodes);
    return setup;
  }

  /// Publishes this node's actor and connects it to its peers: to the
  /// lower-numbered ones itself (one connection per pair), while the
  /// higher-numbered ones connect to it. Then tells the coordinator.
  void join_peers(const caf::actor& actor) {
    auto port = sys_.middleman().publish(actor, opts_.listen_port,
                                         opts_.listen_address.c_str(), true);
    if (!port)
      throw std::runtime_error("cannot publish on " + opts_.listen_address +
                               ":" + std::to_string(opts_.listen_port) + ": " +
                               detail::describe(sys_, port.error()));
    auto ports = ask<std::vector<uint16_t>>(
        "ready to the coordinator", coordinator_, protocol::ready_atom::value,
        opts_.node_id, token(), actor, *port);
    std::vector<caf::actor> lower(opts_.node_id + 1);
    lower[opts_.node_id] = actor;
    for (uint32_t j = 0; j < opts_.node_id && j < ports.size(); ++j) {
      const auto& host = j < opts_.peer_addresses.size()
                             ? opts_.peer_addresses[j]
                             : opts_.coordinator_host;
      auto peer = connect(sys_, host, ports[j], opts_.connect_timeout_s);
      if (!peer)
        throw std::runtime_error("cannot reach node " + std::to_string(j) +
                                 " at " + host + ":" +
                                 std::to_string(ports[j]) + ": " +
                                 detail::describe(sys_, peer.error()));
      lower[j] = *peer;
    }
    ask<protocol::ok_atom>("joining its peers", actor,
                           protocol::peers_atom::value, lower);
    ask<protocol::ok_atom>("peers to the coordinator", coordinator_,
                           protocol::peers_atom::value, opts_.node_id, token());
  }

  void wait_for(const caf::actor& actor) { self_->wait_for(actor); }

private:
  const std::string& token() const { return tokens_.node(opts_.node_id); }

  /// Sends a request and waits for its answer; a refusal, a lost
  /// coordinator or a time-out throws, saying which `step` failed.
  template <class Result, class... Ts>
  Result ask(const char* step, const caf::actor& dst, Ts&&... xs) {
    Result out{};
    std::string failure;
    self_->request(dst, timeout_, std::forward<Ts>(xs)...)
        .receive(
            [&](Result& r) { out = std::move(r); },
            [&](caf::error& err) { failure = detail::describe(sys_, err); });
    if (!failure.empty())
      throw std::runtime_error(std::string(step) + ": " + failure);
    return out;
  }

  caf::actor_system& sys_;
  const node_options& opts_;
  caf::scoped_actor self_;
  run_tokens tokens_;
  caf::timespan timeout_;
  caf::actor coordinator_;
};

} // namespace

void run_node(const node_options& opts) {
  caf::actor_system_config cfg;
  detail::configure(cfg, opts.threads, true, opts.messages);
  caf::actor_system sys{cfg};
  // Declared first: the node actor uses `node` until it has terminated.
  std::unique_ptr<detail::node_instance> node;
  caf::actor actor;
  std::string failure;
  try {
    node_join join(sys, opts);
    auto setup = join.hello();
    logging::debug("node {}: set-up of {} nodes, seed {}, model '{}'",
                   opts.node_id, setup.nodes, setup.seed, setup.model_spec);
    node = detail::build_node(sys, setup, opts.factory);
    actor = detail::spawn_node_actor(sys, *node, join.coordinator(),
                                     setup.until_ns, join.tokens());
    join.join_peers(actor);
    logging::debug("node {}: joined its peers; running", opts.node_id);
    join.wait_for(actor);
    return;
  } catch (const std::exception& e) {
    failure = "node " + std::to_string(opts.node_id) + ": " + e.what();
  }
  if (actor) {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    caf::scoped_actor {
      sys
      } -> wait_for(actor);
  }
  throw std::runtime_error(failure);
}

} // namespace vmss
