#include "input/scenario_azure.hpp"

#include "input/azure/azure_file.hpp"
#include "input/azure/resource_id.hpp"
#include "kernel/numbers.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace vmss::input {

namespace {

using json = nlohmann::ordered_json;
namespace sc = vmss::scenario;
namespace az = azure;

std::string resolve(const std::string& base_dir, const std::string& file) {
  std::filesystem::path p = file;
  if (p.is_relative())
    p = std::filesystem::path(base_dir) / p;
  return p.lexically_normal().string();
}

/// "West Europe" and "westeurope" are one location to Azure.
std::string location_key(std::string location) {
  location.erase(std::remove(location.begin(), location.end(), ' '),
                 location.end());
  return ascii_lower(location);
}

/// Moves item `i` of one resource list (with its place) to another.
template <class T>
void move_item(std::vector<T>& from, std::vector<az::place>& from_places,
               size_t i, std::vector<T>& to,
               std::vector<az::place>& to_places) {
  to.push_back(std::move(from[i]));
  to_places.push_back(from_places[i]);
  from.erase(from.begin() + static_cast<std::ptrdiff_t>(i));
  from_places.erase(from_places.begin() + static_cast<std::ptrdiff_t>(i));
}

/// Moves the autoscale settings of `from` that scale `scale_set` to `to`.
void move_autoscale_of(az::resources& from, const std::string& scale_set,
                       az::resources& to) {
  for (size_t i = 0; i < from.autoscale_settings.size();) {
    az::resource_id id;
    if (az::parse_resource_id(
            from.autoscale_settings[i].model.properties().target_resource_uri(),
            id) &&
        az::is_of_type(id, az::scale_set_type) &&
        same_ignoring_case(id.name, scale_set))
      move_item(from.autoscale_settings, from.autoscale_places, i,
                to.autoscale_settings, to.autoscale_places);
    else
      ++i;
  }
}

/// Moves the resources of `from` into `to`: all, or (`scale_sets` false)
/// all but the scale sets and autoscale settings, which scenario entries
/// pick one by one.
void move_all(az::resources& from, az::resources& to, bool scale_sets) {
  while (scale_sets && !from.scale_sets.empty())
    move_item(from.scale_sets, from.scale_set_places, 0, to.scale_sets,
              to.scale_set_places);
  while (scale_sets && !from.autoscale_settings.empty())
    move_item(from.autoscale_settings, from.autoscale_places, 0,
              to.autoscale_settings, to.autoscale_places);
  while (!from.load_balancers.empty())
    move_item(from.load_balancers, from.load_balancer_places, 0,
              to.load_balancers, to.load_balancer_places);
  while (!from.traffic_managers.empty())
    move_item(from.traffic_managers, from.traffic_manager_places, 0,
              to.traffic_managers, to.traffic_manager_places);
  for (auto& other : from.not_modelled)
    to.not_modelled.push_back(std::move(other));
  from.not_modelled.clear();
}

/// What one scenario's Azure entries are read with.
struct azure_reader {
  const std::string& base_dir;
  scenario_input& out;
  std::vector<located_diagnostic>& errors;
  /// Templates whose resources besides the picked ones were added.
  std::set<std::string> templates_added;

  void fail(const std::string& file, const std::string& path,
            const std::string& reason) {
    errors.push_back({file, path, reason});
  }

  /// Errors, warnings and not-modelled paths of a read of `file`.
  void absorb(const std::string& file, const read_report& r) {
    for (const auto& e : r.errors)
      errors.push_back({file, e.path, e.reason});
    for (const auto& w : r.warnings)
      out.azure_warnings.push_back({file, w.path, w.reason});
    for (const auto& p : r.not_modelled)
      out.azure_not_modelled.push_back({file, p, ""});
  }

