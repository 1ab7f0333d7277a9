#include "actors/physical/faults.hpp"

#include "kernel/assert.hpp"
#include "kernel/numbers.hpp"
#include "kernel/wire.hpp"
#include "messages/fabric_kinds.hpp"
#include "messages/physical_kinds.hpp"
#include "messages/physical_messages.hpp"
#include "messages/storage_kinds.hpp"
#include "messages/storage_messages.hpp"

#include <caf/make_message.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <stdexcept>

namespace vmss::physical {

using namespace vmss::storage; // the disks VMs use

namespace {

constexpr std::array<const char*, 28> names{
    "host_crash",          "host_restore",     "tor_fail",
    "tor_repair",          "rack_power_off",   "rack_power_on",
    "zone_power_off",      "zone_power_on",    "zone_partition",
    "zone_heal",           "link_degrade",     "link_restore",
    "replica_loss",        "replica_restore",  "slow_disk",
    "disk_restore",        "app_crash",        "app_restore",
    "region_outage",       "region_restore",   "region_partition",
    "region_heal",         "fc_leader_kill",   "fc_leader_restore",
    "capacity_exhaustion", "capacity_restore", "extension_failure",
    "extension_restore",
};
static_assert(names.back() != nullptr &&
                  names.size() ==
                      static_cast<size_t>(fault_kind::extension_restore) + 1,
              "one name per fault kind");

[[noreturn]] void reject(const fault& f, const std::string& why) {
  throw std::invalid_argument(std::string("fault ") + to_string(f.kind) + " " +
                              f.target + ": " + why);
}

/// Every entity at or below `prefix`, in id order.
std::vector<entity_id> under(const entity_table& table,
                             const std::string& prefix) {
  std::vector<entity_id> ids;
  for (entity_id id = 0; id < table.size(); ++id)
    if (is_at_or_under(table[id].path, prefix))
      ids.push_back(id);
  return ids;
}

/// The target as an entity of `kind`.
entity_id entity_of_kind(const entity_table& table, const fault& f,
                         const entity_kind& kind) {
  if (!table.contains(f.target))
    reject(f, "no such entity");
  auto id = table.id_of(f.target);
  if (*table[id].kind != kind)
    reject(f, "is a " + std::string(table[id].kind->name) + ", not a " +
                  std::string(kind.name));
  return id;
}

/// The path of the zone (level "zone") or rack (compute rack or storage
/// cluster) at `at`; "" if there is none at that level.
std::string level_path(const topology::region& r, const topology::location& at,
                       const char* level) {
  if (at.zone < 0 || at.zone >= static_cast<int64_t>(r.zones) || at.host >= 0)
    return "";
  auto zone = static_cast<uint32_t>(at.zone);
  if (std::string(level) == "zone")
    return at.rack < 0 ? topology::zone_path(r, zone) : "";
  if (at.rack < 0)
    return "";
  auto rack = static_cast<uint64_t>(at.rack);
  if (rack < r.racks_per_zone)
    return topology::rack_path(r, zone, static_cast<uint32_t>(rack));
  rack -= r.racks_per_zone;
  return rack < r.storage_clusters_per_zone
             ? topology::storage_cluster_path(r, zone,
                                              static_cast<uint32_t>(rack))
             : "";
}

/// The entities a power fault on a host, rack or zone reaches. The target
/// must be exactly a host (its host agent), a rack or a zone: not a VM, a
/// switch or anything else below it.
std::vector<entity_id> powered(const topology::region& r,
                               const entity_table& table, const fault& f,
                               const char* level) {
  if (std::string(level) == "host") {
    entity_of_kind(table, f, kinds::host_agent);
  } else if (level_path(r, topology::locate(r, f.target), level) != f.target) {
    if (table.contains(f.target))
      reject(f, "is a " + std::string(table[table.id_of(f.target)].kind->name) +
                    ", not a " + level);
    reject(f, std::string("not a ") + level + " of this region");
  }
  return under(table, f.target);
}

/// Zone number (0-based) of a zone path.
uint32_t zone_of(const topology::region& r, const fault& f,
                 const std::string& path) {
  auto at = topology::locate(r, path);
  if (level_path(r, at, "zone") != path)
    reject(f, "'" + path + "' is not a zone of this region");
  return static_cast<uint32_t>(at.zone);
}

/// What a fault does, resolved against the entity table before anything
/// is scheduled.
struct fault_effects {
  std::vector<entity_id> crash, restart;
  std::vector<std::pair<entity_id, link_fault>> links;
  std::vector<std::pair<entity_id, disk_slow>> disks;
  std::vector<std::pair<entity_id, app_fault>> apps;
  std::vector<std::pair<entity_id, region_link>> regions;
  std::vector<std::pair<entity_id, leader_kill>> kills;
  std::vector<std::pair<entity_id, capacity_fault>> capacity;
};

/// The fabric-controller replicas of the region `f` names.
std::vector<entity_id> controllers(const topology::world_network& net,
                                   const entity_table& table, const fault& f,
                                   size_t region) {
  std::vector<entity_id> ids;
  for (auto id : under(table, net.layout(region).name))
    if (*table[id].kind == fabric::kinds::fc_replica)
      ids.push_back(id);
  if (ids.empty())
    reject(f, "the region has no fabric-controller replicas");
  return ids;
}

/// link_fault messages to every switch of both zones, about the other.
void set_links(const topology::region& r, const entity_table& table,
               const fault& f, link_fault state, fault_effects& out) {
  auto a = zone_of(r, f, f.target);
  auto b = zone_of(r, f, f.peer);
  if (a == b)
    reject(f, "a zone cannot be cut from itself");
  for (entity_id id = 0; id < table.size(); ++id) {
    if (*table[id].kind != kinds::tor_switch)
      continue;
    auto zone = static_cast<uint32_t>(topology::locate(r, table[id].path).zone);
    if (zone != a && zone != b)
      continue;
    state.zone = zone == a ? b : a;
    out.links.emplace_back(id, state);
  }
}

/// The index of the region the target names exactly.
size_t region_named(const topology::world_network& net, const fault& f,
                    const std::string& name) {
  auto i = net.region_index(name);
  if (i < 0 || net.layout(static_cast<size_t>(i)).name != name) {
    std::string known;
    for (size_t k = 0; k < net.regions(); ++k)
      known += (k == 0 ? "" : ", ") + net.layout(k).name;
    reject(f, "'" + name + "' is not a region of this world (" + known + ")");
  }
  return static_cast<size_t>(i);
}

/// region_link messages to the target region's gateway about the peer and,
/// when the peer is a region, to the peer's gateway about the target.
void set_region_links(const topology::world_network& net,
                      const entity_table& table, const fault& f,
                      bool partitioned, fault_effects& out) {
  // By path: the model checks faults before the network is bound.
  auto gateway = [&](size_t i) {
    return table.id_of(topology::gateway_path(net.layout(i)));
  };
  auto a = region_named(net, f, f.target);
  if (net.regions() < 2)
    reject(f, "a world of one region has no gateways to cut (region "
              "partitions need several regions)");
  if (f.peer == f.target)
    reject(f, "a region cannot be cut from itself");
  out.regions.emplace_back(gateway(a), region_link{f.peer, partitioned});
  if (f.peer == topology::global_prefix)
    return;
  auto b = region_named(net, f, f.peer);
  out.regions.emplace_back(gateway(b), region_link{f.target, partitioned});
}

/// Resolves a fault confined to one region (`r`) on the entities of
/// `table`; throws std::invalid_argument when its target does not exist or
/// does not fit the kind.
fault_effects resolve_in(const topology::region& r, const entity_table& table,
                         const fault& f) {
  fault_effects out;
  switch (f.kind) {
  case fault_kind::host_crash:
    out.crash = powered(r, table, f, "host");
    break;
  case fault_kind::host_restore:
    out.restart = powered(r, table, f, "host");
    break;
  case fault_kind::rack_power_off:
    out.crash = powered(r, table, f, "rack");
    break;
  case fault_kind::rack_power_on:
    out.restart = powered(r, table, f, "rack");
    break;
  case fault_kind::zone_power_off:
    out.crash = powered(r, table, f, "zone");
    break;
  case fault_kind::zone_power_on:
    out.restart = powered(r, table, f, "zone");
    break;
  case fault_kind::tor_fail:
    out.crash = {entity_of_kind(table, f, kinds::tor_switch)};
    break;
  case fault_kind::tor_repair:
    out.restart = {entity_of_kind(table, f, kinds::tor_switch)};
    break;
  case fault_kind::replica_loss:
    out.crash = {entity_of_kind(table, f, storage::kinds::storage_replica)};
    break;
  case fault_kind::replica_restore:
    out.restart = {entity_of_kind(table, f, storage::kinds::storage_replica)};
    break;
  case fault_kind::zone_partition:
    set_links(r, table, f, {0, true, 0, 0}, out);
    break;
  case fault_kind::zone_heal:
  case fault_kind::link_restore:
    set_links(r, table, f, {}, out);
    break;
  case fault_kind::link_degrade:
    if (f.extra_latency < 0 || f.loss_ppm > 1'000'000)
      reject(f, "extra latency must be >= 0 and loss at most 1000000 ppm");
    set_links(r, table, f, {0, false, f.extra_latency, f.loss_ppm}, out);
    break;
  case fault_kind::slow_disk:
  case fault_kind::disk_restore: {
    auto id = entity_of_kind(table, f, storage::kinds::storage_replica);
    if (f.slow_permille < 1)
      reject(f, "the service-time factor must be at least 1 permille");
    uint32_t factor = f.kind == fault_kind::slow_disk ? f.slow_permille : 1000;
    out.disks.emplace_back(id, disk_slow{factor});
    break;
  }
  case fault_kind::app_crash:
  case fault_kind::app_restore:
    out.apps.emplace_back(entity_of_kind(table, f, kinds::vm),
                          app_fault{f.kind == fault_kind::app_restore});
    break;
  default:
    VMSS_ASSERT(false, "region faults are resolved on the world");
  }
  return out;
}

/// Resolves `f` on the entities of `table` laid out on the regions of
/// `net`: a region fault on the world, any other in the region its target
/// names (the first, when it names none).
fault_effects resolve(const topology::world_network& net,
                      const entity_table& table, const fault& f) {
  fault_effects out;
  switch (f.kind) {
  case fault_kind::region_outage:
    out.crash = under(table, net.layout(region_named(net, f, f.target)).name);
    return out;
  case fault_kind::region_restore:
    out.restart = under(table, net.layout(region_named(net, f, f.target)).name);
    return out;
  case fault_kind::region_partition:
  case fault_kind::region_heal:
    set_region_links(net, table, f, f.kind == fault_kind::region_partition,
                     out);
    return out;
  case fault_kind::fc_leader_kill:
    if (f.duration < 0)
      reject(f, "the duration must not be negative");
    for (auto id : controllers(net, table, f, region_named(net, f, f.target)))
      out.kills.emplace_back(id, leader_kill{f.duration});
    return out;
  case fault_kind::fc_leader_restore:
    out.restart = controllers(net, table, f, region_named(net, f, f.target));
    return out;
  case fault_kind::capacity_exhaustion:
  case fault_kind::capacity_restore: {
    // A region's name, or one of its zones.
    auto i = net.region_index(f.target);
    if (i < 0)
      region_named(net, f, f.target); // rejects, listing the regions
    const auto& r = net.layout(static_cast<size_t>(i));
    int64_t zone =
        f.target == r.name ? -1 : static_cast<int64_t>(zone_of(r, f, f.target));
    for (auto id : controllers(net, table, f, static_cast<size_t>(i)))
      out.capacity.emplace_back(
          id, capacity_fault{zone, f.kind == fault_kind::capacity_exhaustion});
    return out;
  }
  case fault_kind::extension_failure:
  case fault_kind::extension_restore:
    reject(f, "not an instance of a scale set (SETNAME/N) or a scale set "
              "(SETNAME)");
  default:
    break;
  }
  auto r = std::max<int64_t>(net.region_index(f.target), 0);
  return resolve_in(net.layout(static_cast<size_t>(r)), table, f);
}

template <class T>
void message_to(node_kernel& k, sim_time t, entity_id id, T msg) {
  k.inject(t, id, event_kind::message, caf::make_message(std::move(msg)),
           wire::id_of<T>);
}

} // namespace

const char* to_string(fault_kind kind) {
  return names.at(static_cast<size_t>(kind));
}

bool parse_fault_kind(const std::string& name, fault_kind& kind) {
  for (size_t i = 0; i < names.size(); ++i)
    if (name == names[i]) {
      kind = static_cast<fault_kind>(i);
      return true;
    }
  return false;
}

std::vector<std::string> fault_kind_names() {
  return {names.begin(), names.end()};
}

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos)
      return parts;
    start = end + 1;
  }
}

