#include "actors/compute/module.hpp"

#include "actors/compute/checkers.hpp"
#include "kernel/message_family.hpp"
#include "messages/compute_events.hpp"
#include "messages/compute_kinds.hpp"
#include "messages/compute_messages.hpp"

namespace vmss::compute {

namespace {

/// Indices are fixed: a new message takes the next free one.
void register_messages(message_family& f) {
  f.add<arm_request>(0, "arm_request");
  f.add<model_changed>(1, "model_changed");
  f.add<instance_status>(2, "instance_status");
  f.add<orchestrator_due>(3, "orchestrator_due");
  f.add<instance_fault>(4, "instance_fault");
  f.add<capacity_reported>(5, "capacity_reported");
  f.add<metric_sample>(6, "metric_sample");
  f.add<metric_query>(7, "metric_query");
  f.add<metric_values>(8, "metric_values");
  f.add<capacity_query>(9, "capacity_query");
  f.add<capacity_answer>(10, "capacity_answer");
  f.add<autoscale_due>(11, "autoscale_due");
  f.add<model_put>(12, "model_put");
}

std::vector<const trace::event_def*> declared_events() {
  return {std::begin(events::all), std::end(events::all)};
}

} // namespace

const family_module& module() {
  static const family_module m{
      "compute",
      5,
      &register_messages,
      {&kinds::arm, &kinds::orchestrator, &kinds::monitor, &kinds::autoscale},
      declared_events(),
      &register_checkers};
  return m;
}

} // namespace vmss::compute
