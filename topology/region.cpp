#include "topology/region.hpp"

#include "kernel/numbers.hpp"
#include "kernel/size_budget.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

namespace vmss::topology {

namespace {

using json = nlohmann::json;

std::string padded(char prefix, uint32_t number, uint32_t largest) {
  auto digits = std::to_string(largest).size();
  auto text = std::to_string(number);
  return prefix +
         std::string(digits > text.size() ? digits - text.size() : 0, '0') +
         text;
}

/// Reads an object's keys into setters; any key without one is an error.
struct object_reader {
  const json& object;
  std::string where; ///< "topology.json: latency_us"

  template <class F>
  void read(const char* key, F&& apply) {
    if (!object.contains(key))
      return;
    try {
      apply(object.at(key));
    } catch (const json::exception&) {
      throw std::runtime_error(where + "." + key + ": wrong type");
    }
  }

  void reject_unknown(const std::set<std::string>& known) const {
    if (!object.is_object())
      throw std::runtime_error(where + ": must be an object");
    for (const auto& [key, value] : object.items())
      if (!known.count(key))
        throw std::runtime_error(where + "." + key + ": unknown field");
  }
};

uint32_t positive(const json& v, const std::string& field) {
  if (!v.is_number_integer() || v.get<int64_t>() < 1 ||
      v.get<int64_t>() > 1'000'000)
    throw std::runtime_error(field + ": must be a whole number from 1 to "
                                     "1000000");
  return v.get<uint32_t>();
}

/// A latency in microseconds, in whole nanoseconds (at most 3 decimals):
/// a value finer than 1 ns is an error, not rounded.
sim_time micros(const json& v, const std::string& field) {
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1e9)
    throw std::runtime_error(field + ": must be a non-negative number of "
                                     "microseconds up to 1e9");
  double nanos = v.get<double>() * 1000;
  double whole = std::round(nanos);
  if (std::abs(nanos - whole) > 1e-3)
    throw std::runtime_error(field + ": " + v.dump() +
                             " us is not a whole number of nanoseconds (at "
                             "most 3 decimals)");
  return static_cast<sim_time>(whole);
}

void read_latencies(const json& j, const std::string& where, latencies& l) {
  if (!j.is_object())
    throw std::runtime_error(where + ": must be an object");
  object_reader in{j, where};
  in.reject_unknown(
      {"same_host", "same_rack", "cross_rack", "cross_zone", "cross_region"});
  in.read("same_host",
          [&](auto& v) { l.same_host = micros(v, where + ".same_host"); });
  in.read("same_rack",
          [&](auto& v) { l.same_rack = micros(v, where + ".same_rack"); });
  in.read("cross_rack",
          [&](auto& v) { l.cross_rack = micros(v, where + ".cross_rack"); });
  in.read("cross_zone",
          [&](auto& v) { l.cross_zone = micros(v, where + ".cross_zone"); });
  in.read("cross_region", [&](auto& v) {
    l.cross_region = micros(v, where + ".cross_region");
  });
}

/// A path part "zN" (`prefix` z) as N - 1; false unless N is decimal
/// digits from 1 to 2^32 - 1.
bool parse_numbered(const std::string& part, char prefix, int64_t& index) {
  int64_t n = 0;
  if (part.size() < 2 || part[0] != prefix ||
      !parse_int(part.substr(1), 1, UINT32_MAX, n))
    return false;
  index = n - 1;
  return true;
}

/// Parses "zN" or "zN/rM" (1-based); false if malformed.
bool parse_site(const std::string& site, uint32_t& zone, int64_t& rack) {
  auto slash = site.find('/');
  int64_t z = 0;
  rack = -1;
  if (!parse_numbered(site.substr(0, slash), 'z', z) ||
      (slash != std::string::npos &&
       !parse_numbered(site.substr(slash + 1), 'r', rack)))
    return false;
  zone = static_cast<uint32_t>(z);
  return true;
}

/// A region name starts every path and appears in plans: letters, digits,
/// '-', '_' and '.' only (no '/', spaces, control characters, or the plan
/// separators ':', '+', '@', '=').
void check_name(const std::string& name) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  };
  if (name.empty() || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), allowed))
    throw std::invalid_argument(
        "region: " +
        json(name).dump(-1, ' ', true, json::error_handler_t::replace) +
        " must be 1 to 64 letters, digits, '-', '_' or '.'");
}

