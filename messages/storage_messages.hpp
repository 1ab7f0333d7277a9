#pragma once
/// Messages of the storage plane: a VM's disk client, the storage servers
/// holding its disk's replicas (actors/storage/storage_replica.*), and
/// their timers. A disk is a VM's OS disk; its id is the VM's entity id.
/// Bulk-data messages (disk_data, disk_copy) carry `bytes`, which a TOR
/// switch reads through storage_payload_bytes (storage_payload.hpp).

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::storage {

enum class disk_op : uint8_t {
  read,    ///< a small read, served by the primary
  write,   ///< a small write, replicated synchronously to every member
  hydrate, ///< bulk read of the image blocks a booting VM needs
};

/// "read", "write", "hydrate".
inline std::string to_string(disk_op x) {
  switch (x) {
  case disk_op::read:
    return "read";
  case disk_op::write:
    return "write";
  case disk_op::hydrate:
    return "hydrate";
  }
  return "unknown";
}

enum class disk_status : uint8_t {
  ok,
  quorum_lost, ///< fewer than 2 replicas left: the disk is unavailable
  not_primary, ///< ask the first of `replicas` instead
};

/// "ok", "quorum_lost", "not_primary".
inline std::string to_string(disk_status x) {
  switch (x) {
  case disk_status::ok:
    return "ok";
  case disk_status::quorum_lost:
    return "quorum_lost";
  case disk_status::not_primary:
    return "not_primary";
  }
  return "unknown";
}

/// A VM's I/O request to the replica it believes is the disk's primary.
/// On a retry, `silent` lists the replicas that did not answer this op.
struct disk_io {
  uint64_t disk = 0;
  uint64_t op = 0; ///< numbers the client's operations
  disk_op kind = disk_op::read;
  uint64_t read_bytes = 0; ///< hydrate only: how much to read
  std::vector<uint32_t> silent;
  friend bool operator==(const disk_io& a, const disk_io& b) {
    return a.disk == b.disk && a.op == b.op && a.kind == b.kind &&
           a.read_bytes == b.read_bytes && a.silent == b.silent;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_io& x) {
  return f(caf::meta::type_name("disk_io"), x.disk, x.op, x.kind, x.read_bytes,
           x.silent);
}

/// The answer to a read or write, with the disk's current replica set
/// (primary first) so that the client can update its view.
struct disk_io_result {
  uint64_t disk = 0;
  uint64_t op = 0;
  disk_status status = disk_status::ok;
  std::vector<uint32_t> replicas;
  friend bool operator==(const disk_io_result& a, const disk_io_result& b) {
    return a.disk == b.disk && a.op == b.op && a.status == b.status &&
           a.replicas == b.replicas;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_io_result& x) {
  return f(caf::meta::type_name("disk_io_result"), x.disk, x.op, x.status,
           x.replicas);
}

/// Bulk data read from a disk: the answer to a hydrate request.
struct disk_data {
  uint64_t disk = 0;
  uint64_t op = 0;
  uint64_t bytes = 0;
  friend bool operator==(const disk_data& a, const disk_data& b) {
    return a.disk == b.disk && a.op == b.op && a.bytes == b.bytes;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_data& x) {
  return f(caf::meta::type_name("disk_data"), x.disk, x.op, x.bytes);
}

/// The primary replicates a write to a member. `epoch` numbers membership
/// changes; a member with a newer epoch refuses (the sender was deposed).
struct disk_replicate {
  uint64_t disk = 0;
  uint64_t token = 0; ///< the primary's pending write
  uint64_t epoch = 0;
  uint64_t version = 0; ///< writes applied, this one included
  std::vector<uint32_t> members;
  friend bool operator==(const disk_replicate& a, const disk_replicate& b) {
    return a.disk == b.disk && a.token == b.token && a.epoch == b.epoch &&
           a.version == b.version && a.members == b.members;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_replicate& x) {
  return f(caf::meta::type_name("disk_replicate"), x.disk, x.token, x.epoch,
           x.version, x.members);
}

/// A member's answer to disk_replicate: written, or refused with the
/// member's newer membership.
struct disk_replicated {
  uint64_t disk = 0;
  uint64_t token = 0;
  bool accepted = false;
  uint64_t epoch = 0;
  std::vector<uint32_t> members;
  friend bool operator==(const disk_replicated& a, const disk_replicated& b) {
    return a.disk == b.disk && a.token == b.token && a.accepted == b.accepted &&
           a.epoch == b.epoch && a.members == b.members;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_replicated& x) {
  return f(caf::meta::type_name("disk_replicated"), x.disk, x.token, x.accepted,
           x.epoch, x.members);
}

/// Re-replication: the primary copies the whole disk to a new server;
/// `members` is the replica set the copy will join.
struct disk_copy {
  uint64_t disk = 0;
  uint64_t token = 0;
  uint64_t epoch = 0;
  uint64_t version = 0;
  uint64_t bytes = 0;
  std::vector<uint32_t> members;
  friend bool operator==(const disk_copy& a, const disk_copy& b) {
    return a.disk == b.disk && a.token == b.token && a.epoch == b.epoch &&
           a.version == b.version && a.bytes == b.bytes &&
           a.members == b.members;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_copy& x) {
  return f(caf::meta::type_name("disk_copy"), x.disk, x.token, x.epoch,
           x.version, x.bytes, x.members);
}

/// The new server has written the whole copy.
struct disk_copied {
  uint64_t disk = 0;
  uint64_t token = 0;
  friend bool operator==(const disk_copied& a, const disk_copied& b) {
    return a.disk == b.disk && a.token == b.token;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_copied& x) {
  return f(caf::meta::type_name("disk_copied"), x.disk, x.token);
}

enum class disk_timer_kind : uint8_t {
  io_done,           ///< the primary's local read or write is done
  replica_written,   ///< a member's write of a replicated block is done
  replicate_timeout, ///< members that have not acked by now are dropped
  copy_written,      ///< the new server has written the whole copy
  copy_timeout,      ///< the new server did not confirm the copy in time
};

/// "io_done", "replica_written", ...
inline std::string to_string(disk_timer_kind x) {
  switch (x) {
  case disk_timer_kind::io_done:
    return "io_done";
  case disk_timer_kind::replica_written:
    return "replica_written";
  case disk_timer_kind::replicate_timeout:
    return "replicate_timeout";
  case disk_timer_kind::copy_written:
    return "copy_written";
  case disk_timer_kind::copy_timeout:
    return "copy_timeout";
  }
  return "unknown";
}

/// Timer of a storage server about one of its pending operations.
struct disk_timer {
  uint64_t disk = 0;
  uint64_t token = 0;
  disk_timer_kind kind = disk_timer_kind::io_done;
  friend bool operator==(const disk_timer& a, const disk_timer& b) {
    return a.disk == b.disk && a.token == b.token && a.kind == b.kind;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_timer& x) {
  return f(caf::meta::type_name("disk_timer"), x.disk, x.token, x.kind);
}

/// Timer of a disk client: attempt `attempt` of op `op` got no answer.
struct disk_io_due {
  uint64_t disk = 0;
  uint64_t op = 0;
  uint32_t attempt = 0;
  friend bool operator==(const disk_io_due& a, const disk_io_due& b) {
    return a.disk == b.disk && a.op == b.op && a.attempt == b.attempt;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_io_due& x) {
  return f(caf::meta::type_name("disk_io_due"), x.disk, x.op, x.attempt);
}

/// Fault: a storage server's device slows down; service times are
/// multiplied by factor_permille / 1000 (1000 = normal).
struct disk_slow {
  uint32_t factor_permille = 1000;
  friend bool operator==(const disk_slow& a, const disk_slow& b) {
    return a.factor_permille == b.factor_permille;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_slow& x) {
  return f(caf::meta::type_name("disk_slow"), x.factor_permille);
}

} // namespace vmss::storage
