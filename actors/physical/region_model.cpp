#include "actors/physical/region_model.hpp"

#include "actors/compute/arm.hpp"
#include "actors/compute/autoscale.hpp"
#include "actors/compute/monitor.hpp"
#include "actors/compute/orchestrator.hpp"
#include "actors/compute/set_model.hpp"
#include "actors/control/control_actor.hpp"
#include "actors/control/live_command.hpp"
#include "actors/control/workload.hpp"
#include "actors/fabric/fc_replica.hpp"
#include "actors/fabric/scale_client.hpp"
#include "actors/network/deployment.hpp"
#include "actors/network/lb_core.hpp"
#include "actors/network/load_balancer.hpp"
#include "actors/network/traffic_manager.hpp"
#include "actors/physical/faults.hpp"
#include "actors/physical/host_agent.hpp"
#include "actors/physical/hypervisor.hpp"
#include "actors/physical/region_gateway.hpp"
#include "actors/physical/tor_switch.hpp"
#include "actors/physical/vm.hpp"
#include "actors/storage/storage_replica.hpp"
#include "input/azure/resource_id.hpp"
#include "input/fault_process.hpp"
#include "input/json_reader.hpp"
#include "input/scenario.hpp"
#include "kernel/assert.hpp"
#include "kernel/kind_factories.hpp"
#include "kernel/numbers.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/compute_kinds.hpp"
#include "messages/control_kinds.hpp"
#include "messages/control_messages.hpp"
#include "messages/fabric_kinds.hpp"
#include "messages/network_kinds.hpp"
#include "messages/physical_kinds.hpp"
#include "messages/storage_kinds.hpp"
#include "topology/partition.hpp"
#include "topology/world_network.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace vmss::physical {

using namespace vmss::storage; // the disks VMs use

namespace {

/// True when an update's merge patch names sku.capacity: without it the
/// PATCH leaves the set's capacity as it is (arm_request::keep_capacity).
bool patch_sets_capacity(const google::protobuf::Value& patch) {
  if (!patch.has_struct_value())
    return false;
  const auto& fields = patch.struct_value().fields();
  auto sku = fields.find("sku");
  return sku != fields.end() && sku->second.has_struct_value() &&
         sku->second.struct_value().fields().count("capacity") > 0;
}

std::string control_path(const topology::region& r) {
  return vmss::control::control_path(r.name);
}

/// The scale-out client, outside the zones (as the control plane is).
std::string client_path(const topology::region& r) {
  return r.name + "/client";
}

/// The fault of a scenario's FaultKind (the same names in the same order,
/// tests/input/fault_names_test.cpp).
fault_kind to_fault_kind(vmss::scenario::FaultKind kind) {
  return static_cast<fault_kind>(static_cast<int>(kind) - 1);
}

/// The client's plan of operations on the `count` VMs of its scale set:
/// "vm_stop@200s:demo-vmss/0+vm_delete@300s:demo-vmss/0".
std::vector<fabric::client_operation>
parse_requests(const std::string& text, const std::string& scale_set,
               uint32_t count) {
  std::vector<fabric::client_operation> out;
  if (text.empty())
    return out;
  for (const auto& item : split_plan(text, "request")) {
    auto bad = [&](const std::string& why) {
      return std::invalid_argument("request '" + item.text + "': " + why);
    };
    fabric::client_operation r{item.at, 0, vm_op::start};
    vm_op op = vm_op::start;
    if (item.name == "vm_start")
      op = vm_op::start;
    else if (item.name == "vm_stop")
      op = vm_op::stop;
    else if (item.name == "vm_reimage")
      op = vm_op::reimage;
    else if (item.name == "vm_delete")
      op = vm_op::delete_vm;
    else
      throw bad("unknown kind '" + item.name +
                "' (vm_start, vm_stop, vm_reimage, vm_delete)");
    r.op = op;
    const std::string& name = item.args.empty() ? "" : item.args[0];
    auto vm = split_vm_name(name);
    if (item.args.size() != 1 || !vm || vm->scale_set != scale_set)
      throw bad("expected one VM of the scale set, e.g. " +
                vm_name(scale_set, 0));
    if (count == 0)
      throw bad("the scale set has no VMs (vms=0)");
    int64_t instance = 0;
    std::string why;
    std::string number(vm->instance);
    if (!parse_int(number, 0, count - 1, instance, &why))
      throw bad("instance " + number + " " + why +
                ": the scale set has vms=" + std::to_string(count));
    r.instance = static_cast<uint32_t>(instance);
    out.push_back(r);
  }
  return out;
}

/// Periods, phases and start times up to this keep every sum of times far
/// from int64 overflow.
constexpr sim_time max_period = seconds(24 * 3600);

/// A phase range option, "MIN-MAX" ("55s-75s").
void read_phase(model_spec& spec, const char* key, phase_range& range) {
  auto text = spec.get_string(key, "");
  if (text.empty())
    return;
  auto dash = text.find('-');
  phase_range r{0, 0};
  std::string why = "is not MIN-MAX (e.g. 55s-75s)";
  if (dash == std::string::npos ||
      !parse_duration(text.substr(0, dash), r.min, &why) ||
      !parse_duration(text.substr(dash + 1), r.max, &why))
    throw std::invalid_argument(spec.name() + ": " + key + "=" + text + ": " +
                                why);
  if (r.min <= 0 || r.max < r.min || r.max > max_period)
    throw std::invalid_argument(spec.name() + ": " + key + "=" + text +
                                " must have 0 < MIN <= MAX <= 24h");
  range = r;
}

class region_model final : public model {
  /// app_crash / app_restore of SETNAME/N, extension_failure /
  /// extension_restore of SETNAME/N or SETNAME: through the set's
  /// orchestrator.
  struct instance_fault_at {
    sim_time at = 0;
    std::string set;
    compute::instance_fault fault;
    fault_kind kind = fault_kind::app_crash;
  };
  /// endpoint_disable / endpoint_enable / endpoint_weight: to the profile.
  struct endpoint_change_at {
    sim_time at = 0;
    std::string profile; ///< its entity path
    network::tm_endpoint_set change;
  };

public:
  /// From a model string: every setting in one spec.
  region_model(model_spec& spec, topology::partition partition)
      : net_({make_region(spec)}, kinds::tor_switch, kinds::region_gateway),
        partition_(std::move(partition)), parts_(1) {
    bool big = preset_ == "region";
    read_settings(spec, spec, spec);
    presets_ = {preset_};
    auto& part = parts_[0];
    part.host.tenant_utilisation =
        spec.get_int("tenants", big ? 93 : 50, 0, 100) / 100.0;
    part.vm.tenant_probe_period = spec.get_duration(
        "tenant_probe", part.vm.tenant_probe_period, 1, max_period);
    // More VMs than the region holds are asked for, and refused.
    client_.count =
        static_cast<uint32_t>(spec.get_int("vms", big ? 0 : 3, 0, 1'000'000));
    client_.at = spec.get_duration("scale_at", client_.at, 0, max_period);
    client_.interval = spec.get_duration("scale_interval", 0, 0, seconds(3600));
    auto plan = spec.get_string("faults", "none");
    if (plan != "none")
      faults_ = parse_fault_plan(plan);
    client_.operations = parse_requests(spec.get_string("requests", ""),
                                        client_.scale_set, client_.count);
    spec.reject_unknown();
    table_ = finish();
    check_faults(table_);
    // Live commands are checked as timeline entries of a scenario without
    // scale sets.
    live_in_.label = spec.name();
    live_in_.regions = {net_.layout(0)};
    live_in_.region = net_.layout(0);
    live_in_.spec.set_duration_ns(sim_time_never - 1);
  }