  /// Each `update` entry of the timeline: its merge patch over the set's
  /// body as the earlier updates left it, read as a scale-set body.
  void updates(const json& document) {
    const auto& timeline = out.spec.timeline();
    std::vector<json> bodies;
    for (const auto& set : out.azure.scale_sets)
      bodies.push_back(set.body);
    for (int i = 0; i < timeline.size(); ++i) {
      const auto& e = timeline[i];
      if (e.action_case() != sc::TimelineEntry::kOperation ||
          e.operation() != sc::update)
        continue;
      auto path = entry_path("timeline", static_cast<size_t>(i));
      const auto& sets = out.azure.scale_sets;
      auto set = std::find_if(sets.begin(), sets.end(), [&](const auto& x) {
        return x.name == e.target();
      });
      const auto& patch = document.at("timeline")
                              .at(static_cast<size_t>(i))
                              .value("body", json());
      if (set == sets.end() || !patch.is_object())
        continue; // the timeline's check says what is wrong
      auto index = static_cast<size_t>(set - sets.begin());
      nlohmann::ordered_json merged;
      az::scale_set model;
      auto r = merge_update(*set, bodies[index], patch, path, merged, model);
      // Its not-modelled paths are the body's, listed once already.
      for (const auto& d : r.errors)
        fail(out.label, d.path, d.reason);
      for (const auto& w : r.warnings)
        out.azure_warnings.push_back({out.label, w.path, w.reason});
      bodies[index] = merged;
      out.updates.push_back({static_cast<size_t>(i), index, std::move(model)});
    }
  }

  /// One entry of scaleSets (`type` scale_set_type) or autoscaleSettings.
  void entry(const json& raw, const sc::AzureResource& e,
             const std::string& path, const std::string& type) {
    if (e.source_case() == sc::AzureResource::kBody)
      body(raw.at("body"), e, path, type);
    else if (e.source_case() == sc::AzureResource::kTemplate)
      from_template(raw, e, path, type);
    else
      fail(out.label, path,
           "give body (the REST body, inline or a file) "
           "or template (an ARM template file)");
  }

  void body(const json& given, const sc::AzureResource& e,
            const std::string& path, const std::string& type) {
    auto at = json_child(path, "body");
    for (auto [wrong, key] : {std::pair{e.has_parameters(), "parameters"},
                              {!e.parameters_file().empty(), "parametersFile"}})
      if (wrong)
        fail(out.label, json_child(path, key), "only with template");
    json document;
    std::string file = out.label;
    if (given.is_string()) {
      file = resolve(base_dir, given.get<std::string>());
      std::vector<diagnostic> read_errors;
      document = az::read_json_file(file, read_errors);
      if (document.is_discarded()) {
        for (const auto& d : read_errors)
          fail(file, d.path, d.reason);
        return;
      }
      at.clear();
    } else if (given.is_object()) {
      document = given;
    } else {
      fail(out.label, at,
           "is not an object (the REST body) or a string (its file)");
      return;
    }
    auto kind = az::kind_of(document);
    if (kind == az::document_kind::template_file ||
        kind == az::document_kind::parameters_file) {
      fail(file, at,
           kind == az::document_kind::template_file
               ? "is an ARM template: give it as \"template\""
               : "is an ARM parameters file, not a REST body");
      return;
    }
    const json* b = &document;
    std::string name = e.name();
    if (kind == az::document_kind::rest_example) {
      auto found = az::find_rest_body(document);
      if (found) {
        b = found->body;
        at = json_child(at, found->path);
        if (name.empty())
          name = found->name;
      }
    }
    if (b->is_object() && b->contains("type") && (*b)["type"].is_string() &&
        !same_ignoring_case((*b)["type"].get<std::string>(), type)) {
      fail(file, json_child(at, "type"),
           quote_json((*b)["type"].get<std::string>()) + " is not " + type);
      return;
    }
    if (b->is_object() && b->contains("name") && (*b)["name"].is_string()) {
      auto own = (*b)["name"].get<std::string>();
      if (!e.name().empty() && !same_ignoring_case(own, e.name()))
        fail(out.label, json_child(path, "name"),
             quote_json(e.name()) + " is not the body's name " +
                 quote_json(own));
      if (name.empty())
        name = own;
    }
    if (name.empty()) {
      fail(out.label, json_child(path, "name"),
           "missing (the body has no name)");
      return;
    }
    read_report r;
    az::resources found;
    az::add_resource(type, *b, {file, at}, name, found, r);
    absorb(file, r);
    move_all(found, out.azure, true);
  }

