#pragma once
/// Pieces shared by the coordinator (coordinator.cpp) and the node side
/// (node.cpp). Includes CAF: only for those two translation units.

#include "kernel/cluster.hpp"
#include "kernel/lanes.hpp"
#include "kernel/run_secret.hpp"
#include "kernel/trace_sink.hpp"
#include "messages/kernel_protocol.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <string>

namespace vmss::detail {

/// Everything one node process runs.
struct node_instance {
  node_instance(uint32_t node, uint32_t nodes, uint32_t lanes)
      : lanes(node, nodes, lanes) {}

  node_lanes lanes;
  std::unique_ptr<trace::shard_writer> trace;
  double pace = 0; ///< virtual seconds per wall second at the start
};

/// A CAF config with our message types and scheduler settings.
void configure(caf::actor_system_config& cfg, uint32_t threads, bool middleman,
               message_registration messages);

/// Builds each lane's model, table, kernel and entity actors, and schedules
/// the start and scenario events.
std::unique_ptr<node_instance> build_node(caf::actor_system& sys,
                                          const protocol::node_setup& setup,
                                          const model_factory& factory);

/// Spawns the actor that runs `node`'s windows (until virtual time
/// `until`) and reports to `coordinator`, proving itself with `tokens`.
caf::actor spawn_node_actor(caf::actor_system& sys, node_instance& node,
                            caf::actor coordinator, sim_time until,
                            const run_tokens& tokens);

/// Counts refused protocol messages and reports the first few on stderr,
/// one line each ("warning: WHO refused WHAT: WHY").
class refusals {
public:
  explicit refusals(std::string who) : who_(std::move(who)) {}
  /// Reports one; returns the error to answer a request with.
  caf::error refuse(const std::string& what, const std::string& why);
  uint64_t count() const { return count_; }

private:
  std::string who_;
  uint64_t count_ = 0;
};

/// Whether the message being handled comes from an actor of this process.
bool from_this_process(caf::scheduled_actor* self);

/// A CAF error in words for users: the text a refusal carries, or what a
/// lost peer or a time-out means, without CAF's enum names.
std::string describe(caf::actor_system& sys, const caf::error& err);

/// Peak resident set size of this process, KiB.
int64_t peak_rss_kb();

} // namespace vmss::detail
