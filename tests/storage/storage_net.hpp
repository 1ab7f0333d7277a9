#pragma once
// An in-memory network for the storage cores: storage servers
// (disk_replication) and one VM's disk client exchange messages with the
// region's latencies, in time order. Servers in `silent` receive nothing
// (crashed or cut off); their timers do not fire.

#include "actors/storage/disk_client.hpp"
#include "actors/storage/disk_replication.hpp"
#include "messages/physical_kinds.hpp"
#include "messages/storage_kinds.hpp"

#include <map>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <variant>

namespace vmss::storage::testing {

using net_message = std::variant<disk_io, disk_io_result, disk_data,
                                 disk_replicate, disk_replicated, disk_copy,
                                 disk_copied, disk_timer, disk_io_due>;

/// 3 zones, each with one compute rack of 2 hosts (a VM on each) and 2
/// storage clusters of 9 servers.
inline topology::region test_region() {
  topology::region r;
  r.zones = 3;
  r.racks_per_zone = 1;
  r.hosts_per_rack = 2;
  r.storage_clusters_per_zone = 2;
  r.storage_nodes_per_cluster = 9;
  return r;
}

inline std::string vm_path(const topology::region& r, uint32_t zone,
                           uint32_t host) {
  return topology::host_path(r, zone, 0, host) + "/vm1";
}

class storage_net {
public:
  struct io_result {
    disk_outcome_kind kind = disk_outcome_kind::stale;
    disk_failure reason = disk_failure::none;
    sim_time elapsed = 0;
  };

  explicit storage_net(disk_redundancy redundancy,
                       topology::region r = test_region())
      : region_(std::move(r)), dir_(region_, table_, redundancy) {
    params.redundancy = redundancy;
    for (uint32_t z = 0; z < region_.zones; ++z) {
      for (uint32_t h = 0; h < region_.hosts_per_rack; ++h)
        table_.add(vm_path(region_, z, h), physical::kinds::vm);
      for (uint32_t c = 0; c < region_.storage_clusters_per_zone; ++c)
        for (uint32_t n = 0; n < region_.storage_nodes_per_cluster; ++n)
          table_.add(topology::storage_node_path(region_, z, c, n),
                     storage::kinds::storage_replica);
    }
    table_.finalize();
  }

  const topology::region& region() const { return region_; }
  const entity_table& table() const { return table_; }
  const replica_directory& directory() const { return dir_; }
  sim_time now() const { return now_; }

  /// The disk of the VM on host `host` of zone `zone`.
  uint64_t disk_of(uint32_t zone, uint32_t host) const {
    return table_.id_of(vm_path(region_, zone, host));
  }

  disk_client client(uint64_t disk) const {
    return disk_client(disk, dir_.initial(disk), client_params);
  }

  disk_replication& server(entity_id id) {
    return servers_.try_emplace(id, id, dir_, params).first->second;
  }

  /// Runs one I/O of `c` (owned by VM `disk`) to its outcome.
  io_result io(disk_client& c, uint64_t disk, disk_op kind) {
    sim_time start = now_;
    send_request(c.start(kind), disk);
    while (!queue_.empty()) {
      auto ev = pop();
      if (ev.to != disk) {
        deliver_to_server(ev);
        continue;
      }
      auto out = to_client(c, ev.msg);
      if (out.kind == disk_outcome_kind::retry)
        send_request(*out.retry, disk);
      else if (out.kind != disk_outcome_kind::stale)
        return {out.kind, out.reason, now_ - start};
    }
    return {disk_outcome_kind::stale, disk_failure::none, now_ - start};
  }

  /// Delivers every event due by `t` that is not for a client.
  void run_until(sim_time t) {
    while (!queue_.empty() && queue_.begin()->first.first <= t) {
      auto ev = pop();
      if (*table_[ev.to].kind == storage::kinds::storage_replica)
        deliver_to_server(ev);
    }
    now_ = std::max(now_, t);
  }

  std::set<entity_id> silent;
  std::vector<disk_note> notes;
  replication_params params;
  disk_client_params client_params;

private:
  struct event {
    entity_id from = 0;
    entity_id to = 0;
    net_message msg;
  };
  using key = std::pair<sim_time, uint64_t>;

  event pop() {
    auto it = queue_.begin();
    now_ = it->first.first;
    auto ev = std::move(it->second);
    queue_.erase(it);
    return ev;
  }

  void post(sim_time delay, entity_id from, entity_id to, net_message msg) {
    queue_.emplace(key{now_ + delay, seq_++}, event{from, to, std::move(msg)});
  }

  void transmit(entity_id from, entity_id to, net_message msg) {
    auto a = topology::locate(region_, table_[from].path);
    auto b = topology::locate(region_, table_[to].path);
    post(topology::latency(region_, a, b), from, to, std::move(msg));
  }

  void send_request(const disk_request& req, uint64_t disk) {
    auto vm = static_cast<entity_id>(disk);
    transmit(vm, req.target, req.msg);
    post(req.timeout, vm, vm, req.due);
  }

  disk_outcome to_client(disk_client& c, const net_message& msg) {
    if (auto* m = std::get_if<disk_io_result>(&msg))
      return c.on_result(*m);
    if (auto* m = std::get_if<disk_data>(&msg))
      return c.on_data(*m);
    return c.on_timeout(std::get<disk_io_due>(msg));
  }

  void deliver_to_server(const event& ev) {
    if (silent.count(ev.to) != 0)
      return;
    auto& s = server(ev.to);
    auto fx = std::visit(
        [&](const auto& m) -> storage_effects {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, disk_io>)
            return s.on_io(ev.from, m, now_);
          else if constexpr (std::is_same_v<T, disk_replicate>)
            return s.on_replicate(ev.from, m);
          else if constexpr (std::is_same_v<T, disk_replicated>)
            return s.on_replicated(ev.from, m);
          else if constexpr (std::is_same_v<T, disk_copy>)
            return s.on_copy(ev.from, m);
          else if constexpr (std::is_same_v<T, disk_copied>)
            return s.on_copied(ev.from, m);
          else if constexpr (std::is_same_v<T, disk_timer>)
            return s.on_timer(m);
          else
            throw std::logic_error("a client message reached a server");
        },
        ev.msg);
    notes.insert(notes.end(), fx.notes.begin(), fx.notes.end());
    for (const auto& out : fx.sends)
      std::visit([&](const auto& m) { transmit(ev.to, out.to, m); }, out.msg);
    for (const auto& t : fx.timers)
      post(t.delay, ev.to, ev.to, t.msg);
  }

  topology::region region_;
  entity_table table_;
  replica_directory dir_;
  std::map<entity_id, disk_replication> servers_;
  std::map<key, event> queue_;
  uint64_t seq_ = 0;
  sim_time now_ = 0;
};

} // namespace vmss::storage::testing
