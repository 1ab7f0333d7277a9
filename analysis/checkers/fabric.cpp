/// Fabric-controller and capacity checkers (descriptions in the header).

#include "analysis/checkers/fabric.hpp"

namespace vmss::analysis {

namespace {

const trace::value* field(const record& r, const char* key) {
  for (const auto& f : r.fields)
    if (f.key == key)
      return &f.val;
  return nullptr;
}

int64_t int_field(const record& r, const char* key) {
  const auto* v = field(r, key);
  return v && std::holds_alternative<int64_t>(*v) ? std::get<int64_t>(*v) : -1;
}

std::string string_field(const record& r, const char* key) {
  const auto* v = field(r, key);
  return v && std::holds_alternative<std::string>(*v)
             ? std::get<std::string>(*v)
             : std::string();
}

} // namespace

void single_leader_checker::on_record(const record& r) {
  if (r.event != "leader_elected")
    return;
  auto term = int_field(r, "term");
  auto [it, fresh] = leader_of_term_.emplace(term, std::string(r.path));
  if (!fresh && it->second != r.path)
    violations_.add(r, "second leader in term " + std::to_string(term) +
                           " (first: " + it->second + ")");
}

void committed_stable_checker::on_record(const record& r) {
  if (r.event != "fc_applied")
    return;
  auto index = int_field(r, "index");
  std::pair<int64_t, std::string> entry{int_field(r, "term"),
                                        string_field(r, "command")};
  auto [it, fresh] = entries_.emplace(index, entry);
  if (!fresh && it->second != entry)
    violations_.add(r, "index " + std::to_string(index) + " applied as term " +
                           std::to_string(entry.first) + " '" + entry.second +
                           "', elsewhere as term " +
                           std::to_string(it->second.first) + " '" +
                           it->second.second + "'");
}

void ram_committed_checker::check(const record& r, host& h, int64_t free_gb) {
  if (free_gb < 0)
    return; // the record does not report it
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
  if (r.kind != "host_agent")
    return;
  auto& h = hosts_[r.entity()];
  if (r.event == "tenants_placed") {
    h.reserved += int_field(r, "ram_gb");
  } else if (r.event == "vm_admitted") {
    auto gb = int_field(r, "ram_gb");
    h.vms[string_field(r, "vm")] = gb;
    h.reserved += gb;
    check(r, h, int_field(r, "ram_gb_free"));
  } else if (r.event == "capacity_released") {
    auto i = h.vms.find(string_field(r, "vm"));
    if (i == h.vms.end()) {
      violations_.add(r, "released a VM that was never admitted");
      return;
    }
    h.reserved -= i->second;
    h.vms.erase(i);
    check(r, h, int_field(r, "ram_gb_free"));
  }
}

void vm_one_host_checker::on_record(const record& r) {
  if (r.kind != "fc_replica")
    return;
  auto vm = string_field(r, "vm");
  if (r.event == "placement") {
    auto host = string_field(r, "host");
    auto [it, fresh] = host_of_.emplace(vm, host);
    if (!fresh)
      violations_.add(r, "VM " + vm + " placed on " + host +
                             " while still on " + it->second);
  } else if (r.event == "vm_lost") {
    host_of_.erase(vm);
  }
}

} // namespace vmss::analysis
