#pragma once
/// The trace events of the storage family, declared once.

#include "kernel/trace_event.hpp"

namespace vmss::storage::events {

using trace::event_def;

inline constexpr event_def disk_degraded{"disk_degraded", {"disk", "lost"}};
inline constexpr event_def disk_rereplicated{"disk_rereplicated",
                                             {"disk", "added"}};
inline constexpr event_def disk_unavailable{"disk_unavailable", {"disk"}};
inline constexpr event_def disk_slow{"disk_slow", {"factor_permille"}};

inline constexpr const event_def* all[] = {&disk_degraded, &disk_rereplicated,
                                           &disk_unavailable, &disk_slow};

} // namespace vmss::storage::events