uint32_t parse_count(const std::string& item, const std::string& key,
                     const std::string& value, int64_t min, int64_t max) {
  int64_t v = 0;
  std::string why;
  if (!parse_int(value, min, max, v, &why))
    throw std::invalid_argument("fault '" + item + "': " + key + "=" + value +
                                " " + why);
  return static_cast<uint32_t>(v);
}

/// Faults and the recovery that ends each, paired by a family name.
struct fault_family {
  const char* name;
  fault_kind fault, recovery;
};
constexpr std::array<fault_family, 14> families{{
    {"host", fault_kind::host_crash, fault_kind::host_restore},
    {"tor", fault_kind::tor_fail, fault_kind::tor_repair},
    {"rack", fault_kind::rack_power_off, fault_kind::rack_power_on},
    {"zone", fault_kind::zone_power_off, fault_kind::zone_power_on},
    {"partition", fault_kind::zone_partition, fault_kind::zone_heal},
    {"link", fault_kind::link_degrade, fault_kind::link_restore},
    {"replica", fault_kind::replica_loss, fault_kind::replica_restore},
    {"disk", fault_kind::slow_disk, fault_kind::disk_restore},
    {"app", fault_kind::app_crash, fault_kind::app_restore},
    {"region", fault_kind::region_outage, fault_kind::region_restore},
    {"region_partition", fault_kind::region_partition, fault_kind::region_heal},
    {"fc_leader", fault_kind::fc_leader_kill, fault_kind::fc_leader_restore},
    {"capacity", fault_kind::capacity_exhaustion, fault_kind::capacity_restore},
    {"extension", fault_kind::extension_failure, fault_kind::extension_restore},
}};

