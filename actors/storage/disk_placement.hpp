#pragma once
/// Where a managed disk's 3 replicas live (spec Layer 7 "VM Storage
/// Hierarchy": 3 replicas, LRS; Azure docs: LRS keeps 3 copies in one
/// datacenter across fault domains, ZRS one copy in each of 3 zones).
/// Deterministic: a disk's servers depend only on the region, the VM's zone
/// and the disk id, spread by hashing the id. No CAF in here.

#include "topology/entity_table.hpp"
#include "topology/region.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vmss::storage {

enum class disk_redundancy : uint8_t {
  lrs, ///< locally redundant: one cluster, 3 fault domains
  zrs, ///< zone redundant: one server in each of 3 zones
};

/// A storage server's coordinates (0-based).
struct storage_server {
  uint32_t zone = 0;
  uint32_t cluster = 0;
  uint32_t node = 0;
  uint32_t fault_domain() const {
    return node % topology::storage_fault_domains;
  }
  friend bool operator==(const storage_server& a, const storage_server& b) {
    return a.zone == b.zone && a.cluster == b.cluster && a.node == b.node;
  }
};

constexpr size_t disk_replicas = 3;
using disk_servers = std::array<storage_server, disk_replicas>;

/// The servers of disk `disk` of a VM in zone `vm_zone`, initial primary
/// first. LRS: 3 fault domains of one cluster of the VM's zone; ZRS: the
/// VM's zone, then two other zones. Throws std::invalid_argument for ZRS in
/// a region of fewer than 3 zones.
disk_servers place_disk(const topology::region& r, uint32_t vm_zone,
                        uint64_t disk, disk_redundancy redundancy);

/// The same as topology paths ("westeurope/z2/s1/n4").
std::array<std::string, disk_replicas>
disk_replica_paths(const topology::region& r, uint32_t vm_zone, uint64_t disk,
                   disk_redundancy redundancy);

/// A server to restore a disk that lost replicas: LRS: in the initial
/// cluster, in a fault domain no member uses; ZRS: in an initial zone no
/// member uses. Never a member or one of `excluded` (servers that failed
/// this disk). nullopt when none is left.
std::optional<storage_server> replacement_server(
    const topology::region& r, uint64_t disk, const disk_servers& initial,
    const std::vector<storage_server>& members,
    const std::vector<storage_server>& excluded, disk_redundancy redundancy);

/// Disk placement in entity ids: disks are VMs' OS disks (disk id = the
/// VM's entity id), servers are `storage_replica` entities.
class replica_directory {
public:
  /// Keeps references to `r` and `table`.
  replica_directory(const topology::region& r, const entity_table& table,
                    disk_redundancy redundancy);

  /// The initial replica set of a disk, primary first.
  std::vector<entity_id> initial(uint64_t disk) const;

  /// A server to add to `members`, never one of `excluded`.
  std::optional<entity_id>
  replacement(uint64_t disk, const std::vector<entity_id>& members,
              const std::set<entity_id>& excluded) const;

private:
  uint32_t vm_zone(uint64_t disk) const;
  storage_server server_of(entity_id id) const;
  entity_id id_of(const storage_server& s) const;

  const topology::region* region_;
  const entity_table* table_;
  disk_redundancy redundancy_;
  void resolve_servers() const;

  /// Storage server ids by (zone, cluster, node), in that order.
  mutable std::vector<entity_id> servers_;
};

} // namespace vmss::storage
