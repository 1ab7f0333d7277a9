#include "actors/storage/storage_replica.hpp"

#include "messages/storage_events.hpp"

#include <caf/all.hpp>

namespace vmss::storage {

storage_replica::storage_replica(caf::actor_config& cfg, node_kernel& k,
                                 entity_id id, const topology::region* region,
                                 const replication_params* params)
    : entity(cfg, k, id), directory_(*region, k.table(), params->redundancy),
      core_(id, directory_, *params) {
}

void storage_replica::note(const disk_note& n) {
  const auto& disk = kernel_.table()[n.disk].path;
  const auto& replica = kernel_.table()[n.replica].path;
  switch (n.event) {
  case disk_event::degraded:
    trace(storage::events::disk_degraded, {disk, replica});
    break;
  case disk_event::rereplicated:
    trace(storage::events::disk_rereplicated, {disk, replica});
    break;
  case disk_event::unavailable:
    trace(storage::events::disk_unavailable, {disk});
    break;
  }
}

void storage_replica::execute(const storage_effects& fx) {
  for (const auto& n : fx.notes)
    note(n);
  for (const auto& s : fx.sends)
    std::visit([&](const auto& msg) { send(s.to, msg); }, s.msg);
  for (const auto& t : fx.timers)
    after(t.delay, t.msg);
}

caf::behavior storage_replica::make_behavior() {
  return {
      [=](const disk_io& msg) { execute(core_.on_io(source(), msg, now())); },
      [=](const disk_replicate& msg) {
        execute(core_.on_replicate(source(), msg));
      },
      [=](const disk_replicated& msg) {
        execute(core_.on_replicated(source(), msg));
      },
      [=](const disk_copy& msg) { execute(core_.on_copy(source(), msg)); },
      [=](const disk_copied& msg) { execute(core_.on_copied(source(), msg)); },
      [=](const disk_timer& msg) { execute(core_.on_timer(msg)); },
      [=](const disk_slow& msg) {
        core_.set_slowness(msg.factor_permille);
        trace(storage::events::disk_slow,
              {static_cast<int64_t>(msg.factor_permille)});
      },
  };
}

} // namespace vmss::storage
