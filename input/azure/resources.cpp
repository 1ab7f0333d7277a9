#include "input/azure/resources.hpp"

#include "input/azure/resource_id.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace vmss::input::azure {

namespace {

using json = nlohmann::ordered_json;

/// "Provider.Namespace/type[/child...]": letters, digits, '.' and '/'.
bool well_formed_type(const std::string& type) {
  auto slash = type.find('/');
  if (slash == std::string::npos || slash == 0 || type.back() == '/' ||
      type.find('.') > slash)
    return false;
  return std::all_of(type.begin(), type.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
           c == '/' || c == '-' || c == '_';
  });
}

/// A key of an object, ignoring letter case as Azure does.
const json* member(const json& j, const std::string& key) {
  if (!j.is_object())
    return nullptr;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (same_ignoring_case(it.key(), key))
      return &it.value();
  return nullptr;
}

/// The string at `key`, or "".
std::string string_member(const json& j, const std::string& key) {
  const auto* v = member(j, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

/// The request body of a REST API example's "parameters" (the URL's
/// parameters and the body): "parameters" where the operation names its
/// body so (PUT), else the one member that is an object (Azure names it
/// after the operation: "autoscaleSettingResource" for a PATCH of an
/// autoscale setting); sets `key`. nullptr when there is none.
const json* example_body(const json& parameters, std::string& key) {
  if (const auto* body = member(parameters, "parameters")) {
    key = "parameters";
    return body;
  }
  const json* found = nullptr;
  for (auto it = parameters.begin(); it != parameters.end(); ++it) {
    if (!it.value().is_object())
      continue;
    if (found != nullptr)
      return nullptr; // more than one: not an example we can read
    found = &it.value();
    key = it.key();
  }
  return found;
}

/// Which modelled type a body without "type" has, from the properties only
/// that type has; "" when none.
std::string type_from_shape(const json& body) {
  const auto* properties = member(body, "properties");
  if (!properties || !properties->is_object())
    return {};
  auto has = [&](std::initializer_list<const char*> keys) {
    return std::any_of(keys.begin(), keys.end(), [&](const char* k) {
      return member(*properties, k) != nullptr;
    });
  };
  if (has({"virtualMachineProfile", "upgradePolicy", "orchestrationMode",
           "automaticRepairsPolicy", "overprovision", "scaleInPolicy"}))
    return scale_set_type;
  if (has({"profiles", "targetResourceUri"}))
    return autoscale_type;
  if (has({"frontendIPConfigurations", "backendAddressPools",
           "loadBalancingRules", "probes"}))
    return load_balancer_type;
  if (has({"trafficRoutingMethod", "monitorConfig", "dnsConfig", "endpoints"}))
    return traffic_manager_type;
  return {};
}

/// The name parameter of each modelled type's REST API examples.
const std::map<std::string, std::string>& example_name_keys() {
  static const std::map<std::string, std::string> keys{
      {ascii_lower(scale_set_type), "vmScaleSetName"},
      {ascii_lower(autoscale_type), "autoscaleSettingName"},
      {ascii_lower(load_balancer_type), "loadBalancerName"},
      {ascii_lower(traffic_manager_type), "profileName"}};
  return keys;
}

std::string at(const place& p) {
  return p.file + (p.path.empty() ? "" : ": " + p.path);
}

template <class T>
void check_unique(const std::vector<T>& items, const std::vector<place>& places,
                  const char* what, std::vector<located_diagnostic>& errors) {
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto [it, fresh] = seen.emplace(ascii_lower(items[i].name), i);
    if (!fresh)
      errors.push_back({places[i].file, json_child(places[i].path, "name"),
                        std::string(what) + " " + quote_json(items[i].name) +
                            " is declared twice (also at " +
                            at(places[it->second]) + ")"});
  }
}

} // namespace

size_t resources::modelled_count() const {
  return scale_sets.size() + autoscale_settings.size() + load_balancers.size() +
         traffic_managers.size();
}

