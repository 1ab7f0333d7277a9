#pragma once
/// Checkers of the physical plane (registered by actors/physical/module.cpp):
///   - ram_committed: a host agent's RAM accounting stays consistent: its
///     reservations (`tenants_placed`, `vm_admitted`, `capacity_released`)
///     plus the free RAM it reports add up to the same usable total, never
///     more.

#include "analysis/checker.hpp"

#include <map>
#include <string>

namespace vmss::physical {

using analysis::checker;
using analysis::record;
using analysis::violation_list;

class ram_committed_checker : public checker {
public:
  std::string name() const override { return "ram_committed"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  struct host {
    int64_t reserved = 0;
    int64_t usable = -1;                ///< learnt from the first report
    std::map<std::string, int64_t> vms; ///< admitted VM -> GB
  };
  void check(const record& r, host& h, int64_t free_gb);
  std::map<uint32_t, host> hosts_;
  violation_list violations_;
};

/// Adds the checkers above.
void register_checkers(analysis::checker_registry& r);

} // namespace vmss::physical
