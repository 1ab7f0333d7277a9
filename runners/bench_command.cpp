#include "kernel/cluster.hpp"
#include "runners/commands.hpp"
#include "runners/run_support.hpp"
#include "runners/tell_user.hpp"
#include "runners/trace_output.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <thread>

namespace vmss {

namespace {

struct bench_args {
  std::string workload;
  int64_t pairs = 1000, rounds = 1000;
  int64_t hosts = 10000, monitors = 5, seconds = 100;
  std::string preset = "region";
  bool same_node_pairs = false;
  std::string trace_dir;
  common_args common;
};

int bench_main(const bench_args& a) {
  run_options opts;
  apply_common(a.common, opts);
  std::string name;
  int64_t msgs = 0;
  if (a.workload == "pingpong") {
    name = "w1_pingpong";
    opts.model_spec = "pingpong pairs=" + std::to_string(a.pairs) +
                      " rounds=" + std::to_string(a.rounds) +
                      " cross=" + (a.same_node_pairs ? "0" : "1");
    msgs = 2 * a.pairs * a.rounds;
  } else if (a.workload == "region") {
    // The region model with its background tenants; every delivered event
    // counts (messages, timers, passes through TOR switches).
    name = "region_" + a.preset;
    opts.model_spec = "region preset=" + a.preset;
    opts.until = vmss::seconds(a.seconds);
  } else {
    name = "w2_heartbeat";
    opts.model_spec = "heartbeat hosts=" + std::to_string(a.hosts) +
                      " monitors=" + std::to_string(a.monitors) +
                      " seconds=" + std::to_string(a.seconds);
    msgs = a.hosts * a.seconds;
  }
  // Every input is checked before the trace path is touched.
  auto sim = check_model(opts);
  std::unique_ptr<trace_output> out;
  if (!a.trace_dir.empty()) {
    out = std::make_unique<trace_output>(a.trace_dir, "--trace");
    opts.trace_dir = out->staging();
    opts.trace_deliveries = true;
  }
  std::cout << "# " << name << " seed=" << opts.seed << " nodes=" << opts.nodes
            << " threads=" << opts.threads
            << " cores=" << std::thread::hardware_concurrency() << std::endl;
  auto res = run_simulation(opts);
  print_run_lines(res);
  if (!res.error.empty()) {
    report_failed_run(opts, *sim, res, "bench " + opts.model_spec, out.get());
    return 1;
  }
  if (out) {
    write_run_manifest(opts, *sim, res, "bench " + opts.model_spec);
    out->commit();
  }
  std::printf("# setup_s=%.3f windows=%llu events=%llu virtual_end_s=%.6f",
              res.setup_s, static_cast<unsigned long long>(res.windows),
              static_cast<unsigned long long>(res.events),
              to_seconds(res.end_t));
  if (!opts.trace_dir.empty())
    std::printf(" trace_records=%llu trace_bytes=%llu bytes_per_record=%.1f",
                static_cast<unsigned long long>(res.trace_records),
                static_cast<unsigned long long>(res.trace_bytes),
                res.trace_records ? double(res.trace_bytes) / res.trace_records
                                  : 0.0);
  std::printf("\n");
  std::fflush(stdout);
  print_node_figures(res);
  std::cout.flush();
  bool ok = res.check_failures.empty();
  if (a.workload == "region")
    msgs = static_cast<int64_t>(res.events);
  std::printf("%s vmss-sim msgs=%lld wall_s=%.3f msgs_per_s=%.0f rss_kb=%lld "
              "check=%s digest=%s\n",
              name.c_str(), static_cast<long long>(msgs), res.wall_s,
              res.wall_s > 0 ? msgs / res.wall_s : 0.0,
              static_cast<long long>(res.rss_kb), ok ? "ok" : "FAIL",
              res.delivery_digest.c_str());
  return ok ? 0 : 1;
}

} // namespace

void add_bench_command(CLI::App& root) {
  auto a = std::make_shared<bench_args>();
  auto* cmd = root.add_subcommand(
      "bench", "Benchmark workloads W1 pingpong and W2 heartbeat "
               "(bench/WORKLOADS.md) and the region model (issue 3: "
               "region --seconds 3600); prints one result line");
  cmd->add_option("workload", a->workload, "pingpong, heartbeat or region")
      ->required()
      ->check(CLI::IsMember({"pingpong", "heartbeat", "region"}));
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
  cmd->add_option("--trace", a->trace_dir,
                  "write a trace with a record per delivered message");
  add_common_options(*cmd, a->common);
  cmd->callback([a] {
    if (a->pairs < 1 || a->rounds < 1 || a->hosts < 1 || a->monitors < 1 ||
        a->seconds < 1) {
      tell_user(user_line::error, "workload sizes must be >= 1");
      throw CLI::RuntimeError(2);
    }
    int code = bench_main(*a);
    if (code != 0)
      throw CLI::RuntimeError(code);
  });
}

} // namespace vmss
