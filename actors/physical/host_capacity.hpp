#pragma once
/// A host's capacity accounting, as a pure core (spec Layer 5 "VM Size
/// Mapping to Physical Resources", Layer 7 "Physical Resource Allocation"):
/// the hypervisor keeps 2 cores and 8 GB for itself, RAM is reserved
/// strictly, and vCPUs may be over-subscribed up to 2 per physical core.
/// Also the fill of a server with other tenants' VMs (fill_tenants).

#include "kernel/rng.hpp"

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

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

  /// The server's hardware threads (2 a core) and RAM, overhead included:
  /// what the spec's utilisation figures are shares of.
  uint32_t threads() const { return threads_; }
  uint32_t ram_gb_total() const { return ram_gb_total_; }

  /// Reserves `size` for VM `vm`, or says which limit it would break.
  reserve_result reserve(uint64_t vm, vm_size size);

  /// VM `vm`'s reservation; throws std::out_of_range if it has none.
  const vm_size& reservation(uint64_t vm) const { return reserved_.at(vm); }

  /// Frees VM `vm`'s reservation; false if it had none.
  bool release(uint64_t vm);

  uint32_t ram_gb_usable() const { return ram_gb_usable_; }
  uint32_t ram_gb_reserved() const { return ram_gb_reserved_; }
  uint32_t vcpus_usable() const { return vcpus_usable_; }
  uint32_t vcpus_reserved() const { return vcpus_reserved_; }

private:
  uint32_t threads_;
  uint32_t ram_gb_total_;
  uint32_t ram_gb_usable_;
  uint32_t vcpus_usable_;
  uint32_t ram_gb_reserved_ = 0;
  uint32_t vcpus_reserved_ = 0;
  std::unordered_map<uint64_t, vm_size> reserved_;
};

/// Other tenants' VM sizes and their shares, in percent. All have 4 GB a
/// vCPU, so a fill that reaches its vCPU share reaches the same RAM share:
/// 120 vCPUs come with 480 GB, the spec's figures (Layer 7, "Physical
/// Resource Allocation": D8s_v3 and B4ms beside the scale set's B2s).
/// D16s_v3 lets a server of few slots reach its share. Sorted by size.
struct tenant_size {
  const char* name;
  vm_size size;
  int64_t weight;
};
inline constexpr std::array<tenant_size, 5> tenant_mix{{
    {"Standard_D2s_v3", {2, 8}, 40},
    {"Standard_B4ms", {4, 16}, 20},
    {"Standard_D4s_v3", {4, 16}, 20},
    {"Standard_D8s_v3", {8, 32}, 15},
    {"Standard_D16s_v3", {16, 64}, 5},
}};

/// Fills `host` with other tenants' VMs, reserving vms[0], vms[1], ... in
/// turn, until at least `utilisation` of its threads() and of its
/// ram_gb_total() are reserved (spec Layer 7: 93% of each), within the
/// usable capacity (reserve()'s rules) and at most vms.size() VMs. Sizes
/// are drawn from tenant_mix by weight among those that do not overshoot
/// the share by more than the smallest size and leave it reachable with the
/// VMs left; when none qualifies, the smallest that covers what is left of
/// the share, else the largest that fits. Returns how many
/// were reserved; short of the share only when the host or the VMs run out.
size_t fill_tenants(host_capacity& host, double utilisation,
                    const std::vector<uint64_t>& vms, rng& r);

} // namespace vmss::physical