const fault_family& family_of(fault_kind k) {
  for (const auto& f : families)
    if (f.fault == k || f.recovery == k)
      return f;
  throw std::logic_error("fault kind without a family");
}

bool is_recovery(fault_kind k) {
  return family_of(k).recovery == k;
}

} // namespace

fault_kind recovery_of(fault_kind kind) {
  return family_of(kind).recovery;
}

bool is_at_or_under(const std::string& path, const std::string& prefix) {
  return path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

namespace {

/// The kinds between two zones, "KIND@T:ZONE:PEER", and between a region
/// and its peer, "KIND@T:REGION:PEER".
bool takes_peer(fault_kind k) {
  auto family = std::string(family_of(k).name);
  return family == "partition" || family == "link" ||
         family == "region_partition";
}

/// Parses a fault item's TARGET[:PEER] and KEY=VALUE arguments into `f`.
void parse_arguments(const plan_item& item, fault& f) {
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("fault '" + item.text + "': " + why);
  };
  std::vector<std::string> paths;
  std::set<std::string> given;
  for (const auto& arg : item.args) {
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      paths.push_back(arg);
      continue;
    }
    auto key = arg.substr(0, eq);
    auto value = arg.substr(eq + 1);
    if (key != "latency" && key != "loss" && key != "factor" &&
        key != "duration")
      throw bad("unknown parameter '" + key +
                "' (latency, loss, factor, duration)");
    if (!given.insert(key).second)
      throw bad(key + "= is given twice");
    bool applies = key == "factor"     ? f.kind == fault_kind::slow_disk
                   : key == "duration" ? f.kind == fault_kind::fc_leader_kill
                                       : f.kind == fault_kind::link_degrade;
    if (!applies)
      throw bad(std::string(to_string(f.kind)) + " takes no " + key +
                "= (latency= and loss= are for link_degrade, factor= for "
                "slow_disk, duration= for fc_leader_kill)");
    std::string why;
    if (key == "duration") {
      if (!parse_duration(value, f.duration, &why))
        throw bad("duration=" + value + " " + why);
      if (f.duration <= 0)
        throw bad("duration=" + value + " must be longer than 0s");
    } else if (key == "latency") {
      if (!parse_duration(value, f.extra_latency, &why))
        throw bad("latency=" + value + " " + why);
    } else if (key == "loss") {
      f.loss_ppm = parse_count(item.text, key, value, 0, 1'000'000);
    } else {
      f.slow_permille = parse_count(item.text, key, value, 1, 1'000'000);
    }
  }
  size_t want = takes_peer(f.kind) ? 2 : 1;
  if (paths.size() != want ||
      std::any_of(paths.begin(), paths.end(),
                  [](const std::string& p) { return p.empty(); }))
    throw bad(want == 1 ? "expected one target path"
              : family_of(f.kind).name == std::string("region_partition")
                  ? "expected a region and its peer (another region or "
                    "global), REGION:PEER"
                  : "expected two zone paths, TARGET:PEER");
  f.target = paths[0];
  if (want == 2)
    f.peer = paths[1];
}

} // namespace

