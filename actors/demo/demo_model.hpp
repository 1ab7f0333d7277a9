#pragma once
/// The built-in default scenario until the region model lands: a small
/// region of hosts (3 zones x 2 racks x 4) that heartbeat to one monitor per
/// zone, watched across zones; one host crashes at 30 s and restarts at
/// 60 s, and the monitor marks it down and up again. It exercises the
/// kernel end to end: timers, seeded jitter, cross-zone latency, crash and
/// restart, tracing.

#include "kernel/model.hpp"

#include <memory>

namespace vmss::demo {

/// "demo [zones=3 racks=2 hosts=4 period=1s missed=3 crash_at=30s
/// restart_at=60s]".
std::unique_ptr<model> make_demo(model_spec& spec, uint64_t seed,
                                 uint32_t nodes);

} // namespace vmss::demo
