#include "actors/physical/faults.hpp"

#include "kernel/wire.hpp"
#include "messages/physical_messages.hpp"
#include "messages/storage_messages.hpp"

#include <caf/make_message.hpp>

#include <array>
#include <stdexcept>

namespace vmss::physical {

namespace {

constexpr std::array<const char*, 18> names{
    "host_crash",     "host_restore",    "tor_fail",       "tor_repair",
    "rack_power_off", "rack_power_on",   "zone_power_off", "zone_power_on",
    "zone_partition", "zone_heal",       "link_degrade",   "link_restore",
    "replica_loss",   "replica_restore", "slow_disk",      "disk_restore",
    "app_crash",      "app_restore",
};

bool is_recovery(fault_kind k) {
  switch (k) {
  case fault_kind::host_restore:
  case fault_kind::tor_repair:
  case fault_kind::rack_power_on:
  case fault_kind::zone_power_on:
  case fault_kind::zone_heal:
  case fault_kind::link_restore:
  case fault_kind::replica_restore:
  case fault_kind::disk_restore:
  case fault_kind::app_restore:
    return true;
  default:
    return false;
  }
}

[[noreturn]] void reject(const fault& f, const std::string& why) {
  throw std::invalid_argument(std::string("fault ") + to_string(f.kind) + " " +
                              f.target + ": " + why);
}

/// Every entity at or below `prefix`, in id order.
std::vector<entity_id> under(const entity_table& table,
                             const std::string& prefix) {
  std::vector<entity_id> ids;
  for (entity_id id = 0; id < table.size(); ++id) {
    const auto& path = table[id].path;
    if (path.compare(0, prefix.size(), prefix) == 0 &&
        (path.size() == prefix.size() || path[prefix.size()] == '/'))
      ids.push_back(id);
  }
  return ids;
}

/// The target as an entity of `kind`.
entity_id entity_of_kind(const entity_table& table, const fault& f,
                         const std::string& kind) {
  if (!table.contains(f.target))
    reject(f, "no such entity");
  auto id = table.id_of(f.target);
  if (table[id].kind != kind)
    reject(f, "is a " + table[id].kind + ", not a " + kind);
  return id;
}

/// The entities a power fault on a host, rack or zone reaches.
std::vector<entity_id> powered(const topology::region_network& net,
                               const entity_table& table, const fault& f,
                               const char* level) {
  auto at = topology::locate(net.layout(), f.target);
  bool fits = std::string(level) == "host"   ? at.host >= 0
              : std::string(level) == "rack" ? at.rack >= 0 && at.host < 0
                                             : at.zone >= 0 && at.rack < 0;
  auto ids = under(table, f.target);
  if (!fits || ids.empty())
    reject(f, std::string("not a ") + level + " of this region");
  return ids;
}

/// Zone number (0-based) of a zone path.
uint32_t zone_of(const topology::region_network& net, const fault& f,
                 const std::string& path) {
  auto at = topology::locate(net.layout(), path);
  if (at.zone < 0 || at.rack >= 0 ||
      at.zone >= static_cast<int64_t>(net.layout().zones))
    reject(f, "'" + path + "' is not a zone of this region");
  return static_cast<uint32_t>(at.zone);
}

/// link_fault messages to every switch of both zones, about the other.
void set_links(node_kernel& k, const topology::region_network& net, sim_time t,
               const fault& f, link_fault state) {
  auto a = zone_of(net, f, f.target);
  auto b = zone_of(net, f, f.peer);
  if (a == b)
    reject(f, "a zone cannot be cut from itself");
  const auto& table = k.table();
  for (entity_id id = 0; id < table.size(); ++id) {
    if (!net.is_switch(id))
      continue;
    auto zone = net.where(id).zone;
    if (zone != a && zone != b)
      continue;
    state.zone = zone == a ? b : a;
    k.inject(t, id, event_kind::message, caf::make_message(state),
             wire::id_of<link_fault>);
  }
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
                     const std::string& value, uint64_t max) {
  size_t pos = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(value, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos == 0 || pos != value.size() || v > max)
    throw std::invalid_argument("fault '" + item + "': " + key + "=" + value +
                                " is not a whole number up to " +
                                std::to_string(max));
  return static_cast<uint32_t>(v);
}

} // namespace

std::vector<plan_item> split_plan(const std::string& text) {
  std::vector<plan_item> items;
  for (const auto& item : split(text, '+')) {
    auto parts = split(item, ':');
    auto at = parts[0].find('@');
    plan_item p;
    p.text = item;
    if (at == std::string::npos)
      throw std::invalid_argument("'" + item + "': expected NAME@TIME:TARGET");
    p.name = parts[0].substr(0, at);
    if (!parse_duration(parts[0].substr(at + 1), p.at))
      throw std::invalid_argument("'" + item + "': '" +
                                  parts[0].substr(at + 1) +
                                  "' is not a time (e.g. 90s)");
    p.args.assign(parts.begin() + 1, parts.end());
    items.push_back(std::move(p));
  }
  return items;
}

std::vector<planned_fault> parse_fault_plan(const std::string& text) {
  std::vector<planned_fault> plan;
  for (const auto& item : split_plan(text)) {
    planned_fault p;
    p.at = item.at;
    auto bad = [&](const std::string& why) {
      return std::invalid_argument("fault '" + item.text + "': " + why);
    };
    if (!parse_fault_kind(item.name, p.what.kind))
      throw bad("unknown kind '" + item.name + "'");
    std::vector<std::string> paths;
    for (const auto& arg : item.args) {
      auto eq = arg.find('=');
      if (eq == std::string::npos) {
        paths.push_back(arg);
        continue;
      }
      auto key = arg.substr(0, eq);
      auto value = arg.substr(eq + 1);
      if (key == "latency") {
        if (!parse_duration(value, p.what.extra_latency))
          throw bad("latency=" + value + " is not a duration");
      } else if (key == "loss") {
        p.what.loss_ppm = parse_count(item.text, key, value, 1'000'000);
      } else if (key == "factor") {
        p.what.slow_permille = parse_count(item.text, key, value, 1'000'000);
      } else {
        throw bad("unknown parameter '" + key + "' (latency, loss, factor)");
      }
    }
    if (paths.empty() || paths.size() > 2 || paths[0].empty())
      throw bad("expected a target path and at most one peer path");
    p.what.target = paths[0];
    if (paths.size() == 2)
      p.what.peer = paths[1];
    plan.push_back(std::move(p));
  }
  return plan;
}

void inject_fault(node_kernel& k, const topology::region_network& net,
                  entity_id control, sim_time t, const fault& f) {
  const auto& table = k.table();
  // Resolve everything first: a bad fault schedules nothing.
  std::vector<entity_id> crash, restart;
  switch (f.kind) {
  case fault_kind::host_crash:
    crash = powered(net, table, f, "host");
    break;
  case fault_kind::host_restore:
    restart = powered(net, table, f, "host");
    break;
  case fault_kind::rack_power_off:
    crash = powered(net, table, f, "rack");
    break;
  case fault_kind::rack_power_on:
    restart = powered(net, table, f, "rack");
    break;
  case fault_kind::zone_power_off:
    crash = powered(net, table, f, "zone");
    break;
  case fault_kind::zone_power_on:
    restart = powered(net, table, f, "zone");
    break;
  case fault_kind::tor_fail:
    crash = {entity_of_kind(table, f, "tor_switch")};
    break;
  case fault_kind::tor_repair:
    restart = {entity_of_kind(table, f, "tor_switch")};
    break;
  case fault_kind::replica_loss:
    crash = {entity_of_kind(table, f, "storage_replica")};
    break;
  case fault_kind::replica_restore:
    restart = {entity_of_kind(table, f, "storage_replica")};
    break;
  case fault_kind::zone_partition:
    set_links(k, net, t, f, {0, true, 0, 0});
    break;
  case fault_kind::zone_heal:
  case fault_kind::link_restore:
    set_links(k, net, t, f, {});
    break;
  case fault_kind::link_degrade:
    if (f.extra_latency < 0 || f.loss_ppm > 1'000'000)
      reject(f, "extra latency must be >= 0 and loss at most 1000000 ppm");
    set_links(k, net, t, f, {0, false, f.extra_latency, f.loss_ppm});
    break;
  case fault_kind::slow_disk:
  case fault_kind::disk_restore: {
    auto id = entity_of_kind(table, f, "storage_replica");
    if (f.slow_permille < 1)
      reject(f, "the service-time factor must be at least 1 permille");
    uint32_t factor = f.kind == fault_kind::slow_disk ? f.slow_permille : 1000;
    message_to(k, t, id, disk_slow{factor});
    break;
  }
  case fault_kind::app_crash:
  case fault_kind::app_restore:
    message_to(k, t, entity_of_kind(table, f, "vm"),
               app_fault{f.kind == fault_kind::app_restore});
    break;
  }
  for (auto id : crash)
    k.inject(t, id, event_kind::crash);
  for (auto id : restart)
    k.inject(t, id, event_kind::restart);
  std::string target = f.peer.empty() ? f.target : f.target + " " + f.peer;
  message_to(k, t, control,
             fault_notice{to_string(f.kind), target, is_recovery(f.kind)});
}

} // namespace vmss::physical
