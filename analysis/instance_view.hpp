#pragma once
/// The scale sets' instances as the orchestrators' `instance_view` records
/// (messages/compute_events.hpp) tell them, and Azure's instance-view JSON
/// of them at a virtual time (`vmss-sim trace instances`,
/// docs/trace-format.md "Instance views"). The compute family's checkers
/// keep the same table. No CAF.

#include "analysis/trace_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace vmss::analysis {

/// What one `instance_view` record says about an instance.
struct instance_state {
  std::string scale_set;
  int64_t instance_id = 0;
  int64_t zone = -1; ///< 0-based; -1: a regional instance (no zone)
  int64_t fault_domain = 0;
  int64_t update_domain = 0;
  bool latest_model = true;
  /// Creating, Updating, Succeeded, Failed, Deleting, Deleted.
  std::string provisioning_state;
  /// starting, running, stopping, stopped, deallocating, deallocated,
  /// unknown.
  std::string power_state;
  /// none, Initializing, Healthy, Unhealthy, Unknown.
  std::string health;
  bool protect_from_scale_in = false;
  bool protect_from_scale_set_actions = false;
  int64_t model_version = 0;

  /// The instance is gone (provisioning state Deleted).
  bool deleted() const { return provisioning_state == "Deleted"; }
};

/// Reads an `instance_view` record. A missing or ill-typed field, or a
/// state name outside the lists above, throws std::runtime_error naming
/// the record's time, entity and field.
instance_state read_instance_view(const record& r);

/// The last `instance_view` of every instance, by scale set and instance id.
class instance_table {
public:
  using key = std::pair<std::string, int64_t>;

  /// Keeps `r` if it is an `instance_view` record; returns what it says, or
  /// nullptr for another event.
  const instance_state* apply(const record& r);

  /// The last view of instance `id` of `scale_set`; nullptr if none.
  const instance_state* find(const std::string& scale_set, int64_t id) const;

  /// Instances of `scale_set` whose last view is not Deleted.
  size_t live_count(const std::string& scale_set) const;

  const std::map<key, instance_state>& rows() const { return rows_; }

private:
  std::map<key, instance_state> rows_;
  std::map<std::string, size_t> live_; ///< by scale set
};

/// One scale set at a virtual time: `GET …/virtualMachineScaleSets/{vmss}/
/// instanceView`'s orchestrationServices and the list of
/// `…/virtualMachines?$expand=instanceView`.
struct scale_set_view {
  std::string name;
  /// serviceName -> serviceState (AutomaticRepairs -> Running, Suspended),
  /// from the last `service_state` record of each service.
  std::map<std::string, std::string> services;
  /// The instances that are not Deleted, by instance id.
  std::vector<instance_state> instances;
};

/// Streams `reader` and returns every scale set that has an
/// `instance_view` or `service_state` record at or before `at_ns`, by name,
/// as those records leave it at `at_ns`.
std::vector<scale_set_view>
read_scale_set_views(const trace_reader& reader,
                     int64_t at_ns = std::numeric_limits<int64_t>::max());

/// Writes `views` as a JSON array, one object a scale set:
/// {"name", "orchestrationServices": [{serviceName, serviceState}],
/// "virtualMachines": [Azure's VirtualMachineScaleSetVM with its
/// instanceView]} (docs/trace-format.md gives the shape).
void write_scale_set_views(const std::vector<scale_set_view>& views,
                           std::ostream& out);

} // namespace vmss::analysis
