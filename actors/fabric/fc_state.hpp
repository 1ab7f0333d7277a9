#pragma once
/// The fabric controller's replicated state machine, as a pure core: the
/// commands its Raft log carries and what applying them in log order
/// builds: the allocations (which VM of which scale set is on which host,
/// with its reservation) and which hosts are marked down.
///
/// Applying is deterministic and idempotent per key: a second `allocate`
/// of a VM that already has a host changes nothing, so a client that
/// retries after a failover can never get a VM placed twice.

#include "actors/fabric/placement.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace vmss::fabric {

/// A scale set's VM: (scale set, instance id).
struct vm_key {
  std::string scale_set;
  uint32_t instance = 0;
  friend bool operator<(const vm_key& a, const vm_key& b) {
    return a.scale_set != b.scale_set ? a.scale_set < b.scale_set
                                      : a.instance < b.instance;
  }
  friend bool operator==(const vm_key& a, const vm_key& b) {
    return a.scale_set == b.scale_set && a.instance == b.instance;
  }
  /// "demo-vmss/3"
  std::string name() const;
};

struct allocation {
  entity_id host = 0;
  uint32_t zone = 0;
  uint32_t rack = 0;
  uint32_t fault_domain = 0;
  uint32_t update_domain = 0;
  uint32_t vcpus = 0;
  uint32_t ram_gb = 0;
  entity_id requester = 0; ///< told when the VM is lost
};

/// allocate: place a VM; operate: start, stop, reimage or delete a placed
/// VM (a delete frees its reservation); host_down, host_up: host health.
enum class command_kind : uint8_t { allocate, operate, host_down, host_up };

struct command {
  command_kind kind = command_kind::allocate;
  vm_key vm;          ///< allocate, operate
  allocation where;   ///< allocate; operate: where.requester only
  uint8_t op = 0;     ///< operate: physical::vm_op
  entity_id host = 0; ///< host_down, host_up

  /// One line of text (the log entry's payload), and back. decode throws
  /// std::invalid_argument on a malformed payload.
  std::string encode() const;
  static command decode(const std::string& payload);
};

/// What applying a command did, for the owner to act on.
struct applied {
  bool changed = false;
  /// operate: the VM's allocation before the command (none: no such VM).
  std::optional<allocation> operated;
  /// host_down: the VMs that were on the host (now lost).
  std::vector<std::pair<vm_key, allocation>> lost;
};

/// physical::vm_op::delete_vm, which frees the VM's reservation (the
/// fabric core does not depend on the physical messages).
constexpr uint8_t delete_op = 3;

class fc_state {
public:
  applied apply(const command& c);

  const std::map<vm_key, allocation>& allocations() const { return vms_; }
  const allocation* find(const vm_key& vm) const;
  bool is_down(entity_id host) const { return down_.count(host) != 0; }
  /// The scale set's VMs per zone and rack, for placement.
  scale_set_layout layout_of(const std::string& scale_set) const;
  /// Reserved by allocations on `host`: (vCPUs, GB).
  std::pair<uint32_t, uint32_t> reserved_on(entity_id host) const;

  std::string snapshot() const;
  void restore(const std::string& data);

private:
  /// Keeps the derived indexes (reservations, layouts) in step.
  void reserve(const vm_key& vm, const allocation& a, int sign);

  std::map<vm_key, allocation> vms_;
  std::set<entity_id> down_;
  std::map<entity_id, std::pair<uint32_t, uint32_t>> reserved_; ///< by host
  std::map<std::string, scale_set_layout> layouts_;             ///< by set
};

} // namespace vmss::fabric
