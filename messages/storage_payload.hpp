#pragma once
/// How many bytes of bulk data a storage message carries: what a switch
/// queues on its links. Small messages (requests, acks, timers) count as 0.

#include "kernel/wire.hpp"
#include "messages/storage_messages.hpp"

namespace vmss::storage {

/// The `bytes` field of disk_data and disk_copy; 0 for any other type.
inline uint64_t storage_payload_bytes(wire::type_id type,
                                      const caf::message& msg) {
  if (type != wire::no_type && type == wire::id_of<disk_data>)
    return msg.get_as<disk_data>(0).bytes;
  if (type != wire::no_type && type == wire::id_of<disk_copy>)
    return msg.get_as<disk_copy>(0).bytes;
  return 0;
}

} // namespace vmss::storage
