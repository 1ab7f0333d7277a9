#include "actors/physical/host_capacity.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <cmath>

namespace vmss::physical {

const char* to_string(reserve_result r) {
  switch (r) {
  case reserve_result::ok:
    return "ok";
  case reserve_result::no_ram:
    return "no_ram";
  case reserve_result::no_vcpus:
    return "no_vcpus";
  case reserve_result::duplicate:
    return "duplicate";
  }
  return "unknown";
}

host_capacity::host_capacity(uint32_t cores, uint32_t ram_gb)
    : threads_(cores * vcpus_per_core), ram_gb_total_(ram_gb),
      ram_gb_usable_(ram_gb > hypervisor_ram_gb ? ram_gb - hypervisor_ram_gb
                                                : 0),
      vcpus_usable_(cores > hypervisor_cores
                        ? (cores - hypervisor_cores) * vcpus_per_core
                        : 0) {
}

reserve_result host_capacity::reserve(uint64_t vm, vm_size size) {
  if (reserved_.count(vm))
    return reserve_result::duplicate;
  if (size.ram_gb > ram_gb_usable_ - ram_gb_reserved_)
    return reserve_result::no_ram;
  if (size.vcpus > vcpus_usable_ - vcpus_reserved_)
    return reserve_result::no_vcpus;
  reserved_.emplace(vm, size);
  ram_gb_reserved_ += size.ram_gb;
  vcpus_reserved_ += size.vcpus;
  return reserve_result::ok;
}

bool host_capacity::release(uint64_t vm) {
  auto i = reserved_.find(vm);
  if (i == reserved_.end())
    return false;
  ram_gb_reserved_ -= i->second.ram_gb;
  vcpus_reserved_ -= i->second.vcpus;
  reserved_.erase(i);
  return true;
}

namespace {

/// What a fill still needs and may use.
struct fill_state {
  int64_t need_vcpus;
  int64_t need_ram_gb;
  int64_t vcpus_free;
  int64_t ram_gb_free;
  int64_t vms_after; ///< VMs left after this one
};

/// The mix's smallest vCPUs and RAM.
constexpr vm_size smallest_of_mix() {
  vm_size out = tenant_mix[0].size;
  for (const auto& t : tenant_mix) {
    out.vcpus = std::min(out.vcpus, t.size.vcpus);
    out.ram_gb = std::min(out.ram_gb, t.size.ram_gb);
  }
  return out;
}
constexpr vm_size smallest_tenant = smallest_of_mix();
/// The rest of a share is planned at the second largest size, so that the
/// largest stays free to catch up with and the last VM fits what is left.
constexpr vm_size planned_tenant = tenant_mix[tenant_mix.size() - 2].size;

bool fits(const vm_size& s, const fill_state& f) {
  return s.vcpus <= f.vcpus_free && s.ram_gb <= f.ram_gb_free;
}

/// Fits, overshoots the share by less than the smallest size, and leaves
/// the rest of it reachable with the VMs after this one (planned_tenant).
bool qualifies(const vm_size& s, const fill_state& f) {
  return fits(s, f) &&
         s.vcpus <= std::max<int64_t>(f.need_vcpus, smallest_tenant.vcpus) &&
         s.ram_gb <= std::max<int64_t>(f.need_ram_gb, smallest_tenant.ram_gb) &&
         f.need_vcpus - s.vcpus <= f.vms_after * planned_tenant.vcpus &&
         f.need_ram_gb - s.ram_gb <= f.vms_after * planned_tenant.ram_gb;
}

/// A size by weight among those that qualify; else the smallest that fits
/// and covers the share; else the largest that fits; else none (vcpus 0).
vm_size draw_tenant(const fill_state& f, rng& r) {
  int64_t total = 0;
  for (const auto& t : tenant_mix)
    total += qualifies(t.size, f) ? t.weight : 0;
  if (total > 0) {
    auto pick = r.uniform(0, total - 1);
    for (const auto& t : tenant_mix) {
      if (!qualifies(t.size, f))
        continue;
      if (pick < t.weight)
        return t.size;
      pick -= t.weight;
    }
  }
  for (const auto& t : tenant_mix)
    if (fits(t.size, f) && t.size.vcpus >= f.need_vcpus &&
        t.size.ram_gb >= f.need_ram_gb)
      return t.size;
  for (auto t = tenant_mix.rbegin(); t != tenant_mix.rend(); ++t)
    if (fits(t->size, f))
      return t->size;
  return {};
}

} // namespace

size_t fill_tenants(host_capacity& host, double utilisation,
                    const std::vector<uint64_t>& vms, rng& r) {
  VMSS_ASSERT(utilisation >= 0 && utilisation <= 1,
              "a tenant share is between 0 and 1");
  auto want_vcpus =
      static_cast<int64_t>(std::ceil(utilisation * host.threads()));
  auto want_ram_gb =
      static_cast<int64_t>(std::ceil(utilisation * host.ram_gb_total()));
  size_t placed = 0;
  for (; placed < vms.size(); ++placed) {
    fill_state f{want_vcpus - host.vcpus_reserved(),
                 want_ram_gb - host.ram_gb_reserved(),
                 int64_t{host.vcpus_usable()} - host.vcpus_reserved(),
                 int64_t{host.ram_gb_usable()} - host.ram_gb_reserved(),
                 static_cast<int64_t>(vms.size() - placed - 1)};
    if (f.need_vcpus <= 0 && f.need_ram_gb <= 0)
      break;
    auto size = draw_tenant(f, r);
    if (size.vcpus == 0 ||
        host.reserve(vms[placed], size) != reserve_result::ok)
      break;
  }
  return placed;
}

} // namespace vmss::physical