  /// From a scenario file (docs/scenarios.md), checked by input/ as far as
  /// it goes without entities; targets are checked here.
  region_model(const input::scenario_input& in, uint64_t seed,
               topology::partition partition)
      : preset_(preset_of(in, 0)),
        net_(in.regions, kinds::tor_switch, kinds::region_gateway),
        partition_(std::move(partition)), parts_(in.regions.size()) {
    const auto& s = in.spec;
    label_ = in.label;
    for (size_t i = 0; i < in.regions.size(); ++i)
      presets_.push_back(preset_of(in, i));
    auto fabric = settings_of(in, "fabric", s.fabric());
    auto physical = settings_of(in, "physical", s.physical());
    auto storage = settings_of(in, "storage", s.storage());
    read_settings(fabric, physical, storage);
    fabric.reject_unknown();
    physical.reject_unknown();
    storage.reject_unknown();
    for (size_t i = 0; i < parts_.size(); ++i) {
      // A region's own backgroundTenants, else the scenario's.
      const auto& own =
          s.regions().empty()
              ? s.background_tenants()
              : s.regions(static_cast<int>(i)).background_tenants();
      const auto& all = s.background_tenants();
      auto& part = parts_[i];
      bool big = preset_of(in, i) == "region";
      auto percent = own.has_utilisation_percent()   ? own.utilisation_percent()
                     : all.has_utilisation_percent() ? all.utilisation_percent()
                                                     : (big ? 93u : 50u);
      part.host.tenant_utilisation = percent / 100.0;
      if (own.has_probe_period_ns())
        part.vm.tenant_probe_period = own.probe_period_ns();
      else if (all.has_probe_period_ns())
        part.vm.tenant_probe_period = all.probe_period_ns();
    }
    read_scale_sets(in);
    read_timeline(in);
    table_ = finish();
    add_fault_processes(in, seed, table_);
    check_faults(table_);
    live_in_ = in;
    read_bodies(in);
  }

private:
  /// The preset region `i` of the scenario is built from ("file" for a
  /// topology file).
  static std::string preset_of(const input::scenario_input& in, size_t i) {
    const auto& t = in.spec.regions().empty()
                        ? in.spec.topology()
                        : in.spec.regions(static_cast<int>(i)).topology();
    return t.has_preset() ? t.preset() : "file";
  }

  /// A family's settings object as key=value options, named in errors
  /// "FILE: family".
  static model_spec settings_of(const input::scenario_input& in,
                                const std::string& family,
                                const google::protobuf::Struct& object) {
    std::map<std::string, std::string> options;
    for (const auto& [key, value] : object.fields()) {
      if (value.has_string_value())
        options[key] = value.string_value();
      else if (value.has_number_value() &&
               value.number_value() == static_cast<double>(static_cast<int64_t>(
                                           value.number_value())))
        options[key] =
            std::to_string(static_cast<int64_t>(value.number_value()));
      else
        throw std::invalid_argument(
            in.error(family + "." + key, "is not a whole number or a string"));
    }
    return model_spec(in.label + ": " + family, std::move(options));
  }

  /// The scale sets through ARM and their orchestrators: each set's
  /// initial model, then the timeline's updates (arm_params::models), and
  /// the load balancers.
  void read_scale_sets(const input::scenario_input& in) {
    client_.count = 0;
    const auto& sets = in.azure.scale_sets;
    std::vector<compute::set_model> models;
    std::map<std::string, compute::extension_health> extensions;
    std::map<std::string, uint32_t> vcpus;
    auto add = [&](compute::set_model model) {
      if (model.health == compute::health_source::extension)
        extensions[model.name] = model.extension;
      models.push_back(std::move(model));
    };
    for (size_t i = 0; i < sets.size(); ++i) {
      add(compute::to_set_model(sets[i]));
      vcpus[sets[i].name] = models.back().vcpus;
      set_names_.push_back(sets[i].name);
      set_region_.push_back(in.set_region[i]);
      requests_.push_back(
          {in.create_at[i],
           compute::arm_request{static_cast<uint32_t>(i), sets[i].name,
                                compute::arm_op::put_model,
                                static_cast<uint32_t>(i)}});
    }
    for (const auto& u : in.updates) {
      update_models_[u.entry] = static_cast<uint32_t>(models.size());
      add(compute::to_set_model(u.model));
    }
    // Every region's ARM knows every model (requests name them by index);
    // each receives only its own sets' requests.
    for (auto& part : parts_) {
      part.arm.core.models = models;
      part.vm.extensions = extensions;
      part.vm.vcpus = vcpus;
    }
    const auto& lbs = in.azure.load_balancers;
    for (size_t i = 0; i < lbs.size(); ++i)
      parts_[in.lb_region[i]].load_balancers.push_back(
          network::to_lb_params(lbs[i].model));
    read_traffic_managers(in);
    read_monitors(in);
    read_autoscale(in);
    read_workloads(in);
    read_deployments(in);
  }

  /// Each autoscale setting, in the region of the set it scales.
  void read_autoscale(const input::scenario_input& in) {
    for (const auto& setting : in.azure.autoscale_settings) {
      input::azure::resource_id target;
      input::azure::parse_resource_id(
          setting.model.properties().target_resource_uri(), target);
      const auto& r = region_of_set(target.name);
      compute::autoscale_shell_params p;
      p.core.setting = setting;
      p.core.start_utc_seconds = in.start_utc_seconds;
      p.region = r.name;
      autoscalers_.push_back(
          {compute::autoscale_path(r.name, setting.name), std::move(p)});
    }
  }

  /// The workloads: their rate curves (a CSV file read now), targets and
  /// request costs.
  void read_workloads(const input::scenario_input& in) {
    namespace sc = vmss::scenario;
    const auto& list = in.spec.workloads();
    for (int i = 0; i < list.size(); ++i) {
      const auto& w = list[i];
      auto where = input::json_child(
          input::entry_path("workloads", static_cast<size_t>(i)), "rate");
      vmss::control::workload_shell_params p;
      const auto& c = w.rate();
      auto& curve = p.curve;
      using shape = vmss::control::rate_curve::shape;
      if (c.has_constant()) {
        curve.kind = shape::constant;
        curve.constant = c.constant();
      } else if (c.steps_size() > 0) {
        curve.kind = shape::steps;
        for (const auto& x : c.steps())
          curve.steps.push_back({x.at_ns(), x.rate()});
      } else if (c.has_ramp()) {
        curve.kind = shape::ramp;
        curve.ramp = {c.ramp().from(), c.ramp().to(), c.ramp().start_ns(),
                      c.ramp().end_ns()};
      } else if (c.has_diurnal()) {
        curve.kind = shape::diurnal;
        curve.diurnal = {c.diurnal().min(), c.diurnal().max(),
                         c.diurnal().has_peak_hour() ? c.diurnal().peak_hour()
                                                     : 14u,
                         c.diurnal().time_zone()};
      } else {
        curve.kind = shape::series;
        auto file = std::filesystem::path(c.csv());
        if (file.is_relative())
          file = std::filesystem::path(in.base_dir) / file;
        try {
          curve.steps = vmss::control::read_rate_csv(file.string());
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument(
              in.error(input::json_child(where, "csv"), e.what()));
        }
      }
      for (const auto& x : c.spikes())
        curve.spikes.push_back({x.at_ns(), x.duration_ns(), x.rate()});
      try {
        vmss::control::rate_function check(curve, in.start_utc_seconds);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(in.error(where, e.what()));
      }
      if (!w.load_balancer().empty()) {
        for (size_t k = 0; k < in.azure.load_balancers.size(); ++k)
          if (input::same_ignoring_case(in.azure.load_balancers[k].name,
                                        w.load_balancer()))
            p.target = lb_path(in, k);
        p.rule = w.rule();
      } else
        for (const auto& tm : in.azure.traffic_managers)
          if (input::same_ignoring_case(tm.name, w.traffic_manager()))
            p.target = network::traffic_manager_path(tm.name);
      if (w.has_cpu_ms_per_request())
        p.cpu_us = static_cast<uint32_t>(w.cpu_ms_per_request() * 1000.0);
      if (w.has_bytes_in_per_request())
        p.bytes_in = w.bytes_in_per_request();
      if (w.has_bytes_out_per_request())
        p.bytes_out = w.bytes_out_per_request();
      if (w.has_clients())
        p.clients = w.clients();
      p.start_utc_seconds = in.start_utc_seconds;
      workloads_.push_back(
          {vmss::control::workload_path(w.name()), std::move(p)});
    }
  }

