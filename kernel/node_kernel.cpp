#include "kernel/node_kernel.hpp"

#include "kernel/kernel_events.hpp"

#include "kernel/assert.hpp"
#include "kernel/entity.hpp"
#include "kernel/rng.hpp"

#include <caf/actor.hpp>
#include <caf/detail/invoke_result_visitor.hpp>

#include <algorithm>
#include <atomic>
#include <exception>

namespace vmss {

/// A reusable mailbox element that points at the event's message, so that
/// handing an event to an entity actor allocates nothing.
class node_kernel::envelope final : public caf::mailbox_element {
public:
  caf::message* msg = nullptr;

  caf::type_erased_tuple& content() override { return msg->content(); }
  const caf::type_erased_tuple& content() const override {
    return static_cast<const caf::message*>(msg)->content();
  }
  caf::message move_content_to_message() override { return std::move(*msg); }
  caf::message copy_content_to_message() const override { return *msg; }
};

namespace {

/// Discards what a handler returns: entity handlers answer through send().
class ignore_result final : public caf::detail::invoke_result_visitor {
public:
  void operator()() override {}
  void operator()(caf::error&) override {}
  void operator()(caf::message&) override {}
  void operator()(const caf::none_t&) override {}
};

/// Where an entity actor's behaviour stack lies from its start. It is a
/// member of CAF's scheduled_actor, a base of vmss::entity, so the offset is
/// the same for every entity and one value serves every kernel (0: not
/// known yet, before the first attach()).
std::atomic<uint32_t> behaviour_offset{0};

/// Where vmss::entity's own members (and those of its subclass) begin.
constexpr uint32_t entity_members = sizeof(caf::event_based_actor) & ~63u;

} // namespace

node_kernel::node_kernel(const entity_table& table, network_model& net,
                         kernel_config cfg)
    : table_(table), net_(net), cfg_(cfg), slots_(table.size()),
      queue_(cfg.slot_width), outbox_(table.num_nodes()),
      envelope_(std::make_unique<envelope>()) {
  node_of_.reserve(table.size());
  for (const auto& e : table.entries())
    node_of_.push_back(e.node);
  net_.bind(table_);
}

node_kernel::~node_kernel() = default;

void node_kernel::attach(entity_id id, entity* self, size_t self_bytes,
                         caf::actor handle) {
  slots_[id].self = self;
  behaviour_offset.store(
      static_cast<uint32_t>(reinterpret_cast<const char*>(&self->bhvr_stack()) -
                            reinterpret_cast<const char*>(self)) &
          ~63u,
      std::memory_order_relaxed);
  slots_[id].self_bytes = static_cast<uint32_t>(self_bytes);
  // Worth it once the actors no longer fit in the caches (about 8 MB).
  attached_bytes_ += self_bytes;
  prefetch_ = attached_bytes_ > (size_t{8} << 20);
  handles_.push_back(std::move(handle));
}

void node_kernel::set_trace(trace::record_sink* sink) {
  trace_ = sink;
  // Only when used: a shard's names are its records' (and so the same
  // bytes with lanes, which intern names as records come).
  if (trace_ && cfg_.trace_deliveries)
    deliver_id_ = trace_->intern("deliver");
}

void node_kernel::set_observer(const trace_observer* observer) {
  observer_ = observer && *observer ? observer : nullptr;
}

void node_kernel::inject(sim_time t, entity_id dst, event_kind kind,
                         caf::message msg, wire::type_id type) {
  uint64_t seq = kernel_seq_++;
  if (!is_local(dst))
    return;
  event ev;
  ev.t = t;
  ev.dst = dst;
  ev.src = kernel_source;
  ev.seq = seq;
  ev.kind = kind;
  ev.type = type;
  ev.msg = std::move(msg);
  queue_.push(std::move(ev));
}

void node_kernel::schedule_starts() {
  // Every entity, local or not: each call takes a kernel sequence number,
  // and later injected events (faults, scenario commands) must get the same
  // numbers on every node, whatever share of the entities it runs.
  for (entity_id id = 0; id < table_.size(); ++id)
    inject(0, id, event_kind::start);
}

event node_kernel::make_event(entity_id src, entity_id dst, sim_time delay,
                              wire::type_id type, event_kind kind,
                              caf::message msg) {
  VMSS_ASSERT(delay >= 0,
              "a message or timer never lands in its sender's past");
  event ev;
  ev.t = now_ + delay;
  ev.dst = dst;
  ev.src = src;
  ev.seq = slots_[src].next_seq++;
  ev.type = type;
  ev.kind = kind;
  ev.msg = std::move(msg);
  return ev;
}

void node_kernel::send(entity_id src, entity_id dst, wire::type_id type,
                       caf::message msg) {
  auto hop = net_.route(src, dst);
  auto ev = make_event(src, hop.next, hop.latency, type, event_kind::message,
                       std::move(msg));
  if (hop.next != dst) {
    ev.kind = event_kind::transit;
    ev.to = dst;
  }
  if (check_lookahead(ev, src, hop.latency))
    route(std::move(ev));
}

bool node_kernel::check_lookahead(const event& ev, entity_id from,
                                  sim_time latency) {
  if (is_local(ev.dst) || ev.t >= window_end_)
    return true;
  fail("lookahead violation: " + table_[from].path + " (node " +
       std::to_string(table_[from].node) + ") -> " + table_[ev.dst].path +
       " (node " + std::to_string(table_[ev.dst].node) + ") has latency " +
       std::to_string(latency) + " ns, so a message sent at t=" +
       std::to_string(now_) + " ns arrives at " + std::to_string(ev.t) +
       " ns, inside the current window ending at " +
       std::to_string(window_end_) +
       " ns; cross-node latency must be at least the lookahead");
  return false;
}

void node_kernel::forward(slot& s, event& ev) {
  sim_time wait = s.self->on_transit(ev);
  if (wait < 0)
    return; // the switch dropped it (and traced why)
  entity_id at = ev.dst;
  auto hop = net_.route(at, ev.to);
  ev.t = now_ + wait + hop.latency;
  VMSS_ASSERT(ev.t >= now_, "a message in transit never goes back in time");
  ev.dst = hop.next;
  if (hop.next == ev.to)
    ev.kind = event_kind::message;
  if (check_lookahead(ev, at, hop.latency))
    route(std::move(ev));
}

void node_kernel::after(entity_id self, sim_time delay, wire::type_id type,
                        caf::message msg) {
  auto ev =
      make_event(self, self, delay, type, event_kind::timer, std::move(msg));
  ev.incarnation = slots_[self].incarnation;
  queue_.push(std::move(ev));
}

void node_kernel::crash_self(entity_id self, sim_time restart_after) {
  VMSS_ASSERT(self == cur_dst_, "only the entity being handled crashes itself");
  VMSS_ASSERT(restart_after > 0, "a restart comes after the crash");
  // At once, within the event being handled: a crash event at now() from
  // the entity itself would sort before that event (a lower source than
  // the kernel's), against the delivery order.
  slot& s = slots_[self];
  if (s.up) {
    s.up = false;
    ++s.incarnation;
    trace(kernel_events::entity_crashed.name, nullptr, 0);
    s.self->on_crash();
  }
  if (restart_after != sim_time_never)
    queue_.push(make_event(self, self, restart_after, wire::no_type,
                           event_kind::restart, {}));
}

void node_kernel::route(event&& ev) {
  auto node = node_of_[ev.dst];
  if (node == cfg_.node) {
    queue_.push(std::move(ev));
    return;
  }
  outbox_min_ = std::min(outbox_min_, ev.t);
  outbox_[node].push_back(std::move(ev));
}

void node_kernel::trace(std::string_view event, const trace::field* fields,
                        size_t n) {
  if (trace_)
    record(trace_->intern(event), fields, n);
  if (observer_ && cur_dst_ < table_.size()) {
    const auto& e = table_[cur_dst_];
    (*observer_)({now_, e.path, e.kind ? e.kind->name : std::string_view{},
                  event, fields, n});
  }
}

void node_kernel::record(uint16_t id, const trace::field* fields, size_t n) {
  trace::order_key key{now_, cur_dst_, cur_src_, cur_seq_, cur_sub_++};
  trace_->append(key, id, fields, n);
}

// Inlined into the event loop: as a call, the compiler may drop it (a
// function with no effect but prefetches looks pure to it).
[[gnu::always_inline]] inline void node_kernel::prefetch_ahead() const {
  // Entity actors are large (a CAF actor is about 1 KB) and scattered, so
  // with many of them handling an event is mostly waiting for memory: the
  // destination's slot, its actor, the actor's behaviour stack and the
  // behaviour it points to, each found through the one before. Ask for
  // each a few events ahead, one link further for each nearer event, so
  // that every load below finds its line already in the cache.
  if (const event* e = queue_.upcoming(6))
    __builtin_prefetch(&slots_[e->dst]);
  if (const event* e = queue_.upcoming(4)) {
    // Only the lines an event touches: the actor's first two (vtable,
    // execution unit), those of its behaviour stack, and the members of
    // vmss::entity and its subclass; the rest of CAF's actor (mailbox,
    // streams, ...) is not used when the kernel runs the behaviour.
    const slot& s = slots_[e->dst];
    auto* bytes = reinterpret_cast<const char*>(s.self);
    uint32_t behaviour = behaviour_offset.load(std::memory_order_relaxed);
    __builtin_prefetch(bytes);
    __builtin_prefetch(bytes + 64);
    __builtin_prefetch(bytes + behaviour);
    __builtin_prefetch(bytes + behaviour + 64);
    for (uint32_t off = entity_members; off < s.self_bytes; off += 64)
      __builtin_prefetch(bytes + off);
  }
  if (const event* e = queue_.upcoming(2)) {
    entity* self = slots_[e->dst].self;
    if (self && slots_[e->dst].activated && self->has_behavior())
      __builtin_prefetch(&self->current_behavior());
  }
  if (const event* e = queue_.upcoming(1)) {
    entity* self = slots_[e->dst].self;
    if (self && slots_[e->dst].activated && self->has_behavior())
      __builtin_prefetch(self->current_behavior().as_behavior_impl().get());
  }
}

bool node_kernel::run_window(sim_time end, caf::execution_unit* ctx) {
  window_end_ = end;
  ctx_ = ctx;
  try {
    while (error_.empty() && queue_.next_time() < end) {
      event ev = queue_.pop();
      if (prefetch_)
        prefetch_ahead();
      deliver(ev);
      recycle(ev);
    }
  } catch (const std::exception& e) {
    fail(std::string{"entity "} + table_[cur_dst_].path +
         " at t=" + std::to_string(now_) + " ns: " + e.what());
  }
  return error_.empty();
}

caf::message node_kernel::take_spare(wire::type_id type,
                                     const std::type_info& rtti) {
  if (type >= spares_.size())
    spares_.resize(size_t{type} + 1);
  auto& pool = spares_[type];
  if (!pool.rtti)
    pool.rtti = &rtti; // only messages made through make_payload are kept
  if (pool.free.empty() || pool.rtti != &rtti)
    return {};
  caf::message m = std::move(pool.free.back());
  pool.free.pop_back();
  return m;
}

void node_kernel::recycle(event& ev) {
  if (ev.type >= spares_.size())
    return;
  auto& pool = spares_[ev.type];
  if (!pool.rtti || pool.free.size() >= max_spare_messages)
    return;
  auto* data = ev.msg.cvals().get();
  // Kept only when this event holds the last reference and the message is
  // exactly one element of the pool's type, so reuse never shows.
  if (!data || !data->unique() || data->size() != 1 ||
      data->type(0).second != pool.rtti)
    return;
  pool.free.push_back(std::move(ev.msg));
}

void node_kernel::deliver(event& ev) {
  slot& s = slots_[ev.dst];
  VMSS_ASSERT(s.self != nullptr,
              "every local entity is attached before its first event");
  now_ = ev.t;
  cur_dst_ = ev.dst;
  cur_src_ = ev.src;
  cur_seq_ = ev.seq;
  cur_sub_ = 0;
  cur_type_ = ev.type;
  if (!s.activated) {
    s.activated = true;
    s.self->activate(ctx_);
  }
  switch (ev.kind) {
  case event_kind::message:
    if (!s.up) {
      trace_drop(ev);
      return;
    }
    break;
  case event_kind::transit:
    if (!s.up) {
      trace_drop(ev);
      return;
    }
    ++stats_.events;
    stats_.last_t = ev.t;
    forward(s, ev);
    return;
  case event_kind::timer:
    if (!s.up || ev.incarnation != s.incarnation)
      return;
    break;
  default:
    handle_kernel_event(s, ev);
    return;
  }
  s.hash = mix64(s.hash ^ mix64(static_cast<uint64_t>(ev.t) ^ ev.type) ^
                 (static_cast<uint64_t>(ev.src) << 32) ^ ev.seq);
  ++s.delivered;
  ++stats_.events;
  stats_.last_t = ev.t;
  if (trace_ && cfg_.trace_deliveries)
    record(deliver_id_, nullptr, 0);
  // The actor's execution unit changes only when the node actor moves to
  // another worker; writing it every time would touch a cold cache line.
  if (s.self->context() != ctx_)
    s.self->context(ctx_);
  // Run the actor's current behaviour on the message directly. Entity
  // actors have no awaited responses and get no system messages, so CAF's
  // mailbox bookkeeping in reactivate() is not needed; it is still used
  // when no handler matches, for the actor's default handler.
  ignore_result visitor;
  if (s.self->current_behavior()(visitor, ev.msg) == caf::match_case::match)
    return;
  envelope_->msg = &ev.msg;
  s.self->reactivate(*envelope_);
}

void node_kernel::trace_drop(const event& ev) {
  if (!trace_ && !observer_)
    return;
  auto path = [&](entity_id id) {
    return id == kernel_source ? std::string("kernel") : table_[id].path;
  };
  if (ev.kind == event_kind::transit) {
    trace::field fields[] = {{"from", path(ev.src)}, {"to", path(ev.to)}};
    trace(kernel_events::dropped_while_down.name, fields, 2);
  } else {
    trace::field fields[] = {{"from", path(ev.src)}};
    trace(kernel_events::dropped_while_down.name, fields, 1);
  }
}

void node_kernel::handle_kernel_event(slot& s, event& ev) {
  switch (ev.kind) {
  case event_kind::start:
    s.self->on_start();
    break;
  case event_kind::crash:
    if (!s.up)
      return;
    s.up = false;
    ++s.incarnation;
    trace(kernel_events::entity_crashed.name, nullptr, 0);
    s.self->on_crash();
    break;
  case event_kind::restart:
    if (s.up)
      return;
    s.up = true;
    trace(kernel_events::entity_restarted.name, nullptr, 0);
    s.self->on_restart();
    break;
  default:
    break;
  }
}

void node_kernel::clear_outbox() {
  for (auto& events : outbox_)
    events.clear(); // keeps the capacity for the next window
  outbox_min_ = sim_time_never;
}

void node_kernel::accept(std::vector<event>&& events) {
  for (auto& ev : events) {
    if (!is_local(ev.dst)) {
      fail("received an event for " + table_[ev.dst].path + ", which node " +
           std::to_string(cfg_.node) + " does not run");
      return;
    }
    // The sender checked the lookahead against the same window end.
    VMSS_ASSERT(ev.t >= window_end_,
                "an event from another node lands after the window it was "
                "sent in");
    queue_.push(std::move(ev));
  }
}

void node_kernel::fail(std::string message) {
  if (error_.empty())
    error_ = std::move(message);
}

std::vector<node_kernel::entity_digest> node_kernel::delivery_digests() const {
  std::vector<entity_digest> result;
  for (entity_id id = 0; id < table_.size(); ++id)
    if (is_local(id))
      result.push_back({id, slots_[id].delivered, slots_[id].hash});
  return result;
}

void node_kernel::finish() {
  for (auto& s : slots_)
    if (s.self)
      s.self->on_finish();
}

} // namespace vmss