void add_resource(const std::string& type, const json& body, const place& where,
                  const std::string& name, resources& out,
                  read_report& report) {
  const auto& path = where.path;
  if (same_ignoring_case(type, scale_set_type)) {
    out.scale_sets.push_back(read_scale_set(body, path, name, report));
    out.scale_set_places.push_back(where);
  } else if (same_ignoring_case(type, autoscale_type)) {
    out.autoscale_settings.push_back(
        read_autoscale_setting(body, path, name, report));
    out.autoscale_places.push_back(where);
  } else if (same_ignoring_case(type, load_balancer_type)) {
    out.load_balancers.push_back(read_load_balancer(body, path, name, report));
    out.load_balancer_places.push_back(where);
  } else if (same_ignoring_case(type, traffic_manager_type)) {
    out.traffic_managers.push_back(
        read_traffic_manager_profile(body, path, name, report));
    out.traffic_manager_places.push_back(where);
  } else if (well_formed_type(type)) {
    out.not_modelled.push_back({where, type, name});
  } else {
    report.errors.push_back(
        {json_child(path, "type"),
         quote_json(type) +
             " is not a resource type (Provider.Namespace/type, e.g. " +
             scale_set_type + ")"});
  }
}

namespace {

/// `body` without the values of functions the model does not evaluate
/// (reference(), listKeys(), secure parameters: input/arm/expression.hpp),
/// each path listed as not modelled.
json without_placeholders(const json& body, const std::string& path,
                          read_report& report) {
  if (body.is_object()) {
    json out = json::object();
    for (const auto& [key, v] : body.items()) {
      auto where = json_child(path, key);
      if (arm::is_not_modelled(v))
        report.not_modelled.push_back(where);
      else
        out[key] = without_placeholders(v, where, report);
    }
    return out;
  }
  if (body.is_array()) {
    json out = json::array();
    for (size_t i = 0; i < body.size(); ++i) {
      auto where = json_index(path, i);
      if (arm::is_not_modelled(body[i]))
        report.not_modelled.push_back(where);
      else
        out.push_back(without_placeholders(body[i], where, report));
    }
    return out;
  }
  return body;
}

/// A scale set's health probe and backend pools, when their load balancer
/// is among `out`'s, name a probe and pools it has; a load balancer that
/// is not there is a warning when `out` is complete (a scenario: its
/// traffic is not simulated).
void check_load_balancer_ids(const scale_set& set, const place& where,
                             const resources& out, bool complete,
                             std::vector<located_diagnostic>& errors,
                             std::vector<located_diagnostic>& warnings) {
  const auto& network =
      set.model.properties().virtual_machine_profile().network_profile();
  auto check = [&](const std::string& id, const std::string& path,
                   const char* collection) {
    resource_id parsed;
    if (!parse_resource_id(id, parsed))
      return; // the scale-set reader names a malformed id
    auto slash = parsed.name.find('/');
    if (slash == std::string::npos)
      return;
    auto lb_name = parsed.name.substr(0, slash);
    auto item = parsed.name.substr(slash + 1);
    auto lb = std::find_if(out.load_balancers.begin(), out.load_balancers.end(),
                           [&](const load_balancer& x) {
                             return same_ignoring_case(x.name, lb_name);
                           });
    if (lb == out.load_balancers.end()) {
      if (complete)
        warnings.push_back(
            {where.file, path,
             "load balancer " + quote_json(lb_name) +
                 " is not in the scenario: its traffic is not simulated"});
      return;
    }
    std::vector<std::string> names;
    const auto& p = lb->model.properties();
    if (std::string(collection) == "probes")
      for (const auto& x : p.probes())
        names.push_back(x.name());
    else
      for (const auto& x : p.backend_address_pools())
        names.push_back(x.name());
    if (std::none_of(names.begin(), names.end(), [&](const std::string& n) {
          return same_ignoring_case(n, item);
        }))
      errors.push_back({where.file, path,
                        "load balancer " + quote_json(lb_name) + " has no " +
                            collection + " entry " + quote_json(item)});
  };
  auto base = json_child(
      json_child(json_child(where.path, "properties"), "virtualMachineProfile"),
      "networkProfile");
  if (network.has_health_probe())
    check(network.health_probe().id(),
          json_child(json_child(base, "healthProbe"), "id"), "probes");
  for (int n = 0; n < network.network_interface_configurations_size(); ++n) {
    const auto& nic = network.network_interface_configurations(n);
    auto nic_path = json_child(
        json_index(json_child(base, "networkInterfaceConfigurations"),
                   static_cast<size_t>(n)),
        "properties");
    for (int c = 0; c < nic.properties().ip_configurations_size(); ++c) {
      const auto& ip = nic.properties().ip_configurations(c);
      auto ip_path =
          json_child(json_index(json_child(nic_path, "ipConfigurations"),
                                static_cast<size_t>(c)),
                     "properties");
      for (int k = 0;
           k < ip.properties().load_balancer_backend_address_pools_size(); ++k)
        check(
            ip.properties().load_balancer_backend_address_pools(k).id(),
            json_child(json_index(json_child(ip_path,
                                             "loadBalancerBackendAddressPools"),
                                  static_cast<size_t>(k)),
                       "id"),
            "backendAddressPools");
    }
  }
}

} // namespace

