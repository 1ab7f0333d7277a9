#include "bench/module.hpp"

#include "kernel/message_family.hpp"
#include "messages/bench_events.hpp"
#include "messages/bench_kinds.hpp"
#include "messages/bench_messages.hpp"

namespace vmss::bench {

namespace {

/// Indices are fixed: a new message takes the next free one.
void register_messages(message_family& f) {
  f.add<ping>(0, "ping");
  f.add<pong>(1, "pong");
  f.add<heartbeat>(2, "heartbeat");
  f.add<beat_due>(3, "beat_due");
  f.add<phold_job>(4, "phold_job");
  f.add<phold_due>(5, "phold_due");
}

} // namespace

const family_module& module() {
  static const family_module m{
      "bench",
      1,
      &register_messages,
      {&kinds::pinger, &kinds::ponger, &kinds::host, &kinds::monitor,
       &kinds::phold, &kinds::prober, &kinds::echo},
      {std::begin(events::all), std::end(events::all)}};
  return m;
}

void register_bench_messages(caf::actor_system_config& cfg) {
  const auto& m = module();
  message_family family(cfg, m.wire_number, m.name);
  m.register_messages(family);
}

} // namespace vmss::bench
