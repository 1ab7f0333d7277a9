/// Instance views from the trace and their Azure JSON (see the header).

#include "analysis/instance_view.hpp"

#include "analysis/record_fields.hpp"
#include "kernel/assert.hpp"
#include "messages/compute_events.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace vmss::analysis {

namespace {

namespace events = compute::events;
using json = nlohmann::ordered_json;

constexpr std::string_view provisioning_states[] = {
    "Creating", "Updating", "Succeeded", "Failed", "Deleting", "Deleted"};
constexpr std::string_view power_states[] = {
    "starting",     "running",     "stopping", "stopped",
    "deallocating", "deallocated", "unknown"};
constexpr std::string_view health_states[] = {"none", "Initializing", "Healthy",
                                              "Unhealthy", "Unknown"};

template <size_t N>
std::string named_field(const record& r, std::string_view field,
                        const std::string_view (&names)[N]) {
  std::string value = string_field(r, events::instance_view, field);
  if (std::find(std::begin(names), std::end(names), value) != std::end(names))
    return value;
  std::string list;
  for (auto n : names)
    list += (list.empty() ? "" : ", ") + std::string(n);
  throw std::runtime_error(
      "record instance_view at t_ns=" + std::to_string(r.t_ns()) + " of " +
      std::string(r.path) + ": field '" + std::string(field) + "': '" + value +
      "' is not one of " + list);
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// InstanceViewStatus without message and time (virtual time has no date).
json status(const std::string& code, const char* level,
            const std::string& display) {
  return json{{"code", code}, {"level", level}, {"displayStatus", display}};
}

json provisioning_status(const std::string& state) {
  if (state == "Succeeded")
    return status("ProvisioningState/succeeded", "Info",
                  "Provisioning succeeded");
  if (state == "Failed")
    return status("ProvisioningState/failed", "Error", "Provisioning failed");
  return status("ProvisioningState/" + lower(state), "Info", state);
}

json power_status(const std::string& state) {
  return status("PowerState/" + state, "Info",
                state == "unknown" ? "VM status unknown" : "VM " + state);
}

json vm_json(const instance_state& s) {
  json view{{"platformUpdateDomain", s.update_domain},
            {"platformFaultDomain", s.fault_domain},
            {"statuses", json::array({provisioning_status(s.provisioning_state),
                                      power_status(s.power_state)})}};
  if (s.health != "none")
    view["vmHealth"] = json{
        {"status", status("HealthState/" + lower(s.health), "Info", s.health)}};
  json vm{{"name", s.scale_set + "_" + std::to_string(s.instance_id)},
          {"instanceId", std::to_string(s.instance_id)}};
  if (s.zone >= 0)
    vm["zones"] = json::array({std::to_string(s.zone + 1)});
  vm["properties"] =
      json{{"latestModelApplied", s.latest_model},
           {"provisioningState", s.provisioning_state},
           {"protectionPolicy",
            {{"protectFromScaleIn", s.protect_from_scale_in},
             {"protectFromScaleSetActions", s.protect_from_scale_set_actions}}},
           {"instanceView", std::move(view)}};
  return vm;
}

} // namespace

instance_state read_instance_view(const record& r) {
  VMSS_ASSERT(is(r, events::instance_view), "reads an instance_view record");
  const auto& def = events::instance_view;
  instance_state s;
  s.scale_set = string_field(r, def, "scale_set");
  s.instance_id = int_field(r, def, "instance_id");
  s.zone = int_field(r, def, "zone");
  s.fault_domain = int_field(r, def, "fault_domain");
  s.update_domain = int_field(r, def, "update_domain");
  s.latest_model = bool_field(r, def, "latest_model");
  s.provisioning_state =
      named_field(r, "provisioning_state", provisioning_states);
  s.power_state = named_field(r, "power_state", power_states);
  s.health = named_field(r, "health", health_states);
  s.protect_from_scale_in = bool_field(r, def, "protect_from_scale_in");
  s.protect_from_scale_set_actions =
      bool_field(r, def, "protect_from_scale_set_actions");
  s.model_version = int_field(r, def, "model_version");
  return s;
}

const instance_state* instance_table::apply(const record& r) {
  if (!is(r, events::instance_view))
    return nullptr;
  instance_state s = read_instance_view(r);
  auto [it, fresh] =
      rows_.try_emplace(key{s.scale_set, s.instance_id}, instance_state{});
  bool was_live = !fresh && !it->second.deleted();
  auto& live = live_[s.scale_set];
  live = live - (was_live ? 1 : 0) + (s.deleted() ? 0 : 1);
  it->second = std::move(s);
  return &it->second;
}

const instance_state* instance_table::find(const std::string& scale_set,
                                           int64_t id) const {
  auto it = rows_.find(key{scale_set, id});
  return it == rows_.end() ? nullptr : &it->second;
}

size_t instance_table::live_count(const std::string& scale_set) const {
  auto it = live_.find(scale_set);
  return it == live_.end() ? 0 : it->second;
}

std::vector<scale_set_view> read_scale_set_views(const trace_reader& reader,
                                                 int64_t at_ns) {
  instance_table table;
  std::map<std::string, std::map<std::string, std::string>> services;
  reader.for_each([&](const record& r) {
    if (r.t_ns() > at_ns)
      return;
    if (const auto* s = table.apply(r))
      services[s->scale_set]; // the set exists from its first instance
    else if (is(r, events::service_state))
      services[string_field(r, events::service_state, "scale_set")]
              [string_field(r, events::service_state, "service")] =
                  string_field(r, events::service_state, "state");
  });
  std::vector<scale_set_view> out;
  for (auto& [name, set_services] : services)
    out.push_back(scale_set_view{name, std::move(set_services), {}});
  for (const auto& [key, s] : table.rows()) {
    if (s.deleted())
      continue;
    const auto& name = key.first; // a lambda cannot capture a binding (C++17)
    auto set = std::find_if(out.begin(), out.end(),
                            [&](const auto& v) { return v.name == name; });
    set->instances.push_back(s); // rows are by set, then by instance id
  }
  return out;
}

void write_scale_set_views(const std::vector<scale_set_view>& views,
                           std::ostream& out) {
  json sets = json::array();
  for (const auto& v : views) {
    json services = json::array();
    for (const auto& [name, state] : v.services)
      services.push_back(json{{"serviceName", name}, {"serviceState", state}});
    json vms = json::array();
    for (const auto& s : v.instances)
      vms.push_back(vm_json(s));
    sets.push_back(json{{"name", v.name},
                        {"orchestrationServices", std::move(services)},
                        {"virtualMachines", std::move(vms)}});
  }
  out << sets.dump(2) << '\n';
}

} // namespace vmss::analysis
