#pragma once
/// The lanes of one node process (docs/kernel.md "Lanes"): the process's
/// share of the entity table, cut into shards, each with its own model
/// instance and node_kernel, run side by side on their own threads in every
/// window. At the window's end the lanes hand each other the events they
/// sent across in memory, and the node merges their trace records into its
/// one shard file in the canonical order. With P processes, shard s runs in
/// process s % P as lane s / P. No CAF in this header.

#include "kernel/model.hpp"
#include "kernel/node_kernel.hpp"
#include "kernel/trace_observer.hpp"
#include "kernel/trace_sink.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace caf {
class execution_unit;
}

namespace vmss {

/// Lanes in one node process, at most (`--threads`).
constexpr uint32_t max_lanes = 64;

/// Runs one job on n threads at once: the caller's, and n - 1 workers that
/// wait for the next job spinning, then yielding, then asleep.
class lane_team {
public:
  explicit lane_team(size_t n);
  ~lane_team();

  lane_team(const lane_team&) = delete;
  lane_team& operator=(const lane_team&) = delete;

  size_t size() const { return workers_.size() + 1; }

  /// Calls job(i) for every i < size(), job(0) on the caller's thread;
  /// returns when every call has returned.
  void run(const std::function<void(size_t)>& job);

  /// Wall seconds the caller spent waiting for the workers after its job.
  double waited_s() const { return waited_s_; }

private:
  void work(size_t i);

  std::vector<std::thread> workers_;
  const std::function<void(size_t)>* job_ = nullptr;
  std::atomic<uint64_t> epoch_{0};
  std::atomic<size_t> pending_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  double waited_s_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
};

class node_lanes {
public:
  /// One shard of the process: what a node process of its own would run.
  struct lane {
    std::unique_ptr<model> sim;
    entity_table table;
    std::unique_ptr<node_kernel> kernel;
    /// Its records until the window's end (several lanes), else nullptr.
    std::unique_ptr<trace::record_sink> buffer;
  };

  /// Process `node` of `nodes`, with `lanes` lanes.
  node_lanes(uint32_t node, uint32_t nodes, uint32_t lanes);
  ~node_lanes();

  uint32_t node() const { return node_; }
  uint32_t nodes() const { return nodes_; }
  size_t size() const { return lanes_.size(); }
  uint32_t shards() const { return nodes_ * static_cast<uint32_t>(size()); }
  /// The shard lane `i` runs.
  uint32_t shard(size_t i) const {
    return node_ + nodes_ * static_cast<uint32_t>(i);
  }
  lane& operator[](size_t i) { return *lanes_[i]; }
  const lane& operator[](size_t i) const { return *lanes_[i]; }

  /// Writes every lane's records to `writer` (nullptr: no trace).
  void set_trace(trace::shard_writer* writer);
  /// Shows every lane's records to `observer` (one lane at a time).
  void set_observer(const trace_observer* observer);

  // -- what node_kernel does for one shard, for all of them ------------------

  /// Runs window [.., end) on every lane at once, then moves the events
  /// sent between lanes and merges the lanes' records into the shard file.
  bool run_window(sim_time end, caf::execution_unit* ctx);
  sim_time next_time();
  sim_time outbox_min_time() const;
  /// Moves the events for the shards of process `node` into `out`.
  void take_outbox(uint32_t node, std::vector<event>& out);
  void clear_outbox();
  /// Events that other processes sent, to the lanes they are for.
  void accept(std::vector<event>&& events);
  void fail(std::string message);
  /// The first lane's error, or empty.
  const std::string& error() const;
  node_stats stats() const;
  std::vector<node_kernel::entity_digest> delivery_digests() const;
  /// Every lane's on_finish hooks, then its model's report, summed.
  void finish(model_report& out);
  /// A live command on every lane (kernel/model.hpp apply_live).
  void apply_live(sim_time t, const std::string& command,
                  const std::string& refusal);
  sim_time lookahead() const { return lanes_.front()->sim->lookahead(); }
  /// Wall seconds the first lane waited for the others (lane_team).
  double lane_wait_s() const { return team_->waited_s(); }

private:
  /// Moves the events lanes sent to each other into their queues.
  void exchange();
  /// Appends the lanes' buffered records to the shard file, in order.
  void merge_records();

  uint32_t node_;
  uint32_t nodes_;
  std::vector<std::unique_ptr<lane>> lanes_;
  std::unique_ptr<lane_team> team_;
  trace::shard_writer* writer_ = nullptr;
  sim_time outbox_min_ = sim_time_never;
  trace_observer locked_observer_;
  std::mutex observer_mutex_;
};

} // namespace vmss
