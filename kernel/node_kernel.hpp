#pragma once
/// The virtual-time engine of one node process.
///
/// It owns the local event queue and runs each local entity actor's own CAF
/// behaviour on each event, in the total order (time, destination, source,
/// source sequence) — no mailbox hop. Events for entities on other nodes are
/// collected per node and handed to the window protocol (kernel/cluster.hpp).
/// Time never goes back (VMSS_ASSERT): no send or timer lands before now,
/// no event from another node lands inside the window that sent it, and
/// the queue pops in time order.

#include "kernel/event.hpp"
#include "kernel/event_queue.hpp"
#include "kernel/network.hpp"
#include "kernel/trace_observer.hpp"
#include "kernel/trace_sink.hpp"

#include <caf/fwd.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/make_message.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

namespace vmss {

class entity;

struct kernel_config {
  uint64_t seed = 1;
  uint32_t node = 0;
  sim_time slot_width = ms(1);   ///< calendar bucket width (speed only)
  bool trace_deliveries = false; ///< a `deliver` record per delivered message
};

/// What a node contributes to the run's results.
struct node_stats {
  uint64_t events = 0; ///< messages and timers handled by entity actors
  sim_time last_t = 0; ///< time of the last handled event
};

class node_kernel {
public:
  node_kernel(const entity_table& table, network_model& net, kernel_config cfg);
  ~node_kernel();

  node_kernel(const node_kernel&) = delete;
  node_kernel& operator=(const node_kernel&) = delete;

  const entity_table& table() const { return table_; }
  const kernel_config& config() const { return cfg_; }
  bool is_local(entity_id id) const { return node_of_[id] == cfg_.node; }

  /// Registers a local entity actor of `self_bytes` bytes; the kernel keeps
  /// it alive.
  void attach(entity_id id, entity* self, size_t self_bytes, caf::actor handle);

  /// Writes this node's trace records to `sink` (nullptr: no trace).
  void set_trace(trace::record_sink* sink);

  /// Also shows every record the entities trace to `observer` (nullptr or
  /// an empty function: none); it must outlive the run.
  void set_observer(const trace_observer* observer);

  /// Schedules a kernel event (start, crash, restart, or a message from the
  /// scenario). Every node must make the same calls in the same order: the
  /// kernel numbers them, and keeps only those for local entities.
  void inject(sim_time t, entity_id dst, event_kind kind, caf::message msg = {},
              wire::type_id type = wire::no_type);

  /// Schedules the start event of every local entity at t = 0 (numbering
  /// every entity's, like inject()).
  void schedule_starts();

  // -- used by entities while they handle an event ---------------------------

  sim_time now() const { return now_; }
  entity_id current_source() const { return cur_src_; }
  /// Wire type of the message being handled.
  wire::type_id current_type() const { return cur_type_; }
  void send(entity_id src, entity_id dst, wire::type_id type, caf::message msg);
  void after(entity_id self, sim_time delay, wire::type_id type,
             caf::message msg);
  void trace(std::string_view event, const trace::field* fields, size_t n);

  /// A message of wire type `type` holding `x`, reusing the storage of a
  /// delivered one of that type when the kernel kept one (no allocation).
  template <class T>
  caf::message make_payload(wire::type_id type, T&& x);
  /// Entity `self` (the one being handled) crashes itself at once, as a
  /// fault it carries out on itself (the fabric controller's leader
  /// killed): within the event being handled (a separate crash event at
  /// now() would sort against the delivery order), and a restart after
  /// `restart_after` unless that is sim_time_never. The handler must return
  /// right after the call: its state is gone.
  void crash_self(entity_id self, sim_time restart_after);

  // -- window protocol -------------------------------------------------------

  /// Handles every local event with time < end, in delivery order. Messages
  /// for other nodes must arrive at or after `end`. Returns false when the
  /// run failed (see error()).
  bool run_window(sim_time end, caf::execution_unit* ctx);

  /// Time of the earliest local event, or sim_time_never.
  sim_time next_time() { return queue_.next_time(); }

  /// Events for other nodes collected since the last clear_outbox(), by
  /// destination node.
  const std::vector<std::vector<event>>& outbox() const { return outbox_; }
  /// The outbox's events for node `node`, to move out (node_lanes).
  std::vector<event>& outbox_to(uint32_t node) { return outbox_[node]; }
  void clear_outbox();

