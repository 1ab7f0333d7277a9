#pragma once
/// The role families this binary is built with, in one list
/// (runners/modules.cpp): each family's module registers its messages,
/// kinds, trace events, settings and checkers (actors/module.hpp).

#include "actors/module.hpp"

#include <caf/fwd.hpp>

#include <vector>

namespace vmss {

/// Every family's module, in registration order.
const std::vector<const family_module*>& modules();

/// Registers every family's simulation messages with `cfg` and the wire
/// registry (a message_registration for run_options and node_options).
void register_family_messages(caf::actor_system_config& cfg);

/// The trace checkers of `vmss-sim trace check`: analysis's own and every
/// family's.
const analysis::checker_registry& all_checkers();

} // namespace vmss
