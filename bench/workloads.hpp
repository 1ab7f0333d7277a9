#pragma once
/// The benchmark workloads of bench/WORKLOADS.md as kernel models.

#include "kernel/model.hpp"

#include <memory>

namespace vmss::bench {

/// W1: "pingpong pairs=P rounds=R [cross=1]". With cross=1 a pair's two
/// actors sit on different nodes, so every message crosses processes.
std::unique_ptr<model> make_pingpong(model_spec& spec, uint32_t nodes);

/// W2: "heartbeat hosts=H monitors=M seconds=T".
std::unique_ptr<model> make_heartbeat(model_spec& spec, uint32_t nodes);

} // namespace vmss::bench
