#pragma once
/// Registers every message type, once, identically on every node: with CAF
/// (for the window protocol and any actor message) and with the kernel's
/// wire registry (for simulation events that cross node processes).

#include <caf/fwd.hpp>

#include <string>
#include <vector>

namespace vmss {

void register_messages(caf::actor_system_config& cfg);

/// Names of the simulation message types in the wire registry, by id.
std::vector<std::string> simulation_message_names();

} // namespace vmss
