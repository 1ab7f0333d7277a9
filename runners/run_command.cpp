#include "analysis/digest.hpp"
#include "analysis/trace_reader.hpp"
#include "input/json_reader.hpp"
#include "input/scenario.hpp"
#include "kernel/cluster.hpp"
#include "kernel/live_hub.hpp"
#include "kernel/node_launcher.hpp"
#include "kernel/run_secret.hpp"
#include "runners/commands.hpp"
#include "runners/control_server.hpp"
#include "runners/control_wire.hpp"
#include "runners/live_region.hpp"
#include "runners/modules.hpp"
#include "runners/run_support.hpp"
#include "runners/scenario_file.hpp"
#include "runners/tell_user.hpp"
#include "runners/trace_output.hpp"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace vmss {

namespace {

struct run_args {
  std::string scenario; ///< a file; empty: the built-in default
  std::string model;
  std::string out = "vmss-trace";
  std::string until;
  CLI::Option* until_opt = nullptr;
  CLI::Option* out_opt = nullptr;
  common_args common;
  // Live control (docs/cli.md "Live control").
  std::string control; ///< a port; empty: no control port
  std::string control_bind = "127.0.0.1";
  std::string pace;   ///< empty: as fast as possible
  std::string replay; ///< a trace directory
  std::string view;   ///< the live view's port; empty: none
  std::string view_bind = "127.0.0.1";
};

/// --pace X: virtual seconds per wall second, 0 to 1e9.
double parse_pace(const std::string& text) {
  if (text.empty())
    return 0;
  char* end = nullptr;
  double x = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(x) || x < 0 || x > 1e9)
    throw std::invalid_argument("--pace " + text +
                                ": expected virtual seconds per wall second, "
                                "0 to 1e9");
  return x;
}

/// The live commands that trace DIR recorded (control_command records), for
/// `--replay DIR`; a recorded `stop` ends this run where it ended that one.
/// Refuses a DIR that is not a vmss trace, or one of another scenario or
/// seed.
void read_replay(const std::string& dir, const std::string& scenario_name,
                 run_options& opts) {
  analysis::trace_reader reader(dir);
  const auto& m = reader.manifest();
  if (m.scenario != scenario_name || m.seed != opts.seed)
    throw std::invalid_argument(
        "--replay " + dir + ": it is a trace of '" + m.scenario + "' seed " +
        std::to_string(m.seed) + ", this run is '" + scenario_name + "' seed " +
        std::to_string(opts.seed));
  if (!m.complete)
    throw std::invalid_argument("--replay " + dir +
                                ": the trace is incomplete (its run failed)");
  reader.for_each([&](const analysis::record& r) {
    if (r.event != "control_command")
      return;
    replayed_command c;
    c.t = r.t_ns();
    bool accepted = false;
    for (const auto& f : r.fields) {
      if (f.key == "command" && std::holds_alternative<std::string>(f.val))
        c.canonical = std::get<std::string>(f.val);
      else if (f.key == "accepted" && std::holds_alternative<bool>(f.val))
        accepted = std::get<bool>(f.val);
      else if (f.key == "reason" && std::holds_alternative<std::string>(f.val))
        c.refusal = std::get<std::string>(f.val);
    }
    if (accepted)
      c.refusal.clear();
    else if (c.refusal.empty())
      c.refusal = "refused";
    if (accepted && c.canonical == "stop")
      opts.until = std::min<sim_time>(opts.until, c.t + 1);
    opts.replay.push_back(std::move(c));
  });
}

/// The control port of a run (`--control PORT`): the hub, its server and the
/// token file in the output folder, which is removed before the trace is
/// committed (so that the folder stays a vmss trace, trace_output.hpp).
class control_port {
public:
  control_port(const run_args& args, const std::string& out_dir, live::hub& hub)
      : hub_(hub) {
    auto port = parse_option("--control", args.control, [](const auto& t) {
      return parse_whole_number(t, 0, 65535);
    });
    server_ = std::make_unique<control::control_server>(
        hub_, args.control_bind, static_cast<uint16_t>(port));
    token_file_ = control::write_token_file(out_dir, hub_.token());
    std::cerr << "# control " << server_->address() << ":" << server_->port()
              << " token=" << hub_.token()
              << "\n# control token_file=" << token_file_ << std::endl;
  }
  ~control_port() { remove_token_file(); }

