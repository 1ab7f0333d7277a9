#pragma once
/// The trace events of the fabric family, declared once.

#include "kernel/trace_event.hpp"

namespace vmss::fabric::events {

using trace::event_def;

inline constexpr event_def leader_elected{"leader_elected", {"term"}};
/// The replica that leads (term) was killed by fc_leader_kill: it crashes
/// itself right after this record.
inline constexpr event_def leader_killed{"leader_killed", {"term"}};
inline constexpr event_def fc_applied{"fc_applied",
                                      {"index", "term", "command"}};
inline constexpr event_def placement{
    "placement", {"vm", "host", "zone", "fault_domain", "update_domain"}};
inline constexpr event_def host_down{"host_down", {"host"}};
inline constexpr event_def host_up{"host_up", {"host"}};
/// Traced by the replica that applies the loss and by the client told of it.
inline constexpr event_def vm_lost{"vm_lost", {"vm", "host"}};
inline constexpr event_def vm_operation{"vm_operation", {"vm", "op", "host"}};
inline constexpr event_def allocation_failed{"allocation_failed",
                                             {"vm", "reason"}};
inline constexpr event_def allocated{"allocated", {"vm", "host"}};
inline constexpr event_def allocation_refused{"allocation_refused",
                                              {"vm", "reason"}};
inline constexpr event_def operated{"operated", {"vm", "op"}};
inline constexpr event_def operation_refused{"operation_refused",
                                             {"vm", "op", "reason"}};
/// Service healing: the leader moved a VM off a host marked down.
inline constexpr event_def vm_healed{"vm_healed",
                                     {"vm", "from", "to", "fault_domain"}};
/// Service healing: no host of the VM's zone can take it; tried again.
inline constexpr event_def heal_deferred{"heal_deferred",
                                         {"vm", "host", "reason"}};
/// A host that came back holds a VM not allocated to it: deleted there.
inline constexpr event_def zombie_deleted{"zombie_deleted", {"vm", "host"}};
/// Traced by the client told that its VM was moved.
inline constexpr event_def vm_moved{"vm_moved", {"vm", "host"}};

inline constexpr const event_def* all[] = {&leader_elected,
                                           &leader_killed,
                                           &fc_applied,
                                           &placement,
                                           &host_down,
                                           &host_up,
                                           &vm_lost,
                                           &vm_operation,
                                           &allocation_failed,
                                           &allocated,
                                           &allocation_refused,
                                           &operated,
                                           &operation_refused,
                                           &vm_healed,
                                           &heal_deferred,
                                           &zombie_deleted,
                                           &vm_moved};

} // namespace vmss::fabric::events
