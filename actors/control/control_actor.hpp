#pragma once
/// The control actor ("westeurope/control", kind `control`): the one
/// entity that records what the scenario's timeline and the live commands
/// did. Every fault (actors/physical/faults.hpp) sends it a fault_notice,
/// which it traces as `fault_injected` or `fault_recovered` (fault,
/// target); every live command (`vmss-sim ctl`, the live view, `run
/// --replay`) reaches it as a control_command_notice at the virtual time
/// the run chose, traced as `control_command` (command: its canonical
/// text, accepted, reason: empty when accepted). It keeps no state: a
/// region outage leaves it up (faults never crash it).

#include "kernel/entity.hpp"

namespace vmss::control {

class control_actor : public entity {
public:
  using entity::entity;
  caf::behavior make_behavior() override;
};

} // namespace vmss::control