  void from_template(const json& raw, const sc::AzureResource& e,
                     const std::string& path, const std::string& type) {
    auto file = resolve(base_dir, e.template_());
    std::vector<diagnostic> read_errors;
    auto document = az::read_json_file(file, read_errors);
    if (document.is_discarded()) {
      for (const auto& d : read_errors)
        fail(file, d.path, d.reason);
      return;
    }
    if (az::kind_of(document) != az::document_kind::template_file) {
      fail(file, "",
           "is not an ARM template ($schema deploymentTemplate "
           "and resources)");
      return;
    }
    arm::deployment_inputs in;
    in.context.location = out.region.name;
    if (!e.parameters_file().empty()) {
      auto pfile = resolve(base_dir, e.parameters_file());
      std::vector<diagnostic> perrors;
      in.file = az::read_json_file(pfile, perrors);
      for (const auto& d : perrors)
        fail(pfile, d.path, d.reason);
      if (in.file.is_discarded())
        return;
      in.file_label = pfile;
    }
    if (raw.contains("parameters"))
      for (const auto& [key, v] : raw.at("parameters").items())
        in.given.emplace_back(key, v);
    in.given_label = out.label + ": " + json_child(path, "parameters");
    read_report r;
    auto d = arm::expand(document, in, r);
    az::resources found;
    if (r.errors.empty())
      az::add_deployment(d, file, found, r);
    absorb(file, r);
    if (!r.errors.empty())
      return;
    pick(found, e.name(), file, path, type);
  }

  /// The resource of `type` named `name` (or the only one) out of a
  /// template's, with the template's autoscale settings of a picked scale
  /// set; its load balancers, Traffic Manager profiles and what is not
  /// modelled join once per template.
  void pick(az::resources& found, const std::string& name,
            const std::string& file, const std::string& path,
            const std::string& type) {
    auto choose = [&](auto& list, auto& places, auto& to, auto& to_places) {
      std::vector<std::string> names;
      for (const auto& x : list)
        names.push_back(x.name);
      size_t index = list.size();
      if (name.empty() && list.size() == 1)
        index = 0;
      for (size_t i = 0; i < list.size() && !name.empty(); ++i)
        if (same_ignoring_case(list[i].name, name))
          index = i;
      if (index == list.size()) {
        std::string all;
        for (const auto& n : names)
          all += (all.empty() ? "" : ", ") + n;
        fail(out.label, json_child(path, name.empty() ? "template" : "name"),
             file + " deploys " + std::to_string(list.size()) + " " + type +
                 (list.empty() ? ""
                  : name.empty()
                      ? " (" + all + "): give name to pick one"
                      : " (" + all + "), none named " + quote_json(name)));
        return;
      }
      move_item(list, places, index, to, to_places);
    };
    if (type == az::scale_set_type) {
      auto before = out.azure.scale_sets.size();
      choose(found.scale_sets, found.scale_set_places, out.azure.scale_sets,
             out.azure.scale_set_places);
      if (out.azure.scale_sets.size() > before)
        move_autoscale_of(found, out.azure.scale_sets.back().name, out.azure);
    } else
      choose(found.autoscale_settings, found.autoscale_places,
             out.azure.autoscale_settings, out.azure.autoscale_places);
    if (templates_added.insert(file).second)
      move_all(found, out.azure, false);
  }

  /// The region `location` names, or regions.size().
  size_t region_named(const std::string& location) const {
    for (size_t k = 0; k < out.regions.size(); ++k)
      if (location_key(location) == location_key(out.regions[k].name))
        return k;
    return out.regions.size();
  }

  std::string region_names() const {
    std::string all;
    for (const auto& r : out.regions)
      all += (all.empty() ? "" : ", ") + r.name;
    return all;
  }

