#include "actors/compute/set_model.hpp"

#include "input/azure/resource_id.hpp"
#include "input/azure/scale_set.hpp"
#include "input/scenario.hpp"
#include "kernel/assert.hpp"
#include "kernel/sha256.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>

namespace vmss::compute {

namespace {

using Properties = vmss::azure::compute::VirtualMachineScaleSetProperties;

/// "/subscriptions/…/loadBalancers/lb/probes/p" -> ("lb", "p").
pool_ref child_of(const std::string& id) {
  input::azure::resource_id parsed;
  pool_ref out;
  if (!input::azure::parse_resource_id(id, parsed))
    return out; // the reader checked the form
  auto slash = parsed.name.find('/');
  out.load_balancer = parsed.name.substr(0, slash);
  if (slash != std::string::npos)
    out.pool = parsed.name.substr(slash + 1);
  return out;
}

/// The first 8 bytes of the SHA-256 of the VM size and the profile's
/// deterministic bytes: what an instance is created from. A new size, like
/// a new profile, leaves the existing instances off the latest model until
/// they are upgraded (docs/model.md, "ARM front door").
uint64_t fingerprint(const std::string& size,
                     const vmss::azure::compute::VirtualMachineProfile& p) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    p.SerializeToCodedStream(&out);
  }
  sha256 h;
  h.update(size.data(), size.size());
  h.update("\0", 1);
  h.update(bytes.data(), bytes.size());
  return std::stoull(h.hex().substr(0, 16), nullptr, 16);
}

} // namespace

set_model to_set_model(const input::azure::scale_set& set) {
  const auto& m = set.model;
  const auto& p = m.properties();
  set_model out;
  out.name = set.name;
  out.capacity = static_cast<uint32_t>(m.sku().capacity());
  // A Flexible set may have no sku: it holds only the VMs added to it.
  if (m.has_sku()) {
    const auto* size = input::find_vm_size(m.sku().name());
    VMSS_ASSERT(size, "the scale-set reader checks the VM size");
    out.sku = size->name; // Azure's spelling: names match in any case
    out.vcpus = size->vcpus;
    out.ram_gb = size->ram_gb;
  }
  for (const auto& zone : m.zones())
    out.zones.push_back(static_cast<uint32_t>(std::stoul(zone)) - 1);
  out.mode = p.orchestration_mode() == Properties::Flexible
                 ? orchestration_mode::flexible
                 : orchestration_mode::uniform;
  out.overprovision = p.overprovision();
  out.no_extensions_on_overprovisioned =
      p.do_not_run_extensions_on_overprovisioned_vms();
  out.single_placement_group = p.single_placement_group();
  out.zone_balance = p.zone_balance();
  out.fault_domains = static_cast<uint32_t>(p.platform_fault_domain_count());
  using ScaleInPolicy = vmss::azure::compute::ScaleInPolicy;
  if (p.scale_in_policy().rules_size() > 0) {
    auto rule = p.scale_in_policy().rules(0);
    out.scale_in = rule == ScaleInPolicy::NewestVM ? scale_in_rule::newest_vm
                   : rule == ScaleInPolicy::OldestVM
                       ? scale_in_rule::oldest_vm
                       : scale_in_rule::default_rule;
  }
  out.force_deletion = p.scale_in_policy().force_deletion();
  using UpgradePolicy = vmss::azure::compute::UpgradePolicy;
  const auto& u = p.upgrade_policy();
  out.upgrade = u.mode() == UpgradePolicy::Automatic ? upgrade_mode::automatic
                : u.mode() == UpgradePolicy::Rolling ? upgrade_mode::rolling
                                                     : upgrade_mode::manual;
  const auto& r = u.rolling_upgrade_policy();
  out.rolling.max_batch_percent =
      static_cast<uint32_t>(r.max_batch_instance_percent());
  out.rolling.max_unhealthy_percent =
      static_cast<uint32_t>(r.max_unhealthy_instance_percent());
  out.rolling.max_unhealthy_upgraded_percent =
      static_cast<uint32_t>(r.max_unhealthy_upgraded_instance_percent());
  out.rolling.pause_between_batches = r.pause_time_between_batches_ns();
  out.rolling.prioritize_unhealthy = r.prioritize_unhealthy_instances();
  out.rolling.cross_zone = r.enable_cross_zone_upgrade();
  out.rolling.max_surge = r.max_surge();
  out.rolling.rollback_on_breach =
      r.rollback_failed_instances_on_policy_breach();
  using Repairs = vmss::azure::compute::AutomaticRepairsPolicy;
  const auto& a = p.automatic_repairs_policy();
  out.repairs.enabled = a.enabled();
  out.repairs.grace = a.grace_period_ns();
  out.repairs.action =
      a.repair_action() == Repairs::Restart   ? repair_action::restart
      : a.repair_action() == Repairs::Reimage ? repair_action::reimage
                                              : repair_action::replace;
  const auto& profile = p.virtual_machine_profile();
  const auto& net = profile.network_profile();
  if (set.application_health) {
    using Settings = vmss::azure::compute::ApplicationHealthSettings;
    const auto& h = *set.application_health;
    out.health = health_source::extension;
    out.extension.rich = set.rich_health_states;
    out.extension.tcp = h.protocol() == Settings::tcp;
    out.extension.interval = seconds(h.interval_in_seconds());
    out.extension.probes = static_cast<uint32_t>(h.number_of_probes());
    out.extension.grace = h.has_grace_period()
                              ? seconds(h.grace_period())
                              : out.extension.interval * out.extension.probes;
  } else if (!net.health_probe().id().empty()) {
    auto probe = child_of(net.health_probe().id());
    out.health = health_source::load_balancer_probe;
    out.probe_load_balancer = probe.load_balancer;
    out.probe = probe.pool;
  }
  for (const auto& nic : net.network_interface_configurations())
    for (const auto& ip : nic.properties().ip_configurations())
      for (const auto& pool :
           ip.properties().load_balancer_backend_address_pools()) {
        auto ref = child_of(pool.id());
        if (!ref.load_balancer.empty())
          out.pools.push_back(ref);
      }
  out.profile = fingerprint(out.sku, profile);
  return out;
}

} // namespace vmss::compute
