#pragma once
/// The network hook: one-way latency between two entities. Models decide
/// (same host, same rack, via TOR, cross-zone, ...); the kernel only asks.

#include "kernel/sim_time.hpp"
#include "topology/entity_table.hpp"

#include <functional>

namespace vmss {

class network_model {
public:
  virtual ~network_model() = default;

  /// Called once the entity ids are known, before any latency() call.
  virtual void bind(const entity_table&) {}

  /// One-way latency of a message from `src` to `dst`; must be >= 0.
  virtual sim_time latency(entity_id src, entity_id dst) = 0;

  /// The next hop of a message at `at` on its way to `dst`, and the latency
  /// to it. A hop other than `dst` is a switch entity that the message
  /// passes (entity::on_transit), e.g. a rack's TOR. Default: straight to
  /// `dst`.
  struct hop {
    entity_id next;
    sim_time latency;
  };
  virtual hop route(entity_id at, entity_id dst) {
    return {dst, latency(at, dst)};
  }
};

/// The same latency for every pair.
class constant_latency final : public network_model {
public:
  explicit constant_latency(sim_time latency) : latency_(latency) {}
  sim_time latency(entity_id, entity_id) override { return latency_; }

private:
  sim_time latency_;
};

} // namespace vmss