/// Parses JSON, refusing an object with the same key twice (nlohmann keeps
/// the last silently).
json parse_without_duplicates(std::istream& in) {
  std::vector<std::set<std::string>> keys; // of each open object
  json::parser_callback_t cb = [&](int, json::parse_event_t event,
                                   json& parsed) {
    if (event == json::parse_event_t::object_start)
      keys.emplace_back();
    else if (event == json::parse_event_t::object_end)
      keys.pop_back();
    else if (event == json::parse_event_t::key &&
             !keys.back().insert(parsed.get<std::string>()).second)
      throw std::runtime_error(
          "duplicate key " +
          parsed.dump(-1, ' ', true, json::error_handler_t::replace));
    return true;
  };
  return json::parse(in, cb);
}

} // namespace

std::vector<std::string> preset_names() {
  return {"region", "small"};
}

region preset(const std::string& name) {
  region r;
  r.fc_replica_sites = {"z1/r01", "z1/r21", "z2/r01", "z2/r21", "z3/r01"};
  if (name == "region")
    return r;
  if (name == "small") {
    r.racks_per_zone = 2;
    r.hosts_per_rack = 4;
    r.storage_clusters_per_zone = 1;
    r.storage_nodes_per_cluster = 6;
    r.fc_replica_sites = {"z1/r01", "z1/r02", "z2/r01", "z2/r02", "z3/r01"};
    return r;
  }
  throw std::invalid_argument("unknown topology preset '" + name +
                              "' (known: region, small)");
}

void validate(const region& r) {
  check_name(r.name);
  auto check = [](uint32_t v, const char* field) {
    if (v < 1)
      throw std::invalid_argument(std::string(field) + ": must be at least 1");
  };
  check(r.zones, "zones");
  check(r.racks_per_zone, "racks_per_zone");
  check(r.hosts_per_rack, "hosts_per_rack");
  check(r.host_cores, "host.cores");
  check(r.host_ram_gb, "host.ram_gb");
  check(r.tor_port_gbps, "tor.port_gbps");
  check(r.tor_uplinks, "tor.uplinks");
  check(r.tor_uplink_gbps, "tor.uplink_gbps");
  check(r.storage_clusters_per_zone, "storage_clusters_per_zone");
  if (r.storage_nodes_per_cluster < storage_fault_domains)
    throw std::invalid_argument("storage_nodes_per_cluster: must be at least "
                                "3 (one per fault domain)");
  const auto& l = r.latency;
  if (!(l.same_host <= l.same_rack && l.same_rack <= l.cross_rack &&
        l.cross_rack <= l.cross_zone && l.cross_zone <= l.cross_region))
    throw std::invalid_argument(
        "latency_us: must not shrink with distance (same_host <= same_rack "
        "<= cross_rack <= cross_zone <= cross_region)");
  if (l.cross_zone <= l.same_rack)
    throw std::invalid_argument("latency_us.cross_zone: must be larger than "
                                "same_rack (it bounds the lookahead)");
  if (r.fc_replica_sites.empty())
    throw std::invalid_argument("fc_replica_sites: at least one is needed");
  for (const auto& site : r.fc_replica_sites) {
    uint32_t zone = 0;
    int64_t rack = -1;
    if (!parse_site(site, zone, rack))
      throw std::invalid_argument("fc_replica_sites: '" + site +
                                  "' is not zN or zN/rM");
    if (zone >= r.zones || rack >= static_cast<int64_t>(r.racks_per_zone))
      throw std::invalid_argument("fc_replica_sites: '" + site +
                                  "' does not exist in " +
                                  std::to_string(r.zones) + " zones of " +
                                  std::to_string(r.racks_per_zone) + " racks");
  }
  fc_replica_hosts(r); // throws when a rack has more replicas than hosts
}

