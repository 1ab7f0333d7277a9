#pragma once
/// The kernel's total delivery order, defined once: events are delivered,
/// and the trace records they produce are kept, by virtual time, then
/// destination entity, then source entity, then the source's sequence
/// number. Events (kernel/event.hpp) and trace positions
/// (trace::order_key, kernel/trace_sink.hpp) both compare through it. No
/// CAF in this header.

#include <cstdint>

namespace vmss {

/// Where an event stands in the delivery order.
struct delivery_position {
  int64_t t = 0;
  uint32_t dst = 0;
  uint32_t src = 0;
  uint64_t seq = 0;

  friend constexpr bool operator<(const delivery_position& a,
                                  const delivery_position& b) {
    if (a.t != b.t)
      return a.t < b.t;
    if (a.dst != b.dst)
      return a.dst < b.dst;
    if (a.src != b.src)
      return a.src < b.src;
    return a.seq < b.seq;
  }

  friend constexpr bool operator==(const delivery_position& a,
                                   const delivery_position& b) {
    return a.t == b.t && a.dst == b.dst && a.src == b.src && a.seq == b.seq;
  }
};

} // namespace vmss