  /// Scale sets in this scenario's regions and their zones.
  void place_scale_sets() {
    for (size_t i = 0; i < out.azure.scale_sets.size(); ++i) {
      const auto& set = out.azure.scale_sets[i];
      const auto& where = out.azure.scale_set_places[i];
      if (!plain_name(set.name))
        fail(where.file, json_child(where.path, "name"),
             quote_json(set.name) + " " + plain_name_rule);
      auto k = region_named(set.model.location());
      if (k == out.regions.size()) {
        fail(where.file, json_child(where.path, "location"),
             quote_json(set.model.location()) + " is not " +
                 (out.regions.size() == 1 ? "this scenario's region ("
                                          : "a region of this scenario (") +
                 region_names() + ")");
        k = 0;
      }
      out.set_region.push_back(k);
      const auto& r = out.regions[k];
      std::vector<uint32_t> zones;
      for (int k = 0; k < set.model.zones_size(); ++k) {
        uint64_t zone = 0;
        // Zones that are not Azure's the scale-set reader refused.
        if (!parse_uint(set.model.zones(k), 1, 3, zone))
          continue;
        if (zone > r.zones)
          fail(where.file,
               json_index(json_child(where.path, "zones"),
                          static_cast<size_t>(k)),
               quote_json(set.model.zones(k)) +
                   " is not a zone of this region (1 to " +
                   std::to_string(r.zones) + ")");
        zones.push_back(static_cast<uint32_t>(zone));
      }
      if (zones.empty())
        for (uint32_t z = 1; z <= r.zones; ++z)
          zones.push_back(z);
      out.zones.push_back(std::move(zones));
    }
  }

  /// Whether one of the set's NICs is in a backend pool of load balancer
  /// `name`.
  static bool uses_load_balancer(const az::scale_set& set,
                                 const std::string& name) {
    const auto& network =
        set.model.properties().virtual_machine_profile().network_profile();
    for (const auto& nic : network.network_interface_configurations())
      for (const auto& ip : nic.properties().ip_configurations())
        for (const auto& ref :
             ip.properties().load_balancer_backend_address_pools()) {
          az::resource_id id;
          if (az::parse_resource_id(ref.id(), id) &&
              same_ignoring_case(id.name.substr(0, id.name.find('/')), name))
            return true;
        }
    return false;
  }

  /// Each load balancer's region: its location, else the region of the
  /// first scale set whose NICs name it, else the first region.
  void place_load_balancers() {
    const auto& lbs = out.azure.load_balancers;
    for (size_t i = 0; i < lbs.size(); ++i) {
      const auto& location = lbs[i].model.location();
      size_t k = out.regions.size();
      if (!location.empty()) {
        k = region_named(location);
        if (k == out.regions.size() && out.regions.size() > 1)
          fail(out.azure.load_balancer_places[i].file,
               json_child(out.azure.load_balancer_places[i].path, "location"),
               quote_json(location) + " is not a region of this scenario (" +
                   region_names() + ")");
      }
      for (size_t s = 0;
           s < out.azure.scale_sets.size() && k == out.regions.size(); ++s)
        if (uses_load_balancer(out.azure.scale_sets[s], lbs[i].name))
          k = out.set_region[s];
      out.lb_region.push_back(k == out.regions.size() ? 0 : k);
    }
  }

  /// The load balancer a Traffic Manager endpoint's targetResourceId
  /// names: a load balancer, or a public IP address one of its frontends
  /// uses; lbs.size() when none.
  size_t endpoint_lb(const std::string& target) const {
    az::resource_id id;
    const auto& lbs = out.azure.load_balancers;
    if (!az::parse_resource_id(target, id))
      return lbs.size();
    for (size_t i = 0; i < lbs.size(); ++i) {
      if (az::is_of_type(id, az::load_balancer_type) &&
          same_ignoring_case(id.name, lbs[i].name))
        return i;
      for (const auto& f :
           lbs[i].model.properties().frontend_ip_configurations()) {
        az::resource_id pip;
        if (az::parse_resource_id(f.properties().public_ip_address().id(),
                                  pip) &&
            az::same_resource(pip, id))
          return i;
      }
    }
    return lbs.size();
  }