uint64_t entity_count(const region& r, uint32_t vm_slots) {
  using wide = unsigned __int128;
  wide per_zone =
      wide{r.racks_per_zone} * (1 + wide{r.hosts_per_rack} * (2 + vm_slots)) +
      wide{r.storage_clusters_per_zone} *
          (1 + wide{r.storage_nodes_per_cluster});
  wide total = 2 + r.fc_replica_sites.size() + wide{r.zones} * per_zone;
  return total > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(total);
}

void check_size(const region& r, uint32_t vm_slots) {
  vmss::check_size("region " + r.name + " of " + std::to_string(r.zones) +
                       " zones x " + std::to_string(r.racks_per_zone) +
                       " racks x " + std::to_string(r.hosts_per_rack) +
                       " hosts (" + std::to_string(r.hosts()) + " hosts, " +
                       std::to_string(vm_slots) + " VM slots each)",
                   entity_count(r, vm_slots), bytes_per_region_entity);
}

region read_region(const std::string& path) {
  std::ifstream file(path);
  if (!file)
    throw std::runtime_error(path + ": cannot open");
  json j;
  try {
    j = parse_without_duplicates(file);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  if (!j.is_object())
    throw std::runtime_error(path + ": must be a JSON object");
  region r = preset("region");
  object_reader in{j, path + ": "};
  in.where = path + ": topology";
  in.reject_unknown({"region", "zones", "racks_per_zone", "hosts_per_rack",
                     "host", "tor", "latency_us", "storage_clusters_per_zone",
                     "storage_nodes_per_cluster", "fc_replica_sites"});
  auto field = [&](const char* key) { return in.where + "." + key; };
  in.read("region", [&](auto& v) { r.name = v.template get<std::string>(); });
  in.read("zones", [&](auto& v) { r.zones = positive(v, field("zones")); });
  in.read("racks_per_zone", [&](auto& v) {
    r.racks_per_zone = positive(v, field("racks_per_zone"));
  });
  in.read("hosts_per_rack", [&](auto& v) {
    r.hosts_per_rack = positive(v, field("hosts_per_rack"));
  });
  in.read("storage_clusters_per_zone", [&](auto& v) {
    r.storage_clusters_per_zone =
        positive(v, field("storage_clusters_per_zone"));
  });
  in.read("storage_nodes_per_cluster", [&](auto& v) {
    r.storage_nodes_per_cluster =
        positive(v, field("storage_nodes_per_cluster"));
  });
  in.read("host", [&](auto& v) {
    object_reader host{v, field("host")};
    host.reject_unknown({"cores", "ram_gb"});
    host.read("cores", [&](auto& x) {
      r.host_cores = positive(x, field("host.cores"));
    });
    host.read("ram_gb", [&](auto& x) {
      r.host_ram_gb = positive(x, field("host.ram_gb"));
    });
  });
  in.read("tor", [&](auto& v) {
    object_reader tor{v, field("tor")};
    tor.reject_unknown({"port_gbps", "uplinks", "uplink_gbps"});
    tor.read("port_gbps", [&](auto& x) {
      r.tor_port_gbps = positive(x, field("tor.port_gbps"));
    });
    tor.read("uplinks", [&](auto& x) {
      r.tor_uplinks = positive(x, field("tor.uplinks"));
    });
    tor.read("uplink_gbps", [&](auto& x) {
      r.tor_uplink_gbps = positive(x, field("tor.uplink_gbps"));
    });
  });
  in.read("latency_us",
          [&](auto& v) { read_latencies(v, field("latency_us"), r.latency); });
  in.read("fc_replica_sites", [&](auto& v) {
    r.fc_replica_sites = v.template get<std::vector<std::string>>();
  });
  try {
    validate(r);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(in.where + "." + e.what());
  }
  return r;
}

std::string zone_path(const region& r, uint32_t zone) {
  return r.name + "/" + padded('z', zone + 1, r.zones);
}

std::string rack_path(const region& r, uint32_t zone, uint32_t rack) {
  return zone_path(r, zone) + "/" + padded('r', rack + 1, r.racks_per_zone);
}

std::string host_path(const region& r, uint32_t zone, uint32_t rack,
                      uint32_t host) {
  return rack_path(r, zone, rack) + "/" +
         padded('h', host + 1, r.hosts_per_rack);
}

std::string tor_path(const region& r, uint32_t zone, uint32_t rack) {
  return rack_path(r, zone, rack) + "/tor";
}

std::string storage_cluster_path(const region& r, uint32_t zone,
                                 uint32_t cluster) {
  return zone_path(r, zone) + "/" +
         padded('s', cluster + 1, r.storage_clusters_per_zone);
}

std::string storage_node_path(const region& r, uint32_t zone, uint32_t cluster,
                              uint32_t node) {
  return storage_cluster_path(r, zone, cluster) + "/" +
         padded('n', node + 1, r.storage_nodes_per_cluster);
}

std::vector<std::string> fc_replica_hosts(const region& r) {
  std::vector<std::string> out;
  std::map<std::pair<uint32_t, int64_t>, uint32_t> taken;
  for (const auto& site : r.fc_replica_sites) {
    uint32_t zone = 0;
    int64_t rack = -1;
    if (!parse_site(site, zone, rack))
      throw std::invalid_argument("fc_replica_sites: '" + site +
                                  "' is not zN or zN/rM");
    rack = std::max<int64_t>(rack, 0);
    auto& n = taken[{zone, rack}];
    if (n >= r.hosts_per_rack)
      throw std::invalid_argument("fc_replica_sites: more replicas in rack '" +
                                  site + "' than it has hosts");
    out.push_back(host_path(r, zone, static_cast<uint32_t>(rack), n++));
  }
  return out;
}

std::vector<std::string> spread_fc_sites(const region& r, uint32_t count) {
  std::vector<std::string> out;
  uint64_t hosts = r.hosts();
  for (uint32_t i = 0; i < count && i < hosts; ++i) {
    uint32_t zone = i % r.zones;
    uint32_t rack = (i / r.zones) % r.racks_per_zone;
    out.push_back("z" + std::to_string(zone + 1) + "/r" +
                  std::to_string(rack + 1));
  }
  return out;
}

location locate(const region& r, const std::string& path) {
  location loc;
  if (path.compare(0, r.name.size() + 1, r.name + "/") != 0)
    return loc;
  size_t pos = r.name.size() + 1;
  int64_t* levels[] = {&loc.zone, &loc.rack, &loc.host};
  const char prefixes[] = {'z', 'r', 'h'};
  const char storage_prefixes[] = {'z', 's', 'n'};
  for (int level = 0; level < 3 && pos < path.size(); ++level) {
    size_t end = path.find('/', pos);
    auto part = path.substr(pos, end == std::string::npos ? end : end - pos);
    if (!parse_numbered(part, prefixes[level], *levels[level]) &&
        !parse_numbered(part, storage_prefixes[level], *levels[level]))
      break;
    if (level == 1 && part[0] == 's')
      loc.rack += r.racks_per_zone;
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return loc;
}

sim_time latency(const region& r, const location& a, const location& b) {
  const auto& l = r.latency;
  if (a.zone < 0 || b.zone < 0)
    return l.cross_region;
  if (a.zone != b.zone)
    return l.cross_zone;
  if (a.rack < 0 || b.rack < 0 || a.rack != b.rack)
    return l.cross_rack;
  if (a.host >= 0 && a.host == b.host)
    return l.same_host;
  return l.same_rack;
}

uint32_t node_of_zone(uint32_t zone, uint32_t nodes) {
  return nodes == 0 ? 0 : zone % nodes;
}

} // namespace vmss::topology
