#include "input/azure/scale_set.hpp"

#include "input/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace vmss::input::azure {

namespace {

namespace cp = vmss::azure::compute;
using json = nlohmann::ordered_json;
using properties = cp::VirtualMachineScaleSetProperties;

constexpr int64_t minute_ns = 60'000'000'000;

/// j's member `key`, matched as the reader matches Azure's names (exactly,
/// else ignoring letter case); nullptr if there is none.
const json* member(const json* j, const std::string& key) {
  if (!j || !j->is_object())
    return nullptr;
  auto it = j->find(key);
  if (it != j->end())
    return &*it;
  for (auto k = j->begin(); k != j->end(); ++k)
    if (ascii_lower(k.key()) == ascii_lower(key))
      return &*k;
  return nullptr;
}

const json* element(const json* j, size_t index) {
  return j && j->is_array() && index < j->size() ? &(*j)[index] : nullptr;
}

/// The load balancer part of `id` (lower case, up to its name) if `id` is
/// ".../providers/Microsoft.Network/loadBalancers/LB/KIND/NAME"; empty
/// otherwise.
std::string load_balancer_of(const std::string& id, const std::string& kind) {
  const std::string marker = "/providers/microsoft.network/loadbalancers/";
  auto text = ascii_lower(id);
  auto at = text.find(marker);
  if (at == std::string::npos)
    return "";
  auto name_end = text.find('/', at + marker.size());
  if (name_end == std::string::npos || name_end == at + marker.size())
    return "";
  auto child = "/" + ascii_lower(kind) + "/";
  if (text.compare(name_end, child.size(), child) != 0)
    return "";
  auto leaf = text.substr(name_end + child.size());
  if (leaf.empty() || leaf.find('/') != std::string::npos)
    return "";
  return text.substr(0, name_end);
}

bool is_application_health(const cp::Extension& e) {
  const auto& p = e.properties();
  auto type = ascii_lower(p.type());
  return ascii_lower(p.publisher()) == "microsoft.managedservices" &&
         (type == "applicationhealthlinux" ||
          type == "applicationhealthwindows");
}

/// Azure's rules and defaults over one read body (docs/azure-input.md,
/// "Scale sets"), appending to the report and to out.defaulted.
struct checker {
  const std::string& root;
  read_report& report;
  scale_set& out;

  /// `root` followed by each key.
  std::string at(std::initializer_list<std::string> keys) const {
    auto path = root;
    for (const auto& key : keys)
      path = json_child(path, key);
    return path;
  }
  std::string vm_profile(const std::string& key) const {
    return at({"properties", "virtualMachineProfile", key});
  }
  void fail(const std::string& path, const std::string& reason) {
    report.errors.push_back({path, reason});
  }
  void filled(const std::string& path) { out.defaulted.push_back(path); }
  void warn(const std::string& path, const std::string& reason) {
    report.warnings.push_back({path, reason});
  }
  bool was_defaulted(const std::string& path) const {
    return std::find(out.defaulted.begin(), out.defaulted.end(), path) !=
           out.defaulted.end();
  }
  /// Whether the reader already refused the value at `path` (or inside it).
  bool refused(const std::string& path) const {
    return std::any_of(
        report.errors.begin(), report.errors.end(), [&](const auto& e) {
          return e.path == path ||
                 (e.path.size() > path.size() &&
                  e.path.compare(0, path.size(), path) == 0 &&
                  (e.path[path.size()] == '.' || e.path[path.size()] == '['));
        });
  }

  const properties& props() const { return out.model.properties(); }
  properties& mutable_props() { return *out.model.mutable_properties(); }
  bool flexible() const {
    return props().orchestration_mode() == properties::Flexible;
  }
  bool has_probe() const {
    return props()
        .virtual_machine_profile()
        .network_profile()
        .has_health_probe();
  }

