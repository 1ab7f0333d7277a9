#pragma once
/// The live picture of a region, a fold of trace records (docs/live-view.md):
/// each host's and rack's state, each scale set's capacity and instances by
/// state, the fabric controller's leader, the last second of requests and
/// the faults in effect. Fed record by record (from a trace reader, or live
/// from a run's record observer) and read as JSON by the live view's page
/// and `ctl status`. Thread-safe: one mutex guards everything. No CAF.

#include "kernel/trace_manifest.hpp"
#include "kernel/trace_sink.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vmss::analysis {

struct record;

/// One trace record as the fold reads it.
struct live_record {
  int64_t t_ns = 0;
  std::string_view path;  ///< entity topology path
  std::string_view kind;  ///< entity kind
  std::string_view event; ///< event name
  const trace::field* fields = nullptr;
  size_t num_fields = 0;
};

/// The recovery that ends fault `fault` ("host_restore" for "host_crash"),
/// empty if `fault` is not a fault kind or is itself a recovery.
using recovery_name = std::function<std::string(const std::string& fault)>;

class live_state {
public:
  /// `recovery_of` pairs a fault_recovered record with the fault_injected
  /// it ends; without it a recovery ends the oldest fault of its target.
  explicit live_state(recovery_name recovery_of = {});

  live_state(const live_state&) = delete;
  live_state& operator=(const live_state&) = delete;

  /// Seeds one entity of the topology (any order; duplicates are ignored).
  /// Hosts (REGION/zN/rM/hK), racks (REGION/zN/rM), storage clusters
  /// (REGION/zN/sM with servers .../nK) and zones come from the paths; the
  /// fold also learns an entity from the first record that names it.
  void add_entity(std::string_view path, std::string_view kind);

  /// Folds one record.
  void apply(const live_record& r);
  void apply(const record& r);
  void apply(int64_t t_ns, std::string_view path, std::string_view kind,
             std::string_view event, const std::vector<trace::field>& fields);
  /// Seeds every entity of a trace's manifest (the reader's entity table).
  void add_entities(const std::vector<trace::entity_info>& entities);

  /// Everything, as one JSON object (docs/live-view.md).
  std::string snapshot_json() const;

  // -- for tests and callers that want one value -----------------------------

  /// "up", "degraded", "down"; empty for an unknown host.
  std::string host_state(const std::string& host) const;
  /// "up", "degraded", "cut_off", "down"; empty for an unknown rack.
  std::string rack_state(const std::string& rack) const;
  /// Every host path, sorted.
  std::vector<std::string> hosts() const;
  /// Last capacity_changed `to` of `set` (-1 if none).
  int64_t capacity(const std::string& set) const;
  /// `set`'s instances by their last vm_state (deleted ones are not kept).
  std::map<std::string, int64_t>
  instances_by_state(const std::string& set) const;
  /// "fault target" of every fault in effect, in injection order.
  std::vector<std::string> faults() const;
  /// The leader replica's path and term (empty path: none elected yet).
  std::pair<std::string, int64_t> leader() const;
  uint64_t records() const;

private:
  struct host_info {
    std::string path;
    std::set<std::string> down;      ///< entities on the host that are down
    std::set<std::string> app_down;  ///< VM slots whose application crashed
    std::string agent;               ///< the host_agent entity's path
    bool fc_down = false;            ///< the FC leader's host_down
    std::set<std::string> instances; ///< "set/N" placed on the host
  };
  struct rack_info {
    std::string path;
    bool storage = false;
    std::string tor; ///< the switch's path
    bool tor_down = false;
    std::set<std::string> hosts;
  };
  struct instance_info {
    std::string state;
    std::string host;
  };
  struct set_info {
    int64_t capacity = -1;
    std::map<std::string, instance_info> instances; ///< by instance_id
  };
  struct fault_info {
    std::string fault, target;
    int64_t t_ns = 0;
  };
  struct requests_info {
    int64_t tick_ns = -1;
    int64_t ok = 0, failed = 0;
    double p50_ms = 0, p95_ms = 0, p99_ms = 0;
    int64_t targets = 0;
  };

  void learn(std::string_view path, std::string_view kind);
  void apply_locked(const live_record& r);
  host_info* host_of(const std::string& path);
  rack_info* rack_of(const std::string& path);
  std::string host_state_locked(const host_info& h) const;
  std::string rack_state_locked(const rack_info& r) const;
  void place(const std::string& vm, const std::string& host);

  mutable std::mutex mutex_;
  recovery_name recovery_of_;
  std::set<std::string> known_; ///< every entity path seen
  std::map<std::string, host_info> hosts_;
  std::map<std::string, rack_info> racks_;
  std::map<std::string, std::set<std::string>> zones_; ///< zone -> racks
  std::map<std::string, set_info> sets_;
  std::string leader_;
  int64_t leader_term_ = -1;
  int64_t leader_t_ns_ = 0;
  std::set<std::string> fc_replicas_down_;
  requests_info requests_;
  std::vector<fault_info> faults_;
  int64_t t_ns_ = 0;
  uint64_t records_ = 0;
};

} // namespace vmss::analysis
