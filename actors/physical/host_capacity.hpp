#pragma once
/// A host's capacity accounting, as a pure core (spec Layer 5 "VM Size
/// Mapping to Physical Resources", Layer 7 "Physical Resource Allocation"):
/// the hypervisor keeps 2 cores and 8 GB for itself, RAM is reserved
/// strictly, and vCPUs may be over-subscribed up to 2 per physical core.

#include <cstdint>
#include <unordered_map>

namespace vmss::physical {

struct vm_size {
  uint32_t vcpus = 0;
  uint32_t ram_gb = 0;
};

enum class reserve_result : uint8_t { ok, no_ram, no_vcpus, duplicate };

/// "ok", "no_ram", "no_vcpus", "duplicate".
const char* to_string(reserve_result r);

class host_capacity {
public:
  static constexpr uint32_t hypervisor_cores = 2;
  static constexpr uint32_t hypervisor_ram_gb = 8;
  static constexpr uint32_t vcpus_per_core = 2;

  host_capacity(uint32_t cores, uint32_t ram_gb);

  /// Reserves `size` for VM `vm`, or says which limit it would break.
  reserve_result reserve(uint64_t vm, vm_size size);

  /// Frees VM `vm`'s reservation; false if it had none.
  bool release(uint64_t vm);

  uint32_t ram_gb_usable() const { return ram_gb_usable_; }
  uint32_t ram_gb_reserved() const { return ram_gb_reserved_; }
  uint32_t vcpus_usable() const { return vcpus_usable_; }
  uint32_t vcpus_reserved() const { return vcpus_reserved_; }

private:
  uint32_t ram_gb_usable_;
  uint32_t vcpus_usable_;
  uint32_t ram_gb_reserved_ = 0;
  uint32_t vcpus_reserved_ = 0;
  std::unordered_map<uint64_t, vm_size> reserved_;
};

} // namespace vmss::physical
