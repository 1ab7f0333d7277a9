#pragma once
/// The trace events of the network family, declared once.

#include "kernel/trace_event.hpp"

namespace vmss::network::events {

using trace::event_def;

/// A backend starts (member true) or stops receiving new flows from the
/// load balancer: vm is SETNAME/N, pool the backend pool's name.
inline constexpr event_def lb_backend{"lb_backend", {"vm", "member", "pool"}};
/// A health probe's verdict on a backend changed (traced on changes only).
inline constexpr event_def probe_result{"probe_result", {"vm", "probe", "up"}};

inline constexpr const event_def* all[] = {&lb_backend, &probe_result};

} // namespace vmss::network::events
