#pragma once
/// One storage server's share of managed-disk replication, as a pure core
/// (spec Layer 7 "How Your OS Disk is Accessed": the primary writes to its
/// SSD, replicates synchronously to B and C, acks after all 3, ~5 ms; reads
/// are served by the primary, ~2 ms). Feed it a message or a timer, it
/// returns the effects (sends, timers, notes) its actor shell carries out.
///
/// A write at the primary:
///
///   disk_io --> local write (write_service) --> disk_replicate to members
///                                                  |
///           all members acked <--------------------+---- replicate_timeout
///                   |                                          |
///             ack the client               drop silent members (degraded);
///                                          >= 2 left: ack, re-replicate
///                                          <  2 left: unavailable, fail
///
/// Re-replication: the primary sends disk_copy (the whole disk) to a new
/// server; on disk_copied the server joins. A client that timed out on the
/// primary retries at another member naming it in `silent`; that member
/// takes over as primary without it (same quorum rule). Every membership
/// change bumps the disk's epoch; a member refuses disk_replicate from an
/// older epoch, which tells a deposed primary it lost the role.
///
/// Per-disk records (membership, epoch, version) are durable: crash() keeps
/// them and drops pending operations. Records are created on first use from
/// the static placement (replica_directory).

#include "actors/storage/disk_placement.hpp"
#include "kernel/sim_time.hpp"
#include "messages/storage_messages.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>
#include <variant>
#include <vector>

namespace vmss::storage {

/// Defaults make a write about 5 ms and a read about 2 ms end to end with
/// the region's latencies (VM to storage 150 us each way, inside the
/// storage rack 50 us): 2 x 2.3 ms + 0.4 ms and 1.7 ms + 0.3 ms.
///
/// A hydration (a new OS disk's boot blocks) is read at the disk's own
/// throughput target, 25 MiB/s: a Premium SSD P4, the 30 GB OS disk of
/// spec Layer 5 ("120 IOPS, 25 MB/s"; Azure's table for P4 says the same).
/// The hydrations a server serves share its bulk bandwidth, first come
/// first served by the byte: 100 MiB/s (assumed: the share of a storage
/// server that new disks' image reads get, a P10's target; Azure publishes
/// no per-server figure), so up to 4 run at the disk's rate and more slow
/// each other down. Re-replication copies are the storage service's own
/// traffic, at copy_bytes_per_s, outside that share.
struct replication_params {
  sim_time write_service = us(2300);             ///< one replica writes a block
  sim_time read_service = us(1700);              ///< the primary reads a block
  uint64_t hydrate_bytes_per_s = 25 * 1'048'576; ///< one disk's reads
  uint64_t server_bulk_bytes_per_s = 100 * 1'048'576; ///< a server's share
  uint64_t copy_bytes_per_s = 1'000'000'000;          ///< re-replication
  sim_time replicate_timeout = ms(50);  ///< then silent members are dropped
  sim_time copy_timeout = seconds(120); ///< then the copy target is dropped
  uint64_t disk_bytes = 30'000'000'000; ///< OS disk (spec Layer 7: 30 GB)
  disk_redundancy redundancy = disk_redundancy::lrs;
};

/// A disk as one server knows it.
struct disk_record {
  std::vector<entity_id> members; ///< primary first
  std::set<entity_id> dropped;    ///< failed this disk: never re-added
  uint64_t epoch = 0;             ///< membership changes
  uint64_t version = 0;           ///< writes applied here
  bool unavailable = false;       ///< quorum lost (final in this model)
};

/// What a note reports; the shell traces it.
enum class disk_event : uint8_t {
  degraded,     ///< `replica` was dropped from the disk
  rereplicated, ///< `replica` joined the disk after a copy
  unavailable,  ///< fewer than 2 replicas left
};

using storage_message = std::variant<disk_io_result, disk_data, disk_replicate,
                                     disk_replicated, disk_copy, disk_copied>;

struct storage_send {
  entity_id to = 0;
  storage_message msg;
};

struct storage_timer {
  sim_time delay = 0;
  disk_timer msg;
};

struct disk_note {
  disk_event event = disk_event::degraded;
  uint64_t disk = 0;
  entity_id replica = 0; ///< degraded: lost; rereplicated: added
};

struct storage_effects {
  std::vector<storage_send> sends;
  std::vector<storage_timer> timers;
  std::vector<disk_note> notes;
};

class disk_replication {
public:
  /// Keeps references to `directory` and `params`.
  disk_replication(entity_id self, const replica_directory& directory,
                   const replication_params& params);

