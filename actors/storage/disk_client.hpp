#pragma once
/// The VM side of one managed disk, as a pure core: it holds the VM's view
/// of the disk's replicas (primary first), issues one I/O at a time and
/// follows the replies. The owner (the VM actor) sends what start() returns
/// and sets a timer `after(request.timeout, request.due)`; it feeds back
/// disk_io_result, disk_data and disk_io_due.
///
///   start --> waiting --reply ok--------------------------> ok
///                |    --reply quorum_lost ---------------> failed
///                |    --reply not_primary (view updated)-+
///                +----timeout (target named silent)------+-> retry at the
///                                                        |   first replica
///                                       none left untried+-> failed
///
/// A failed I/O fails the VM's health probe; the next start() tries again
/// from the current view.

#include "kernel/sim_time.hpp"
#include "messages/storage_messages.hpp"
#include "topology/entity_table.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace vmss::storage {

struct disk_client_params {
  sim_time io_timeout = ms(200); ///< read or write
  /// Bulk read at boot: long, since it may queue behind a whole rack's
  /// boots on the TOR uplinks.
  sim_time hydrate_timeout = seconds(300);
  uint64_t hydrate_bytes = 2'000'000'000; ///< image blocks a boot reads
};

/// Send `msg` to `target`, then set timer `due` after `timeout`.
struct disk_request {
  entity_id target = 0;
  disk_io msg;
  sim_time timeout = 0;
  disk_io_due due;
};

enum class disk_outcome_kind : uint8_t {
  ok,     ///< the I/O is done
  failed, ///< the I/O failed: see `reason`
  retry,  ///< send `retry` (the I/O goes on)
  stale,  ///< not about the I/O in flight: ignore
};

enum class disk_failure : uint8_t {
  none,
  quorum_lost, ///< the primary reported the disk unavailable
  no_answer,   ///< every replica of the view was tried
};

struct disk_outcome {
  disk_outcome_kind kind = disk_outcome_kind::stale;
  disk_failure reason = disk_failure::none;
  std::optional<disk_request> retry;
};

class disk_client {
public:
  /// `view`: the disk's replicas, primary first (replica_directory::initial).
  /// Keeps a reference to `params`.
  disk_client(uint64_t disk, std::vector<entity_id> view,
              const disk_client_params& params);

  /// Starts an I/O; hydrate reads params.hydrate_bytes. Throws
  /// std::logic_error if one is in flight.
  disk_request start(disk_op kind);

  disk_outcome on_result(const disk_io_result& msg);
  disk_outcome on_data(const disk_data& msg);
  disk_outcome on_timeout(const disk_io_due& msg);

  bool busy() const { return busy_; }
  const std::vector<entity_id>& view() const { return view_; }

private:
  disk_request request_to(entity_id target);
  disk_outcome next_or_fail();
  disk_outcome finish(disk_outcome_kind kind, disk_failure reason);

  uint64_t disk_;
  std::vector<entity_id> view_;
  const disk_client_params* params_;
  bool busy_ = false;
  uint64_t op_ = 0;
  uint32_t attempt_ = 0;
  disk_op kind_ = disk_op::read;
  entity_id target_ = 0;
  std::vector<entity_id> tried_;
  std::vector<entity_id> silent_;
};

} // namespace vmss::storage
