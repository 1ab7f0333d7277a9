#include "actors/fabric/placement.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace vmss::fabric {

namespace {

uint32_t count(const std::map<uint32_t, uint32_t>& m, uint32_t key) {
  auto i = m.find(key);
  return i == m.end() ? 0 : i->second;
}

uint32_t count(const std::map<std::pair<uint32_t, uint32_t>, uint32_t>& m,
               uint32_t zone, uint32_t rack) {
  auto i = m.find({zone, rack});
  return i == m.end() ? 0 : i->second;
}

/// One VM fewer under `key`; the entry goes when it reaches zero.
template <class Map, class Key>
void decrement(Map& m, const Key& key) {
  auto i = m.find(key);
  VMSS_ASSERT(i != m.end() && i->second > 0,
              "a scale set's VM leaves only where it was counted");
  if (--i->second == 0)
    m.erase(i);
}

bool valid_fault_domains(uint32_t fd) {
  return fd == 1 || fd == 2 || fd == 3 || fd == 5;
}

bool fits(const host_view& h, uint32_t vcpus, uint32_t ram_gb) {
  return h.up && h.slots_free > 0 && h.vcpus_free >= vcpus &&
         h.ram_gb_free >= ram_gb;
}

/// The fault domain of rack `rack`: itself when spreading to the max.
uint32_t fault_domain_of(uint32_t rack, uint32_t fault_domains) {
  return fault_domains == 1 ? rack : rack % fault_domains;
}

/// The scale set's VMs, committed and proposed, counted together (the
/// layouts are large: per host; they are not copied).
struct set_vms {
  const scale_set_layout& committed;
  const scale_set_layout& proposed;

  uint32_t in_zone(uint32_t zone) const {
    return count(committed.per_zone, zone) + count(proposed.per_zone, zone);
  }
  uint32_t in_rack(uint32_t zone, uint32_t rack) const {
    return count(committed.per_rack, zone, rack) +
           count(proposed.per_rack, zone, rack);
  }
  uint32_t on_host(entity_id host) const {
    return count(committed.per_host, host) + count(proposed.per_host, host);
  }
  uint32_t placed() const { return committed.placed + proposed.placed; }
};

/// A host's rank in its rack, the lowest best: the fewest of the scale
/// set's VMs, then the most free RAM, then vCPUs, then the lower id.
using host_rank = std::tuple<uint32_t, int64_t, int64_t, entity_id>;

host_rank rank_of(const host_view& h, const set_vms& vms) {
  return {vms.on_host(h.host), -int64_t{h.ram_gb_free}, -int64_t{h.vcpus_free},
          h.host};
}

/// Places inside one zone; !ok with the reason if nothing fits.
placement place_in_zone(const std::vector<host_view>& hosts, uint32_t zone,
                        const scale_set_policy& policy, const set_vms& vms,
                        uint32_t vcpus, uint32_t ram_gb) {
  // Racks with room, and the scale set's VMs per fault domain.
  std::map<uint32_t, std::pair<host_rank, const host_view*>> best_in_rack;
  size_t up = 0;
  for (const auto& h : hosts) {
    if (h.zone != zone)
      continue;
    up += h.up;
    if (!fits(h, vcpus, ram_gb))
      continue;
    auto rank = rank_of(h, vms);
    auto [best, fresh] = best_in_rack.try_emplace(h.rack, rank, &h);
    if (!fresh && rank < best->second.first)
      best->second = {rank, &h};
  }
  placement p;
  p.zone = zone;
  if (best_in_rack.empty()) {
    p.failure = "zone " + std::to_string(zone + 1) + ": no host has " +
                std::to_string(vcpus) + " vCPUs, " + std::to_string(ram_gb) +
                " GB and a VM slot free (" + std::to_string(up) + " hosts up)";
    return p;
  }
  std::map<uint32_t, uint32_t> per_fd;
  for (const auto* layout : {&vms.committed, &vms.proposed})
    for (const auto& [key, n] : layout->per_rack)
      if (key.first == zone)
        per_fd[fault_domain_of(key.second, policy.fault_domains)] += n;
  const host_view* chosen = nullptr;
  std::tuple<uint32_t, uint32_t, uint32_t> chosen_key{};
  for (const auto& [rack, best] : best_in_rack) {
    auto fd = fault_domain_of(rack, policy.fault_domains);
    std::tuple<uint32_t, uint32_t, uint32_t> key{count(per_fd, fd),
                                                 vms.in_rack(zone, rack), rack};
    if (!chosen || key < chosen_key) {
      chosen = best.second;
      chosen_key = key;
    }
  }
  p.ok = true;
  p.host = chosen->host;
  p.rack = chosen->rack;
  p.fault_domain = fault_domain_of(chosen->rack, policy.fault_domains);
  p.update_domain = vms.placed() % policy.update_domains;
  return p;
}

} // namespace

