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

std::string node_name(uint32_t k) {
  return "node " + std::to_string(k);
}

struct coordinator_state {
  const run_options* opts = nullptr;
  run_result* result = nullptr;
  // Rendezvous.
  std::vector<caf::response_promise> hellos, readies;
  std::vector<caf::actor> nodes;
  std::vector<uint16_t> ports;
  std::vector<bool> said_hello;
  size_t hello_count = 0, ready_count = 0, connected_count = 0;
  // Running: the nodes synchronise among themselves; the coordinator
  // watches them (pings) and collects their final reports.
  bool running = false;
  std::vector<steady::time_point> last_heard; ///< by node
  std::vector<sim_time> node_time;            ///< by node, from pongs
  uint64_t max_window = 0;                    ///< furthest window reported
  steady::time_point last_progress;
  size_t done_count = 0;
  std::vector<protocol::final_report> finals;
  caf::response_promise done;
  bool finished = false;
  steady::time_point t_created = steady::now(), t_start, t_last_print;
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
    res.events += f.events;
    res.windows = std::max(res.windows, f.windows);
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

void start_running(coord_ptr self) {
  auto& st = self->state;
  st.running = true;
  st.last_heard.assign(st.nodes.size(), steady::now());
  st.node_time.assign(st.nodes.size(), 0);
  st.last_progress = steady::now();
  for (auto& node : st.nodes) {
    self->monitor(node);
    self->send(node, protocol::go_atom::value);
  }
}

void on_done(coord_ptr self) {
  auto& st = self->state;
  if (++st.done_count == st.nodes.size())
    st.result->wall_s = seconds_since(st.t_start);
}

void on_final(coord_ptr self, protocol::final_report& report) {
  auto& st = self->state;
  if (!report.error.empty()) {
    fail(self, node_name(report.node) + ": " + report.error);
    return;
  }
  self->demonitor(st.nodes[report.node]);
  st.last_heard[report.node] = steady::now();
  st.finals.push_back(std::move(report));
  if (st.finals.size() == st.nodes.size()) {
    st.running = false;
    st.result->setup_s +=
        std::chrono::duration<double>(st.t_start - st.t_created).count();
    aggregate(self);
    complete(self);
  }
}

sim_time slowest_time(const coordinator_state& st) {
  return st.node_time.empty()
             ? 0
             : *std::min_element(st.node_time.begin(), st.node_time.end());
}

void print_progress(coord_ptr self) {
  auto& st = self->state;
  if (!st.opts->progress || !st.running || seconds_since(st.t_last_print) < 2)
    return;
  st.t_last_print = steady::now();
  std::cerr << "# progress: virtual_s=" << to_seconds(slowest_time(st))
            << " wall_s=" << seconds_since(st.t_start) << std::endl;
}

/// Pings the nodes; fails the run if one has been silent for too long.
void on_tick(coord_ptr self) {
  auto& st = self->state;
  if (st.finished)
    return;
  self->delayed_send(self, 200ms, protocol::tick_atom::value);
  print_progress(self);
  double limit = st.opts->node_timeout_s;
  if (!st.running) {
    bool waiting = st.hello_count < st.nodes.size() ||
                   st.connected_count < st.nodes.size();
    if (waiting && seconds_since(st.t_created) > limit * 3) {
      for (uint32_t k = 0; k < st.nodes.size(); ++k)
        if (!st.said_hello[k]) {
          fail(self, node_name(k) + " never connected");
          return;
        }
      fail(self, "the nodes did not finish setting up in time");
    }
    return;
  }
  for (auto& node : st.nodes)
    self->send(node, protocol::ping_atom::value);
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
  // dead node. Fail rather than hang.
  if (seconds_since(st.last_progress) > limit && st.done_count == 0)
    fail(self, "no node has finished a window for " +
                   std::to_string(static_cast<int>(limit)) +
                   " s (stuck after window " + std::to_string(st.max_window) +
                   " at virtual time " +
                   std::to_string(to_seconds(slowest_time(st))) + " s)");
}

caf::behavior coordinator(coord_ptr self, const run_options* opts,
                          run_result* result) {
  auto& st = self->state;
  st.opts = opts;
  st.result = result;
  uint32_t n = opts->nodes;
  st.hellos.resize(n);
  st.readies.resize(n);
  st.nodes.resize(n);
  st.ports.resize(n);
  st.said_hello.assign(n, false);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    for (uint32_t k = 0; k < st.nodes.size(); ++k)
      if (st.nodes[k] && msg.source == st.nodes[k].address())
        fail(self, node_name(k) + " died (" +
                       self->system().render(msg.reason) +
                       ") at virtual time " +
                       std::to_string(to_seconds(st.node_time[k])) + " s");
  });
  self->send(self, protocol::tick_atom::value);
  return {
      [=](protocol::run_atom) {
        self->state.done = self->make_response_promise();
      },
      [=](protocol::start_atom, std::vector<caf::actor>& nodes) {
        auto& st = self->state;
        st.done = self->make_response_promise();
        st.nodes = std::move(nodes);
        st.t_start = steady::now();
        st.hello_count = st.connected_count = st.nodes.size();
        start_running(self);
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
          start_running(self);
        return protocol::ok_atom::value;
      },
      [=](protocol::pong_atom, uint32_t k, uint64_t window, int64_t t) {
        auto& st = self->state;
        if (k < st.nodes.size() && st.running) {
          st.last_heard[k] = steady::now();
          st.node_time[k] = t;
          if (window > st.max_window) {
            st.max_window = window;
            st.last_progress = steady::now();
          }
        }
      },
      [=](protocol::done_atom, uint32_t) { on_done(self); },
      [=](protocol::final_report& report) { on_final(self, report); },
      [=](protocol::tick_atom) { on_tick(self); },
  };
}

/// The node processes of a multi-node run on this machine.
class node_processes {
public:
  ~node_processes() { stop(true); }

  bool start(const run_options& opts, uint16_t port, std::string& error) {
    for (uint32_t k = 0; k < opts.nodes; ++k) {
      std::vector<std::string> args{
          opts.executable, "node",
          "--coordinator", "127.0.0.1:" + std::to_string(port),
          "--node-id",     std::to_string(k),
          "--threads",     std::to_string(opts.threads)};
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
  double build_s = seconds_since(t0); // actor creation counts as run time
  auto actor = detail::spawn_node_actor(sys, *node, coord, opts.until);
  caf::scoped_actor self{sys};
  self->request(coord, caf::infinite, protocol::start_atom::value,
                std::vector<caf::actor>{actor})
      .receive([](protocol::ok_atom) {},
               [&](caf::error& err) {
                 if (result.error.empty())
                   result.error = sys.render(err);
               });
  self->wait_for(actor);
  result.wall_s += build_s;
}

void run_distributed(caf::actor_system& sys, const run_options& opts,
                     run_result& result, caf::actor coord) {
  auto port = sys.middleman().publish(coord, 0, "127.0.0.1", true);
  if (!port) {
    result.error =
        "cannot publish the coordinator: " + sys.render(port.error());
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
  if (opts.nodes > 1 && probe->lookahead() <= 0) {
    result.error = "the model's lookahead must be positive for --nodes > 1";
    return result;
  }
  result.setup_s = seconds_since(t_setup);
  auto coord = sys.spawn(coordinator, &opts, &result);
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