  /// Earliest time among the events in the outbox, or sim_time_never.
  sim_time outbox_min_time() const { return outbox_min_; }

  /// Adds events that other nodes sent to local entities.
  void accept(std::vector<event>&& events);

  /// Stops the run with a message; the window loop ends after this event.
  void fail(std::string message);
  const std::string& error() const { return error_; }

  const node_stats& stats() const { return stats_; }

  /// Running hash and count of the deliveries of each local entity, for a
  /// digest that does not depend on the partition: (id, count, hash).
  struct entity_digest {
    entity_id id;
    uint64_t delivered;
    uint64_t hash;
  };
  std::vector<entity_digest> delivery_digests() const;

  /// Calls every local entity's on_finish hook (end of the run).
  void finish();

private:
  struct slot {
    entity* self = nullptr;
    uint64_t next_seq = 1;
    uint64_t hash = 0;
    uint64_t delivered = 0;
    uint32_t self_bytes = 0; ///< the actor's size, for prefetching
    uint32_t incarnation = 0;
    bool up = true;
    bool activated = false;
  };

  class envelope;

  /// Delivered messages of one wire type kept for reuse by make_payload.
  struct spare_messages {
    const std::type_info* rtti = nullptr; ///< the type's C++ type, once known
    std::vector<caf::message> free;
  };
  static constexpr size_t max_spare_messages = 256; ///< per type

  /// Takes a kept message of `type` whose element is a `rtti` (empty: none).
  caf::message take_spare(wire::type_id type, const std::type_info& rtti);
  /// Keeps the message of a handled event for reuse, if nobody else holds it.
  void recycle(event& ev);

  event make_event(entity_id src, entity_id dst, sim_time delay,
                   wire::type_id type, event_kind kind, caf::message msg);
  /// Asks for the memory the next few events will touch (see run_window).
  void prefetch_ahead() const;
  void deliver(event& ev);
  /// Passes a transit event through switch entity `s` to its next hop.
  void forward(slot& s, event& ev);
  /// False (and the run fails) if `ev`, sent from `from` with `latency`,
  /// would reach another node inside the current window.
  bool check_lookahead(const event& ev, entity_id from, sim_time latency);
  void handle_kernel_event(slot& s, event& ev);
  /// Traces `dropped_while_down` (from, and to for a message in transit).
  void trace_drop(const event& ev);
  void route(event&& ev);
  void record(uint16_t id, const trace::field* fields, size_t n);

  const entity_table& table_;
  network_model& net_;
  kernel_config cfg_;
  std::vector<slot> slots_;
  /// Each entity's node (table_[id].node), packed: sending reads the
  /// destination's, and the table's entries are large and scattered.
  std::vector<uint32_t> node_of_;
  std::vector<caf::actor> handles_;
  event_queue<event> queue_;
  std::vector<std::vector<event>> outbox_;
  sim_time outbox_min_ = sim_time_never;
  sim_time window_end_ = sim_time_never;
  uint64_t kernel_seq_ = 0;

  // The event being handled.
  sim_time now_ = 0;
  entity_id cur_dst_ = 0;
  entity_id cur_src_ = 0;
  uint64_t cur_seq_ = 0;
  uint32_t cur_sub_ = 0;
  wire::type_id cur_type_ = wire::no_type;
  caf::execution_unit* ctx_ = nullptr;
  std::unique_ptr<envelope> envelope_;
  std::vector<spare_messages> spares_; ///< by wire type id

  size_t attached_bytes_ = 0; ///< total size of the local entity actors
  bool prefetch_ = false;     ///< see prefetch()
  trace::record_sink* trace_ = nullptr;
  const trace_observer* observer_ = nullptr;
  uint16_t deliver_id_ = 0;
  std::string error_;
  node_stats stats_;
};

template <class T>
caf::message node_kernel::make_payload(wire::type_id type, T&& x) {
  using value = std::decay_t<T>;
  caf::message m = take_spare(type, typeid(value));
  if (m.empty())
    return caf::make_message(std::forward<T>(x));
  // take_spare gives only messages nobody else holds: no copy on write.
  *static_cast<value*>(m.get_mutable(0)) = std::forward<T>(x);
  return m;
}

} // namespace vmss