std::vector<plan_item> split_plan(const std::string& text,
                                  const std::string& noun) {
  std::vector<plan_item> items;
  for (const auto& item : split(text, '+')) {
    auto parts = split(item, ':');
    auto at = parts[0].find('@');
    plan_item p;
    p.text = item;
    if (at == std::string::npos)
      throw std::invalid_argument(noun + " '" + item +
                                  "': expected NAME@TIME:TARGET");
    p.name = parts[0].substr(0, at);
    std::string why;
    if (!parse_duration(parts[0].substr(at + 1), p.at, &why))
      throw std::invalid_argument(noun + " '" + item + "': time '" +
                                  parts[0].substr(at + 1) + "' " + why);
    p.args.assign(parts.begin() + 1, parts.end());
    items.push_back(std::move(p));
  }
  return items;
}

std::vector<planned_fault> parse_fault_plan(const std::string& text) {
  std::vector<planned_fault> plan;
  for (const auto& item : split_plan(text, "fault")) {
    planned_fault p;
    p.at = item.at;
    if (!parse_fault_kind(item.name, p.what.kind))
      throw std::invalid_argument("fault '" + item.text + "': unknown kind '" +
                                  item.name + "'");
    parse_arguments(item, p.what);
    plan.push_back(std::move(p));
  }
  return plan;
}