  /// Blue-green deployments, in their load balancer's region; the first
  /// poll waits one interval of the rule's health probe.
  void read_deployments(const input::scenario_input& in) {
    for (const auto& d : in.spec.deployments()) {
      network::deployment_shell_params p;
      auto& c = p.core;
      c.name = d.name();
      c.rule = d.rule();
      c.blue_pool = d.blue_pool();
      c.green_pool = d.green_pool();
      c.switch_at = d.switch_at_ns();
      if (d.has_watch_ns())
        c.watch = d.watch_ns();
      if (d.has_min_healthy_percent())
        c.min_healthy_percent = d.min_healthy_percent();
      if (d.has_max_failed_percent())
        c.max_failed_percent = d.max_failed_percent();
      size_t lb = 0;
      for (size_t k = 0; k < in.azure.load_balancers.size(); ++k)
        if (input::same_ignoring_case(in.azure.load_balancers[k].name,
                                      d.load_balancer()))
          lb = k;
      c.load_balancer = in.azure.load_balancers[lb].name;
      const auto& params =
          network::to_lb_params(in.azure.load_balancers[lb].model);
      for (const auto& rule : params.rules)
        if (c.rule.empty() || input::same_ignoring_case(rule.name, c.rule)) {
          for (const auto& probe : params.probes)
            if (probe.name == rule.probe)
              c.grace = probe.interval;
          break;
        }
      const auto& region = in.regions[in.lb_region[lb]].name;
      deployments_.push_back(
          {network::deployment_path(region, d.name()), std::move(p)});
    }
  }

  /// The load balancer entity path of each of in.azure.load_balancers.
  static std::string lb_path(const input::scenario_input& in, size_t lb) {
    return network::load_balancer_path(in.regions[in.lb_region[lb]].name,
                                       in.azure.load_balancers[lb].name);
  }

  /// Traffic Manager profiles: what the model refuses in one (routing,
  /// endpoint types), else each endpoint's load balancer.
  void read_traffic_managers(const input::scenario_input& in) {
    const auto& tms = in.azure.traffic_managers;
    std::vector<std::string> refused;
    for (size_t i = 0; i < tms.size(); ++i) {
      const auto& where = in.azure.traffic_manager_places[i];
      for (const auto& r : network::tm_refusals(tms[i].model))
        refused.push_back(where.file + ": " +
                          input::json_child(where.path, r.field) + ": " +
                          r.reason);
      traffic_manager_at tm{tms[i].name, tms[i].model, {}, {}};
      for (auto lb : in.tm_endpoint_lbs[i])
        tm.endpoint_lbs.push_back(lb_path(in, lb));
      traffic_managers_.push_back(std::move(tm));
    }
    if (!refused.empty()) {
      std::string all;
      for (const auto& line : refused)
        all += (all.empty() ? "" : "\n") + line;
      throw std::invalid_argument(all);
    }
  }

  /// Azure Monitor's metrics in each region with a scale set that an
  /// autoscale setting scales, with the metric series of its sets.
  void read_monitors(const input::scenario_input& in) {
    for (const auto& setting : in.azure.autoscale_settings) {
      input::azure::resource_id target;
      input::azure::parse_resource_id(
          setting.model.properties().target_resource_uri(), target);
      for (size_t k = 0; k < set_names_.size(); ++k)
        if (input::same_ignoring_case(set_names_[k], target.name))
          parts_[set_region_[k]].monitor.emplace();
    }
    for (const auto& series : in.spec.metric_series()) {
      compute::metric_series_input m{series.scale_set(), series.metric(), {}};
      for (const auto& p : series.points())
        m.points.push_back({p.at_ns(), p.value()});
      auto& part = parts_[region_index_of_set(series.scale_set())];
      if (part.monitor)
        part.monitor->core.series.push_back(std::move(m));
    }
  }

  size_t region_index_of_set(const std::string& name) const {
    for (size_t k = 0; k < set_names_.size(); ++k)
      if (input::same_ignoring_case(set_names_[k], name))
        return set_region_[k];
    return 0;
  }

  /// A timeline operation as a request to ARM (docs/scenarios.md), the
  /// run's request `id`; an update's model is ARM's models[model].
  compute::arm_request request_of(const vmss::scenario::TimelineEntry& e,
                                  uint32_t id, uint32_t model) const {
    namespace sc = vmss::scenario;
    using compute::arm_op;
    using compute::instance_action;
    compute::arm_request r;
    r.id = id;
    auto vm = split_vm_name(e.target());
    r.scale_set = vm ? std::string(vm->scale_set) : e.target();
    if (vm)
      r.instances.push_back(
          static_cast<uint32_t>(std::stoul(std::string(vm->instance))));
    r.op = arm_op::instance_action;
    switch (e.operation()) {
    case sc::vm_start:
      r.action = instance_action::start;
      break;
    case sc::vm_stop:
      r.action = instance_action::power_off;
      break;
    case sc::vm_reimage:
      r.action = instance_action::reimage;
      break;
    case sc::vm_delete:
      r.action = instance_action::delete_vm;
      break;
    case sc::vm_restart:
      r.action = instance_action::restart;
      break;
    case sc::vm_deallocate:
      r.action = instance_action::deallocate;
      break;
    case sc::vm_upgrade:
      r.action = instance_action::upgrade;
      break;
    case sc::vm_protect:
      r.op = arm_op::set_protection;
      r.protect_from_scale_in = e.protect_from_scale_in();
      r.protect_from_scale_set_actions = e.protect_from_scale_set_actions();
      break;
    case sc::scale:
      r.op = arm_op::set_capacity;
      r.capacity = e.capacity();
      break;
    case sc::update:
      r.op = arm_op::put_model;
      r.model = model;
      r.keep_capacity = !patch_sets_capacity(e.body());
      break;
    case sc::cancel_upgrade:
      r.op = arm_op::cancel_upgrade;
      break;
    case sc::suspend_repairs:
    case sc::resume_repairs:
      r.op = arm_op::set_service_state;
      r.running = e.operation() == sc::resume_repairs;
      break;
    default:
      VMSS_ASSERT(false, "input/ admits only these operations");
    }
    return r;
  }

  static bool endpoint_operation(const vmss::scenario::TimelineEntry& e) {
    namespace sc = vmss::scenario;
    return e.operation() == sc::endpoint_disable ||
           e.operation() == sc::endpoint_enable ||
           e.operation() == sc::endpoint_weight;
  }

  /// A PATCH of a Traffic Manager endpoint (target PROFILE/ENDPOINT,
  /// checked by input/): endpointStatus or weight.
  endpoint_change_at
  endpoint_change_of(const vmss::scenario::TimelineEntry& e) const {
    namespace sc = vmss::scenario;
    auto slash = e.target().find('/');
    auto profile = e.target().substr(0, slash);
    network::tm_endpoint_set set;
    set.endpoint = e.target().substr(slash + 1);
    // As the profile spells them (input/ matched them ignoring case).
    for (const auto& tm : traffic_managers_)
      if (input::same_ignoring_case(tm.name, profile)) {
        profile = tm.name;
        for (const auto& ep : tm.model.properties().endpoints())
          if (input::same_ignoring_case(ep.name(), set.endpoint))
            set.endpoint = ep.name();
      }
    if (e.operation() == sc::endpoint_weight)
      set.weight = e.weight();
    else
      set.enabled = e.operation() == sc::endpoint_enable ? 1 : 0;
    return {e.at_ns(), network::traffic_manager_path(profile), std::move(set)};
  }

