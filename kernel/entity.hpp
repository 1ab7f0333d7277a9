#pragma once
/// Base class of every simulated entity: a CAF event-based actor whose
/// behaviour the node kernel runs on each event in delivery order.
///
/// Subclasses handle their message types in make_behavior() and talk to
/// other entities only through send() and after(): `send` here hides CAF's
/// mailbox send on purpose, because a mailbox message would bypass virtual
/// time. Durable state (what survives a crash) lives in plain members that
/// on_crash() leaves alone; on_crash() drops the volatile rest.

#include "kernel/assert.hpp"
#include "kernel/log.hpp"
#include "kernel/node_kernel.hpp"
#include "kernel/rng.hpp"
#include "kernel/trace_event.hpp"
#include "kernel/wire.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>

#include <array>
#include <initializer_list>
#include <stdexcept>
#include <type_traits>

namespace vmss {

class entity : public caf::event_based_actor {
public:
  entity(caf::actor_config& cfg, node_kernel& kernel, entity_id id);

  entity_id id() const { return id_; }

  /// Called at t = 0 (start) and, by default, after a restart.
  virtual void on_start() {}

  /// The entity crashed: drop volatile state. Messages arriving while down
  /// are dropped by the kernel and pending timers never fire.
  virtual void on_crash() {}

  /// The entity restarts from its durable state.
  virtual void on_restart() { on_start(); }

  /// The run is over: publish results (e.g. into a model's report).
  virtual void on_finish() {}

  /// Switch entities only: a message from `ev.src` to `ev.to` passes this
  /// entity (network_model::route chose it as a hop). Returns how long the
  /// message waits here before going on (queueing), or a negative value to
  /// drop it. Not called while the entity is down: the kernel drops the
  /// message. The default forwards at once.
  virtual sim_time on_transit(const event& ev) {
    (void)ev;
    return 0;
  }

protected:
  sim_time now() const { return kernel_.now(); }

  /// Sender of the event being handled.
  entity_id source() const { return kernel_.current_source(); }

  /// Sends `msg` to `dst` through the network model.
  template <class T>
  void send(entity_id dst, T&& msg) {
    auto type = type_of<T>();
    kernel_.send(id_, dst, type,
                 kernel_.make_payload(type, std::forward<T>(msg)));
  }

  /// Sends an already type-erased message whose wire type is `type`.
  void send_message(entity_id dst, wire::type_id type, caf::message msg) {
    kernel_.send(id_, dst, type, std::move(msg));
  }

  /// Delivers `msg` to this entity after `delay` of virtual time.
  template <class T>
  void after(sim_time delay, T&& msg) {
    auto type = type_of<T>();
    kernel_.after(id_, delay, type,
                  kernel_.make_payload(type, std::forward<T>(msg)));
  }

  /// Crashes this entity at once (node_kernel::crash_self): the rest of
  /// the handler still runs, then nothing until the restart, after
  /// `restart_after` (sim_time_never: only an injected restart).
  void crash_self(sim_time restart_after = sim_time_never) {
    kernel_.crash_self(id_, restart_after);
  }

  /// This entity's random stream: seeded from (run seed, path).
  vmss::rng& random() { return rng_; }

  /// Writes a trace record of the declared event `def` for the event being
  /// handled: one value per declared field, in the declared order.
  void trace(const trace::event_def& def,
             std::initializer_list<trace::value> values = {}) {
    VMSS_ASSERT(values.size() == def.count,
                "a trace record gives one value per declared field");
    std::array<trace::field, trace::event_def::max_fields> fields;
    size_t i = 0;
    for (const auto& v : values) {
      fields[i].key = def.fields[i];
      fields[i].val = v;
      ++i;
    }
    kernel_.trace(def.name, fields.data(), def.count);
  }

  /// A diagnostic line on stderr about this entity at the current virtual
  /// time: "# debug: [12.345678s PATH] ..." (kernel/log.hpp). Below the
  /// log level it costs a comparison; it never changes the run.
  template <class... Ts>
  void log(logging::level level, fmt::format_string<Ts...> format,
           Ts&&... args) const {
    logging::line_at(level, kernel_.now(), kernel_.table()[id_].path, format,
                     std::forward<Ts>(args)...);
  }

  node_kernel& kernel_;

private:
  template <class T>
  static wire::type_id type_of() {
    auto id = wire::id_of<std::decay_t<T>>;
    if (id == wire::no_type)
      throw std::logic_error("message type not registered in "
                             "messages/registry.cpp");
    return id;
  }

  entity_id id_;
  vmss::rng rng_;
};

} // namespace vmss