void add_deployment(const arm::deployment& d, const std::string& file,
                    resources& out, read_report& report) {
  for (const auto& r : d.resources)
    add_resource(r.type, without_placeholders(r.body, r.path, report),
                 {file, r.path}, r.name, out, report);
}

void check_references(const resources& out, bool complete,
                      std::vector<located_diagnostic>& errors,
                      std::vector<located_diagnostic>& warnings) {
  check_unique(out.scale_sets, out.scale_set_places, "scale set", errors);
  check_unique(out.autoscale_settings, out.autoscale_places,
               "autoscale setting", errors);
  check_unique(out.load_balancers, out.load_balancer_places, "load balancer",
               errors);
  check_unique(out.traffic_managers, out.traffic_manager_places,
               "Traffic Manager profile", errors);
  for (size_t i = 0; i < out.scale_sets.size(); ++i)
    check_load_balancer_ids(out.scale_sets[i], out.scale_set_places[i], out,
                            complete, errors, warnings);
  std::vector<std::string> set_names;
  for (const auto& s : out.scale_sets)
    set_names.push_back(s.name);
  for (size_t i = 0; i < out.autoscale_settings.size(); ++i) {
    const auto& a = out.autoscale_settings[i];
    const auto& file = out.autoscale_places[i].file;
    auto where =
        json_child(json_child(out.autoscale_places[i].path, "properties"),
                   "targetResourceUri");
    const auto& uri = a.model.properties().target_resource_uri();
    resource_id id;
    if (!parse_resource_id(uri, id) || !is_of_type(id, scale_set_type)) {
      errors.push_back({file, where,
                        quote_json(uri) +
                            " is not a scale set's resource id "
                            "(/subscriptions/…/providers/" +
                            std::string(scale_set_type) + "/NAME)"});
      continue;
    }
    bool found = std::any_of(
        set_names.begin(), set_names.end(),
        [&](const std::string& n) { return same_ignoring_case(n, id.name); });
    if (!found) {
      auto close = did_you_mean(id.name, set_names);
      (complete ? errors : warnings)
          .push_back(
              {file, where,
               "names scale set " + quote_json(id.name) +
                   (complete ? ", which is not in the scenario"
                             : ", which is not in this file") +
                   (close.empty() ? "" : " (did you mean " + close + "?)")});
    }
  }
}

document_kind kind_of(const json& document) {
  if (!document.is_object())
    return document_kind::not_azure;
  if (arm::is_template(document))
    return document_kind::template_file;
  if (arm::is_parameters_file(document))
    return document_kind::parameters_file;
  const auto* parameters = member(document, "parameters");
  std::string key;
  if (parameters && parameters->is_object() && member(document, "responses") &&
      example_body(*parameters, key))
    return document_kind::rest_example;
  if (member(document, "type") || !type_from_shape(document).empty())
    return document_kind::rest_body;
  return document_kind::not_azure;
}

std::optional<rest_document> find_rest_body(const json& document) {
  rest_document out;
  const json* body = &document;
  const json* example = nullptr;
  if (kind_of(document) == document_kind::rest_example) {
    example = member(document, "parameters");
    std::string key;
    body = example_body(*example, key);
    out.path = json_child("parameters", key);
  }
  out.body = body;
  out.type = string_member(*body, "type");
  if (out.type.empty())
    out.type = type_from_shape(*body);
  if (out.type.empty())
    return std::nullopt;
  out.name = string_member(*body, "name");
  if (out.name.empty() && example) {
    auto key = example_name_keys().find(ascii_lower(out.type));
    if (key != example_name_keys().end())
      out.name = string_member(*example, key->second);
  }
  return out;
}

} // namespace vmss::input::azure