  live::hub& hub() { return hub_; }

  /// Removes the token file (before the trace is committed or kept).
  void remove_token_file() {
    if (!token_file_.empty())
      ::unlink(token_file_.c_str());
    token_file_.clear();
  }

private:
  live::hub& hub_; ///< the run's, shared with the live view
  std::unique_ptr<control::control_server> server_;
  std::string token_file_;
};

/// `args` with cluster.conf's [sim] scenario, until and out where the
/// command line gives none (--until: the option's own text when given).
run_args with_config_defaults(const run_args& args,
                              const cluster_config& file) {
  run_args out = args;
  if (out.scenario.empty() && out.model.empty() && file.scenario)
    out.scenario = *file.scenario;
  if (args.until_opt->count() == 0)
    out.until = file.until.value_or("");
  if (args.out_opt->count() == 0 && file.out)
    out.out = *file.out;
  return out;
}

/// Where to look after a run: '#' lines on stderr (stdout stays the
/// contract's lines).
void print_next_steps(const std::string& dir) {
  std::string quoted = shell_quote(dir);
  std::cerr << "# trace dir: " << dir << "\n"
            << "# next: vmss-sim trace summary " << quoted << "\n"
            << "# next: vmss-sim trace report " << quoted << " -o report.html"
            << std::endl;
}

int run_main(const run_args& args_in) {
  run_options opts;
  std::string scenario_name;
  input::scenario_input scenario;
  cluster_config file;
  if (!args_in.common.config.empty())
    file = read_cluster_config(args_in.common.config);
  auto args = with_config_defaults(args_in, file);
  if (!args.model.empty()) {
    opts.model_spec = args.model;
    scenario_name = "model: " + args.model;
  } else {
    auto text = scenario_text(args.scenario);
    scenario = read_scenario(args.scenario, text);
    scenario_name = use_scenario(scenario, text, args.scenario, opts);
  }
  if (args.until_opt->count() > 0 || !args.until.empty()) {
    std::string why;
    if (!parse_duration(args.until, opts.until, &why))
      throw std::invalid_argument("--until '" + args.until + "': " + why);
    if (opts.until <= 0)
      throw std::invalid_argument("--until " + args.until +
                                  ": must be after the start");
  }
  apply_common(args.common, file, opts);
  if (file.partition) {
    auto partition = *file.partition;
    partition.processes = opts.nodes;
    opts.model_spec = partitioned_model_spec(partition, opts.model_spec);
  }
  if (args.model.empty())
    use_scenario_seed(scenario, args.common.seed_opt->count() > 0, opts);
  opts.pace = parse_pace(args.pace);
  if (!args.replay.empty())
    read_replay(args.replay, scenario_name, opts);
  // Every input is checked before the output path is touched.
  auto sim = check_model(opts);
  trace_output out(args.out, "--out");
  opts.trace_dir = out.staging();
  // The run's hub, where --control and --view meet it, and its live region
  // state (docs/live-view.md), fed by the run's record observer.
  std::unique_ptr<live::hub> hub;
  std::unique_ptr<live_region> region;
  if (!args.control.empty() || !args.view.empty()) {
    hub = std::make_unique<live::hub>(generate_run_secret());
    opts.live = hub.get();
    region = std::make_unique<live_region>(*sim, opts.nodes);
    region->attach(opts);
  }
  std::unique_ptr<control_port> control;
  if (!args.control.empty())
    control = std::make_unique<control_port>(args, out.staging(), *hub);
  if (!args.view.empty()) {
    live::view_options where;
    where.bind = args.view_bind;
    where.port = static_cast<uint16_t>(
        parse_option("--view", args.view, [](const auto& t) {
          return parse_whole_number(t, 0, 65535);
        }));
    region->serve(opts, where);
  }
  std::cout << "# scenario=" << scenario_name << " seed=" << opts.seed
            << " nodes=" << opts.nodes << " threads=" << opts.threads
            << std::endl;
  auto res = run_simulation(opts);
  print_run_lines(res);
  if (control)
    control->remove_token_file();
  if (!res.error.empty()) {
    report_failed_run(opts, *sim, res, scenario_name, &out);
    return 1;
  }
  write_run_manifest(opts, *sim, res, scenario_name);
  out.commit();
  auto digest = analysis::trace_digest(out.path());
  std::cout << "# trace=" << out.path() << " records=" << res.trace_records
            << " bytes=" << res.trace_bytes
            << " delivery_digest=" << res.delivery_digest << std::endl;
  std::printf("digest=%s events=%llu virtual_s=%.6f wall_s=%.3f\n",
              digest.c_str(), static_cast<unsigned long long>(res.events),
              to_seconds(res.end_t), res.wall_s);
  if (!res.check_failures.empty()) {
    tell_user(user_line::error,
              "the model's checks failed (see '# check failed' lines)");
    return 1;
  }
  // Like the plumbing's notes, the hints are info: --log-level warn drops
  // them, and so does --quiet.
  if (opts.progress != progress_mode::quiet &&
      logging::enabled(logging::level::info))
    print_next_steps(out.path());
  return 0;
}

} // namespace

