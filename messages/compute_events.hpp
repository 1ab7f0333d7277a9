#pragma once
/// The trace events of the compute family, declared once (docs/cli.md and
/// docs/trace-format.md name them; analysis scripts rely on the names).

#include "kernel/trace_event.hpp"

namespace vmss::compute::events {

using trace::event_def;

/// ARM: a request and its answer (reason: Azure's error code and message,
/// empty when accepted).
inline constexpr event_def arm_request{
    "arm_request", {"request", "scale_set", "operation", "accepted", "reason"}};
/// ARM: an accepted change of the model (version 1: created).
inline constexpr event_def model_updated{"model_updated",
                                         {"scale_set", "version"}};
/// Orchestrator: the set's capacity (sku.capacity) changed; reason
/// "request", "instance_delete", "autoscale:<rule>" ...
inline constexpr event_def capacity_changed{
    "capacity_changed", {"scale_set", "from", "to", "reason"}};
/// Orchestrator: an instance's view (what `trace instances` prints) after
/// every change. provisioning_state: Creating, Updating, Succeeded,
/// Failed, Deleting, Deleted (the instance is gone). power_state: starting,
/// running, stopping, stopped, deallocating, deallocated, unknown. health:
/// app_health's names (none when the set has no health source).
inline constexpr event_def instance_view{
    "instance_view",
    {"scale_set", "instance_id", "zone", "fault_domain", "update_domain",
     "latest_model", "provisioning_state", "power_state", "health",
     "protect_from_scale_in", "protect_from_scale_set_actions",
     "model_version"}};
/// Orchestrator: an operation it starts on an instance through the fabric
/// controller (create, delete, reimage, restart, start, stop, deallocate)
/// and why (scale_out, scale_in, overprovision, request, repair, upgrade,
/// rollback).
inline constexpr event_def instance_operation{
    "instance_operation", {"scale_set", "instance_id", "operation", "reason"}};
/// Orchestrator: an instance-level request refused (reason: Azure's code).
inline constexpr event_def instance_refused{
    "instance_refused", {"scale_set", "instance_id", "action", "reason"}};
/// Automatic repairs: phase started, completed or failed.
inline constexpr event_def repair{
    "repair", {"scale_set", "instance_id", "action", "phase"}};
/// Rolling upgrades: batch number (1-based), its instances ("0,3") and
/// the policy's maxBatchInstancePercent (100 when the upgrade mode sets no
/// batch limit), which the disruption_share checker holds each batch to.
inline constexpr event_def upgrade_batch{
    "upgrade_batch", {"scale_set", "batch", "instances", "max_batch_percent"}};
/// status: RollingForward, Completed, Faulted, Cancelled; reason for
/// Faulted (which limit broke).
inline constexpr event_def upgrade_status{"upgrade_status",
                                          {"scale_set", "status", "reason"}};
/// orchestrationServices: service AutomaticRepairs, state Running or
/// Suspended, and why.
inline constexpr event_def service_state{
    "service_state", {"scale_set", "service", "state", "reason"}};

/// Autoscale: one evaluation of a setting (every evaluation period).
/// profile: the active profile's name; decision: none, scale_out,
/// scale_in, clamp (to the profile's bounds), default (no metric data:
/// the profile's default), cooldown (a rule fired inside the cooldown),
/// flapping_skipped, flapping_reduced, disabled, no_target (ARM has no
/// such set yet); capacity: the set's count before, new_capacity after;
/// minimum, maximum: the active profile's bounds; rule: the rule that
/// decided ("rules[0]", "" when none); cooldown_s: the cooldown the
/// action starts (0 without an action); metrics: what each rule's metric
/// read, "rules[0] Percentage CPU=78.25;rules[1] Percentage CPU=missing".
inline constexpr event_def autoscale_evaluated{
    "autoscale_evaluated",
    {"setting", "scale_set", "profile", "decision", "capacity", "new_capacity",
     "minimum", "maximum", "rule", "cooldown_s", "metrics"}};
/// Autoscale: the setting's notifications of a scale action (operation
/// Scale): the e-mails and webhooks it would send.
inline constexpr event_def autoscale_notification{
    "autoscale_notification",
    {"setting", "scale_set", "operation", "from", "to", "emails", "webhooks"}};
/// Autoscale: predictiveAutoscalePolicy's forecast of Percentage CPU for
/// `for_s` (virtual seconds); mode ForecastOnly or Enabled.
inline constexpr event_def autoscale_forecast{
    "autoscale_forecast", {"setting", "scale_set", "mode", "for_s", "value"}};

inline constexpr const event_def* all[] = {&arm_request,
                                           &model_updated,
                                           &capacity_changed,
                                           &instance_view,
                                           &instance_operation,
                                           &instance_refused,
                                           &repair,
                                           &upgrade_batch,
                                           &upgrade_status,
                                           &service_state,
                                           &autoscale_evaluated,
                                           &autoscale_notification,
                                           &autoscale_forecast};

} // namespace vmss::compute::events