  /// What one timeline entry (or live command) does, resolved: one of a
  /// request to ARM, an endpoint change, a fault of a scale set's instance
  /// (through its orchestrator) or a physical fault.
  struct entry_effects {
    std::optional<compute::arm_request> request;
    std::optional<endpoint_change_at> endpoint;
    std::optional<instance_fault_at> instance;
    std::optional<planned_fault> fault;
  };

  /// The effects of entry `e` (checked by input/), as ARM's request `id`
  /// (an update: of ARM's models[model]). Throws std::invalid_argument
  /// with the reason its target is wrong.
  entry_effects effects_of(const vmss::scenario::TimelineEntry& e, uint32_t id,
                           uint32_t model) const {
    entry_effects out;
    if (e.has_operation() && endpoint_operation(e)) {
      out.endpoint = endpoint_change_of(e);
      return out;
    }
    if (e.has_operation()) {
      out.request = request_of(e, id, model);
      return out;
    }
    auto instance = split_vm_name(e.target());
    auto is_set = [&](std::string_view name) {
      return std::count(set_names_.begin(), set_names_.end(),
                        std::string(name)) > 0;
    };
    bool extension = e.fault() == vmss::scenario::extension_failure ||
                     e.fault() == vmss::scenario::extension_restore;
    bool up = e.fault() == vmss::scenario::app_restore ||
              e.fault() == vmss::scenario::extension_restore;
    if (extension && is_set(e.target())) {
      out.instance = instance_fault_at{
          e.at_ns(), e.target(), compute::instance_fault{0, up, true, true},
          to_fault_kind(e.fault())};
      return out;
    }
    if ((extension || e.fault() == vmss::scenario::app_crash ||
         e.fault() == vmss::scenario::app_restore) &&
        instance && is_set(instance->scale_set)) {
      int64_t n = 0;
      if (!parse_int(std::string(instance->instance), 0, 1 << 30, n))
        throw std::invalid_argument(
            "instance " + std::string(instance->instance) + " is not a number");
      out.instance = instance_fault_at{
          e.at_ns(), std::string(instance->scale_set),
          compute::instance_fault{static_cast<uint32_t>(n), up, extension},
          to_fault_kind(e.fault())};
      return out;
    }
    planned_fault f;
    f.at = e.at_ns();
    f.what.kind = to_fault_kind(e.fault());
    f.what.target = e.target();
    f.what.peer = e.peer();
    if (e.has_service_time_percent())
      f.what.slow_permille = e.service_time_percent() * 10;
    if (e.has_extra_latency_ns())
      f.what.extra_latency = e.extra_latency_ns();
    if (e.has_loss_ppm())
      f.what.loss_ppm = e.loss_ppm();
    if (e.has_duration_ns())
      f.what.duration = e.duration_ns();
    out.fault = f;
    return out;
  }

  /// Faults and operations, each named by its entry when it is wrong.
  void read_timeline(const input::scenario_input& in) {
    const auto& timeline = in.spec.timeline();
    for (int i = 0; i < timeline.size(); ++i) {
      const auto& e = timeline[i];
      auto entry = static_cast<size_t>(i);
      auto where = input::entry_path("timeline", entry);
      auto model = update_models_.count(entry) ? update_models_.at(entry) : 0;
      entry_effects fx;
      try {
        fx = effects_of(e, static_cast<uint32_t>(set_names_.size() + entry),
                        model);
      } catch (const std::invalid_argument& x) {
        throw std::invalid_argument(in.error(where + ".target", x.what()));
      }
      if (fx.endpoint)
        endpoint_changes_.push_back(*fx.endpoint);
      if (fx.request)
        requests_.push_back({e.at_ns(), *fx.request});
      if (fx.instance)
        instance_faults_.push_back(*fx.instance);
      if (fx.fault) {
        faults_.push_back(*fx.fault);
        fault_paths_.push_back(where + ".target");
      }
    }
  }

  /// Each fault process drawn from `seed` over its candidate targets: a
  /// planned fault per occurrence, and its recovery when that falls inside
  /// the run (docs/scenarios.md).
  void add_fault_processes(const input::scenario_input& in, uint64_t seed,
                           const entity_table& table) {
    const auto& processes = in.spec.fault_processes();
    for (int i = 0; i < processes.size(); ++i) {
      const auto& p = processes[i];
      auto index = static_cast<size_t>(i);
      drawn_process d;
      d.entry = input::entry_path("faultProcesses", index);
      d.kind = to_fault_kind(p.fault());
      d.targets = process_targets(table, d.kind, p.targets());
      if (d.targets.empty())
        throw std::invalid_argument(
            in.error(d.entry + ".targets",
                     p.targets() + " holds no " + target_noun(d.kind) +
                         " for " + to_string(d.kind) + " in this topology"));
      std::vector<input::fault_occurrence> drawn;
      try {
        drawn = input::expand_fault_process(p, index, d.targets, seed,
                                            in.spec.duration_ns());
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(in.error(d.entry, e.what()));
      }
      d.first = faults_.size();
      for (const auto& o : drawn) {
        add_drawn(d, d.kind, o.fail_at, o.target);
        if (o.recover_at < in.spec.duration_ns())
          add_drawn(d, recovery_of(d.kind), o.recover_at, o.target);
      }
      d.faults = drawn.size();
      d.end = faults_.size();
      processes_.push_back(std::move(d));
    }
  }

  /// A fault process as drawn: its faults are faults_[first, end).
  struct drawn_process {
    std::string entry; ///< "faultProcesses[0]"
    fault_kind kind = fault_kind::host_crash;
    std::vector<std::string> targets;
    size_t faults = 0; ///< occurrences (without their recoveries)
    size_t first = 0, end = 0;
  };

  void add_drawn(const drawn_process& d, fault_kind kind, sim_time at,
                 const std::string& target) {
    planned_fault f;
    f.at = at;
    f.what.kind = kind;
    f.what.target = target;
    faults_.push_back(std::move(f));
    fault_paths_.push_back(d.entry + ".targets");
  }

  /// What a fault process of `kind` may hit under `prefix`: racks (and
  /// storage clusters) or zones for the power faults, else the entities of
  /// the kind the fault takes, in entity-table order.
  std::vector<std::string> process_targets(const entity_table& table,
                                           fault_kind kind,
                                           const std::string& prefix) const {
    std::vector<std::string> out;
    auto add = [&](const std::string& path) {
      if (is_at_or_under(path, prefix))
        out.push_back(path);
    };
    if (kind == fault_kind::fc_leader_kill) {
      for (size_t i = 0; i < net_.regions(); ++i)
        add(net_.layout(i).name);
      return out;
    }
    if (kind == fault_kind::rack_power_off ||
        kind == fault_kind::zone_power_off) {
      for (size_t i = 0; i < net_.regions(); ++i) {
        const auto& r = net_.layout(i);
        for (uint32_t z = 0; z < r.zones; ++z) {
          if (kind == fault_kind::zone_power_off) {
            add(topology::zone_path(r, z));
            continue;
          }
          for (uint32_t k = 0; k < r.racks_per_zone; ++k)
            add(topology::rack_path(r, z, k));
          for (uint32_t c = 0; c < r.storage_clusters_per_zone; ++c)
            add(topology::storage_cluster_path(r, z, c));
        }
      }
      return out;
    }
    const entity_kind& wanted = process_entity_kind(kind);
    for (entity_id id = 0; id < table.size(); ++id)
      if (*table[id].kind == wanted)
        add(table[id].path);
    return out;
  }