  void resource(const std::string& given_name);
  void zones();
  void placement();
  void fault_domains();
  void zone_balance();
  void capacity();
  void extensions(const json& body);
  void health_settings(const json* settings, const std::string& path);
  void network();
  void pools(const cp::NetworkProfile& np, const std::string& base);
  template <class List>
  void one_primary(const List& items, const std::string& path);
  void machine_profile();
  void upgrades();
  void rolling_defaults();
  void repairs();
  void scale_in();
  void needs_health(const std::string& path, const std::string& what);
};

void checker::resource(const std::string& given_name) {
  const auto& m = out.model;
  if (!m.type().empty() &&
      ascii_lower(m.type()) != "microsoft.compute/virtualmachinescalesets")
    fail(at({"type"}), quote_json(m.type()) +
                           " is not Microsoft.Compute/virtualMachineScaleSets");
  // A PUT body's name is in its URL: it may have none.
  out.name = m.name().empty() ? given_name : m.name();
  if (!m.has_sku() && !props().has_virtual_machine_profile() &&
      props().orchestration_mode() ==
          properties::orchestration_mode_unspecified) {
    // How Flexible scale sets were written before orchestrationMode
    // (Azure's Flexible quickstart, api-version 2020-12-01): no sku and no
    // VM profile, the VMs added to it one by one.
    mutable_props().set_orchestration_mode(properties::Flexible);
    warn(at({"properties", "orchestrationMode"}),
         "read as Flexible: no sku and no virtualMachineProfile (a scale "
         "set that VMs join, as written before orchestrationMode)");
  }
  if (!m.has_sku()) {
    // A Flexible scale set may hold only the VMs added to it: capacity 0.
    if (flexible())
      return;
    if (!refused(at({"sku"})))
      fail(at({"sku"}),
           "missing (required: the VM size and the instance count)");
    return;
  }
  if (!m.sku().name().empty() && !find_vm_size(m.sku().name())) {
    auto close = did_you_mean(m.sku().name(), vm_size_names());
    fail(at({"sku", "name"}),
         quote_json(m.sku().name()) + " is not a modelled VM size (" +
             (close.empty() ? "docs/model.md lists them"
                            : "did you mean " + close + "?") +
             ")");
  }
  if (!m.sku().has_capacity() && !refused(at({"sku", "capacity"})))
    fail(at({"sku", "capacity"}),
         "missing (required: Azure documents no default instance count)");
}

void checker::zones() {
  std::set<std::string> seen;
  for (int i = 0; i < out.model.zones_size(); ++i) {
    const auto& zone = out.model.zones(i);
    auto path = json_index(at({"zones"}), static_cast<size_t>(i));
    if (zone != "1" && zone != "2" && zone != "3")
      fail(path, quote_json(zone) +
                     " is not an availability zone (\"1\", \"2\" or \"3\")");
    else if (!seen.insert(zone).second)
      fail(path, quote_json(zone) + " is listed twice");
  }
}

void checker::placement() {
  auto& p = mutable_props();
  if (p.orchestration_mode() == properties::orchestration_mode_unspecified) {
    p.set_orchestration_mode(properties::Uniform);
    filled(at({"properties", "orchestrationMode"}));
  }
  bool flex = flexible();
  auto overprovision = at({"properties", "overprovision"});
  if (!p.has_overprovision()) {
    p.set_overprovision(!flex);
    filled(overprovision);
  } else if (flex && p.overprovision()) {
    fail(overprovision, "true is not supported with orchestrationMode "
                        "Flexible (overprovisioning is Uniform only)");
  }
  auto single = at({"properties", "singlePlacementGroup"});
  if (!p.has_single_placement_group()) {
    p.set_single_placement_group(!flex);
    filled(single);
  } else if (flex && p.single_placement_group()) {
    fail(single, "true is not supported with orchestrationMode Flexible "
                 "(leave it out: the platform chooses)");
  }
  fault_domains();
  zone_balance();
}

void checker::fault_domains() {
  auto& p = mutable_props();
  bool zonal = out.model.zones_size() > 0;
  // MicrosoftDocs/azure-compute-docs
  // virtual-machine-scale-sets-manage-fault-domains.md.
  std::vector<int> allowed;
  if (flexible())
    allowed = zonal ? std::vector<int>{1} : std::vector<int>{1, 2, 3};
  else
    allowed = zonal ? std::vector<int>{1, 5} : std::vector<int>{1, 2, 3, 4, 5};
  int fallback = !flexible() && !zonal ? 5 : 1;
  auto path = at({"properties", "platformFaultDomainCount"});
  if (!p.has_platform_fault_domain_count()) {
    p.set_platform_fault_domain_count(fallback);
    filled(path);
    return;
  }
  int count = p.platform_fault_domain_count();
  if (std::find(allowed.begin(), allowed.end(), count) != allowed.end())
    return;
  std::string list;
  for (int a : allowed)
    list += (list.empty() ? "" : ", ") + std::to_string(a);
  fail(path, std::to_string(count) + " is not allowed for a " +
                 (zonal ? "zonal " : "regional ") +
                 (flexible() ? "Flexible" : "Uniform") + " scale set (" + list +
                 ")");
}

void checker::zone_balance() {
  auto& p = mutable_props();
  auto path = at({"properties", "zoneBalance"});
  int zones = out.model.zones_size();
  if (p.has_zone_balance() && zones <= 1) {
    fail(path,
         "can be set only when zones lists more than one zone (it lists " +
             std::to_string(zones) + ")");
  } else if (!p.has_zone_balance() && zones > 1) {
    p.set_zone_balance(false);
    filled(path);
  }
}

void checker::capacity() {
  if (!out.model.sku().has_capacity())
    return;
  int64_t count = out.model.sku().capacity();
  auto path = at({"sku", "capacity"});
  auto single = at({"properties", "singlePlacementGroup"});
  if (props().single_placement_group() && count > 100)
    fail(path, std::to_string(count) +
                   " instances exceed 100, the most one placement group holds "
                   "(properties.singlePlacementGroup is true" +
                   (was_defaulted(single) ? ", the default for Uniform" : "") +
                   "; false allows up to 1000)");
  const auto& image =
      props().virtual_machine_profile().storage_profile().image_reference();
  if (ascii_lower(image.id()).find("/providers/microsoft.compute/images/") !=
          std::string::npos &&
      count > 600)
    fail(path, std::to_string(count) +
                   " instances exceed 600, the most for a scale set from a "
                   "custom image (storageProfile.imageReference.id)");
}

void checker::extensions(const json& body) {
  const auto& profile = props().virtual_machine_profile().extension_profile();
  auto base = vm_profile("extensionProfile");
  const json* raw = member(
      member(member(member(&body, "properties"), "virtualMachineProfile"),
             "extensionProfile"),
      "extensions");
  std::set<std::string> names;
  for (int i = 0; i < profile.extensions_size(); ++i) {
    const auto& e = profile.extensions(i);
    auto path =
        json_index(json_child(base, "extensions"), static_cast<size_t>(i));
    if (!e.name().empty() && !names.insert(ascii_lower(e.name())).second)
      fail(json_child(path, "name"),
           quote_json(e.name()) + " names an earlier extension too");
    auto settings = json_child(json_child(path, "properties"), "settings");
    if (!is_application_health(e)) {
      if (e.properties().has_settings())
        report.not_modelled.push_back(settings);
      continue;
    }
    if (out.application_health) {
      fail(path, "is a second Application Health extension (the first is " +
                     out.application_health_path + ")");
      continue;
    }
    out.application_health_path = path;
    out.rich_health_states =
        e.properties().type_handler_version().rfind("2", 0) == 0;
    health_settings(
        member(member(element(raw, static_cast<size_t>(i)), "properties"),
               "settings"),
        settings);
  }
  if (props().has_virtual_machine_profile() &&
      !profile.has_extensions_time_budget_ns()) {
    mutable_props()
        .mutable_virtual_machine_profile()
        ->mutable_extension_profile()
        ->set_extensions_time_budget_ns(90 * minute_ns);
    filled(json_child(base, "extensionsTimeBudget"));
  }
}

void checker::health_settings(const json* raw, const std::string& path) {
  cp::ApplicationHealthSettings s;
  if (!raw || raw->is_null()) {
    fail(path, "missing (the Application Health extension needs protocol "
               "and port or requestPath)");
    out.application_health = s;
    return;
  }
  read_message(*raw, s, path, report, read_options{true});
  using P = cp::ApplicationHealthSettings;
  if (s.protocol() == P::tcp) {
    if (!s.has_port() && !refused(json_child(path, "port")))
      fail(json_child(path, "port"), "missing (required with protocol tcp)");
    if (!s.request_path().empty())
      fail(json_child(path, "requestPath"), "is not allowed with protocol tcp");
  } else if (s.protocol() != P::protocol_unspecified &&
             s.request_path().empty() &&
             !refused(json_child(path, "requestPath"))) {
    fail(json_child(path, "requestPath"),
         "missing (required with protocol http or https)");
  }
  if (!s.has_interval_in_seconds()) {
    s.set_interval_in_seconds(5);
    filled(json_child(path, "intervalInSeconds"));
  }
  if (!s.has_number_of_probes()) {
    s.set_number_of_probes(1);
    filled(json_child(path, "numberOfProbes"));
  }
  if (out.rich_health_states && !s.has_grace_period()) {
    s.set_grace_period(s.interval_in_seconds() * s.number_of_probes());
    filled(json_child(path, "gracePeriod"));
  }
  out.application_health = s;
}

void checker::network() {
  const auto& np = props().virtual_machine_profile().network_profile();
  auto base = vm_profile("networkProfile");
  if (np.has_health_probe()) {
    auto probe = json_child(base, "healthProbe");
    if (flexible())
      fail(probe, "is not supported with orchestrationMode Flexible (use the "
                  "Application Health extension)");
    else if (load_balancer_of(np.health_probe().id(), "probes").empty() &&
             !refused(probe))
      fail(
          json_child(probe, "id"),
          quote_json(np.health_probe().id()) +
              " is not a load balancer probe id "
              "(.../providers/Microsoft.Network/loadBalancers/LB/probes/NAME)");
  }
  pools(np, base);
  auto nics = json_child(base, "networkInterfaceConfigurations");
  one_primary(np.network_interface_configurations(), nics);
  for (int i = 0; i < np.network_interface_configurations_size(); ++i)
    one_primary(
        np.network_interface_configurations(i).properties().ip_configurations(),
        json_child(
            json_child(json_index(nics, static_cast<size_t>(i)), "properties"),
            "ipConfigurations"));
}

void checker::pools(const cp::NetworkProfile& np, const std::string& base) {
  auto nics = json_child(base, "networkInterfaceConfigurations");
  std::set<std::string> balancers;
  for (int i = 0; i < np.network_interface_configurations_size(); ++i) {
    const auto& nic = np.network_interface_configurations(i).properties();
    auto nic_path =
        json_child(json_index(nics, static_cast<size_t>(i)), "properties");
    for (int k = 0; k < nic.ip_configurations_size(); ++k) {
      const auto& ip = nic.ip_configurations(k).properties();
      auto ip_path =
          json_child(json_index(json_child(nic_path, "ipConfigurations"),
                                static_cast<size_t>(k)),
                     "properties");
      for (int p = 0; p < ip.load_balancer_backend_address_pools_size(); ++p) {
        const auto& id = ip.load_balancer_backend_address_pools(p).id();
        auto path = json_child(
            json_index(json_child(ip_path, "loadBalancerBackendAddressPools"),
                       static_cast<size_t>(p)),
            "id");
        auto balancer = load_balancer_of(id, "backendAddressPools");
        if (!balancer.empty())
          balancers.insert(balancer);
        else if (!refused(path))
          fail(path, quote_json(id) +
                         " is not a load balancer backend pool id (.../"
                         "providers/Microsoft.Network/loadBalancers/LB/"
                         "backendAddressPools/NAME)");
      }
    }
  }
  if (balancers.size() > 2)
    fail(nics, "references the backend pools of " +
                   std::to_string(balancers.size()) +
                   " load balancers (at most one public and one internal)");
}

template <class List>
void checker::one_primary(const List& items, const std::string& path) {
  if (items.size() < 2)
    return;
  int primaries = 0;
  for (const auto& item : items)
    primaries += item.properties().primary() ? 1 : 0;
  if (primaries != 1)
    fail(path, std::to_string(items.size()) + " configurations, " +
                   std::to_string(primaries) +
                   " of them primary (exactly one must be)");
}

void checker::machine_profile() {
  const auto& vm = props().virtual_machine_profile();
  if (!props().has_virtual_machine_profile()) {
    int64_t count = out.model.sku().capacity();
    if (count > 0 && !refused(at({"properties", "virtualMachineProfile"})))
      fail(at({"properties", "virtualMachineProfile"}),
           "missing (required: the " + std::to_string(count) +
               " instances of sku.capacity are created from it)");
    return;
  }
  using V = cp::VirtualMachineProfile;
  if (vm.eviction_policy() != V::eviction_policy_unspecified &&
      vm.priority() != V::Spot && vm.priority() != V::Low)
    fail(vm_profile("evictionPolicy"),
         "is for Spot instances only (priority is " +
             (vm.priority() == V::priority_unspecified
                  ? std::string("not given")
                  : V::Priority_Name(vm.priority())) +
             ")");
}

void checker::upgrades() {
  auto& up = *mutable_props().mutable_upgrade_policy();
  auto base = at({"properties", "upgradePolicy"});
  using U = cp::UpgradePolicy;
  if (up.mode() == U::mode_unspecified) {
    up.set_mode(U::Manual);
    filled(json_child(base, "mode"));
  }
  rolling_defaults();
  if (up.mode() == U::Rolling)
    needs_health(json_child(base, "mode"), "Rolling");
  const auto& os = up.automatic_os_upgrade_policy();
  auto os_path = json_child(json_child(base, "automaticOSUpgradePolicy"),
                            "enableAutomaticOSUpgrade");
  if (os.enable_automatic_os_upgrade()) {
    if (flexible())
      fail(os_path, "true is not supported with orchestrationMode Flexible "
                    "(image-based automatic OS upgrades are Uniform only)");
    else
      needs_health(os_path, "automatic OS upgrades");
  }
}

void checker::rolling_defaults() {
  auto& r = *mutable_props()
                 .mutable_upgrade_policy()
                 ->mutable_rolling_upgrade_policy();
  auto base = at({"properties", "upgradePolicy", "rollingUpgradePolicy"});
  if (r.has_max_batch_instance_percent() &&
      r.has_max_unhealthy_instance_percent() &&
      r.max_batch_instance_percent() > r.max_unhealthy_instance_percent())
    fail(json_child(base, "maxBatchInstancePercent"),
         std::to_string(r.max_batch_instance_percent()) +
             " is more than maxUnhealthyInstancePercent (" +
             std::to_string(r.max_unhealthy_instance_percent()) + ")");
  auto fill = [&](bool given, const char* key, auto set) {
    if (!given && !refused(json_child(base, key))) {
      set();
      filled(json_child(base, key));
    }
  };
  fill(r.has_max_batch_instance_percent(), "maxBatchInstancePercent",
       [&] { r.set_max_batch_instance_percent(20); });
  fill(r.has_max_unhealthy_instance_percent(), "maxUnhealthyInstancePercent",
       [&] { r.set_max_unhealthy_instance_percent(20); });
  fill(r.has_max_unhealthy_upgraded_instance_percent(),
       "maxUnhealthyUpgradedInstancePercent",
       [&] { r.set_max_unhealthy_upgraded_instance_percent(20); });
  fill(r.has_pause_time_between_batches_ns(), "pauseTimeBetweenBatches",
       [&] { r.set_pause_time_between_batches_ns(0); });
  if (flexible() && r.rollback_failed_instances_on_policy_breach())
    report.warnings.push_back(
        {json_child(base, "rollbackFailedInstancesOnPolicyBreach"),
         "applies to orchestrationMode Uniform only"});
}

void checker::repairs() {
  auto& ar = *mutable_props().mutable_automatic_repairs_policy();
  auto base = at({"properties", "automaticRepairsPolicy"});
  using A = cp::AutomaticRepairsPolicy;
  if (!ar.has_enabled() && !refused(json_child(base, "enabled"))) {
    ar.set_enabled(false);
    filled(json_child(base, "enabled"));
  }
  if (!ar.has_grace_period_ns() && !refused(json_child(base, "gracePeriod"))) {
    ar.set_grace_period_ns(10 * minute_ns);
    filled(json_child(base, "gracePeriod"));
  }
  if (ar.repair_action() == A::repair_action_unspecified &&
      !refused(json_child(base, "repairAction"))) {
    ar.set_repair_action(A::Replace);
    filled(json_child(base, "repairAction"));
  }
  if (ar.enabled())
    needs_health(json_child(base, "enabled"), "automatic repairs");
}

void checker::scale_in() {
  auto& si = *mutable_props().mutable_scale_in_policy();
  auto rules = at({"properties", "scaleInPolicy", "rules"});
  if (si.rules_size() == 0 && !refused(rules)) {
    si.add_rules(cp::ScaleInPolicy::Default);
    filled(rules);
  } else if (si.rules_size() > 1) {
    fail(rules, "lists " + std::to_string(si.rules_size()) +
                    " rules (give one: Default, NewestVM or OldestVM)");
  }
}

void checker::needs_health(const std::string& path, const std::string& what) {
  bool extension = out.application_health.has_value();
  if (flexible()) {
    if (!extension)
      fail(path, what + " needs the Application Health extension "
                        "(orchestrationMode Flexible has no load balancer "
                        "health probe)");
  } else if (!extension && !has_probe()) {
    fail(path, what + " needs a health source: "
                      "virtualMachineProfile.networkProfile.healthProbe or "
                      "the Application Health extension");
  } else if (extension && has_probe()) {
    fail(path, what +
                   " needs one health source, and the set has two: "
                   "networkProfile.healthProbe and the Application Health "
                   "extension (" +
                   out.application_health_path + ")");
  }
}

} // namespace

scale_set read_scale_set(const nlohmann::ordered_json& body,
                         const std::string& path, const std::string& name,
                         read_report& report) {
  scale_set out;
  out.body = body;
  read_message(body, out.model, path, report, read_options{true});
  out.name = out.model.name().empty() ? name : out.model.name();
  if (!body.is_object())
    return out;
  checker c{path, report, out};
  c.resource(name);
  c.zones();
  c.placement();
  c.capacity();
  c.extensions(body);
  c.network();
  c.machine_profile();
  c.upgrades();
  c.repairs();
  c.scale_in();
  return out;
}

} // namespace vmss::input::azure
