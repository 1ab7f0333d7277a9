#include "actors/storage/disk_placement.hpp"

#include "kernel/rng.hpp"

#include <algorithm>
#include <stdexcept>

namespace vmss::storage {

namespace {

constexpr uint32_t fds = topology::storage_fault_domains;

/// Picks one of `count` (> 0) choices from a hash.
uint32_t pick(uint64_t hash, uint64_t count) {
  return static_cast<uint32_t>(mix64(hash) % count);
}

disk_servers place_lrs(const topology::region& r, uint32_t zone,
                       uint64_t hash) {
  disk_servers out;
  uint32_t cluster = pick(hash, r.storage_clusters_per_zone);
  uint32_t first_fd = pick(hash + 1, fds);
  for (uint32_t k = 0; k < disk_replicas; ++k) {
    uint32_t fd = (first_fd + k) % fds;
    uint32_t in_fd = (r.storage_nodes_per_cluster - fd + fds - 1) / fds;
    out[k] = {zone, cluster, fd + fds * pick(hash + 2 + k, in_fd)};
  }
  return out;
}

disk_servers place_zrs(const topology::region& r, uint32_t zone,
                       uint64_t hash) {
  if (r.zones < disk_replicas)
    throw std::invalid_argument("zone-redundant disks need at least 3 zones, "
                                "the region has " +
                                std::to_string(r.zones));
  std::vector<uint32_t> others;
  for (uint32_t z = 0; z < r.zones; ++z)
    if (z != zone)
      others.push_back(z);
  uint32_t start = pick(hash, others.size());
  std::array<uint32_t, disk_replicas> zones{
      zone, others[start], others[(start + 1) % others.size()]};
  disk_servers out;
  for (uint32_t k = 0; k < disk_replicas; ++k)
    out[k] = {zones[k], pick(hash + 2 * k + 1, r.storage_clusters_per_zone),
              pick(hash + 2 * k + 2, r.storage_nodes_per_cluster)};
  return out;
}

bool contains(const std::vector<storage_server>& xs, const storage_server& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

} // namespace

disk_servers place_disk(const topology::region& r, uint32_t vm_zone,
                        uint64_t disk, disk_redundancy redundancy) {
  uint64_t hash = mix64(disk);
  return redundancy == disk_redundancy::lrs ? place_lrs(r, vm_zone, hash)
                                            : place_zrs(r, vm_zone, hash);
}

std::array<std::string, disk_replicas>
disk_replica_paths(const topology::region& r, uint32_t vm_zone, uint64_t disk,
                   disk_redundancy redundancy) {
  std::array<std::string, disk_replicas> out;
  auto servers = place_disk(r, vm_zone, disk, redundancy);
  for (size_t k = 0; k < disk_replicas; ++k)
    out[k] = topology::storage_node_path(r, servers[k].zone, servers[k].cluster,
                                         servers[k].node);
  return out;
}

std::optional<storage_server> replacement_server(
    const topology::region& r, uint64_t disk, const disk_servers& initial,
    const std::vector<storage_server>& members,
    const std::vector<storage_server>& excluded, disk_redundancy redundancy) {
  // LRS: the initial cluster's fault domains; ZRS: the initial zones.
  auto used = [&](const storage_server& s) {
    return std::any_of(members.begin(), members.end(), [&](const auto& m) {
      return redundancy == disk_redundancy::lrs
                 ? m.fault_domain() == s.fault_domain()
                 : m.zone == s.zone;
    });
  };
  std::vector<storage_server> candidates;
  for (const auto& home : initial) {
    for (uint32_t c = 0; c < r.storage_clusters_per_zone; ++c) {
      if (redundancy == disk_redundancy::lrs && c != home.cluster)
        continue;
      for (uint32_t n = 0; n < r.storage_nodes_per_cluster; ++n) {
        storage_server s{home.zone, c, n};
        if (!used(s) && !contains(members, s) && !contains(excluded, s) &&
            !contains(candidates, s))
          candidates.push_back(s);
      }
    }
    if (redundancy == disk_redundancy::lrs)
      break; // all three share one cluster
  }
  if (candidates.empty())
    return std::nullopt;
  return candidates[pick(mix64(disk) + excluded.size(), candidates.size())];
}

replica_directory::replica_directory(const topology::region& r,
                                     const entity_table& table,
                                     disk_redundancy redundancy)
    : region_(&r), table_(&table), redundancy_(redundancy) {
  // Placing a disk is on the hot path of every VM creation: resolve the
  // servers' paths now, while nothing else runs (a directory made before
  // its table is filled, in a test, resolves them on first use instead).
  if (table.size() > 0)
    resolve_servers();
}

void replica_directory::resolve_servers() const {
  const auto& r = *region_;
  for (uint32_t z = 0; z < r.zones; ++z)
    for (uint32_t c = 0; c < r.storage_clusters_per_zone; ++c)
      for (uint32_t n = 0; n < r.storage_nodes_per_cluster; ++n)
        servers_.push_back(
            table_->id_of(topology::storage_node_path(r, z, c, n)));
}

uint32_t replica_directory::vm_zone(uint64_t disk) const {
  if (disk >= table_->size())
    throw std::invalid_argument("disk " + std::to_string(disk) +
                                ": no such VM entity");
  auto zone = topology::locate(*region_, (*table_)[disk].path).zone;
  if (zone < 0)
    throw std::invalid_argument("disk " + std::to_string(disk) + ": VM " +
                                (*table_)[disk].path + " is in no zone");
  return static_cast<uint32_t>(zone);
}

storage_server replica_directory::server_of(entity_id id) const {
  auto at = topology::locate(*region_, (*table_)[id].path);
  return {static_cast<uint32_t>(at.zone),
          static_cast<uint32_t>(at.rack) - region_->racks_per_zone,
          static_cast<uint32_t>(at.host)};
}

entity_id replica_directory::id_of(const storage_server& s) const {
  if (servers_.empty())
    resolve_servers();
  return servers_.at(
      (size_t{s.zone} * region_->storage_clusters_per_zone + s.cluster) *
          region_->storage_nodes_per_cluster +
      s.node);
}

std::vector<entity_id> replica_directory::initial(uint64_t disk) const {
  std::vector<entity_id> out;
  for (const auto& s : place_disk(*region_, vm_zone(disk), disk, redundancy_))
    out.push_back(id_of(s));
  return out;
}

std::optional<entity_id>
replica_directory::replacement(uint64_t disk,
                               const std::vector<entity_id>& members,
                               const std::set<entity_id>& excluded) const {
  std::vector<storage_server> member_servers, excluded_servers;
  for (auto id : members)
    member_servers.push_back(server_of(id));
  for (auto id : excluded)
    excluded_servers.push_back(server_of(id));
  auto initial_servers = place_disk(*region_, vm_zone(disk), disk, redundancy_);
  auto s = replacement_server(*region_, disk, initial_servers, member_servers,
                              excluded_servers, redundancy_);
  if (!s)
    return std::nullopt;
  return id_of(*s);
}

} // namespace vmss::storage
