#pragma once
/// The trace events the kernel itself writes, declared once (used by
/// node_kernel and by analysis's crash_silence checker).

#include "kernel/trace_event.hpp"

namespace vmss::kernel_events {

using trace::event_def;

inline constexpr event_def entity_crashed{"entity_crashed", {}};
inline constexpr event_def entity_restarted{"entity_restarted", {}};
/// A message for a down entity: `from` always; `to` (the final
/// destination) when a down switch dropped a message passing it.
inline constexpr event_def dropped_while_down{"dropped_while_down",
                                              {"from", "to"}};

} // namespace vmss::kernel_events
