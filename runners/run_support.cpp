#include "runners/run_support.hpp"

#include "kernel/trace_manifest.hpp"
#include "runners/tell_user.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace vmss {

std::unique_ptr<model> check_model(const run_options& opts) {
  std::unique_ptr<model> sim;
  try {
    sim = opts.factory(opts.model_spec, opts.seed, run_shards(opts));
  } catch (const std::exception& e) {
    throw std::invalid_argument(e.what());
  }
  if (opts.until == sim_time_never && !sim->ends_by_itself())
    throw std::invalid_argument(
        "'" + opts.model_spec +
        "' never runs out of events: give --until DURATION, e.g. --until "
        "10m");
  for (const auto& w : sim->plan_warnings(opts.until))
    tell_user(user_line::warning, w);
  return sim;
}

void write_run_manifest(const run_options& opts, model& sim,
                        const run_result& res, const std::string& scenario) {
  entity_table table(run_shards(opts));
  sim.describe(table);
  table.finalize();
  trace::manifest m;
  m.scenario = scenario;
  m.seed = opts.seed;
  m.nodes = opts.nodes;
  m.lookahead_ns = sim.lookahead();
  m.end_t_ns = res.end_t;
  m.events = res.events;
  m.complete = !res.trace_incomplete;
  m.complete_until_ns = res.trace_incomplete ? res.complete_until : 0;
  for (const auto& e : table.entries())
    m.entities.push_back(
        {e.path, std::string(e.kind->name), e.node % opts.nodes});
  for (uint32_t k = 0; k < opts.nodes; ++k)
    m.shards.push_back({k, trace::shard_file_name(k), res.shards[k].records,
                        res.shards[k].bytes});
  trace::write_manifest(opts.trace_dir, m);
}

void report_failed_run(const run_options& opts, model& sim,
                       const run_result& res, const std::string& scenario,
                       trace_output* out) {
  tell_user(user_line::error, res.error);
  if (!out || !res.trace_incomplete || res.shards.size() != opts.nodes)
    return;
  write_run_manifest(opts, sim, res, scenario);
  tell_user(user_line::note,
            fmt::format("the trace up to virtual time {:g} s is in {} "
                        "(incomplete; {} is unchanged)",
                        to_seconds(res.complete_until), out->keep(),
                        out->path()));
}

} // namespace vmss