  /// `now`: the virtual time, for the server's bulk queue.
  storage_effects on_io(entity_id client, const disk_io& msg, sim_time now);
  storage_effects on_replicate(entity_id primary, const disk_replicate& msg);
  storage_effects on_replicated(entity_id member, const disk_replicated& msg);
  storage_effects on_copy(entity_id primary, const disk_copy& msg);
  storage_effects on_copied(entity_id target, const disk_copied& msg);
  storage_effects on_timer(const disk_timer& msg);

  /// Service times are multiplied by factor_permille / 1000.
  void set_slowness(uint32_t factor_permille) { slowness_ = factor_permille; }

  /// Drops pending operations; records survive.
  void crash();

  /// After a restart: resumes re-replication of degraded disks this server
  /// is primary of.
  storage_effects restart();

  /// The record of `disk`, or nullptr if this server never saw it.
  const disk_record* find(uint64_t disk) const;

private:
  /// A client operation at the primary.
  struct pending_io {
    entity_id client = 0;
    disk_io request;
    std::vector<entity_id> waiting; ///< members yet to ack the write
  };
  /// A write or copy at a member, acked when written.
  struct pending_write {
    uint64_t disk = 0;
    entity_id primary = 0;
    uint64_t primary_token = 0;
  };
  struct copy_job {
    entity_id target = 0;
    uint64_t token = 0;
  };

  disk_record& record(uint64_t disk);
  bool is_primary(const disk_record& d) const;
  sim_time service(sim_time base) const;
  /// A copy of `bytes` at copy_bytes_per_s.
  sim_time copy_time(uint64_t bytes) const;
  /// A hydration of `bytes` entering the server's bulk queue at `now`.
  sim_time hydrate_time(uint64_t bytes, sim_time now);
  void set_timer(uint64_t disk, uint64_t token, sim_time delay,
                 disk_timer_kind kind, storage_effects& fx);

  void take_over(uint64_t disk, disk_record& d, const disk_io& msg,
                 storage_effects& fx);
  void lose(uint64_t disk, disk_record& d, const std::vector<entity_id>& lost,
            storage_effects& fx);
  void start_copy(uint64_t disk, disk_record& d, storage_effects& fx);
  void reply(const pending_io& p, disk_status status, storage_effects& fx);

  void local_io_done(uint64_t token, storage_effects& fx);
  void replicate_timed_out(uint64_t token, storage_effects& fx);
  void member_written(uint64_t token, disk_timer_kind kind,
                      storage_effects& fx);
  void copy_timed_out(uint64_t disk, uint64_t token, storage_effects& fx);

  entity_id self_;
  const replica_directory* directory_;
  const replication_params* params_;
  uint32_t slowness_ = 1000;
  uint64_t next_token_ = 1; ///< never reused, so late answers are recognised
  /// Durable. Hashed: a region's server holds thousands of disks; nothing
  /// iterates it in an order that shows (restart() sorts).
  std::unordered_map<uint64_t, disk_record> records_;
  std::map<uint64_t, pending_io> ios_;       ///< volatile, by token
  std::map<uint64_t, pending_write> writes_; ///< volatile, by token
  std::map<uint64_t, copy_job> copies_;      ///< volatile, by disk
  /// Volatile: when the hydrations queued so far have their bytes read.
  sim_time bulk_busy_until_ = 0;
};

} // namespace vmss::storage
