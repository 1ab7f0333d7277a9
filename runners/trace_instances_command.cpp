/// `vmss-sim trace instances DIR [--at TIME] [--scale-set NAME]`: Azure's
/// instance view of the scale sets at a virtual time (analysis/
/// instance_view.hpp; the shape in docs/trace-format.md).

#include "runners/trace_support.hpp"

#include "analysis/instance_view.hpp"
#include "kernel/sim_time.hpp"

#include <iostream>
#include <memory>
#include <stdexcept>

namespace vmss::trace_cli {

namespace {

struct instances_options {
  std::string dir;
  std::string at;
  CLI::Option* at_opt = nullptr;
  std::string scale_set;
  CLI::Option* scale_set_opt = nullptr;
};

/// --at as nanoseconds; the end of the trace without it.
sim_time at_ns(const instances_options& o) {
  if (o.at_opt->count() == 0)
    return sim_time_never;
  sim_time at = 0;
  std::string why;
  if (!parse_duration(o.at, at, &why))
    throw std::invalid_argument("--at '" + o.at + "': " + why);
  return at;
}

/// Keeps only the set named by --scale-set; refuses a name the trace does
/// not have by then.
void select_set(const instances_options& o,
                std::vector<analysis::scale_set_view>& views) {
  if (o.scale_set_opt->count() == 0)
    return;
  std::string known;
  for (auto& v : views) {
    if (v.name == o.scale_set) {
      auto chosen = std::move(v);
      views.assign(1, std::move(chosen));
      return;
    }
    known += (known.empty() ? "" : ", ") + v.name;
  }
  throw std::invalid_argument(
      "--scale-set '" + o.scale_set + "': no such scale set in the trace" +
      (o.at_opt->count() ? " at or before " + o.at : std::string()) +
      (known.empty() ? " (it has none)" : " (it has " + known + ")"));
}

void run_instances(const instances_options& o) {
  sim_time at = at_ns(o); // refuses a bad --at before reading the trace
  auto views = analysis::read_scale_set_views(open_trace(o.dir), at);
  select_set(o, views);
  analysis::write_scale_set_views(views, std::cout);
  std::cout.flush();
}

} // namespace

void add_instances(CLI::App& trace) {
  auto o = std::make_shared<instances_options>();
  CLI::App* sub = add_dir_command(
      trace, "instances",
      "Print Azure's instance view of every scale set at a virtual time, "
      "from the orchestrators' instance_view and service_state records: a "
      "JSON array of {name, orchestrationServices, virtualMachines} with "
      "each instance as GET virtualMachineScaleSets/{vmss}/"
      "virtualMachines?$expand=instanceView lists it (instanceId, name, "
      "zones, latestModelApplied, provisioningState, protectionPolicy, "
      "instanceView: fault and update domain, statuses, vmHealth); deleted "
      "instances are left out (docs/trace-format.md)",
      o->dir);
  o->at_opt = sub->add_option(
      "--at", o->at,
      "Virtual time (a duration from the start: 90s, 33m, 1.5h); each "
      "instance as its last record at or before it says. Default: the end "
      "of the trace");
  o->scale_set_opt = sub->add_option("--scale-set", o->scale_set,
                                     "Only this scale set (its name)");
  sub->footer(exit_footer);
  sub->callback([o] { guarded([&] { run_instances(*o); }); });
}

} // namespace vmss::trace_cli
