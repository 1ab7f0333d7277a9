#include "input/azure/network.hpp"

#include <cctype>
#include <map>
#include <set>
#include <tuple>

namespace vmss::input::azure {

namespace {

using json = nlohmann::ordered_json;
namespace net = vmss::azure::network;

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words)
    out += (out.empty() ? "" : ", ") + w;
  return out;
}

/// Where one read appends: the report and the defaulted paths.
struct sink {
  read_report& report;
  std::vector<std::string>& defaulted;

  void fail(const std::string& path, const std::string& reason) {
    report.errors.push_back({path, reason});
  }
  void warn(const std::string& path, const std::string& reason) {
    report.warnings.push_back({path, reason});
  }
  /// Whether a default fills `path`: not where the reader refused the
  /// value given; else the path is recorded as defaulted.
  bool fill(const std::string& path) {
    for (const auto& e : report.errors)
      if (e.path == path)
        return false;
    defaulted.push_back(path);
    return true;
  }
  /// A field a rule needs is missing: said once, and not when the reader
  /// already refused the value given there.
  void missing(const std::string& path, const std::string& why) {
    for (const auto& e : report.errors)
      if (e.path == path)
        return;
    fail(path, "missing (" + why + ")");
  }
};

/// The body's own name, else the caller's (a body without one is named by
/// its REST URL or by its template resource).
std::string name_of(std::string given, const std::string& fallback) {
  return given.empty() ? fallback : given;
}

/// A top-level "type" must be the resource's own when given.
void check_type(const std::string& type, const std::string& expected,
                const std::string& path, sink& out) {
  if (!type.empty() && ascii_lower(type) != ascii_lower(expected))
    out.fail(json_child(path, "type"),
             quote_json(type) + " is not " + expected);
}

/// Each item's name once in its collection (Azure's names are unique
/// within a collection and, like resource ids, ignore letter case).
/// Returns the names in order.
template <typename Items>
std::vector<std::string> unique_names(const Items& items,
                                      const std::string& path, sink& out) {
  std::vector<std::string> names;
  std::map<std::string, size_t> first;
  for (int i = 0; i < items.size(); ++i) {
    const auto& name = items.Get(i).name();
    names.push_back(name);
    auto [it, fresh] = first.emplace(ascii_lower(name), i);
    if (!fresh && !name.empty())
      out.fail(json_child(json_index(path, i), "name"),
               quote_json(name) + " is also the name of " +
                   json_index(path, it->second) + " (names are unique)");
  }
  return names;
}