void scale_set_layout::add(uint32_t zone, uint32_t rack, entity_id host,
                           bool fresh) {
  ++per_zone[zone];
  ++per_rack[{zone, rack}];
  ++per_host[host];
  placed += fresh;
}

void scale_set_layout::remove(uint32_t zone, uint32_t rack, entity_id host) {
  decrement(per_zone, zone);
  decrement(per_rack, std::make_pair(zone, rack));
  decrement(per_host, host);
}

request_policy policy_for(const scale_set_policy& base, int32_t zone,
                          uint32_t fault_domains) {
  request_policy out;
  out.policy = base;
  auto zone_name = [&] {
    return zone >= 0 ? "zone " + std::to_string(int64_t{zone} + 1)
                     : std::string("any zone");
  };
  if (zone >= 0) {
    auto z = static_cast<uint32_t>(zone);
    if (std::find(base.zones.begin(), base.zones.end(), z) ==
        base.zones.end()) {
      out.failure = zone_name() + ": not a zone the controller places in";
      return out;
    }
    out.policy.zones = {z};
  }
  if (fault_domains > 0) {
    if (!valid_fault_domains(fault_domains)) {
      out.failure = zone_name() + ": platformFaultDomainCount " +
                    std::to_string(fault_domains) + " is not 1, 2, 3 or 5";
      return out;
    }
    out.policy.fault_domains = fault_domains;
  }
  out.ok = true;
  return out;
}

void validate(const scale_set_policy& policy, uint32_t zones) {
  if (policy.zones.empty())
    throw std::invalid_argument("zones: at least one is needed");
  for (auto z : policy.zones)
    if (z >= zones)
      throw std::invalid_argument("zones: zone " + std::to_string(z + 1) +
                                  " does not exist (the region has " +
                                  std::to_string(zones) + ")");
  auto fd = policy.fault_domains;
  if (!valid_fault_domains(fd))
    throw std::invalid_argument("platformFaultDomainCount: must be 1, 2, 3 "
                                "or 5, not " +
                                std::to_string(fd));
  if (policy.update_domains < 1)
    throw std::invalid_argument("update domains: at least 1");
}

placement place(const std::vector<host_view>& hosts,
                const scale_set_policy& policy, const scale_set_layout& layout,
                const scale_set_layout& proposed, uint32_t vcpus,
                uint32_t ram_gb) {
  set_vms vms{layout, proposed};
  // Zones in balance order: fewest of the scale set's VMs first.
  auto zones = policy.zones;
  std::stable_sort(zones.begin(), zones.end(), [&](uint32_t a, uint32_t b) {
    auto ca = vms.in_zone(a), cb = vms.in_zone(b);
    return ca != cb ? ca < cb : a < b;
  });
  std::string failures;
  for (auto zone : zones) {
    auto p = place_in_zone(hosts, zone, policy, vms, vcpus, ram_gb);
    if (p.ok)
      return p;
    failures += (failures.empty() ? "" : "; ") + p.failure;
    if (policy.strict_zone_balance) {
      p.failure += " (strict zone balance: no other zone may take it)";
      return p;
    }
  }
  placement failed;
  failed.failure = failures;
  return failed;
}

} // namespace vmss::fabric
