#include "kernel/cluster_internal.hpp"
#include "kernel/sha256.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

extern char** environ;

namespace vmss {

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

std::string node_name(uint32_t k) { return "node " + std::to_string(k); }

struct coordinator_state {
  const run_options* opts = nullptr;
  run_result* result = nullptr;
  sim_time lookahead = sim_time_never;
  // Rendezvous.
  std::vector<caf::response_promise> hellos, readies;
  std::vector<caf::actor> nodes;
  std::vector<uint16_t> ports;
  std::vector<bool> said_hello, reported;
  size_t hello_count = 0, ready_count = 0, connected_count = 0;
  // Windows.
  bool running = false;
  bool finishing = false;
  std::vector<std::vector<uint64_t>> sent_total; ///< [to][from], cumulative
  size_t pending_reports = 0;
  sim_time window_start = 0, window_end = 0, next_min = sim_time_never;
  // Completion.
  std::vector<protocol::final_report> finals;
  caf::response_promise done;
  bool finished = false;
  steady::time_point t_created = steady::now(), t_start, t_progress,
                                t_last_print;
};

using coord_ptr = caf::stateful_actor<coordinator_state>*;

void complete(coord_ptr self) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  st.done.deliver(protocol::ok_atom::value);
  self->quit();
}

void fail(coord_ptr self, std::string message) {
  auto& st = self->state;
  if (st.result->error.empty())
    st.result->error = std::move(message);
  for (auto& node : st.nodes)
    if (node)
      self->demonitor(node);
  complete(self);
}