  /// The entity kind a process fault takes (input/ admits only these).
  static const entity_kind& process_entity_kind(fault_kind kind) {
    switch (kind) {
    case fault_kind::host_crash:
      return kinds::host_agent;
    case fault_kind::tor_fail:
      return kinds::tor_switch;
    case fault_kind::replica_loss:
      return storage::kinds::storage_replica;
    case fault_kind::app_crash:
      return kinds::vm;
    default:
      VMSS_ASSERT(false, "input/ admits only these faults as processes");
      return kinds::vm;
    }
  }

  static std::string target_noun(fault_kind kind) {
    if (kind == fault_kind::rack_power_off)
      return "rack or storage cluster";
    if (kind == fault_kind::zone_power_off)
      return "zone";
    if (kind == fault_kind::fc_leader_kill)
      return "region";
    return std::string(process_entity_kind(kind).name);
  }

  /// The settings each family declares (model string keys today), the
  /// same in every region.
  void read_settings(model_spec& fabric, model_spec& physical,
                     model_spec& storage) {
    fabric::fc_params fc;
    fc.heartbeat_period =
        fabric.get_duration("period", seconds(1), 1, seconds(3600));
    fc.missed = fabric.get_int("missed", 3, 1, 1000);
    fc.down_after = fabric.get_duration("down_after", fc.down_after,
                                        fc.heartbeat_period, seconds(86400));
    fc.heal_after =
        fabric.get_duration("heal_after", fc.heal_after, 0, seconds(86400));
    fc.policy.fault_domains =
        static_cast<uint32_t>(fabric.get_int("fault_domains", 1, 1, 5));
    bool big = preset_ == "region";
    auto slots = static_cast<uint32_t>(physical.get_int(
        "slots", big ? topology::default_vm_slots : 8, 1, 1000));
    vm_timings timings;
    read_phase(physical, "allocating", timings.allocating);
    read_phase(physical, "creating", timings.creating);
    read_phase(physical, "starting", timings.starting);
    read_phase(physical, "running", timings.running);
    read_phase(physical, "repairing", timings.repairing);
    read_phase(physical, "stopping", timings.stopping);
    read_phase(physical, "deleting", timings.deleting);
    auto hydrate_bytes =
        static_cast<uint64_t>(storage.get_int("boot_gb", 2, 0, 1000)) *
        1'000'000'000;
    replication_params replication;
    replication.hydrate_bytes_per_s =
        static_cast<uint64_t>(storage.get_int("disk_mibps", 25, 1, 100'000)) *
        1'048'576;
    replication.server_bulk_bytes_per_s =
        static_cast<uint64_t>(
            storage.get_int("server_mibps", 100, 1, 1'000'000)) *
        1'048'576;
    if (replication.server_bulk_bytes_per_s < replication.hydrate_bytes_per_s)
      throw std::invalid_argument(storage.name() +
                                  ": server_mibps must be at least disk_mibps");
    auto disks = storage.get_string("disks", "lrs");
    if (disks == "zrs")
      replication.redundancy = disk_redundancy::zrs;
    else if (disks != "lrs")
      throw std::invalid_argument(storage.name() + ": disks=" + disks +
                                  " is not lrs or zrs");
    for (size_t i = 0; i < parts_.size(); ++i) {
      const auto& r = net_.layout(i);
      auto& part = parts_[i];
      part.fc = fc;
      part.host.heartbeat_period = fc.heartbeat_period;
      part.host.missed = fc.missed;
      part.host.cores = r.host_cores;
      part.host.ram_gb = r.host_ram_gb;
      part.host.slots = slots;
      // Before anything of that size exists.
      topology::check_size(r, slots);
      part.fc.host_vcpus = (r.host_cores - host_capacity::hypervisor_cores) *
                           host_capacity::vcpus_per_core;
      part.fc.host_ram_gb = r.host_ram_gb - host_capacity::hypervisor_ram_gb;
      for (uint32_t z = 0; z < r.zones; ++z)
        part.fc.policy.zones.push_back(z);
      try {
        fabric::validate(part.fc.policy, r.zones);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("region: ") + e.what());
      }
      part.vm.timings = timings;
      part.vm.disk.hydrate_bytes = hydrate_bytes;
      part.replication = replication;
      if (replication.redundancy == disk_redundancy::zrs && r.zones < 3)
        throw std::invalid_argument(storage.name() +
                                    ": disks=zrs needs at least 3 zones");
    }
  }

  /// Factories and the entity table, once configured.
  entity_table finish() {
    add_factories();
    entity_table table(std::max<uint32_t>(partition_.processes, 1));
    describe(table);
    table.finalize();
    factories_.check(table);
    return table;
  }

public:
  /// Background tenants probe their VMs forever.
  bool ends_by_itself() const override { return false; }

  std::vector<std::string> plan_warnings(sim_time until) const override {
    std::vector<std::string> out;
    auto late = [&](const std::string& what, sim_time at) {
      if (at >= until)
        out.push_back(what + " is at or after the end of the run (" +
                      format_duration(until) + "): it does not happen");
    };
    // Drawn faults follow the timeline's; one line per process.
    size_t planned = processes_.empty() ? faults_.size() : processes_[0].first;
    for (size_t i = 0; i < planned; ++i)
      late("fault '" + plan_text(faults_[i]) + "'", faults_[i].at);
    for (const auto& d : processes_) {
      auto n = std::count_if(faults_.begin() + d.first, faults_.begin() + d.end,
                             [&](const auto& f) { return f.at >= until; });
      if (n > 0)
        out.push_back(d.entry + ": " + std::to_string(n) + " of its " +
                      std::to_string(d.end - d.first) +
                      " faults and recoveries are at or after the end of the "
                      "run (" +
                      format_duration(until) + "): they do not happen");
    }
    for (const auto& op : client_.operations)
      late("request on " + vm_name(client_.scale_set, op.instance) + " at " +
               format_duration(op.at),
           op.at);
    if (client_.count > 0)
      late("scale_at=" + format_duration(client_.at), client_.at);
    for (const auto& [at, r] : requests_)
      late(std::string(compute::to_string(r.op)) + " of " + r.scale_set +
               " at " + format_duration(at),
           at);
    return out;
  }

  void describe(entity_table& table) override {
    const auto& first = net_.layout(0);
    auto regions = static_cast<uint32_t>(net_.regions());
    std::vector<std::vector<std::string>> zones(regions);
    for (uint32_t i = 0; i < regions; ++i)
      for (uint32_t z = 0; z < net_.layout(i).zones; ++z)
        zones[i].push_back(topology::zone_path(net_.layout(i), z));
    shards_ = topology::zone_shards(partition_, zones, table.num_nodes());
    planes_.assign(regions, 0);
    // The control entity and the client are the first region's, with its
    // control plane (shard 0 unless an explicit map moves that region).
    auto first_plane = regions == 1 ? 0u : shards_[0][0];
    table.add(control_path(first), vmss::control::kinds::control, first_plane);
    if (client_.count > 0 || !client_.operations.empty())
      table.add(client_path(first), fabric::kinds::client, first_plane);
    for (uint32_t i = 0; i < regions; ++i)
      describe_region(table, i);
    // The global entities, on the first node.
    for (const auto& tm : traffic_managers_)
      table.add(network::traffic_manager_path(tm.name),
                network::kinds::traffic_manager, 0);
    for (const auto& w : workloads_)
      table.add(w.path, vmss::control::kinds::workload, 0);
  }

  /// Region i's entities: its control plane (outside the zones, on the
  /// node of its first zone), its gateway when there are several regions,
  /// its fabric-controller replicas and its zones.
  void describe_region(entity_table& table, uint32_t i) {
    const auto& r = net_.layout(i);
    const auto& part = parts_[i];
    auto regions = static_cast<uint32_t>(net_.regions());
    auto node_of = [&](uint32_t zone) { return shards_[i][zone]; };
    auto plane = regions == 1 ? 0u : node_of(0);
    planes_[i] = plane;
    if (regions > 1)
      table.add(topology::gateway_path(r), kinds::region_gateway, plane);
    bool has_sets = std::count(set_region_.begin(), set_region_.end(), i) > 0;
    if (has_sets)
      table.add(compute::arm_path(r.name), compute::kinds::arm, plane);
    for (size_t k = 0; k < set_names_.size(); ++k)
      if (set_region_[k] == i)
        table.add(compute::orchestrator_path(r.name, set_names_[k]),
                  compute::kinds::orchestrator, plane);
    for (const auto& lb : part.load_balancers)
      table.add(network::load_balancer_path(r.name, lb.name),
                network::kinds::load_balancer, plane);
    if (part.monitor)
      table.add(compute::monitor_path(r.name), compute::kinds::monitor, plane);
    auto in_region = [&](const std::string& path) {
      return path.compare(0, r.name.size() + 1, r.name + "/") == 0;
    };
    for (const auto& a : autoscalers_)
      if (in_region(a.path))
        table.add(a.path, compute::kinds::autoscale, plane);
    for (const auto& d : deployments_)
      if (in_region(d.path))
        table.add(d.path, network::kinds::deployment, plane);
    for (const auto& host : topology::fc_replica_hosts(r))
      table.add(host + "/fc", fabric::kinds::fc_replica,
                node_of(static_cast<uint32_t>(topology::locate(r, host).zone)));
    for (uint32_t z = 0; z < r.zones; ++z) {
      auto node = node_of(z);
      for (uint32_t k = 0; k < r.racks_per_zone; ++k) {
        table.add(topology::tor_path(r, z, k), kinds::tor_switch, node);
        for (uint32_t h = 0; h < r.hosts_per_rack; ++h) {
          auto host = topology::host_path(r, z, k, h);
          table.add(host, kinds::host_agent, node);
          table.add(hypervisor_path(host), kinds::hypervisor, node);
          for (uint32_t s = 0; s < part.host.slots; ++s)
            table.add(vm_slot_path(host, s, part.host.slots), kinds::vm, node);
        }
      }
      for (uint32_t c = 0; c < r.storage_clusters_per_zone; ++c) {
        table.add(topology::storage_cluster_path(r, z, c) + "/tor",
                  kinds::tor_switch, node);
        for (uint32_t n = 0; n < r.storage_nodes_per_cluster; ++n)
          table.add(topology::storage_node_path(r, z, c, n),
                    storage::kinds::storage_replica, node);
      }
    }
  }

  network_model& network() override { return net_; }
  /// The smallest latency across the shards of the last describe().
  sim_time lookahead() const override {
    return shards_.empty() ? net_.lookahead()
                           : net_.lookahead(shards_, planes_);
  }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    if (!bound_)
      bind(k.table());
    factories_.spawn(sys, k, id);
  }