std::string plan_text(const planned_fault& p) {
  std::string text = std::string(to_string(p.what.kind)) + "@" +
                     format_duration(p.at) + ":" + p.what.target;
  if (!p.what.peer.empty())
    text += ":" + p.what.peer;
  return text;
}

void check_fault_sequence(const std::vector<planned_fault>& plan) {
  std::vector<const planned_fault*> by_time;
  for (const auto& p : plan)
    by_time.push_back(&p);
  std::stable_sort(by_time.begin(), by_time.end(),
                   [](auto* a, auto* b) { return a->at < b->at; });
  // Faults not yet recovered, by family, target and peer.
  std::map<std::string, int> open;
  for (const auto* p : by_time) {
    const auto& f = p->what;
    const auto& family = family_of(f.kind);
    auto ends = std::minmax(f.target, f.peer); // a zone pair either way
    auto key = std::string(family.name) + " " + ends.first + " " + ends.second;
    if (f.kind == family.fault) {
      ++open[key];
    } else if (open[key]-- == 0) {
      throw std::invalid_argument(
          "fault '" + plan_text(*p) + "': no " + to_string(family.fault) +
          " of " + (f.peer.empty() ? f.target : f.target + ":" + f.peer) +
          " before it to recover from");
    }
  }
}

void check_fault_target(const topology::world_network& net,
                        const entity_table& table, const fault& f) {
  resolve(net, table, f);
}

void inject_fault(node_kernel& k, const topology::world_network& net,
                  entity_id control, sim_time t, const fault& f) {
  // Resolve everything first: a bad fault schedules nothing.
  auto effects = resolve(net, k.table(), f);
  // The control entity records faults; a region outage leaves it be.
  for (auto* ids : {&effects.crash, &effects.restart})
    ids->erase(std::remove(ids->begin(), ids->end(), control), ids->end());
  for (const auto& [id, msg] : effects.regions)
    message_to(k, t, id, msg);
  for (const auto& [id, msg] : effects.links)
    message_to(k, t, id, msg);
  for (const auto& [id, msg] : effects.disks)
    message_to(k, t, id, msg);
  for (const auto& [id, msg] : effects.apps)
    message_to(k, t, id, msg);
  for (const auto& [id, msg] : effects.kills)
    message_to(k, t, id, msg);
  for (const auto& [id, msg] : effects.capacity)
    message_to(k, t, id, msg);
  for (auto id : effects.crash)
    k.inject(t, id, event_kind::crash);
  for (auto id : effects.restart)
    k.inject(t, id, event_kind::restart);
  std::string target = f.peer.empty() ? f.target : f.target + " " + f.peer;
  message_to(k, t, control,
             fault_notice{to_string(f.kind), target, is_recovery(f.kind)});
}

} // namespace vmss::physical
