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
