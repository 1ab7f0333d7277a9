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

/// Traffic Manager: an endpoint's monitor status changed: Online,
/// Degraded, CheckingEndpoint, Disabled, Stopped (traced on changes, and
/// once per endpoint when monitoring starts).
inline constexpr event_def tm_endpoint{"tm_endpoint",
                                       {"profile", "endpoint", "status"}};
/// Traffic Manager: a DNS answer to client group `client` (endpoint "":
/// nothing to return).
inline constexpr event_def tm_route{"tm_route",
                                    {"profile", "endpoint", "client", "ttl_s"}};
/// Blue-green deployment: phase switched (the rule now sends to `pool`),
/// completed (the watch window passed its health gate), rolled_back (the
/// gate failed: back to `pool`), with why.
inline constexpr event_def blue_green{
    "blue_green", {"deployment", "phase", "pool", "reason"}};

inline constexpr const event_def* all[] = {
    &lb_backend, &probe_result, &tm_endpoint, &tm_route, &blue_green};

} // namespace vmss::network::events
