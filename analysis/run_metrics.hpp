#pragma once
/// What an SRE wants to know about one run, from one streaming pass over
/// its trace: each fault with its time to detect and to recover, the scale
/// sets' and zones' availability and capacity shortfall, the requests that
/// failed, the fabric controller's failovers, the autoscale decisions and
/// the upgrade batches. docs/analysis.md defines every number exactly.
/// No CAF.
///
///   trace_reader reader(dir);
///   run_metrics m = compute_run_metrics(reader);
///   for (const auto& f : m.faults) ... f.detect_ns, f.recover_ns ...
///
/// Times are virtual nanoseconds; an absent std::optional is "did not
/// happen within the run" (not detected, not recovered).

#include "analysis/trace_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vmss::analysis {

/// One fault_injected record and what followed it.
struct fault_metric {
  std::string kind;   ///< fault_injected `fault` (host_crash, app_crash, …)
  std::string target; ///< fault_injected `target` (a path, SET/N, a region)
  int64_t injected_ns = 0;
  /// When its recovery (fault_recovered of the pair, same target) was
  /// injected; absent if none within the run.
  std::optional<int64_t> repaired_ns;
  /// The event that detected it (docs/analysis.md: host_down, vm_lost,
  /// leader_elected, probe_result, lb_backend, app_health, tm_endpoint,
  /// disk_degraded, disk_unavailable); empty when not detected.
  std::string detected_by;
  std::optional<int64_t> detect_ns; ///< time to detect: detection - injected
  /// Time to recover: the first instant at or after the detection at
  /// which the service is whole again (docs/analysis.md) - injected.
  /// Absent: not recovered in the run, or not detected (then nothing in
  /// the run shows what there was to recover from).
  std::optional<int64_t> recover_ns;
};

/// One scale set (every set with a capacity_changed record).
struct scale_set_metric {
  std::string name;
  int64_t desired = 0; ///< its last capacity_changed `to`
  int64_t healthy = 0; ///< healthy in-pool instances at the end
  /// Availability is measured from the set's first instant with healthy >=
  /// desired (absent: never; then nothing below is measured) to the end.
  std::optional<int64_t> steady_from_ns;
  int64_t observed_ns = 0;  ///< end - steady_from_ns
  int64_t available_ns = 0; ///< of observed_ns, time with healthy >= desired
  /// Integral of max(0, desired - healthy) over observed_ns, instance-s.
  double shortfall_instance_s = 0;
  /// Requests to the load balancers whose pools hold its instances (all
  /// of the run's, also those before the set's first lb_backend).
  uint64_t requests_ok = 0;
  uint64_t requests_failed = 0;

  /// available_ns / observed_ns; 1 when nothing was observed.
  double availability() const;
  /// requests_ok / (ok + failed); absent without requests.
  std::optional<double> request_success() const;
};

/// One availability zone of a region ("westeurope/z1"), over the scale
/// sets' instances placed in it (instance_view `zone`).
struct zone_metric {
  std::string zone; ///< REGION/zN (N = instance_view zone + 1)
  /// From its first healthy instance to the end.
  int64_t observed_ns = 0;
  /// Of observed_ns, time in which every live instance of the zone was
  /// healthy.
  int64_t available_ns = 0;
  /// Integral of (live - healthy instances of the zone), instance-s.
  double unhealthy_instance_s = 0;

  double availability() const; ///< 1 when nothing was observed
};

/// A fabric controller leader lost (its entity crashed) and the next
/// leader_elected of its region.
struct failover_metric {
  std::string region;
  std::string lost_leader; ///< entity path of the leader that crashed
  int64_t lost_ns = 0;
  std::optional<int64_t> failover_ns; ///< next leader_elected - lost_ns
  std::string new_leader;             ///< its entity path; empty if none
};

/// One autoscale_evaluated with a decision other than `none`.
struct autoscale_decision {
  int64_t t_ns = 0;
  std::string setting;
  std::string scale_set;
  std::string profile;
  std::string decision; ///< scale_out, scale_in, clamp, default, cooldown, …
  int64_t from = 0;     ///< `capacity`
  int64_t to = 0;       ///< `new_capacity`
};

/// One upgrade_batch record.
struct upgrade_batch_metric {
  int64_t t_ns = 0;
  std::string scale_set;
  int64_t batch = 0;
  std::string instances; ///< "0,3"
  /// The set's last upgrade_status at or before its next batch (or the end
  /// of the run for its last batch): RollingForward, Completed, Faulted,
  /// Cancelled; empty when none.
  std::string status;
};

/// Everything above for one trace.
struct run_metrics {
  std::string scenario;
  uint64_t seed = 0;
  int64_t end_ns = 0; ///< end_t_ns, or complete_until_ns if incomplete
  uint64_t records = 0;

  std::vector<fault_metric> faults;                  ///< in injection order
  std::vector<scale_set_metric> scale_sets;          ///< by name
  std::vector<zone_metric> zones;                    ///< by zone path
  std::vector<failover_metric> failovers;            ///< in time order
  std::vector<autoscale_decision> autoscale;         ///< in time order
  uint64_t autoscale_evaluations = 0;                ///< all, `none` included
  std::vector<upgrade_batch_metric> upgrade_batches; ///< in time order

  uint64_t requests_ok = 0;     ///< every `requests` record's ok
  uint64_t requests_failed = 0; ///< … and failed
  /// The request second (tick_ns) with the most failed requests over all
  /// workloads and targets; absent when none failed.
  std::optional<int64_t> worst_second_ns;
  uint64_t worst_second_failed = 0;

  /// Sum over the scale sets.
  double shortfall_instance_s() const;
  /// The lowest availability of a scale set; 1 without scale sets.
  double min_availability() const;
};

/// Reads the whole trace once. Unreadable input or a record without a
/// field its event declares throws std::runtime_error (as the checkers).
run_metrics compute_run_metrics(const trace_reader& reader);

/// A duration in virtual seconds with millisecond precision ("12.345"), or
/// `none` for an absent one: how the sweep and the report print them.
std::string format_seconds(const std::optional<int64_t>& ns,
                           const char* none = "-");

} // namespace vmss::analysis