  /// The region of scale set `name` (by name: requests and faults name
  /// their set).
  const topology::region& region_of_set(const std::string& name) const {
    return net_.layout(region_index_of_set(name));
  }

  void inject(node_kernel& k) override {
    auto control = k.table().id_of(control_path(net_.layout(0)));
    for (const auto& f : faults_)
      inject_fault(k, net_, control, f.at, f.what);
    for (const auto& [at, request] : requests_)
      inject_request(k, at, request);
    for (const auto& c : endpoint_changes_)
      inject_endpoint_change(k, c.at, c);
    for (const auto& f : instance_faults_)
      inject_instance_fault(k, control, f.at, f);
  }

  /// A fault of a scale set's instance: to its orchestrator, and noticed
  /// by the control actor.
  void inject_instance_fault(node_kernel& k, entity_id control, sim_time at,
                             const instance_fault_at& f) const {
    k.inject(at,
             k.table().id_of(
                 compute::orchestrator_path(region_of_set(f.set).name, f.set)),
             event_kind::message, caf::make_message(f.fault),
             wire::id_of<compute::instance_fault>);
    k.inject(at, control, event_kind::message,
             caf::make_message(fault_notice{
                 to_string(f.kind),
                 f.fault.all ? f.set : vm_name(f.set, f.fault.instance),
                 f.fault.up}),
             wire::id_of<fault_notice>);
  }

  void inject_request(node_kernel& k, sim_time at,
                      const compute::arm_request& request) const {
    k.inject(at,
             k.table().id_of(
                 compute::arm_path(region_of_set(request.scale_set).name)),
             event_kind::message, caf::make_message(request),
             wire::id_of<compute::arm_request>);
  }

  void inject_endpoint_change(node_kernel& k, sim_time at,
                              const endpoint_change_at& c) const {
    k.inject(at, k.table().id_of(c.profile), event_kind::message,
             caf::make_message(c.change),
             wire::id_of<network::tm_endpoint_set>);
  }

  /// Each scale set's REST body over time: its initial body, the body
  /// after each timeline update at its time, and after each live update.
  void read_bodies(const input::scenario_input& in) {
    for (const auto& set : in.azure.scale_sets)
      bodies_.push_back({{0, set.body}});
    for (const auto& u : in.updates)
      bodies_[u.scale_set].push_back(
          {in.spec.timeline(static_cast<int>(u.entry)).at_ns(), u.model.body});
  }

  /// Set `set`'s body as the updates before or at `t` left it (a live
  /// update patches the latest of them; a timeline update's body was merged
  /// from the file's earlier updates alone).
  const nlohmann::ordered_json& body_at(size_t set, sim_time t) const {
    const auto* best = &bodies_[set].front();
    for (const auto& b : bodies_[set])
      if (b.first <= t && b.first >= best->first)
        best = &b;
    return best->second;
  }

  /// A live command read, checked against the entities and resolved as
  /// its timeline entry would be at `t`.
  struct live_effects {
    vmss::control::live_command command;
    entry_effects fx;
    std::optional<compute::model_put> put; ///< update: ARM's new model
    size_t set = 0;                        ///< update: the set and its body
    nlohmann::ordered_json body;
  };

  live_effects prepare_live(const std::vector<std::string>& words,
                            sim_time t) const {
    live_effects out;
    out.command = vmss::control::read_live_command(words, live_in_);
    if (out.command.stop)
      return out;
    auto e = out.command.entry;
    e.set_at_ns(t);
    auto id = static_cast<uint32_t>(
        set_names_.size() + static_cast<size_t>(live_in_.spec.timeline_size()) +
        live_requests_);
    try {
      out.fx = effects_of(e, id, 0);
    } catch (const std::invalid_argument& x) {
      throw std::invalid_argument(std::string("target: ") + x.what());
    }
    if (out.fx.fault)
      check_fault_target(net_, table_, out.fx.fault->what);
    if (out.fx.request && out.fx.request->op == compute::arm_op::put_model &&
        e.operation() == vmss::scenario::update) {
      const auto& sets = live_in_.azure.scale_sets;
      while (out.set < sets.size() && sets[out.set].name != e.target())
        ++out.set;
      VMSS_ASSERT(out.set < sets.size(), "input/ checked the scale set");
      input::azure::scale_set model;
      auto r = input::merge_update(sets[out.set], body_at(out.set, t),
                                   out.command.patch, "", out.body, model);
      std::string why;
      for (const auto& d : r.errors)
        why += (why.empty() ? "" : "; ") + d.path + ": " + d.reason;
      if (!why.empty())
        throw std::invalid_argument(why);
      out.put =
          compute::model_put{*out.fx.request, compute::to_set_model(model)};
    }
    return out;
  }

public:
  std::string check_live(const std::vector<std::string>& words) const override {
    return prepare_live(words, last_live_).command.canonical;
  }

