#include "runners/live_region.hpp"

#include "actors/physical/faults.hpp"
#include "kernel/cluster.hpp"
#include "kernel/model.hpp"
#include "runners/tell_user.hpp"
#include "topology/entity_table.hpp"

#include <stdexcept>

namespace vmss {

std::string recovery_of_fault(const std::string& fault) {
  physical::fault_kind kind;
  if (!physical::parse_fault_kind(fault, kind))
    return {};
  auto recovery = physical::recovery_of(kind);
  return recovery == kind ? std::string() : physical::to_string(recovery);
}

live_region::live_region(model& sim, uint32_t nodes)
    : state_(&recovery_of_fault) {
  entity_table table(nodes);
  sim.describe(table);
  table.finalize();
  for (const auto& e : table.entries())
    state_.add_entity(e.path, e.kind->name);
}

void live_region::attach(run_options& opts) {
  auto* state = &state_;
  opts.observer = [state](const observed_record& r) {
    state->apply(analysis::live_record{r.t_ns, r.entity, r.kind, r.event,
                                       r.fields, r.num_fields});
  };
  opts.live_status = [state] { return state->snapshot_json(); };
}

void live_region::serve(run_options& opts, const live::view_options& where) {
  if (!opts.live)
    throw std::logic_error("live_region::serve without a hub");
  view_ = std::make_unique<live::view_server>(*opts.live, &state_, where);
  tell_user(user_line::note, "view " + view_->url());
}

} // namespace vmss
