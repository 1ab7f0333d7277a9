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

/// PHOLD-like randomized workload: "phold entities=N jobs=J think=1ms
/// latency=1ms lookahead=1ms". Each job waits a random think time (drawn
/// from the holder's seeded stream), then hops to a random entity.
std::unique_ptr<model> make_phold(model_spec& spec, uint32_t nodes);

/// Self-check "roundtrip": an entity on node 0 sends a sample of every
/// registered simulation message type to an echo entity on the last node
/// and compares what comes back. Counters: types_ok, types_bad.
std::unique_ptr<model> make_roundtrip(model_spec& spec, uint32_t nodes);

} // namespace vmss::bench
