#pragma once
/// The control entity: for now it records the faults the scenario injects
/// (`fault_injected` / `fault_recovered`: fault, target); live control
/// commands come later.

#include "kernel/entity.hpp"

namespace vmss::physical {

class control : public entity {
public:
  using entity::entity;
  caf::behavior make_behavior() override;
};

} // namespace vmss::physical
