#include "kernel/cluster_internal.hpp"
#include "kernel/wire.hpp"
#include "messages/registry.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <map>
#include <thread>

namespace vmss::detail {

void configure(caf::actor_system_config& cfg, uint32_t threads,
               bool middleman) {
  register_messages(cfg);
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
  auto node = std::make_unique<node_instance>();
  node->sim = factory(setup.model_spec, setup.seed, setup.nodes);
  node->table = entity_table(setup.nodes);
  node->sim->describe(node->table);
  node->table.finalize();
  kernel_config kcfg;
  kcfg.seed = setup.seed;
  kcfg.node = setup.node;
  kcfg.slot_width = std::min(node->sim->lookahead(), ms(1));
  kcfg.trace_deliveries = setup.trace_deliveries;
  node->kernel =
      std::make_unique<node_kernel>(node->table, node->sim->network(), kcfg);
  if (!setup.trace_dir.empty()) {
    node->trace =
        std::make_unique<trace::shard_writer>(setup.trace_dir, setup.node);
    node->kernel->set_trace(node->trace.get());
  }
  for (entity_id id = 0; id < node->table.size(); ++id)
    if (node->kernel->is_local(id))
      node->sim->spawn(sys, *node->kernel, id);
  node->kernel->schedule_starts();
  node->sim->inject(*node->kernel);
  return node;
}

int64_t peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

namespace {

struct node_state {
  node_instance* node = nullptr;
  caf::actor coordinator;
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
  bool started = false; ///< got `go` and sent its window-0 batch
  bool finished = false;
};

using node_actor_ptr = caf::stateful_actor<node_state>*;

uint32_t node_id(node_actor_ptr self) {
  return self->state.node->kernel->config().node;
}

protocol::final_report final_report(node_actor_ptr self) {
  auto& st = self->state;
  auto& kernel = *st.node->kernel;
  kernel.finish();
  model_report mr;
  st.node->sim->report(kernel, mr);
  protocol::final_report out;
  out.node = kernel.config().node;
  out.events = kernel.stats().events;
  out.windows = st.window;
  out.last_ns = kernel.stats().last_t;
  for (const auto& d : kernel.delivery_digests()) {
    out.digests.push_back(d.id);
    out.digests.push_back(d.delivered);
    out.digests.push_back(d.hash);
  }
  for (const auto& [name, value] : mr.counters) {
    out.counter_names.push_back(name);
    out.counter_values.push_back(value);
  }
  out.failures = mr.failures;
  out.error = kernel.error();
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
  return out;
}

/// The run is over for this node (done, or failed): report and wait for
/// the coordinator to go away.
void finish(node_actor_ptr self) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  self->send(st.coordinator, protocol::done_atom::value, node_id(self));
  self->send(st.coordinator, final_report(self));
}

/// Sends every peer this window's batch: its events, and this node's next
/// event time (including what it just sent).
void broadcast(node_actor_ptr self) {
  auto& st = self->state;
  auto& kernel = *st.node->kernel;
  sim_time sent_min = kernel.outbox_min_time();
  const auto& outbox = kernel.outbox();
  st.own_next = std::min(kernel.next_time(), sent_min);
  uint32_t me = node_id(self);
  for (uint32_t j = 0; j < st.peers.size(); ++j) {
    if (j == me)
      continue;
    protocol::window_batch batch{
        me, st.window, st.own_next, outbox[j].size(), {}};
    if (!outbox[j].empty())
      batch.bytes = wire::encode_batch(me, outbox[j]);
    self->send(st.peers[j], std::move(batch));
  }
  kernel.clear_outbox();
}

/// Runs the next window once every peer's batch for the current one is in.
void try_advance(node_actor_ptr self) {
  auto& st = self->state;
  auto& kernel = *st.node->kernel;
  if (st.started && !st.finished) {
    auto i = st.inbox.find(st.window);
    size_t have = i == st.inbox.end() ? 0 : i->second.size();
    if (have + 1 < st.peers.size())
      return;
    sim_time next = st.own_next;
    if (i != st.inbox.end()) {
      for (auto& batch : i->second) {
        next = std::min<sim_time>(next, batch.next_ns);
        if (batch.count == 0)
          continue;
        std::vector<event> events;
        events.reserve(batch.count);
        wire::decode_batch(batch.bytes, events);
        kernel.accept(std::move(events));
      }
      st.inbox.erase(i);
    }
    if (!kernel.error().empty() || next == sim_time_never || next >= st.until) {
      finish(self);
      return;
    }
    st.window_start = next;
    sim_time end =
        st.lookahead >= st.until - next ? st.until : next + st.lookahead;
    ++st.window;
    if (!kernel.run_window(end, self->context())) {
      finish(self);
      return;
    }
    broadcast(self);
    // Alone, nobody else wakes this node up: continue through the mailbox,
    // so that the coordinator's pings are answered between windows.
    if (st.peers.size() == 1)
      self->send(self, protocol::go_atom::value);
  }
}

void add_peer(node_actor_ptr self, uint32_t k, const caf::actor& peer) {
  auto& st = self->state;
  if (k >= st.peers.size() || st.peers[k])
    return;
  st.peers[k] = peer;
  if (++st.peers_known == st.peers.size())
    st.peers_complete.deliver(protocol::ok_atom::value);
}

caf::behavior node_actor(node_actor_ptr self, node_instance* node,
                         caf::actor coordinator, sim_time until) {
  auto& st = self->state;
  st.node = node;
  st.coordinator = coordinator;
  st.until = until;
  uint32_t nodes = node->table.num_nodes();
  // Alone, a node needs no lookahead; it still pauses every virtual second
  // so that it can answer the coordinator (progress lines).
  st.lookahead = nodes > 1 ? node->sim->lookahead() : seconds(1);
  st.peers.resize(nodes);
  self->monitor(coordinator);
  self->set_down_handler([=](caf::down_msg& msg) {
    if (msg.source != self->state.coordinator)
      return;
    if (!self->state.finished)
      std::cerr << "error: node " << node_id(self)
                << " lost its coordinator; stopping\n";
    self->quit(caf::exit_reason::user_shutdown);
  });
  return {
      // From this process's main thread: the lower-numbered peers it
      // connected to. Each pair of nodes shares one connection: this node
      // introduces itself over it to the lower peers, and the higher peers
      // introduce themselves to it. Answers once every peer is known.
      [=](protocol::peers_atom, std::vector<caf::actor>& lower) {
        auto& st = self->state;
        st.peers_complete = self->make_response_promise();
        uint32_t me = node_id(self);
        for (uint32_t i = 0; i < lower.size(); ++i)
          if (i != me && lower[i])
            self->send(lower[i], protocol::hello_atom::value, me,
                       caf::actor_cast<caf::actor>(self));
        for (uint32_t i = 0; i < lower.size(); ++i)
          if (lower[i])
            add_peer(self, i, lower[i]);
      },
      [=](protocol::hello_atom, uint32_t from, caf::actor& peer) {
        add_peer(self, from, peer);
      },
      // Window 0: nothing has run; every node tells the others its first
      // event time.
      [=](protocol::go_atom) {
        auto& st = self->state;
        if (!st.started) {
          st.started = true;
          broadcast(self);
        }
        try_advance(self);
      },
      [=](protocol::window_batch& batch) {
        auto& st = self->state;
        try {
          st.inbox[batch.window].push_back(std::move(batch));
          try_advance(self);
        } catch (const std::exception& e) {
          st.node->kernel->fail("bad event batch from node " +
                                std::to_string(batch.from) + ": " + e.what());
          finish(self);
        }
      },
      [=](protocol::ping_atom) {
        auto& st = self->state;
        return caf::make_message(protocol::pong_atom::value, node_id(self),
                                 st.window,
                                 static_cast<int64_t>(st.window_start));
      },
  };
}

} // namespace