  void apply_live(node_kernel& k, sim_time t, const std::string& canonical,
                  const std::string& refusal) override {
    auto control = k.table().id_of(control_path(net_.layout(0)));
    auto notice = [&](bool accepted, const std::string& why) {
      k.inject(t, control, event_kind::message,
               caf::make_message(vmss::control::control_command_notice{
                   canonical, accepted, why}),
               wire::id_of<vmss::control::control_command_notice>);
    };
    if (!refusal.empty()) {
      notice(false, refusal);
      return;
    }
    live_effects live;
    try {
      live = prepare_live(vmss::control::split_words(canonical), t);
    } catch (const std::invalid_argument& e) {
      notice(false, e.what()); // what the state at t refuses
      return;
    }
    last_live_ = t;
    notice(true, "");
    const auto& fx = live.fx;
    if (live.put) {
      bodies_[live.set].push_back({t, live.body});
      k.inject(t,
               k.table().id_of(compute::arm_path(
                   region_of_set(live.put->request.scale_set).name)),
               event_kind::message, caf::make_message(*live.put),
               wire::id_of<compute::model_put>);
    } else if (fx.request) {
      inject_request(k, t, *fx.request);
    }
    if (fx.request)
      ++live_requests_;
    if (fx.endpoint)
      inject_endpoint_change(k, t, *fx.endpoint);
    if (fx.instance)
      inject_instance_fault(k, control, t, *fx.instance);
    if (fx.fault)
      inject_fault(k, net_, control, t, fx.fault->what);
  }

  std::vector<std::string> describe_run() const override {
    std::vector<std::string> lines;
    for (size_t i = 0; i < parts_.size(); ++i)
      lines.push_back(region_line(i));
    for (const auto& d : processes_)
      lines.push_back(process_line(d));
    return lines;
  }

private:
  /// "region preset=… zones=…" (with several regions "region NAME
  /// preset=…", one line each).
  std::string region_line(size_t i) const {
    const auto& r = net_.layout(i);
    const auto& part = parts_[i];
    auto sets = std::count(set_region_.begin(), set_region_.end(), i);
    return std::string("region") + (parts_.size() > 1 ? " " + r.name : "") +
           " preset=" + presets_[i] + " zones=" + std::to_string(r.zones) +
           " racks=" + std::to_string(r.racks_per_zone) +
           " hosts_per_rack=" + std::to_string(r.hosts_per_rack) +
           " hosts=" + std::to_string(r.hosts()) +
           " vm_slots=" + std::to_string(r.hosts() * part.host.slots) +
           " tenants_percent=" +
           std::to_string(
               static_cast<int>(part.host.tenant_utilisation * 100)) +
           " fc_replicas=" + std::to_string(r.fc_replica_sites.size()) +
           " scale_sets=" +
           std::to_string(parts_.size() > 1 ? static_cast<size_t>(sets)
                                            : set_names_.size()) +
           " scale_set_vms=" + std::to_string(scale_set_vms(i)) + " disks=" +
           (part.replication.redundancy == disk_redundancy::zrs ? "zrs"
                                                                : "lrs") +
           " faults=" + std::to_string(faults_.size());
  }

  /// The VMs asked for at the start in region i: the stand-in client's,
  /// or the scale sets' initial capacities.
  uint64_t scale_set_vms(size_t i) const {
    uint64_t n = i == 0 ? client_.count : 0;
    for (size_t k = 0; k < set_names_.size(); ++k)
      if (set_region_[k] == i)
        n += parts_[i].arm.core.models[k].capacity;
    return n;
  }

  /// What a fault process drew: "fault_process faultProcesses[0]
  /// host_crash targets=8 faults=3 recoveries=2 first=12.500000s:PATH,...",
  /// the first few faults with their times in seconds.
  std::string process_line(const drawn_process& d) const {
    constexpr size_t shown = 3;
    std::string first;
    size_t listed = 0;
    for (size_t i = d.first; i < d.end && listed < shown; ++i) {
      if (faults_[i].what.kind != d.kind)
        continue;
      char at[32];
      std::snprintf(at, sizeof(at), "%.6fs", to_seconds(faults_[i].at));
      first += (listed++ == 0 ? "" : ",") + std::string(at) + ":" +
               faults_[i].what.target;
    }
    return "fault_process " + d.entry + " " + to_string(d.kind) +
           " targets=" + std::to_string(d.targets.size()) +
           " faults=" + std::to_string(d.faults) +
           " recoveries=" + std::to_string(d.end - d.first - d.faults) +
           (first.empty() ? "" : " first=" + first);
  }

  /// The preset, resized by the zones=, racks= and hosts= options.
  topology::region make_region(model_spec& spec) {
    preset_ = spec.get_string("preset", "small");
    auto r = topology::preset(preset_);
    auto size = [&](const char* key, uint32_t fallback) {
      return static_cast<uint32_t>(spec.get_int(key, fallback, 1, 10000));
    };
    r.zones = size("zones", r.zones);
    r.racks_per_zone = size("racks", r.racks_per_zone);
    r.hosts_per_rack = size("hosts", r.hosts_per_rack);
    auto resized =
        r.zones != topology::preset(preset_).zones ||
        r.racks_per_zone != topology::preset(preset_).racks_per_zone ||
        r.hosts_per_rack != topology::preset(preset_).hosts_per_rack;
    auto replicas = spec.get_int("fc_replicas", 5, 1, 9);
    if (resized || replicas != 5)
      r.fc_replica_sites =
          topology::spread_fc_sites(r, static_cast<uint32_t>(replicas));
    topology::validate(r);
    return r;
  }

  /// The fault plan's order, and each target against the entities this
  /// model lays out (the check inject_fault makes on every node).
  void check_faults(const entity_table& table) const {
    for (size_t i = 0; i < faults_.size(); ++i) {
      try {
        check_fault_target(net_, table, faults_[i].what);
      } catch (const std::invalid_argument& e) {
        if (fault_paths_.empty())
          throw;
        throw std::invalid_argument(label_ + ": " + fault_paths_[i] + ": " +
                                    e.what());
      }
    }
    try {
      check_fault_sequence(faults_);
    } catch (const std::invalid_argument& e) {
      if (fault_paths_.empty())
        throw;
      throw std::invalid_argument(label_ + ": timeline: " + e.what());
    }
  }

  /// Scenario runs: the file's label and the field each fault comes from
  /// ("timeline[3].target", "faultProcesses[0].targets").
  std::string label_;
  std::vector<std::string> fault_paths_;
  std::vector<drawn_process> processes_;

  std::string preset_;
  std::vector<std::string> presets_; ///< by region ("file": a topology file)
  topology::world_network net_;
  /// Which shard runs each zone (cluster.conf's rule; topology/partition).
  topology::partition partition_;
  std::vector<std::vector<uint32_t>> shards_; ///< by region, by zone
  std::vector<uint32_t> planes_; ///< by region: its control plane's shard

  /// What the model keeps per region: its fabric controller, servers,
  /// storage, control plane and load balancers.
  struct region_part {
    fabric::fc_params fc;
    host_agent_params host;
    vm_params vm;
    replication_params replication;
    std::unique_ptr<replica_directory> directory; ///< once the table exists
    compute::arm_shell_params arm;
    compute::orchestrator_shell_params orchestrator;
    std::vector<network::lb_params> load_balancers;
    /// Azure Monitor's metrics, in a region whose sets autoscale.
    std::optional<compute::monitor_shell_params> monitor;
  };
  /// A Traffic Manager profile: its model and each endpoint's load
  /// balancer entity path, then (bind) its settings.
  struct traffic_manager_at {
    std::string name;
    vmss::azure::network::TrafficManagerProfile model; ///< a copy: the
                                                       ///< input goes away
    std::vector<std::string> endpoint_lbs;
    network::tm_shell_params params;
  };
  std::vector<traffic_manager_at> traffic_managers_;
  /// An entity of the load side and its parameters.
  template <class Params>
  struct placed {
    std::string path;
    Params params;
  };
  std::vector<placed<compute::autoscale_shell_params>> autoscalers_;
  std::vector<placed<vmss::control::workload_shell_params>> workloads_;
  std::vector<placed<network::deployment_shell_params>> deployments_;

