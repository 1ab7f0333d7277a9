#include "actors/network/module.hpp"

#include "actors/network/checkers.hpp"
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
  f.add<lb_traffic>(6, "lb_traffic");
  f.add<vm_serve>(7, "vm_serve");
  f.add<vm_served>(8, "vm_served");
  f.add<lb_traffic_result>(9, "lb_traffic_result");
  f.add<tm_probe>(10, "tm_probe");
  f.add<tm_probe_reply>(11, "tm_probe_reply");
  f.add<dns_query>(12, "dns_query");
  f.add<dns_answer>(13, "dns_answer");
  f.add<tm_due>(14, "tm_due");
  f.add<tm_endpoint_set>(15, "tm_endpoint_set");
  f.add<lb_rule_set>(16, "lb_rule_set");
  f.add<lb_pool_query>(17, "lb_pool_query");
  f.add<lb_pool_health>(18, "lb_pool_health");
}

std::vector<const trace::event_def*> declared_events() {
  return {std::begin(events::all), std::end(events::all)};
}

} // namespace

const family_module& module() {
  static const family_module m{
      "network",
      6,
      &register_messages,
      {&kinds::load_balancer, &kinds::traffic_manager, &kinds::deployment},
      declared_events(),
      &register_checkers};
  return m;
}

} // namespace vmss::network