caf::actor spawn_node_actor(caf::actor_system& sys, node_instance& node,
                            caf::actor coordinator, sim_time until) {
  return sys.spawn(node_actor, &node, std::move(coordinator), until);
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

} // namespace

namespace {

/// The steps by which a node process joins a run. Each throws
/// std::runtime_error saying what failed.
class node_join {
public:
  node_join(caf::actor_system& sys, const node_options& opts)
      : sys_(sys), opts_(opts), self_(sys),
        timeout_(std::chrono::duration_cast<caf::timespan>(
            std::chrono::duration<double>(opts.connect_timeout_s * 6))) {
    auto coordinator = connect(sys, opts.coordinator_host,
                               opts.coordinator_port, opts.connect_timeout_s);
    if (!coordinator)
      throw std::runtime_error("cannot reach the coordinator at " +
                               opts.coordinator_host + ":" +
                               std::to_string(opts.coordinator_port) + ": " +
                               sys.render(coordinator.error()));
    coordinator_ = *coordinator;
  }

  const caf::actor& coordinator() const { return coordinator_; }

  /// Says hello; the coordinator answers once every node has.
  protocol::node_setup hello() {
    return ask<protocol::node_setup>(coordinator_, protocol::hello_atom::value,
                                     opts_.node_id);
  }