  /// Traffic Manager profiles: a routing method the model runs, and each
  /// endpoint reaching a load balancer of the scenario.
  void place_traffic_managers() {
    namespace an = vmss::azure::network;
    const auto& tms = out.azure.traffic_managers;
    for (size_t i = 0; i < tms.size(); ++i) {
      const auto& where = out.azure.traffic_manager_places[i];
      const auto& p = tms[i].model.properties();
      if (!plain_name(tms[i].name))
        fail(where.file, json_child(where.path, "name"),
             quote_json(tms[i].name) + " " + plain_name_rule);
      auto method = p.traffic_routing_method();
      if (method != an::ProfileProperties::Priority &&
          method != an::ProfileProperties::Weighted)
        fail(where.file,
             json_child(where.path, "properties.trafficRoutingMethod"),
             quote_json(
                 an::ProfileProperties::TrafficRoutingMethod_Name(method)) +
                 " is not simulated (Priority and Weighted are)");
      std::vector<size_t> lbs;
      for (int e = 0; e < p.endpoints_size(); ++e) {
        const auto& ep = p.endpoints(e);
        auto at = json_child(
            json_index(json_child(where.path, "properties.endpoints"),
                       static_cast<size_t>(e)),
            "properties.targetResourceId");
        auto lb = endpoint_lb(ep.properties().target_resource_id());
        if (lb == out.azure.load_balancers.size()) {
          fail(where.file, at,
               (ep.properties().has_target_resource_id()
                    ? quote_json(ep.properties().target_resource_id())
                    : std::string("missing: the endpoint")) +
                   " names no load balancer of this scenario (directly or "
                   "through a public IP address of its frontends)");
          lb = 0;
        }
        lbs.push_back(lb);
      }
      out.tm_endpoint_lbs.push_back(std::move(lbs));
    }
  }
};

} // namespace

read_report
merge_update(const azure::scale_set& set, const nlohmann::ordered_json& body,
             const nlohmann::ordered_json& patch, const std::string& path,
             nlohmann::ordered_json& merged, azure::scale_set& model) {
  merged = body;
  merged.merge_patch(patch);
  read_report r;
  model = azure::read_scale_set(merged, json_child(path, "body"), set.name, r);
  if (!same_ignoring_case(model.name, set.name))
    r.errors.push_back(
        {json_child(path, "body.name"),
         "an update cannot rename the scale set " + quote_json(set.name)});
  return r;
}

void read_scenario_azure(const json& document, const std::string& base_dir,
                         scenario_input& out,
                         std::vector<located_diagnostic>& errors) {
  azure_reader reader{base_dir, out, errors, {}};
  const auto& spec = out.spec;
  for (int i = 0; i < spec.scale_sets_size(); ++i) {
    auto path = entry_path("scaleSets", static_cast<size_t>(i));
    auto before = out.azure.scale_sets.size();
    reader.entry(document.at("scaleSets").at(static_cast<size_t>(i)),
                 spec.scale_sets(i), path, az::scale_set_type);
    auto at = spec.scale_sets(i).has_create_at_ns()
                  ? spec.scale_sets(i).create_at_ns()
                  : seconds(1);
    if (at >= spec.duration_ns())
      reader.fail(out.label, json_child(path, "createAt"),
                  format_duration(at) + " is not within the run (0s to " +
                      format_duration(spec.duration_ns()) + ")");
    if (out.azure.scale_sets.size() > before)
      out.create_at.push_back(at);
  }
  // The other resources' entries: as scale sets', without createAt.
  auto others = [&](const char* field, const auto& entries,
                    const std::string& type) {
    for (int i = 0; i < entries.size(); ++i) {
      auto path = entry_path(field, static_cast<size_t>(i));
      if (entries[i].has_create_at_ns())
        reader.fail(out.label, json_child(path, "createAt"),
                    "only for scale sets");
      reader.entry(document.at(field).at(static_cast<size_t>(i)), entries[i],
                   path, type);
    }
  };
  others("autoscaleSettings", spec.autoscale_settings(), az::autoscale_type);
  others("loadBalancers", spec.load_balancers(), az::load_balancer_type);
  others("trafficManagers", spec.traffic_managers(), az::traffic_manager_type);
  reader.place_scale_sets();
  reader.place_load_balancers();
  reader.place_traffic_managers();
  az::check_references(out.azure, true, errors, out.azure_warnings);
  reader.updates(document);
}

} // namespace vmss::input
