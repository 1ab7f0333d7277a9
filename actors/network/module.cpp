#include "actors/network/module.hpp"

#include "kernel/message_family.hpp"
#include "messages/network_events.hpp"
#include "messages/network_kinds.hpp"
#include "messages/network_messages.hpp"

namespace vmss::network {

namespace {

/// Indices are fixed: a new message takes the next free one.
void register_messages(message_family& f) {
  f.add<lb_member>(0, "lb_member");
  f.add<lb_drained>(1, "lb_drained");
  f.add<lb_backend_health>(2, "lb_backend_health");
  f.add<lb_probe>(3, "lb_probe");
  f.add<lb_probe_reply>(4, "lb_probe_reply");
  f.add<lb_due>(5, "lb_due");
}

std::vector<const trace::event_def*> declared_events() {
  return {std::begin(events::all), std::end(events::all)};
}

} // namespace

const family_module& module() {
  static const family_module m{"network",          6,
                               &register_messages, {&kinds::load_balancer},
                               declared_events(),  nullptr};
  return m;
}

} // namespace vmss::network