  /// Publishes this node's actor and connects it to its peers: to the
  /// lower-numbered ones itself (one connection per pair), while the
  /// higher-numbered ones connect to it. Then tells the coordinator.
  void join_peers(const caf::actor& actor) {
    auto port = sys_.middleman().publish(actor, 0, "127.0.0.1", true);
    if (!port)
      throw std::runtime_error("cannot publish: " + sys_.render(port.error()));
    auto ports = ask<std::vector<uint16_t>>(
        coordinator_, protocol::ready_atom::value, opts_.node_id, actor, *port);
    std::vector<caf::actor> lower(opts_.node_id + 1);
    lower[opts_.node_id] = actor;
    for (uint32_t j = 0; j < opts_.node_id && j < ports.size(); ++j) {
      auto peer = connect(sys_, opts_.coordinator_host, ports[j],
                          opts_.connect_timeout_s);
      if (!peer)
        throw std::runtime_error("cannot reach node " + std::to_string(j) +
                                 ": " + sys_.render(peer.error()));
      lower[j] = *peer;
    }
    ask<protocol::ok_atom>(actor, protocol::peers_atom::value, lower);
    ask<protocol::ok_atom>(coordinator_, protocol::peers_atom::value,
                           opts_.node_id);
  }

  void wait_for(const caf::actor& actor) { self_->wait_for(actor); }

private:
  template <class Result, class... Ts>
  Result ask(const caf::actor& dst, Ts&&... xs) {
    Result out{};
    std::string failure;
    self_->request(dst, timeout_, std::forward<Ts>(xs)...)
        .receive([&](Result& r) { out = std::move(r); },
                 [&](caf::error& err) { failure = sys_.render(err); });
    if (!failure.empty())
      throw std::runtime_error(failure);
    return out;
  }

  caf::actor_system& sys_;
  const node_options& opts_;
  caf::scoped_actor self_;
  caf::timespan timeout_;
  caf::actor coordinator_;
};

} // namespace

int run_node(const node_options& opts) {
  caf::actor_system_config cfg;
  detail::configure(cfg, opts.threads, true);
  caf::actor_system sys{cfg};
  // Declared first: the node actor uses `node` until it has terminated.
  std::unique_ptr<detail::node_instance> node;
  caf::actor actor;
  try {
    node_join join(sys, opts);
    auto setup = join.hello();
    node = detail::build_node(sys, setup, opts.factory);
    actor = detail::spawn_node_actor(sys, *node, join.coordinator(),
                                     setup.until_ns);
    join.join_peers(actor);
    join.wait_for(actor);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: node " << opts.node_id << ": " << e.what() << "\n";
    if (actor) {
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
      caf::scoped_actor {
        sys
        } -> wait_for(actor);
    }
    return 2;
  }
}

} // namespace vmss
