#pragma once
/// The trace events of the bench family, declared once.

#include "kernel/trace_event.hpp"

namespace vmss::bench::events {

using trace::event_def;

/// A phold job hops on: to whom, and how many hops it made.
inline constexpr event_def hop{"hop", {"to", "hops"}};

inline constexpr const event_def* all[] = {&hop};

} // namespace vmss::bench::events