namespace {

void add_run_options(CLI::App* cmd, const std::shared_ptr<run_args>& args) {
  cmd->add_option("scenario", args->scenario,
                  "scenario file (docs/scenarios.md); none: the built-in "
                  "default scenario, scenarios/default.json");
  cmd->add_option("--model", args->model,
                  "run a built-in model instead, e.g. 'phold entities=64' "
                  "(region, pingpong, heartbeat, phold, roundtrip)");
  args->out_opt =
      cmd->add_option("--out", args->out,
                      "trace directory: created, or replaced if it is empty "
                      "or a trace vmss-sim wrote (anything else is refused)")
          ->capture_default_str();
  args->until_opt =
      cmd->add_option("--until", args->until,
                      "stop at this virtual time, e.g. 90s, 5m (default: the "
                      "scenario's duration)");
  add_common_options(*cmd, args->common);
  auto* control = cmd->add_option(
      "--control", args->control,
      "serve live commands (vmss-sim ctl) on this TCP port, 0: a free one; "
      "prints '# control ADDR:PORT token=HEX' on stderr and writes the token "
      "to control-token (0600) in the output folder");
  control->type_name("PORT");
  cmd->add_option("--control-bind", args->control_bind,
                  "address the control port listens on (anything but "
                  "loopback exposes the run to the network: the token is its "
                  "only guard)")
      ->type_name("ADDR")
      ->needs(control)
      ->capture_default_str();
  auto* view = cmd->add_option(
      "--view", args->view,
      "serve the live view (docs/live-view.md) on this TCP port, 0: a free "
      "one; prints '# view http://ADDR:PORT/?token=HEX' on stderr");
  view->type_name("PORT");
  cmd->add_option("--view-bind", args->view_bind,
                  "address the live view listens on (anything but loopback "
                  "exposes the run to the network: the token is its only "
                  "guard)")
      ->type_name("ADDR")
      ->needs(view)
      ->capture_default_str();
  cmd->add_option("--pace", args->pace,
                  "run at X virtual seconds per wall second (0: as fast as "
                  "possible); changes no result")
      ->type_name("X");
  cmd->add_option("--replay", args->replay,
                  "re-apply the live commands recorded in trace DIR, each at "
                  "its recorded time (same scenario and seed: same digest)")
      ->type_name("DIR");
  cmd->callback([args] {
    int code = run_main(*args);
    if (code != 0)
      throw CLI::RuntimeError(code);
  });
}

} // namespace

void add_run_command(CLI::App& root) {
  add_run_options(root.add_subcommand("run", "Run a scenario and write its "
                                             "trace (no argument: the "
                                             "built-in default scenario)"),
                  std::make_shared<run_args>());
  auto* cluster =
      root.add_subcommand("cluster", "Multi-node runs described by a "
                                     "cluster.conf");
  cluster->require_subcommand(1);
  auto args = std::make_shared<run_args>();
  auto* up = cluster->add_subcommand(
      "up", "Start the coordinator and every node of cluster.conf and run the "
            "scenario (same options as run)");
  add_run_options(up, args);
  up->get_option("--config")->required();
}