std::vector<std::string> id_segments(const std::string& id) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= id.size()) {
    auto slash = id.find('/', start);
    if (slash == std::string::npos)
      slash = id.size();
    if (slash > start)
      out.push_back(id.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

/// One collection of a load balancer that rules refer into.
struct collection {
  std::string json_name; ///< "probes"
  std::string noun;      ///< "probe"
  std::vector<std::string> names;
};

/// Checks that `ref.id` names an item of `c` of this load balancer: the
/// id's last four segments are loadBalancers/LB/COLLECTION/ITEM, whether it
/// is a full resource id (what resourceId() and concat(lbId, '/probes/x')
/// evaluate to) or relative ("Microsoft.Network/loadBalancers/...").
void check_reference(const net::SubResource& ref, const std::string& path,
                     const collection& c, const std::string& lb_name,
                     sink& out) {
  auto where = json_child(path, "id");
  auto seg = id_segments(ref.id());
  size_t n = seg.size();
  if (n < 4 || ascii_lower(seg[n - 4]) != "loadbalancers" ||
      ascii_lower(seg[n - 2]) != ascii_lower(c.json_name)) {
    out.fail(where, quote_json(ref.id()) + " is not the id of a " + c.noun +
                        " (…/loadBalancers/NAME/" + c.json_name + "/NAME)");
    return;
  }
  if (!lb_name.empty() && ascii_lower(seg[n - 3]) != ascii_lower(lb_name)) {
    out.fail(where, "names load balancer " + quote_json(seg[n - 3]) +
                        ", not this one (" + quote_json(lb_name) + ")");
    return;
  }
  for (const auto& name : c.names)
    if (ascii_lower(name) == ascii_lower(seg[n - 1]))
      return;
  out.fail(where, "names " + c.noun + " " + quote_json(seg[n - 1]) +
                      ", which this load balancer does not have (" +
                      (c.names.empty() ? "it has none"
                                       : c.json_name + ": " + joined(c.names)) +
                      ")");
}

void default_sku(net::LoadBalancer& lb, const std::string& path, sink& out) {
  auto* sku = lb.mutable_sku();
  auto sku_path = json_child(path, "sku");
  if (!sku->has_name() && out.fill(json_child(sku_path, "name")))
    sku->set_name(net::LoadBalancerSku::Basic);
  if (!sku->has_tier() && out.fill(json_child(sku_path, "tier")))
    sku->set_tier(net::LoadBalancerSku::Regional);
  if (sku->name() == net::LoadBalancerSku::Basic)
    out.warn(json_child(sku_path, "name"),
             "Basic load balancers were retired on 30 September 2025 "
             "(Azure's notice); simulated as given");
  if (sku->tier() == net::LoadBalancerSku::Global &&
      sku->name() != net::LoadBalancerSku::Standard)
    out.fail(json_child(sku_path, "tier"),
             "Global (cross-region) needs the Standard SKU");
}

/// Ports an HTTP(S) probe may not use (Azure's probe documentation).
bool http_probe_port_refused(int port) {
  static const std::set<int> refused{19, 21, 25, 70, 110, 119, 143, 220, 993};
  return refused.count(port) > 0;
}

void check_probe(net::ProbeProperties& p, const std::string& path,
                 net::LoadBalancerSku::Name sku, sink& out) {
  using P = net::ProbeProperties;
  bool http = p.protocol() == P::Http || p.protocol() == P::Https;
  if (http && !p.has_request_path())
    out.missing(json_child(path, "requestPath"),
                "required for Http and Https probes");
  if (p.protocol() == P::Tcp && p.has_request_path())
    out.fail(json_child(path, "requestPath"), "is not allowed for a Tcp probe");
  if (http && http_probe_port_refused(p.port()))
    out.fail(json_child(path, "port"),
             std::to_string(p.port()) +
                 " cannot be probed over HTTP(S) (Azure refuses 19, 21, 25, "
                 "70, 110, 119, 143, 220, 993)");
  if (p.protocol() == P::Https && sku == net::LoadBalancerSku::Basic)
    out.fail(json_child(path, "protocol"),
             "Https probes need the Standard SKU (Basic has Tcp and Http)");
  if (p.has_number_of_probes() && !p.has_probe_threshold())
    out.warn(json_child(path, "numberOfProbes"),
             "is retired (from api-version 2022-05-01 probeThreshold counts; "
             "support ends 1 September 2027): the model uses probeThreshold");
  if (!p.has_interval_in_seconds() &&
      out.fill(json_child(path, "intervalInSeconds")))
    p.set_interval_in_seconds(15);
  if (!p.has_probe_threshold() && out.fill(json_child(path, "probeThreshold")))
    p.set_probe_threshold(1);
  if (!p.has_no_healthy_backends_behavior() &&
      out.fill(json_child(path, "noHealthyBackendsBehavior")))
    p.set_no_healthy_backends_behavior(P::AllProbedDown);
}

/// The collections a rule refers into, by the load balancer's names.
struct lb_collections {
  collection frontends{
      "frontendIPConfigurations", "frontend IP configuration", {}};
  collection pools{"backendAddressPools", "backend address pool", {}};
  collection probes{"probes", "probe", {}};
};

void default_rule(net::LoadBalancingRuleProperties& r, const std::string& path,
                  sink& out) {
  using R = net::LoadBalancingRuleProperties;
  auto mark = [&](const char* key) { return out.fill(json_child(path, key)); };
  if (!r.has_load_distribution() && mark("loadDistribution"))
    r.set_load_distribution(R::Default);
  if (!r.has_idle_timeout_in_minutes() && mark("idleTimeoutInMinutes"))
    r.set_idle_timeout_in_minutes(4);
  if (!r.has_enable_floating_ip() && mark("enableFloatingIP"))
    r.set_enable_floating_ip(false);
  if (!r.has_enable_tcp_reset() && mark("enableTcpReset"))
    r.set_enable_tcp_reset(false);
  if (!r.has_disable_outbound_snat() && mark("disableOutboundSnat"))
    r.set_disable_outbound_snat(false);
}

void check_rule(const net::LoadBalancingRuleProperties& r,
                const std::string& path, const lb_collections& c,
                const std::string& lb_name, sink& out) {
  if (r.has_frontend_ip_configuration())
    check_reference(r.frontend_ip_configuration(),
                    json_child(path, "frontendIPConfiguration"), c.frontends,
                    lb_name, out);
  if (r.has_backend_address_pool())
    check_reference(r.backend_address_pool(),
                    json_child(path, "backendAddressPool"), c.pools, lb_name,
                    out);
  for (int i = 0; i < r.backend_address_pools_size(); ++i)
    check_reference(r.backend_address_pools(i),
                    json_index(json_child(path, "backendAddressPools"), i),
                    c.pools, lb_name, out);
  if (r.has_probe())
    check_reference(r.probe(), json_child(path, "probe"), c.probes, lb_name,
                    out);
}

/// The last segment of a reference id, letter case ignored ("" if none).
std::string referenced_item(const net::SubResource& ref) {
  auto seg = id_segments(ref.id());
  return seg.empty() ? "" : ascii_lower(seg.back());
}

void check_rules(net::LoadBalancerProperties& props, const std::string& path,
                 const lb_collections& c, const std::string& lb_name,
                 sink& out) {
  auto rules_path = json_child(path, "loadBalancingRules");
  // Port numbers are unique per frontend and protocol (REST spec,
  // frontendPort).
  std::map<std::tuple<std::string, int, int>, size_t> ports;
  for (int i = 0; i < props.load_balancing_rules_size(); ++i) {
    auto* rule = props.mutable_load_balancing_rules(i);
    if (!rule->has_properties())
      continue; // reported missing by the reader
    auto where = json_child(json_index(rules_path, i), "properties");
    auto& r = *rule->mutable_properties();
    check_rule(r, where, c, lb_name, out);
    default_rule(r, where, out);
    auto key =
        std::make_tuple(referenced_item(r.frontend_ip_configuration()),
                        static_cast<int>(r.protocol()), r.frontend_port());
    auto [it, fresh] = ports.emplace(key, i);
    if (!fresh)
      out.fail(json_child(where, "frontendPort"),
               std::to_string(r.frontend_port()) +
                   " is already used with this frontend and protocol by " +
                   json_index(rules_path, it->second) +
                   " (ports are unique per frontend and protocol)");
  }
}

void check_load_balancer(net::LoadBalancer& lb, const std::string& path,
                         sink& out) {
  check_type(lb.type(), "Microsoft.Network/loadBalancers", path, out);
  default_sku(lb, path, out);
  if (!lb.has_properties())
    return;
  auto path_props = json_child(path, "properties");
  auto& props = *lb.mutable_properties();
  lb_collections c;
  c.frontends.names =
      unique_names(props.frontend_ip_configurations(),
                   json_child(path_props, "frontendIPConfigurations"), out);
  c.pools.names =
      unique_names(props.backend_address_pools(),
                   json_child(path_props, "backendAddressPools"), out);
  c.probes.names =
      unique_names(props.probes(), json_child(path_props, "probes"), out);
  unique_names(props.load_balancing_rules(),
               json_child(path_props, "loadBalancingRules"), out);
  auto probes_path = json_child(path_props, "probes");
  for (int i = 0; i < props.probes_size(); ++i)
    if (props.probes(i).has_properties())
      check_probe(*props.mutable_probes(i)->mutable_properties(),
                  json_child(json_index(probes_path, i), "properties"),
                  lb.sku().name(), out);
  check_rules(props, path_props, c, lb.name(), out);
}

} // namespace

load_balancer read_load_balancer(const nlohmann::ordered_json& body,
                                 const std::string& path,
                                 const std::string& name, read_report& report) {
  load_balancer out;
  read_options azure;
  azure.azure = true;
  read_message(body, out.model, path, report, azure);
  out.name = name_of(out.model.name(), name);
  out.model.set_name(out.name);
  // Rules are checked on what could be read (a body that is not an object
  // has nothing more to check).
  if (body.is_object()) {
    sink s{report, out.defaulted};
    check_load_balancer(out.model, path, s);
  }
  return out;
}

namespace {

/// Traffic Manager endpoint types: the last segment, as Azure spells it.
const std::vector<std::string>& endpoint_kinds() {
  static const std::vector<std::string> kinds{
      "azureEndpoints", "externalEndpoints", "nestedEndpoints"};
  return kinds;
}

const std::string endpoint_type_prefix =
    "Microsoft.Network/trafficManagerProfiles/";

/// Writes the endpoint's full type name; the short form ("azureEndpoints")
/// is read with a warning. Returns the kind's short name, empty if unknown.
std::string endpoint_kind(net::Endpoint& e, const std::string& path,
                          sink& out) {
  auto given = ascii_lower(e.type());
  bool full = given.rfind(ascii_lower(endpoint_type_prefix), 0) == 0;
  auto last = full ? given.substr(endpoint_type_prefix.size()) : given;
  for (const auto& kind : endpoint_kinds()) {
    if (ascii_lower(kind) != last)
      continue;
    if (!full)
      out.warn(json_child(path, "type"),
               "read as " + endpoint_type_prefix + kind);
    e.set_type(endpoint_type_prefix + kind);
    return kind;
  }
  if (!e.type().empty())
    out.fail(json_child(path, "type"), quote_json(e.type()) +
                                           " is not an endpoint type (" +
                                           endpoint_type_prefix +
                                           "azureEndpoints, externalEndpoints "
                                           "or nestedEndpoints)");
  return "";
}

void default_monitor_timing(net::MonitorConfig& m, const std::string& path,
                            sink& out) {
  auto interval_path = json_child(path, "intervalInSeconds");
  if (!m.has_interval_in_seconds() && out.fill(interval_path))
    m.set_interval_in_seconds(30);
  bool fast = m.interval_in_seconds() == 10;
  if (m.has_interval_in_seconds() && !fast && m.interval_in_seconds() != 30)
    out.fail(interval_path,
             std::to_string(m.interval_in_seconds()) +
                 " is not 30 (normal probing) or 10 (fast probing)");
  int64_t longest = fast ? 9 : 10;
  auto timeout_path = json_child(path, "timeoutInSeconds");
  if (!m.has_timeout_in_seconds() && out.fill(timeout_path))
    m.set_timeout_in_seconds(longest);
  if (m.has_timeout_in_seconds() &&
      (m.timeout_in_seconds() < 5 || m.timeout_in_seconds() > longest))
    out.fail(timeout_path, std::to_string(m.timeout_in_seconds()) +
                               " is out of range (5 to " +
                               std::to_string(longest) +
                               " with an interval of " +
                               std::to_string(m.interval_in_seconds()) + " s)");
  if (!m.has_tolerated_number_of_failures() &&
      out.fill(json_child(path, "toleratedNumberOfFailures")))
    m.set_tolerated_number_of_failures(3);
}

/// At most eight custom headers and eight status code ranges (Azure's
/// monitoring documentation).
constexpr int max_monitor_list = 8;

void check_monitor(net::MonitorConfig& m, const std::string& path, sink& out) {
  using M = net::MonitorConfig;
  bool http = m.protocol() == M::HTTP || m.protocol() == M::HTTPS;
  if (http && !m.has_path())
    out.missing(json_child(path, "path"),
                "required for HTTP and HTTPS monitoring");
  if (m.protocol() == M::TCP && m.has_path())
    out.fail(json_child(path, "path"), "is not allowed for TCP monitoring");
  default_monitor_timing(m, path, out);
  if (m.custom_headers_size() > max_monitor_list)
    out.fail(json_child(path, "customHeaders"),
             "has " + std::to_string(m.custom_headers_size()) +
                 " headers (at most 8)");
  auto ranges_path = json_child(path, "expectedStatusCodeRanges");
  if (m.expected_status_code_ranges_size() > max_monitor_list)
    out.fail(ranges_path,
             "has " + std::to_string(m.expected_status_code_ranges_size()) +
                 " ranges (at most 8)");
  for (int i = 0; i < m.expected_status_code_ranges_size(); ++i) {
    const auto& r = m.expected_status_code_ranges(i);
    if (r.min() > r.max())
      out.fail(json_child(json_index(ranges_path, i), "max"),
               std::to_string(r.max()) + " is below min " +
                   std::to_string(r.min()));
  }
  if (m.protocol() == M::TCP && m.expected_status_code_ranges_size() > 0)
    out.warn(ranges_path, "applies to HTTP and HTTPS only: ignored for TCP");
  if (http && m.expected_status_code_ranges_size() == 0 &&
      out.fill(ranges_path)) {
    auto* ok = m.add_expected_status_code_ranges();
    ok->set_min(200);
    ok->set_max(200);
  }
}

void check_endpoint(net::Endpoint& e, const std::string& path,
                    net::ProfileProperties::TrafficRoutingMethod method,
                    sink& out) {
  auto kind = endpoint_kind(e, path, out);
  if (!e.has_properties())
    return;
  auto where = json_child(path, "properties");
  auto& p = *e.mutable_properties();
  bool external = kind == "externalEndpoints";
  if (!kind.empty() && !external && !p.has_target_resource_id())
    out.missing(json_child(where, "targetResourceId"), "required for " + kind);
  if (external && p.has_target_resource_id())
    out.fail(json_child(where, "targetResourceId"),
             "is not allowed for externalEndpoints (give target)");
  if (external && !p.has_target())
    out.missing(json_child(where, "target"), "required for externalEndpoints");
  using T = net::ProfileProperties;
  if (method == T::Performance && !kind.empty() && kind != "azureEndpoints" &&
      !p.has_endpoint_location())
    out.missing(json_child(where, "endpointLocation"),
                "required for " + kind + " under Performance routing");
  if (method == T::Geographic && p.geo_mapping_size() == 0)
    out.missing(json_child(where, "geoMapping"),
                "every endpoint needs regions under Geographic routing");
  if (method == T::MultiValue && !kind.empty() && !external)
    out.fail(json_child(path, "type"),
             "MultiValue routing takes externalEndpoints only");
  if (!p.has_endpoint_status() && out.fill(json_child(where, "endpointStatus")))
    p.set_endpoint_status(net::EndpointStatus::Enabled);
  if (!p.has_always_serve() && out.fill(json_child(where, "alwaysServe")))
    p.set_always_serve(net::AlwaysServe::Disabled);
  if (method == T::Weighted && !p.has_weight() &&
      out.fill(json_child(where, "weight")))
    p.set_weight(1);
}

/// Under Priority routing: priorities on all endpoints or none (then 1, 2,
/// ... in endpoint order), never two alike (REST spec, priority).
void check_priorities(net::ProfileProperties& props, const std::string& path,
                      sink& out) {
  auto property_path = [&](int i) {
    return json_child(json_child(json_index(path, i), "properties"),
                      "priority");
  };
  int given = 0;
  for (const auto& e : props.endpoints())
    given += e.properties().has_priority() ? 1 : 0;
  std::map<int64_t, int> first;
  for (int i = 0; i < props.endpoints_size(); ++i) {
    if (!props.endpoints(i).has_properties())
      continue; // reported missing by the reader
    auto* p = props.mutable_endpoints(i)->mutable_properties();
    if (given == 0) {
      if (out.fill(property_path(i)))
        p->set_priority(i + 1);
      if (i + 1 > 1000)
        out.fail(property_path(i), "a default priority past 1000 (give "
                                   "priorities, at most 1000 endpoints)");
      continue;
    }
    if (!p->has_priority()) {
      out.missing(property_path(i), "other endpoints give one: give a "
                                    "priority on all endpoints or none");
      continue;
    }
    auto [it, fresh] = first.emplace(p->priority(), i);
    if (!fresh)
      out.fail(property_path(i),
               std::to_string(p->priority()) + " is also the priority of " +
                   json_index(path, it->second) + " (priorities are unique)");
  }
}

/// Under Geographic routing a region maps to one endpoint only.
void check_geo_mapping(const net::ProfileProperties& props,
                       const std::string& path, sink& out) {
  std::map<std::string, int> owner;
  for (int i = 0; i < props.endpoints_size(); ++i) {
    const auto& codes = props.endpoints(i).properties().geo_mapping();
    auto where =
        json_child(json_child(json_index(path, i), "properties"), "geoMapping");
    for (int k = 0; k < codes.size(); ++k) {
      auto [it, fresh] = owner.emplace(ascii_lower(codes.Get(k)), i);
      if (!fresh)
        out.fail(json_index(where, k), quote_json(codes.Get(k)) +
                                           " is already mapped to " +
                                           json_index(path, it->second) +
                                           " (a region maps to one endpoint)");
    }
  }
}

void check_profile(net::TrafficManagerProfile& tm, const std::string& path,
                   sink& out) {
  check_type(tm.type(), "Microsoft.Network/trafficManagerProfiles", path, out);
  if (!tm.has_properties())
    return;
  auto where = json_child(path, "properties");
  auto& props = *tm.mutable_properties();
  if (!props.has_profile_status() &&
      out.fill(json_child(where, "profileStatus")))
    props.set_profile_status(net::ProfileStatus::Enabled);
  if (props.has_dns_config() && !props.dns_config().has_ttl() &&
      out.fill(json_child(json_child(where, "dnsConfig"), "ttl")))
    props.mutable_dns_config()->set_ttl(60);
  if (props.has_monitor_config())
    check_monitor(*props.mutable_monitor_config(),
                  json_child(where, "monitorConfig"), out);
  auto endpoints_path = json_child(where, "endpoints");
  unique_names(props.endpoints(), endpoints_path, out);
  for (int i = 0; i < props.endpoints_size(); ++i)
    check_endpoint(*props.mutable_endpoints(i), json_index(endpoints_path, i),
                   props.traffic_routing_method(), out);
  using T = net::ProfileProperties;
  if (props.traffic_routing_method() == T::Priority)
    check_priorities(props, endpoints_path, out);
  if (props.traffic_routing_method() == T::Geographic)
    check_geo_mapping(props, endpoints_path, out);
}

} // namespace

traffic_manager_profile
read_traffic_manager_profile(const nlohmann::ordered_json& body,
                             const std::string& path, const std::string& name,
                             read_report& report) {
  traffic_manager_profile out;
  read_options azure;
  azure.azure = true;
  read_message(body, out.model, path, report, azure);
  out.name = name_of(out.model.name(), name);
  out.model.set_name(out.name);
  if (body.is_object()) {
    sink s{report, out.defaulted};
    check_profile(out.model, path, s);
  }
  return out;
}

} // namespace vmss::input::azure
