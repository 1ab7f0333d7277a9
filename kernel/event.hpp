#pragma once
/// A timed event in the kernel's queue.

#include "kernel/delivery_order.hpp"
#include "kernel/sim_time.hpp"
#include "topology/entity_table.hpp"

#include <caf/message.hpp>

#include <cstdint>
#include <limits>
#include <type_traits>

namespace vmss {

namespace wire {
using type_id = uint16_t;
constexpr type_id no_type = 0xFFFF;
} // namespace wire

/// Source of events the kernel itself injects (start, crash, restart and
/// scenario commands); orders after every real entity.
constexpr entity_id kernel_source = std::numeric_limits<entity_id>::max();

enum class event_kind : uint8_t {
  message, ///< sent by an entity through the network
  timer,   ///< an entity's timer to itself
  start,   ///< the entity starts (t = 0)
  crash,   ///< the entity crashes: loses volatile state, drops input
  restart, ///< the entity restarts from its durable state
  transit, ///< a message passing a switch entity on its way to `to`
};

struct event {
  sim_time t = 0;
  entity_id dst = 0;
  entity_id src = 0;
  uint64_t seq = 0;
  caf::message msg;
  union {
    uint32_t incarnation = 0; ///< timers: the destination's incarnation
    entity_id to;             ///< transit: the message's final destination
  };
  wire::type_id type = wire::no_type;
  event_kind kind = event_kind::message;

  /// Where the event stands in the kernel's total delivery order.
  delivery_position position() const { return {t, dst, src, seq}; }

  friend bool operator<(const event& a, const event& b) {
    return a.position() < b.position();
  }
};

static_assert(std::is_same_v<decltype(delivery_position::t), sim_time> &&
                  std::is_same_v<decltype(delivery_position::dst), entity_id>,
              "delivery_position holds an event's time and entity ids");

} // namespace vmss
