#pragma once
/// The trace events of the physical family, declared once: emitters and
/// checkers use these (docs/trace-format.md describes them).

#include "kernel/trace_event.hpp"

namespace vmss::physical::events {

using trace::event_def;

inline constexpr event_def host_started{"host_started", {}};
inline constexpr event_def tenants_placed{"tenants_placed",
                                          {"vms", "vcpus", "ram_gb"}};
inline constexpr event_def vm_rejected{"vm_rejected",
                                       {"scale_set", "instance_id", "reason"}};
inline constexpr event_def vm_admitted{
    "vm_admitted", {"vm", "vcpus", "ram_gb", "ram_gb_free"}};
inline constexpr event_def vm_command_rejected{"vm_command_rejected",
                                               {"vm", "op"}};
inline constexpr event_def capacity_released{"capacity_released",
                                             {"vm", "ram_gb_free"}};
inline constexpr event_def partition_created{"partition_created",
                                             {"vm", "vcpus", "ram_gb"}};
inline constexpr event_def partition_removed{"partition_removed", {"vm"}};
/// `reason`: the lifecycle input that caused it (docs/trace-format.md), or
/// host_down for a VM that went down with its host (recorded when the host
/// is back: a crashed entity writes nothing).
inline constexpr event_def vm_state{
    "vm_state", {"state", "instance_id", "scale_set", "reason"}};
/// The Application Health extension's committed state changed (Azure's
/// spelling: Initializing, Healthy, Unhealthy, Unknown; none when it
/// stopped with its VM).
inline constexpr event_def app_health{"app_health",
                                      {"state", "instance_id", "scale_set"}};
inline constexpr event_def disk_io_failed{"disk_io_failed", {"op", "reason"}};
inline constexpr event_def app_crashed{"app_crashed", {}};
inline constexpr event_def app_restored{"app_restored", {}};
inline constexpr event_def dropped{"dropped", {"reason", "to"}};
inline constexpr event_def link_fault{
    "link_fault", {"zone", "partitioned", "extra_latency_ns", "loss_ppm"}};
/// A region gateway's link to `peer` (a region or "global") was cut or
/// healed.
inline constexpr event_def region_link{"region_link", {"peer", "partitioned"}};

inline constexpr const event_def* all[] = {
    &host_started,
    &tenants_placed,
    &vm_rejected,
    &vm_admitted,
    &vm_command_rejected,
    &capacity_released,
    &partition_created,
    &partition_removed,
    &vm_state,
    &app_health,
    &disk_io_failed,
    &app_crashed,
    &app_restored,
    &dropped,
    &link_fault,
    &region_link,
};

} // namespace vmss::physical::events
