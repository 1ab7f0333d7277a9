#include "actors/storage/module.hpp"

#include "kernel/message_family.hpp"
#include "messages/storage_events.hpp"
#include "messages/storage_kinds.hpp"
#include "messages/storage_messages.hpp"

namespace vmss::storage {

namespace {

/// Indices are fixed: a new message takes the next free one.
void register_messages(message_family& f) {
  f.add<disk_io>(0, "disk_io");
  f.add<disk_io_result>(1, "disk_io_result");
  f.add<disk_data>(2, "disk_data");
  f.add<disk_replicate>(3, "disk_replicate");
  f.add<disk_replicated>(4, "disk_replicated");
  f.add<disk_copy>(5, "disk_copy");
  f.add<disk_copied>(6, "disk_copied");
  f.add<disk_timer>(7, "disk_timer");
  f.add<disk_io_due>(8, "disk_io_due");
  f.add<disk_slow>(9, "disk_slow");
}

std::vector<const trace::event_def*> declared_events() {
  return {std::begin(events::all), std::end(events::all)};
}

} // namespace

const family_module& module() {
  static const family_module m{"storage",
                               3,
                               &register_messages,
                               {&kinds::storage_replica},
                               declared_events()};
  return m;
}

} // namespace vmss::storage
