/// Physical-plane checkers (descriptions in the header).

#include "actors/physical/checkers.hpp"

#include "analysis/record_fields.hpp"
#include "messages/physical_events.hpp"
#include "messages/physical_kinds.hpp"

namespace vmss::physical {

using analysis::int_field;
using analysis::is;
using analysis::string_field;

void ram_committed_checker::check(const record& r, host& h, int64_t free_gb) {
  if (h.usable < 0)
    h.usable = h.reserved + free_gb;
  if (h.reserved + free_gb != h.usable)
    violations_.add(r, "reserved " + std::to_string(h.reserved) +
                           " GB + free " + std::to_string(free_gb) +
                           " GB != usable " + std::to_string(h.usable) + " GB");
  if (h.reserved > h.usable)
    violations_.add(r, "RAM over-committed: " + std::to_string(h.reserved) +
                           " GB reserved of " + std::to_string(h.usable));
}

void ram_committed_checker::on_record(const record& r) {
  if (r.kind != kinds::host_agent.name)
    return;
  auto& h = hosts_[r.entity()];
  if (is(r, events::tenants_placed)) {
    h.reserved += int_field(r, events::tenants_placed, "ram_gb");
  } else if (is(r, events::vm_admitted)) {
    const auto& ev = events::vm_admitted;
    auto gb = int_field(r, ev, "ram_gb");
    h.vms[string_field(r, ev, "vm")] = gb;
    h.reserved += gb;
    check(r, h, int_field(r, ev, "ram_gb_free"));
  } else if (is(r, events::capacity_released)) {
    const auto& ev = events::capacity_released;
    auto i = h.vms.find(string_field(r, ev, "vm"));
    if (i == h.vms.end()) {
      violations_.add(r, "released a VM that was never admitted");
      return;
    }
    h.reserved -= i->second;
    h.vms.erase(i);
    check(r, h, int_field(r, ev, "ram_gb_free"));
  }
}

void register_checkers(analysis::checker_registry& r) {
  r.add<ram_committed_checker>();
}

} // namespace vmss::physical
