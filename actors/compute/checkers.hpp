#pragma once
/// Checkers of the scale sets (registered by actors/compute/module.cpp),
/// over the orchestrators' records (messages/compute_events.hpp) and the
/// VMs' `vm_state`. An instance is SET/N: its scale set's name and its
/// instance id. docs/trace-format.md "Checks" and docs/model.md give the
/// rules and their sources.
///   - capacity_converges: at the end, each scale set with a
///     `capacity_changed` has as many instances in service (Succeeded and
///     running, or stopped or deallocated by a user's request) as its last
///     capacity — unless the set or the region was still changing within
///     the settling time (capacity_settle_ns) before the end;
///   - deleted_not_running: after an instance's view says Deleted, no VM
///     of that instance runs (vm_state running, healthy or unhealthy)
///     unless the orchestrator created the instance again first;
///   - protected_instances: no scale-in deletes and no automatic repair
///     operates on an instance protected from scale-in or from scale-set
///     actions, and no upgrade or rollback on one protected from scale-set
///     actions;
///   - disruption_share: at most max(1, 5% of the set's instances) repairs
///     in flight at once (one below 20 instances), and no upgrade batch
///     larger than max(1, maxBatchInstancePercent of the set's instances);
///   - vm_known: at the end, every VM of a scale set whose orchestrator
///     traced instance views, and that is alive (last vm_state creating,
///     starting, running, healthy or unhealthy), has a live instance in its
///     set: no VM runs unknown to the control plane. vm_state records
///     before the trace's first instance_view are not read (a trace without
///     an orchestrator has nothing to judge).

#include "analysis/checker.hpp"
#include "analysis/instance_view.hpp"
#include "kernel/sim_time.hpp"

#include <map>
#include <set>
#include <string>

namespace vmss::compute {

using analysis::checker;
using analysis::instance_table;
using analysis::record;
using analysis::violation_list;

/// How long a scale set must have been quiet — no capacity change, model
/// update, instance operation, repair, upgrade record or instance-view
/// change of the set, and no fault injected or recovered anywhere — before
/// the end of the trace for capacity_converges to judge it: Azure moves a
/// failed host's VMs typically within 15 minutes (azure-facts, "Host
/// failures").
inline constexpr sim_time capacity_settle_ns = seconds(15 * 60);

class capacity_converges_checker : public checker {
public:
  std::string name() const override { return "capacity_converges"; }
  void start(const trace::manifest& m) override;
  void on_record(const record& r) override;
  violation_list finish() override;

private:
  struct set_state {
    int64_t capacity = 0;
    std::string entity; ///< who traced the last capacity_changed
  };
  /// Whether instance `key`'s view counts toward its set's capacity.
  bool in_service(const instance_table::key& key,
                  const analysis::instance_state& s) const;
  sim_time end_ns_ = 0;
  sim_time last_fault_ns_ = -1;
  std::map<std::string, set_state> sets_;    ///< sets with a capacity
  std::map<std::string, sim_time> activity_; ///< last change of each set
  /// Instances a user stopped or deallocated (their last operation).
  std::set<instance_table::key> stopped_by_request_;
  instance_table table_;
};

class deleted_not_running_checker : public checker {
public:
  std::string name() const override { return "deleted_not_running"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  std::set<instance_table::key> deleted_;
  violation_list violations_;
};

class protected_instances_checker : public checker {
public:
  std::string name() const override { return "protected_instances"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  instance_table table_;
  violation_list violations_;
};

class disruption_share_checker : public checker {
public:
  std::string name() const override { return "disruption_share"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  void on_repair(const record& r);
  void on_batch(const record& r);
  instance_table table_;
  std::map<std::string, int64_t> repairs_in_flight_; ///< by scale set
  violation_list violations_;
};

class vm_known_checker : public checker {
public:
  std::string name() const override { return "vm_known"; }
  void on_record(const record& r) override;
  violation_list finish() override;

private:
  struct vm_seen {
    std::string state;
    sim_time t_ns = 0;
    std::string entity;
  };
  instance_table table_;
  std::map<instance_table::key, vm_seen> vms_;
  violation_list violations_;
};

/// At most this many repairs of a set of `instances` at once: one below 20
/// instances, else 5% (at least one).
int64_t repair_limit(size_t instances);

/// At most this many instances in one upgrade batch of a set of
/// `instances` under maxBatchInstancePercent `percent` (at least one).
int64_t batch_limit(size_t instances, int64_t percent);

/// Adds the checkers above and autoscale_checkers.hpp's.
void register_checkers(analysis::checker_registry& r);

} // namespace vmss::compute