  /// The parameters of the entity at `path` in `list`.
  template <class Params>
  static const Params& params_at(const std::vector<placed<Params>>& list,
                                 const std::string& path) {
    for (const auto& x : list)
      if (x.path == path)
        return x.params;
    VMSS_ASSERT(false, "every described entity has its parameters");
    return list.front().params;
  }
  std::vector<region_part> parts_;
  region_gateway_params gateway_;
  bool bound_ = false;

  region_part& part_of(entity_id id) {
    auto i = net_.region_of(id);
    VMSS_ASSERT(i >= 0, "a regional entity is in a region");
    return parts_[static_cast<size_t>(i)];
  }

  /// Entity ids known once the table is: disk placement, the inventory
  /// and the fabric controllers' replicas, per region.
  void bind(const entity_table& table) {
    bound_ = true;
    for (size_t i = 0; i < parts_.size(); ++i) {
      const auto& r = net_.layout(i);
      auto& part = parts_[i];
      const auto& rnet = net_.region_net(i);
      part.directory = std::make_unique<replica_directory>(
          r, table, part.replication.redundancy);
      part.vm.directory = part.directory.get();
      for (const auto& host : topology::fc_replica_hosts(r))
        part.fc.raft.members.push_back(table.id_of(host + "/fc"));
      part.orchestrator.controllers = part.fc.raft.members;
      part.orchestrator.core.host_rack = [&rnet](uint32_t host) {
        return static_cast<uint32_t>(
            std::max<int64_t>(0, rnet.where(host).rack));
      };
      part.orchestrator.region = r.name;
      part.arm.region = r.name;
    }
    for (auto& tm : traffic_managers_) {
      std::vector<int64_t> ids;
      for (const auto& path : tm.endpoint_lbs)
        ids.push_back(static_cast<int64_t>(table.id_of(path)));
      tm.params.core = network::to_tm_params(tm.model, ids);
    }
    for (entity_id id = 0; id < table.size(); ++id)
      if (*table[id].kind == kinds::host_agent) {
        auto i = static_cast<size_t>(net_.region_of(id));
        const auto& at = net_.region_net(i).where(id);
        parts_[i].fc.inventory.push_back({id, static_cast<uint32_t>(at.zone),
                                          static_cast<uint32_t>(at.rack), 0, 0,
                                          true});
      }
  }

  /// One factory per kind this model describes; a regional entity gets its
  /// region's parameters.
  void add_factories() {
    factories_.add(kinds::vm, [this](caf::actor_system& sys, node_kernel& k,
                                     entity_id id) {
      spawn_entity<vm>(sys, k, id, &part_of(id).vm);
    });
    factories_.add(
        storage::kinds::storage_replica,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          auto i = static_cast<size_t>(net_.region_of(id));
          spawn_entity<storage_replica>(sys, k, id, &net_.layout(i),
                                        &parts_[i].replication);
        });
    factories_.add(kinds::hypervisor, [](caf::actor_system& sys, node_kernel& k,
                                         entity_id id) {
      const auto& path = k.table()[id].path;
      spawn_entity<hypervisor>(
          sys, k, id, k.table().id_of(path.substr(0, path.rfind('/'))));
    });
    factories_.add(kinds::host_agent, [this](caf::actor_system& sys,
                                             node_kernel& k, entity_id id) {
      auto& part = part_of(id);
      spawn_entity<host_agent>(sys, k, id, part.fc.raft.members, &part.host);
    });
    factories_.add(
        fabric::kinds::fc_replica,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          spawn_entity<fabric::fc_replica>(sys, k, id, &part_of(id).fc);
        });
    factories_.add(fabric::kinds::client, [this](caf::actor_system& sys,
                                                 node_kernel& k, entity_id id) {
      spawn_entity<fabric::scale_client>(sys, k, id, parts_[0].fc.raft.members,
                                         &client_);
    });
    factories_.add(compute::kinds::arm, [this](caf::actor_system& sys,
                                               node_kernel& k, entity_id id) {
      spawn_entity<compute::arm>(sys, k, id, &part_of(id).arm);
    });
    factories_.add(
        compute::kinds::orchestrator,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          spawn_entity<compute::orchestrator>(sys, k, id,
                                              &part_of(id).orchestrator);
        });
    factories_.add(
        network::kinds::load_balancer,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          auto name = k.table()[id].path;
          name = name.substr(name.rfind('/') + 1);
          for (const auto& lb : part_of(id).load_balancers)
            if (lb.name == name)
              spawn_entity<network::load_balancer>(sys, k, id, &lb);
        });
    factories_.add(kinds::tor_switch, [this](caf::actor_system& sys,
                                             node_kernel& k, entity_id id) {
      auto i = static_cast<size_t>(net_.region_of(id));
      spawn_entity<tor_switch>(sys, k, id, &net_.region_net(i));
    });
    factories_.add(
        compute::kinds::monitor,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          spawn_entity<compute::monitor>(sys, k, id, &*part_of(id).monitor);
        });
    factories_.add(
        network::kinds::traffic_manager,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          const auto& path = k.table()[id].path;
          for (const auto& tm : traffic_managers_)
            if (network::traffic_manager_path(tm.name) == path)
              spawn_entity<network::traffic_manager>(sys, k, id, &tm.params);
        });
    factories_.add(
        compute::kinds::autoscale,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          spawn_entity<compute::autoscale>(
              sys, k, id, &params_at(autoscalers_, k.table()[id].path));
        });
    factories_.add(
        vmss::control::kinds::workload,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          spawn_entity<vmss::control::workload>(
              sys, k, id, &params_at(workloads_, k.table()[id].path));
        });
    factories_.add(
        network::kinds::deployment,
        [this](caf::actor_system& sys, node_kernel& k, entity_id id) {
          spawn_entity<network::deployment>(
              sys, k, id, &params_at(deployments_, k.table()[id].path));
        });
    gateway_.net = &net_;
    factories_.add(kinds::region_gateway, [this](caf::actor_system& sys,
                                                 node_kernel& k, entity_id id) {
      spawn_entity<region_gateway>(sys, k, id, &gateway_);
    });
    factories_.add(vmss::control::kinds::control,
                   [](caf::actor_system& sys, node_kernel& k, entity_id id) {
                     spawn_entity<vmss::control::control_actor>(sys, k, id);
                   });
  }

  kind_factories factories_;
  fabric::scale_client_params client_;
  std::vector<std::string> set_names_;
  std::vector<size_t> set_region_; ///< by set: its region
  /// Requests to ARM at their times: each set's creation, then the
  /// timeline's operations.
  std::vector<std::pair<sim_time, compute::arm_request>> requests_;
  /// The timeline entry of each update -> its model in the ARMs' models.
  std::map<size_t, uint32_t> update_models_;
  std::vector<instance_fault_at> instance_faults_;
  std::vector<endpoint_change_at> endpoint_changes_;
  std::vector<planned_fault> faults_;
  /// Live commands: the scenario they are checked against, the entities,
  /// each set's bodies over time, the last command's time and how many
  /// requests they made.
  input::scenario_input live_in_;
  entity_table table_;
  std::vector<std::vector<std::pair<sim_time, nlohmann::ordered_json>>> bodies_;
  sim_time last_live_ = 0;
  size_t live_requests_ = 0;
};

} // namespace

std::unique_ptr<model> make_region_model(model_spec& spec,
                                         const topology::partition& p) {
  return std::make_unique<region_model>(spec, p);
}

std::unique_ptr<model> make_region_model(const input::scenario_input& in,
                                         uint64_t seed,
                                         const topology::partition& p) {
  return std::make_unique<region_model>(in, seed, p);
}

} // namespace vmss::physical
