#pragma once
/// The trace events of the control family, declared once.

#include "kernel/trace_event.hpp"

namespace vmss::control::events {

using trace::event_def;

/// A workload's requests of one second (the tick starting at `tick_ns`;
/// the record is written when the tick is complete: every result in, or
/// the result timeout over) to one target: `target` the load balancer's
/// entity path, `region` its region, `ok` and `failed` counts,
/// response-time percentiles of the ok ones in milliseconds (0 when
/// none). A workload through Traffic Manager writes one record per load
/// balancer its clients used, and one with target "" and region "" for
/// the failed requests of groups without a DNS answer.
inline constexpr event_def requests{"requests",
                                    {"workload", "target", "region", "ok",
                                     "failed", "p50_ms", "p95_ms", "p99_ms",
                                     "tick_ns"}};

/// The control actor's records of the faults of the timeline, the fault
/// processes and live commands.
inline constexpr event_def fault_injected{"fault_injected",
                                          {"fault", "target"}};
inline constexpr event_def fault_recovered{"fault_recovered",
                                           {"fault", "target"}};
/// A live command at the time it took effect: its canonical text,
/// whether it was accepted, and why not (empty when accepted).
inline constexpr event_def control_command{"control_command",
                                           {"command", "accepted", "reason"}};

inline constexpr const event_def* all[] = {&requests, &fault_injected,
                                           &fault_recovered, &control_command};

} // namespace vmss::control::events