void aggregate(coord_ptr self) {
  auto& st = self->state;
  auto& res = *st.result;
  std::vector<uint64_t> digests;
  res.shards.assign(st.nodes.size(), {});
  for (auto& f : st.finals) {
    res.shards[f.node] = {f.trace_records, f.trace_bytes};
    if (!f.error.empty() && res.error.empty())
      res.error = node_name(f.node) + ": " + f.error;
    res.events += f.events;
    res.end_t = std::max<sim_time>(res.end_t, f.last_ns);
    res.rss_kb = std::max(res.rss_kb, f.rss_kb);
    res.trace_records += f.trace_records;
    res.trace_bytes += f.trace_bytes;
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

void finish_all(coord_ptr self) {
  auto& st = self->state;
  st.running = false;
  st.finishing = true;
  st.result->wall_s = seconds_since(st.t_start);
  st.result->setup_s += std::chrono::duration<double>(st.t_start - st.t_created).count();
  auto timeout = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(st.opts->node_timeout_s));
  st.t_progress = steady::now();
  for (uint32_t k = 0; k < st.nodes.size(); ++k) {
    self->request(st.nodes[k], timeout, protocol::finish_atom::value)
      .then(
        [=](protocol::final_report& report) {
          auto& st = self->state;
          self->demonitor(st.nodes[report.node]);
          st.finals.push_back(std::move(report));
          if (st.finals.size() == st.nodes.size()) {
            aggregate(self);
            complete(self);
          }
        },
        [=](caf::error& err) {
          fail(self, node_name(k) + " did not finish: "
                       + self->system().render(err));
        });
  }
}

void begin_window(coord_ptr self, sim_time start) {
  auto& st = self->state;
  sim_time until = st.opts->until;
  if (start == sim_time_never || start >= until) {
    finish_all(self);
    return;
  }
  st.window_start = start;
  st.window_end = st.lookahead >= until - start ? until
                                                : start + st.lookahead;
  st.next_min = sim_time_never;
  st.pending_reports = st.nodes.size();
  std::fill(st.reported.begin(), st.reported.end(), false);
  ++st.result->windows;
  for (uint32_t k = 0; k < st.nodes.size(); ++k)
    self->send(st.nodes[k], protocol::window_cmd{st.window_end, st.sent_total[k]});
}

void start_windows(coord_ptr self) {
  auto& st = self->state;
  st.running = true;
  st.t_progress = steady::now();
  st.sent_total.assign(st.nodes.size(),
                       std::vector<uint64_t>(st.nodes.size(), 0));
  st.reported.assign(st.nodes.size(), false);
  for (uint32_t k = 0; k < st.nodes.size(); ++k)
    self->monitor(st.nodes[k]);
  begin_window(self, 0);
}

void on_report(coord_ptr self, protocol::window_report& r) {
  auto& st = self->state;
  if (!r.error.empty()) {
    fail(self, node_name(r.node) + ": " + r.error);
    return;
  }
  st.reported[r.node] = true;
  for (size_t j = 0; j < r.sent.size() && j < st.sent_total.size(); ++j)
    st.sent_total[j][r.node] += r.sent[j];
  st.next_min = std::min({st.next_min, static_cast<sim_time>(r.next_ns),
                          static_cast<sim_time>(r.outbox_min_ns)});
  st.t_progress = steady::now();
  if (--st.pending_reports == 0)
    begin_window(self, st.next_min);
}

void print_progress(coord_ptr self) {
  auto& st = self->state;
  if (!st.opts->progress || seconds_since(st.t_last_print) < 2)
    return;
  st.t_last_print = steady::now();
  std::cerr << "# progress: virtual_s=" << to_seconds(st.window_start)
            << " windows=" << st.result->windows
            << " wall_s=" << seconds_since(st.t_start) << std::endl;
}

/// Fails the run if a node has been silent for longer than the timeout.
void on_tick(coord_ptr self) {
  auto& st = self->state;
  if (st.finished)
    return;
  self->delayed_send(self, 200ms, protocol::tick_atom::value);
  print_progress(self);
  double silent = seconds_since(st.running ? st.t_progress : st.t_created);
  if (!st.running && st.finals.empty() && st.hello_count == st.nodes.size()
      && st.connected_count == st.nodes.size())
    return;
  if (silent <= st.opts->node_timeout_s)
    return;
  for (uint32_t k = 0; k < st.nodes.size(); ++k) {
    bool waiting = st.running ? !st.reported[k] : !st.said_hello[k];
    if (waiting) {
      fail(self, node_name(k) + " stopped answering: nothing for "
                   + std::to_string(static_cast<int>(silent))
                   + " s at virtual time "
                   + std::to_string(to_seconds(st.window_start)) + " s");
      return;
    }
  }
  if (!st.running)
    fail(self, "the nodes did not finish setting up within "
                 + std::to_string(static_cast<int>(silent)) + " s");
}

caf::behavior coordinator(coord_ptr self, const run_options* opts,
                          run_result* result, sim_time lookahead) {
  auto& st = self->state;
  st.opts = opts;
  st.result = result;
  st.lookahead = lookahead;
  uint32_t n = opts->nodes;
  st.hellos.resize(n);
  st.readies.resize(n);
  st.nodes.resize(n);
  st.ports.resize(n);
  st.said_hello.assign(n, false);
  st.reported.assign(n, false);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    // Once finishing, the finish requests' own timeouts decide.
    if (st.finishing)
      return;
    for (uint32_t k = 0; k < st.nodes.size(); ++k)
      if (st.nodes[k] && msg.source == st.nodes[k].address())
        fail(self, node_name(k) + " died (" + self->system().render(msg.reason)
                     + ") at virtual time "
                     + std::to_string(to_seconds(st.window_start)) + " s");
  });
  self->send(self, protocol::tick_atom::value);
  return {
    [=](protocol::run_atom) { self->state.done = self->make_response_promise(); },
    [=](protocol::start_atom, std::vector<caf::actor>& nodes) {
      auto& st = self->state;
      st.done = self->make_response_promise();
      st.nodes = std::move(nodes);
      st.t_start = steady::now();
      st.hello_count = st.connected_count = st.nodes.size();
      start_windows(self);
    },
    [=](protocol::hello_atom, uint32_t k) {
      auto& st = self->state;
      auto rp = self->make_response_promise();
      if (k >= st.nodes.size() || st.said_hello[k])
        return;
      st.said_hello[k] = true;
      st.hellos[k] = rp;
      if (++st.hello_count < st.nodes.size())
        return;
      st.t_start = steady::now();
      for (uint32_t j = 0; j < st.nodes.size(); ++j) {
        protocol::node_setup setup;
        setup.model_spec = st.opts->model_spec;
        setup.seed = st.opts->seed;
        setup.nodes = st.opts->nodes;
        setup.node = j;
        setup.until_ns = st.opts->until;
        setup.trace_dir = st.opts->trace_dir;
        setup.trace_deliveries = st.opts->trace_deliveries;
        st.hellos[j].deliver(std::move(setup));
      }
    },
    [=](protocol::ready_atom, uint32_t k, caf::actor node, uint16_t port) {
      auto& st = self->state;
      auto rp = self->make_response_promise();
      if (k >= st.nodes.size())
        return;
      st.readies[k] = rp;
      st.nodes[k] = node;
      st.ports[k] = port;
      if (++st.ready_count < st.nodes.size())
        return;
      for (auto& r : st.readies)
        r.deliver(st.ports);
    },
    [=](protocol::peers_atom, uint32_t) {
      auto& st = self->state;
      if (++st.connected_count == st.nodes.size())
        start_windows(self);
      return protocol::ok_atom::value;
    },
    [=](protocol::window_report& r) { on_report(self, r); },
    [=](protocol::tick_atom) { on_tick(self); },
  };
}

