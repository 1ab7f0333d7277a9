#pragma once
/// A role family's module (design §3): the one place that registers what
/// the family brings to a run — its simulation messages with their fixed
/// wire numbers, its entity kinds, its trace events and its trace checkers.
/// The runner lists the modules (runners/modules.cpp); the
/// kernel knows none of them. docs/layout.md has the recipes.

#include "kernel/trace_event.hpp"
#include "topology/entity_kind.hpp"

#include <cstdint>
#include <vector>

namespace vmss {

class message_family;

namespace analysis {
class checker_registry;
} // namespace analysis

struct family_module {
  const char* name;    ///< "physical": message names are vmss.<name>.<msg>
  uint8_t wire_number; ///< fixed forever; docs/layout.md lists them
  void (*register_messages)(message_family&);
  std::vector<const entity_kind*> kinds;
  std::vector<const trace::event_def*> events;
  /// Adds the family's checkers (vmss-sim trace check); may be null.
  void (*register_checkers)(analysis::checker_registry&) = nullptr;
};

} // namespace vmss