namespace {

struct node_args {
  std::string coordinator, node_id, threads = "2", config;
  std::string log_level = logging::name(logging::default_level);
  CLI::Option* threads_opt = nullptr;
};

/// HOST:PORT of --coordinator.
void parse_coordinator(const std::string& text, node_options& opts) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::runtime_error("--coordinator " + text + ": expected HOST:PORT");
  opts.coordinator_host = text.substr(0, colon);
  opts.coordinator_port = static_cast<uint16_t>(parse_option(
      "--coordinator " + opts.coordinator_host + ": port",
      text.substr(colon + 1),
      [](const std::string& t) { return parse_whole_number(t, 1, 65535); }));
}

/// What cluster.conf says of node `opts.node_id`: where it listens, where
/// its peers are, its threads, and the coordinator when --coordinator is
/// not given.
void apply_node_config(const node_args& args, const cluster_config& file,
                       node_options& opts) {
  auto k = opts.node_id;
  if (!file.node_list.empty()) {
    if (k >= file.node_list.size())
      throw std::runtime_error("--node-id " + args.node_id + ": " + file.path +
                               " has " + std::to_string(file.node_list.size()) +
                               " nodes (0 to " +
                               std::to_string(file.node_list.size() - 1) + ")");
    opts.listen_address = file.node_list[k].address;
    opts.listen_port = file.node_list[k].port;
    for (const auto& n : file.node_list)
      opts.peer_addresses.push_back(n.address);
  }
  if (args.threads_opt->count() == 0 && file.threads)
    opts.threads = *file.threads;
  if (!args.coordinator.empty())
    return;
  if (!file.coordinator_address || file.coordinator_port.value_or(0) == 0)
    throw std::runtime_error(
        "--coordinator: not given, and " + file.path +
        " has no [coordinator] address and port (not 0) to dial");
  opts.coordinator_host = *file.coordinator_address;
  opts.coordinator_port = *file.coordinator_port;
}

} // namespace

void add_node_command(CLI::App& root) {
  auto args = std::make_shared<node_args>();
  auto* cmd = root.add_subcommand(
      "node", "One node process of a multi-node run (started by `run --nodes`, "
              "`bench --nodes` and `cluster up`, or by hand with --config). "
              "It proves the run secret from the environment variable "
              "VMSS_RUN_SECRET or from the secret-file of --config");
  cmd->add_option("--coordinator", args->coordinator,
                  "HOST:PORT of the coordinator (default: [coordinator] "
                  "address and port of --config)");
  cmd->add_option("--node-id", args->node_id, "this node's number, 0 to 63")
      ->required();
  args->threads_opt =
      cmd->add_option("--threads", args->threads,
                      "CAF scheduler threads of this process, 1 to 64 "
                      "(default: the threads of --config, else 2; its lanes "
                      "are the run's --threads, from the coordinator)")
          ->capture_default_str();
  cmd->add_option("--config", args->config,
                  "cluster.conf: this node's [node.K] address and port, its "
                  "peers' addresses, threads, the coordinator, and the "
                  "secret-file that holds the run secret")
      ->check(CLI::ExistingFile);
  add_log_level_option(*cmd, args->log_level);
  cmd->callback([args] {
    apply_log_level(args->log_level);
    node_options opts;
    if (!args->coordinator.empty())
      parse_coordinator(args->coordinator, opts);
    opts.node_id = static_cast<uint32_t>(
        parse_option("--node-id", args->node_id, [](const std::string& t) {
          return parse_whole_number(t, 0, max_nodes - 1);
        }));
    opts.threads = static_cast<uint32_t>(
        parse_option("--threads", args->threads, [](const std::string& t) {
          return parse_whole_number(t, 1, max_threads);
        }));
    cluster_config file;
    if (!args->config.empty())
      file = read_cluster_config(args->config);
    else if (args->coordinator.empty())
      throw std::runtime_error("--coordinator: needed without --config");
    apply_node_config(*args, file, opts);
    opts.secret = node_run_secret(args->config);
    opts.factory = &make_any_model;
    opts.messages = &register_family_messages;
    run_node(opts);
  });
}

} // namespace vmss
