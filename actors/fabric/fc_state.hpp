#pragma once
/// The fabric controller's replicated state machine, as a pure core: the
/// commands its Raft log carries and what applying them in log order
/// builds: the allocations (which VM of which scale set is on which host,
/// with its reservation) and which hosts are marked down.
///
/// Applying is deterministic and idempotent per key: a second `allocate`
/// of a VM that already has a host changes nothing, so a client that
/// retries after a failover can never get a VM placed twice; a `relocate`
/// (service healing) moves a VM only from the host it names, and only while
/// that host is marked down, so a repeat, or one that commits after the
/// host came back (`host_up`), the VM was deleted or the new host was
/// marked down, changes nothing.
/// A host marked down keeps its VMs allocated (and its reservations): they
/// are unreachable, not gone, until service healing moves them.

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

/// The fields of each type, once, for CAF's binary serializer (the log's
/// and the snapshot's bytes; fc_state.cpp) and any other inspector.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vm_key& x) {
  return f(x.scale_set, x.instance);
}

struct allocation {
  entity_id host = 0;
  uint32_t zone = 0;
  uint32_t rack = 0;
  uint32_t fault_domain = 0;
  uint32_t update_domain = 0;
  uint32_t vcpus = 0;
  uint32_t ram_gb = 0;
  entity_id requester = 0; ///< told when the VM is lost or moved
  /// The scale set's fault-domain count it was placed with (0: the
  /// policy's); service healing places it again with the same.
  uint32_t fault_domains = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, allocation& x) {
  return f(x.host, x.zone, x.rack, x.fault_domain, x.update_domain, x.vcpus,
           x.ram_gb, x.requester, x.fault_domains);
}

/// allocate: place a VM; operate: start, stop, reimage or delete a placed
/// VM (a delete frees its reservation); host_down, host_up: host health;
/// relocate: service healing moves a VM off a host marked down. The
/// numbers are the log's bytes: a new kind takes the next one.
enum class command_kind : uint8_t {
  allocate,
  operate,
  host_down,
  host_up,
  relocate
};

struct command {
  command_kind kind = command_kind::allocate;
  vm_key vm;          ///< allocate, operate, relocate
  allocation where;   ///< allocate, relocate; operate: where.requester only
  uint8_t op = 0;     ///< operate: physical::vm_op
  entity_id host = 0; ///< host_down, host_up; relocate: the host it leaves

  /// The log entry's payload: the fields in CAF's binary format (bytes,
  /// held in a std::string), and back. decode throws std::invalid_argument
  /// on a truncated or corrupt payload, trailing bytes or an unknown kind.
  std::string encode() const;
  static command decode(const std::string& payload);
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command& x) {
  return f(x.kind, x.vm, x.where, x.op, x.host);
}

/// One line for people and the trace, e.g. `allocate demo-vmss 3 44 0 1 1
/// 3 2 8 0 0` (host zone rack fault_domain update_domain vcpus ram_gb
/// requester fault_domains), `operate demo-vmss 3 1 0`, `host_down 104`,
/// `relocate demo-vmss 3 44 45 0 1 1 3 2 8 0 0` (from, then the new
/// allocation as allocate writes it). A scale-set name
/// with a space, a quote, a backslash or a byte outside printable ASCII is
/// quoted, with `\"`, `\\` and `\xNN` escapes.
std::string to_string(const command& c);

/// The trace's text of a log entry's payload: empty for a leader's no-op,
/// else the command's to_string. Throws as command::decode does.
std::string payload_text(const std::string& payload);

/// What applying a command did, for the owner to act on.
struct applied {
  bool changed = false;
  /// operate: the VM's allocation before the command (none: no such VM).
  std::optional<allocation> operated;
  /// host_down: the VMs on the host (unreachable, still allocated there).
  std::vector<std::pair<vm_key, allocation>> lost;
  /// relocate: the VM's allocation before the move (none: nothing moved).
  std::optional<allocation> moved_from;
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
  /// The scale set's VMs per zone, rack and host, for placement (empty
  /// for a set without VMs).
  const scale_set_layout& layout_of(const std::string& scale_set) const;
  /// Reserved by allocations on `host`: (vCPUs, GB).
  std::pair<uint32_t, uint32_t> reserved_on(entity_id host) const;

  /// The allocations and the hosts down, in CAF's binary format; restore
  /// replaces the state with a snapshot's, or throws std::invalid_argument
  /// (and keeps the state) if the bytes are truncated or corrupt.
  std::string snapshot() const;
  void restore(const std::string& data);

private:
  applied relocate(const command& c);
  /// Keeps the derived indexes (reservations, layouts) in step; a move
  /// (`fresh` false) does not take a new update-domain turn.
  void reserve(const vm_key& vm, const allocation& a, bool fresh = true);
  void release(const vm_key& vm, const allocation& a);
  /// Asserts that every host's reservation is the sum of its allocations
  /// (O(allocations): after restore, and after a relocation, which is rare).
  void check_reservations() const;

  std::map<vm_key, allocation> vms_;
  std::set<entity_id> down_;
  std::map<entity_id, std::pair<uint32_t, uint32_t>> reserved_; ///< by host
  std::map<std::string, scale_set_layout> layouts_;             ///< by set
};

} // namespace vmss::fabric
