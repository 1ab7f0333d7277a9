#pragma once
/// The trace events of the control family, declared once.

#include "kernel/trace_event.hpp"

namespace vmss::control::events {

using trace::event_def;

/// A workload's requests of one second (the tick starting at the record's
/// time) to one target: `target` the load balancer's entity path,
/// `region` its region, `ok` and `failed` counts, response-time
/// percentiles of the ok ones in milliseconds (0 when none). A workload
/// through Traffic Manager writes one record per region its clients used.
inline constexpr event_def requests{"requests",
                                    {"workload", "target", "region", "ok",
                                     "failed", "p50_ms", "p95_ms", "p99_ms"}};

inline constexpr const event_def* all[] = {&requests};

} // namespace vmss::control::events
