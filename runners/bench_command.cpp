#include "analysis/checker.hpp"
#include "analysis/digest.hpp"
#include "input/scenario.hpp"
#include "kernel/cluster.hpp"
#include "runners/commands.hpp"
#include "runners/modules.hpp"
#include "runners/run_support.hpp"
#include "runners/scenario_file.hpp"
#include "runners/tell_user.hpp"
#include "runners/trace_output.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <stdexcept>
#include <thread>

namespace vmss {

namespace {

struct bench_args {
  std::string workload;
  int64_t pairs = 1000, rounds = 1000;
  int64_t hosts = 10000, monitors = 5, seconds = 100;
  std::string preset = "region";
  bool same_node_pairs = false;
  std::string hours;    ///< region-day: virtual hours; empty: the scenario's
  std::string scenario; ///< region-day: a scenario file; empty: built in
  std::string trace_dir;
  common_args common;
};

/// What a workload runs and how its result line counts.
struct bench_setup {
  std::string name;     ///< the result line's first word
  int64_t msgs = -1;    ///< messages the workload sends; -1: delivered events
  std::string scenario; ///< the run's name in the manifest
  bool scenario_trace = false; ///< --trace writes the scenario's records
};

/// --hours TEXT: a decimal number of virtual hours above 0, up to the
/// scenario's duration `limit`.
sim_time parse_hours(const std::string& text, sim_time limit) {
  static const std::regex decimal("[0-9]+(\\.[0-9]+)?");
  double limit_h = to_seconds(limit) / 3600.0;
  char limit_text[32];
  std::snprintf(limit_text, sizeof limit_text, "%g", limit_h);
  auto refuse = [&] {
    return std::invalid_argument(
        "--hours " + text +
        ": expected virtual hours, a decimal number above 0 and at most " +
        limit_text + " (the scenario's duration)");
  };
  if (!std::regex_match(text, decimal))
    throw refuse();
  double ns = std::strtod(text.c_str(), nullptr) * 3600e9;
  if (!(ns >= 1) || ns > static_cast<double>(limit))
    throw refuse(); // also before a huge number could overflow below
  return static_cast<sim_time>(std::llround(ns));
}

/// bench region-day: the built-in scenarios/region-day.json, or --scenario
/// FILE, run as `vmss-sim run` runs a scenario, for --hours H.
bench_setup setup_region_day(const bench_args& a, run_options& opts) {
  bool builtin = a.scenario.empty();
  auto text = builtin ? input::builtin_region_day_scenario()
                      : scenario_text(a.scenario);
  auto in = builtin
                ? read_builtin_scenario(text, input::builtin_region_day_label)
                : read_scenario(a.scenario, text);
  bench_setup s;
  s.name = "region_day";
  s.scenario = use_scenario(
      in, text, builtin ? "scenarios/region-day.json" : a.scenario, opts);
  s.scenario_trace = true;
  use_scenario_seed(in, a.common.seed_opt->count() > 0, opts);
  if (!a.hours.empty())
    opts.until = parse_hours(a.hours, opts.until);
  return s;
}

/// The workload's model spec and end in `opts`.
bench_setup setup_workload(const bench_args& a, run_options& opts) {
  bench_setup s;
  if (a.workload == "region-day")
    return setup_region_day(a, opts);
  if (a.workload == "pingpong") {
    s.name = "w1_pingpong";
    opts.model_spec = "pingpong pairs=" + std::to_string(a.pairs) +
                      " rounds=" + std::to_string(a.rounds) +
                      " cross=" + (a.same_node_pairs ? "0" : "1");
    s.msgs = 2 * a.pairs * a.rounds;
  } else if (a.workload == "region") {
    // The region model with its background tenants; every delivered event
    // counts (messages, timers, passes through TOR switches).
    s.name = "region_" + a.preset;
    opts.model_spec = "region preset=" + a.preset;
    opts.until = vmss::seconds(a.seconds);
  } else {
    s.name = "w2_heartbeat";
    opts.model_spec = "heartbeat hosts=" + std::to_string(a.hosts) +
                      " monitors=" + std::to_string(a.monitors) +
                      " seconds=" + std::to_string(a.seconds);
    s.msgs = a.hosts * a.seconds;
  }
  s.scenario = "bench " + opts.model_spec;
  return s;
}

/// The '#' detail line: set-up, windows and events with their rates, the
/// virtual end; with a trace, its size (and a scenario's trace digest).
void print_details(const run_result& res, const run_options& opts,
                   const std::string& trace_digest) {
  auto per_s = [&](uint64_t n) {
    return res.wall_s > 0 ? n / res.wall_s : 0.0;
  };
  std::printf("# setup_s=%.3f windows=%llu windows_per_s=%.0f events=%llu "
              "events_per_s=%.0f virtual_end_s=%.6f",
              res.setup_s, static_cast<unsigned long long>(res.windows),
              per_s(res.windows), static_cast<unsigned long long>(res.events),
              per_s(res.events), to_seconds(res.end_t));
  if (!opts.trace_dir.empty())
    std::printf(" trace_records=%llu trace_bytes=%llu bytes_per_record=%.1f",
                static_cast<unsigned long long>(res.trace_records),
                static_cast<unsigned long long>(res.trace_bytes),
                res.trace_records ? double(res.trace_bytes) / res.trace_records
                                  : 0.0);
  if (!trace_digest.empty())
    std::printf(" trace_digest=%s", trace_digest.c_str());
  std::printf("\n");
}

/// The invariant checkers of `trace check` over a scenario's trace in
/// `dir`: a '# check failed' line per checker that found violations, added
/// to `failures`.
void check_scenario_trace(const std::string& dir,
                          std::vector<std::string>& failures) {
  for (const auto& r : analysis::run_checkers(dir, all_checkers().create_all()))
    if (!r.ok()) {
      failures.push_back("trace check " + r.name + ": " +
                         std::to_string(r.violations.total()) + " violations");
      std::cout << "# check failed: " << failures.back() << "\n";
    }
}

int bench_main(const bench_args& a) {
  run_options opts;
  apply_common(a.common, opts);
  auto setup = setup_workload(a, opts);
  // Every input is checked before the trace path is touched.
  auto sim = check_model(opts);
  std::unique_ptr<trace_output> out;
  if (!a.trace_dir.empty()) {
    out = std::make_unique<trace_output>(a.trace_dir, "--trace");
    opts.trace_dir = out->staging();
    // A scenario's trace is its records, as `run --out` writes it (a record
    // per delivery would be about 100 GB for region-day's day).
    opts.trace_deliveries = !setup.scenario_trace;
  }
  std::cout << "# " << setup.name << " seed=" << opts.seed
            << " nodes=" << opts.nodes << " threads=" << opts.threads
            << " cores=" << std::thread::hardware_concurrency()
            << " until_s=" << to_seconds(opts.until) << std::endl;
  auto res = run_simulation(opts);
  print_run_lines(res);
  if (!res.error.empty()) {
    report_failed_run(opts, *sim, res, setup.scenario, out.get());
    return 1;
  }
  std::string digest;
  if (out) {
    write_run_manifest(opts, *sim, res, setup.scenario);
    out->commit();
    if (setup.scenario_trace) {
      digest = analysis::trace_digest(out->path());
      check_scenario_trace(out->path(), res.check_failures);
    }
  }
  print_details(res, opts, digest);
  std::fflush(stdout);
  print_node_figures(res);
  std::cout.flush();
  bool ok = res.check_failures.empty();
  auto msgs = setup.msgs >= 0 ? setup.msgs : static_cast<int64_t>(res.events);
  std::printf("%s vmss-sim msgs=%lld wall_s=%.3f msgs_per_s=%.0f rss_kb=%lld "
              "check=%s digest=%s\n",
              setup.name.c_str(), static_cast<long long>(msgs), res.wall_s,
              res.wall_s > 0 ? msgs / res.wall_s : 0.0,
              static_cast<long long>(res.rss_kb), ok ? "ok" : "FAIL",
              res.delivery_digest.c_str());
  return ok ? 0 : 1;
}

} // namespace

void add_bench_command(CLI::App& root) {
  auto a = std::make_shared<bench_args>();
  auto* cmd = root.add_subcommand(
      "bench", "Benchmark workloads (docs/benchmarks.md): W1 pingpong and W2 "
               "heartbeat (bench/WORKLOADS.md), the region model (region "
               "--seconds 3600) and the region-day scenario (region-day "
               "--hours 24); prints one result line");
  cmd->add_option("workload", a->workload,
                  "pingpong, heartbeat, region or region-day")
      ->required()
      ->check(CLI::IsMember({"pingpong", "heartbeat", "region", "region-day"}));
  cmd->add_option("--pairs", a->pairs, "W1 pairs P")->capture_default_str();
  cmd->add_option("--rounds", a->rounds, "W1 round trips R per pair")
      ->capture_default_str();
  cmd->add_flag("--same-node-pairs", a->same_node_pairs,
                "W1 with --nodes: keep both actors of a pair on one node "
                "(default: every message crosses processes)");
  cmd->add_option("--hosts", a->hosts, "W2 hosts H")->capture_default_str();
  cmd->add_option("--monitors", a->monitors, "W2 monitors M")
      ->capture_default_str();
  cmd->add_option("--seconds", a->seconds, "W2 and region: virtual seconds T")
      ->capture_default_str();
  cmd->add_option("--preset", a->preset,
                  "region: topology preset (region: 4,800 hosts, 201,600 VM "
                  "slots; small)")
      ->capture_default_str()
      ->check(CLI::IsMember({"region", "small"}));
  cmd->add_option(
         "--hours", a->hours,
         "region-day: virtual hours to run, a decimal number (default: "
         "the scenario's duration, 24)")
      ->type_name("H");
  cmd->add_option("--scenario", a->scenario,
                  "region-day: run this scenario file instead of the built-in "
                  "scenarios/region-day.json (e.g. "
                  "scenarios/region-day-ci.json)")
      ->type_name("FILE");
  cmd->add_option("--trace", a->trace_dir,
                  "write a trace into DIR: a record per delivered message "
                  "(region-day: the scenario's records, as run --out writes "
                  "them; its trace_digest on the '#' line and check= also "
                  "the invariant checkers of trace check)")
      ->type_name("DIR");
  add_common_options(*cmd, a->common);
  cmd->callback([a] {
    if (a->pairs < 1 || a->rounds < 1 || a->hosts < 1 || a->monitors < 1 ||
        a->seconds < 1) {
      tell_user(user_line::error, "workload sizes must be >= 1");
      throw CLI::RuntimeError(2);
    }
    if (a->workload != "region-day" &&
        (!a->hours.empty() || !a->scenario.empty())) {
      tell_user(user_line::error,
                "--hours and --scenario are options of bench region-day");
      throw CLI::RuntimeError(2);
    }
    int code = bench_main(*a);
    if (code != 0)
      throw CLI::RuntimeError(code);
  });
}

} // namespace vmss
