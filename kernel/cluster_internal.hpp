#pragma once
/// Pieces shared by the coordinator (coordinator.cpp) and the node side
/// (node.cpp). Includes CAF: only for those two translation units.

#include "kernel/cluster.hpp"
#include "kernel/trace_sink.hpp"
#include "messages/kernel_protocol.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <memory>

namespace vmss::detail {

/// Everything one node process runs.
struct node_instance {
  std::unique_ptr<model> sim;
  entity_table table;
  std::unique_ptr<node_kernel> kernel;
  std::unique_ptr<trace::shard_writer> trace;
};

/// A CAF config with our message types and scheduler settings.
void configure(caf::actor_system_config& cfg, uint32_t threads, bool middleman);

/// Builds the model's table, this node's kernel and its entity actors, and
/// schedules the start and scenario events.
std::unique_ptr<node_instance> build_node(caf::actor_system& sys,
                                          const protocol::node_setup& setup,
                                          const model_factory& factory);

/// Spawns the actor that runs `node`'s windows (until virtual time
/// `until`) and reports to `coordinator`.
caf::actor spawn_node_actor(caf::actor_system& sys, node_instance& node,
                            caf::actor coordinator, sim_time until);

/// Peak resident set size of this process, KiB.
int64_t peak_rss_kb();

} // namespace vmss::detail
