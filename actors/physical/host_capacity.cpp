#include "actors/physical/host_capacity.hpp"

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
    : ram_gb_usable_(ram_gb > hypervisor_ram_gb ? ram_gb - hypervisor_ram_gb
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

} // namespace vmss::physical