/// The node processes of a multi-node run on this machine.
class node_processes {
public:
  ~node_processes() { stop(true); }

  bool start(const run_options& opts, uint16_t port, std::string& error) {
    for (uint32_t k = 0; k < opts.nodes; ++k) {
      std::vector<std::string> args{opts.executable, "node", "--coordinator",
                                    "127.0.0.1:" + std::to_string(port),
                                    "--node-id", std::to_string(k),
                                    "--threads", std::to_string(opts.threads)};
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      pid_t pid = 0;
      if (posix_spawn(&pid, opts.executable.c_str(), nullptr, nullptr,
                      argv.data(), environ) != 0) {
        error = "cannot start node process " + opts.executable;
        return false;
      }
      std::cerr << "# node " << k << " pid " << pid << std::endl;
      pids_.push_back(pid);
    }
    return true;
  }

  /// Waits for the nodes to exit (up to 5 s), then kills what is left.
  void stop(bool kill_now) {
    auto deadline = steady::now() + 5s;
    for (auto pid : pids_) {
      if (kill_now)
        ::kill(pid, SIGKILL);
      int status = 0;
      while (waitpid(pid, &status, WNOHANG) == 0) {
        if (steady::now() > deadline) {
          ::kill(pid, SIGKILL);
          waitpid(pid, &status, 0);
          break;
        }
        std::this_thread::sleep_for(5ms);
      }
    }
    pids_.clear();
  }

private:
  std::vector<pid_t> pids_;
};

void run_in_process(caf::actor_system& sys, const run_options& opts,
                    run_result& result, caf::actor coord) {
  protocol::node_setup setup;
  setup.model_spec = opts.model_spec;
  setup.seed = opts.seed;
  setup.until_ns = opts.until;
  setup.trace_dir = opts.trace_dir;
  setup.trace_deliveries = opts.trace_deliveries;
  auto t0 = steady::now();
  auto node = detail::build_node(sys, setup, opts.factory);
  (void) t0;
  auto actor = detail::spawn_node_actor(sys, *node, coord);
  caf::scoped_actor self{sys};
  self->request(coord, caf::infinite, protocol::start_atom::value,
                std::vector<caf::actor>{actor})
    .receive([](protocol::ok_atom) {},
             [&](caf::error& err) {
               if (result.error.empty())
                 result.error = sys.render(err);
             });
  self->wait_for(actor);
}

void run_distributed(caf::actor_system& sys, const run_options& opts,
                     run_result& result, caf::actor coord) {
  auto port = sys.middleman().publish(coord, 0, "127.0.0.1", true);
  if (!port) {
    result.error = "cannot publish the coordinator: " + sys.render(port.error());
    return;
  }
  node_processes children;
  if (!children.start(opts, *port, result.error))
    return;
  caf::scoped_actor self{sys};
  self->request(coord, caf::infinite, protocol::run_atom::value)
    .receive([](protocol::ok_atom) {},
             [&](caf::error& err) {
               if (result.error.empty())
                 result.error = sys.render(err);
             });
  children.stop(!result.error.empty());
}

} // namespace

run_result run_simulation(const run_options& opts) {
  run_result result;
  auto t_setup = steady::now();
  std::unique_ptr<model> probe;
  try {
    probe = opts.factory(opts.model_spec, opts.seed, opts.nodes);
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;
  }
  caf::actor_system_config cfg;
  detail::configure(cfg, opts.threads, opts.nodes > 1);
  result.run_lines = probe->describe_run();
  caf::actor_system sys{cfg};
  sim_time lookahead = opts.nodes > 1 ? probe->lookahead() : sim_time_never;
  if (lookahead <= 0) {
    result.error = "the model's lookahead must be positive for --nodes > 1";
    return result;
  }
  result.setup_s = seconds_since(t_setup);
  auto coord = sys.spawn(coordinator, &opts, &result, lookahead);
  try {
    if (opts.nodes > 1)
      run_distributed(sys, opts, result, coord);
    else
      run_in_process(sys, opts, result, coord);
  } catch (const std::exception& e) {
    if (result.error.empty())
      result.error = e.what();
    caf::anon_send_exit(coord, caf::exit_reason::user_shutdown);
  }
  if (result.error.empty())
    probe->check(result.report, result.end_t, result.check_failures);
  return result;
}

} // namespace vmss
