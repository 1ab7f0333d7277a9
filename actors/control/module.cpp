#include "actors/control/module.hpp"

#include "kernel/message_family.hpp"
#include "messages/control_events.hpp"
#include "messages/control_kinds.hpp"
#include "messages/control_messages.hpp"

namespace vmss::control {

namespace {

/// Indices are fixed: a new message takes the next free one.
void register_messages(message_family& f) {
  f.add<workload_due>(0, "workload_due");
  f.add<control_command_notice>(1, "control_command_notice");
}

std::vector<const trace::event_def*> declared_events() {
  return {std::begin(events::all), std::end(events::all)};
}

} // namespace

const family_module& module() {
  static const family_module m{
      "control",          7,
      &register_messages, {&kinds::workload, &kinds::control},
      declared_events(),  nullptr};
  return m;
}

} // namespace vmss::control
