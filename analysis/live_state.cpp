#include "analysis/live_state.hpp"

#include "analysis/trace_reader.hpp"
#include "kernel/kernel_events.hpp"
#include "messages/compute_events.hpp"
#include "messages/control_events.hpp"
#include "messages/fabric_events.hpp"
#include "messages/physical_events.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace vmss::analysis {

namespace {

using json = nlohmann::json;

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos)
      slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

/// `part` is `letter` followed by one or more digits ("z1", "r07").
bool numbered(std::string_view part, char letter) {
  if (part.size() < 2 || part[0] != letter)
    return false;
  return std::all_of(part.begin() + 1, part.end(),
                     [](char c) { return std::isdigit(uint8_t(c)) != 0; });
}

std::string join(const std::vector<std::string_view>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < parts.size(); ++i) {
    if (i > 0)
      out += '/';
    out += parts[i];
  }
  return out;
}

/// Where a path sits in the physical map.
struct place_of {
  std::string zone, rack, host; ///< empty when not in one
  bool storage = false;         ///< rack is a storage cluster
  bool tor = false;             ///< the path is the rack's switch
};

place_of locate(std::string_view path) {
  place_of p;
  auto parts = split(path);
  if (parts.size() < 2 || !numbered(parts[1], 'z'))
    return p;
  p.zone = join(parts, 2);
  if (parts.size() < 3)
    return p;
  bool rack = numbered(parts[2], 'r'), storage = numbered(parts[2], 's');
  if (!rack && !storage)
    return p;
  p.rack = join(parts, 3);
  p.storage = storage;
  if (parts.size() < 4)
    return p;
  if (parts[3] == "tor") {
    p.tor = parts.size() == 4;
    return p;
  }
  if (numbered(parts[3], rack ? 'h' : 'n'))
    p.host = join(parts, 4);
  return p;
}

const trace::value* find(const live_record& r, std::string_view key) {
  for (size_t i = 0; i < r.num_fields; ++i)
    if (r.fields[i].key == key)
      return &r.fields[i].val;
  return nullptr;
}

std::string text(const live_record& r, std::string_view key) {
  const auto* v = find(r, key);
  if (!v)
    return {};
  if (const auto* s = std::get_if<std::string>(v))
    return *s;
  if (const auto* i = std::get_if<int64_t>(v))
    return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(v))
    return *b ? "true" : "false";
  return std::to_string(std::get<double>(*v));
}

int64_t integer(const live_record& r, std::string_view key, int64_t dflt) {
  const auto* v = find(r, key);
  if (!v)
    return dflt;
  if (const auto* i = std::get_if<int64_t>(v))
    return *i;
  if (const auto* d = std::get_if<double>(v))
    return static_cast<int64_t>(*d);
  return dflt;
}

double real(const live_record& r, std::string_view key) {
  const auto* v = find(r, key);
  if (!v)
    return 0;
  if (const auto* d = std::get_if<double>(v))
    return *d;
  if (const auto* i = std::get_if<int64_t>(v))
    return static_cast<double>(*i);
  return 0;
}

bool is(const live_record& r, const trace::event_def& def) {
  return r.event == def.name;
}

std::string last_part(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string region_of(std::string_view path) {
  return std::string(path.substr(0, path.find('/')));
}

} // namespace

live_state::live_state(recovery_name recovery_of)
    : recovery_of_(std::move(recovery_of)) {
}

void live_state::add_entity(std::string_view path, std::string_view kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  learn(path, kind);
}

void live_state::add_entities(const std::vector<trace::entity_info>& entities) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& e : entities)
    learn(e.path, e.kind);
}

void live_state::learn(std::string_view path, std::string_view kind) {
  if (!known_.emplace(path).second)
    return;
  auto p = locate(path);
  if (p.zone.empty())
    return;
  auto& zone = zones_[p.zone];
  if (p.rack.empty())
    return;
  zone.insert(p.rack);
  auto& rack = racks_[p.rack];
  rack.path = p.rack;
  rack.storage = p.storage;
  if (p.tor)
    rack.tor = std::string(path);
  if (p.host.empty())
    return;
  rack.hosts.insert(p.host);
  auto& host = hosts_[p.host];
  host.path = p.host;
  if (kind == "host_agent" || (p.storage && path == p.host))
    host.agent = std::string(path);
}

live_state::host_info* live_state::host_of(const std::string& path) {
  auto p = locate(path);
  if (p.host.empty())
    return nullptr;
  auto i = hosts_.find(p.host);
  return i == hosts_.end() ? nullptr : &i->second;
}

live_state::rack_info* live_state::rack_of(const std::string& path) {
  auto p = locate(path);
  if (p.rack.empty())
    return nullptr;
  auto i = racks_.find(p.rack);
  return i == racks_.end() ? nullptr : &i->second;
}

void live_state::apply(const record& r) {
  apply(live_record{r.t_ns(), r.path, r.kind, r.event, r.fields.data(),
                    r.fields.size()});
}

void live_state::apply(int64_t t_ns, std::string_view path,
                       std::string_view kind, std::string_view event,
                       const std::vector<trace::field>& fields) {
  apply(live_record{t_ns, path, kind, event, fields.data(), fields.size()});
}

void live_state::apply(const live_record& r) {
  std::lock_guard<std::mutex> lock(mutex_);
  apply_locked(r);
}

void live_state::place(const std::string& vm, const std::string& host) {
  for (auto& [path, h] : hosts_)
    if (path != host)
      h.instances.erase(vm);
  if (auto* h = host_of(host))
    h->instances.insert(vm);
}

void live_state::apply_locked(const live_record& r) {
  ++records_;
  t_ns_ = std::max(t_ns_, r.t_ns);
  learn(r.path, r.kind);
  std::string path(r.path);

  if (is(r, kernel_events::entity_crashed) ||
      is(r, kernel_events::entity_restarted)) {
    bool down = is(r, kernel_events::entity_crashed);
    if (auto* h = host_of(path)) {
      if (down)
        h->down.insert(path);
      else
        h->down.erase(path);
    }
    auto p = locate(path);
    if (p.tor)
      if (auto* rack = rack_of(path))
        rack->tor_down = down;
    if (r.kind == "fc_replica") {
      if (down)
        fc_replicas_down_.insert(path);
      else
        fc_replicas_down_.erase(path);
    }
    return;
  }
  if (is(r, physical::events::app_crashed) ||
      is(r, physical::events::app_restored)) {
    if (auto* h = host_of(path)) {
      if (is(r, physical::events::app_crashed))
        h->app_down.insert(path);
      else
        h->app_down.erase(path);
    }
    return;
  }
  if (is(r, fabric::events::host_down) || is(r, fabric::events::host_up)) {
    if (auto* h = host_of(text(r, "host")))
      h->fc_down = is(r, fabric::events::host_down);
    return;
  }
  if (is(r, fabric::events::leader_elected)) {
    int64_t term = integer(r, "term", -1);
    // One region's controller is the map's: the first region seeded.
    auto region = region_of(path);
    if (!leader_.empty() && region_of(leader_) != region)
      return;
    if (term >= leader_term_) {
      leader_ = path;
      leader_term_ = term;
      leader_t_ns_ = r.t_ns;
    }
    return;
  }
  if (is(r, fabric::events::placement) || is(r, fabric::events::vm_moved)) {
    place(text(r, "vm"), text(r, "host"));
    return;
  }
  if (is(r, compute::events::capacity_changed)) {
    sets_[text(r, "scale_set")].capacity = integer(r, "to", -1);
    return;
  }
  if (is(r, physical::events::vm_state)) {
    auto set = text(r, "scale_set");
    auto id = text(r, "instance_id");
    if (set.empty() || id.empty())
      return;
    auto state = text(r, "state");
    auto& s = sets_[set];
    auto vm = set + "/" + id;
    if (state == "deleted") {
      s.instances.erase(id);
      for (auto& [p, h] : hosts_)
        h.instances.erase(vm);
      return;
    }
    auto& inst = s.instances[id];
    inst.state = state;
    auto p = locate(path);
    if (!p.host.empty() && hosts_.count(p.host) > 0) {
      inst.host = p.host;
      place(vm, p.host);
    }
    return;
  }
  if (is(r, control::events::requests)) {
    int64_t tick = integer(r, "tick_ns", r.t_ns);
    if (tick < requests_.tick_ns)
      return;
    if (tick > requests_.tick_ns)
      requests_ = requests_info{tick};
    requests_.ok += integer(r, "ok", 0);
    requests_.failed += integer(r, "failed", 0);
    requests_.p50_ms = std::max(requests_.p50_ms, real(r, "p50_ms"));
    requests_.p95_ms = std::max(requests_.p95_ms, real(r, "p95_ms"));
    requests_.p99_ms = std::max(requests_.p99_ms, real(r, "p99_ms"));
    ++requests_.targets;
    return;
  }
  if (is(r, control::events::fault_injected)) {
    faults_.push_back({text(r, "fault"), text(r, "target"), r.t_ns});
    return;
  }
  if (is(r, control::events::fault_recovered)) {
    auto recovery = text(r, "fault");
    auto target = text(r, "target");
    for (auto i = faults_.begin(); i != faults_.end(); ++i) {
      if (i->target != target)
        continue;
      if (recovery_of_ && recovery_of_(i->fault) != recovery)
        continue;
      faults_.erase(i);
      break;
    }
    return;
  }
}

std::string live_state::host_state_locked(const host_info& h) const {
  bool agent_down =
      h.agent.empty() ? !h.down.empty() : h.down.count(h.agent) > 0;
  if (agent_down)
    return "down";
  if (!h.down.empty() || !h.app_down.empty() || h.fc_down)
    return "degraded";
  return "up";
}

std::string live_state::rack_state_locked(const rack_info& r) const {
  size_t down = 0, degraded = 0;
  for (const auto& path : r.hosts) {
    auto s = host_state_locked(hosts_.at(path));
    down += s == "down";
    degraded += s == "degraded";
  }
  if (!r.hosts.empty() && down == r.hosts.size())
    return "down";
  if (r.tor_down)
    return r.hosts.empty() ? "down" : "cut_off";
  if (down + degraded > 0)
    return "degraded";
  return "up";
}

std::string live_state::snapshot_json() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json out;
  out["t_ns"] = t_ns_;
  out["records"] = records_;
  json zones = json::array();
  for (const auto& [zone, racks] : zones_) {
    json z{{"path", zone}, {"name", last_part(zone)}, {"racks", json::array()}};
    for (const auto& rp : racks) {
      const auto& r = racks_.at(rp);
      json rack{{"path", r.path},
                {"name", last_part(r.path)},
                {"storage", r.storage},
                {"state", rack_state_locked(r)},
                {"tor", r.tor},
                {"tor_state", r.tor.empty() ? ""
                              : r.tor_down  ? "down"
                                            : "up"},
                {"hosts", json::array()}};
      for (const auto& hp : r.hosts) {
        const auto& h = hosts_.at(hp);
        json down = json::array();
        for (const auto& d : h.down)
          down.push_back(d);
        json apps = json::array();
        for (const auto& a : h.app_down)
          apps.push_back(a);
        json inst = json::array();
        for (const auto& i : h.instances)
          inst.push_back(i);
        rack["hosts"].push_back({{"path", h.path},
                                 {"name", last_part(h.path)},
                                 {"state", host_state_locked(h)},
                                 {"fc_down", h.fc_down},
                                 {"down", down},
                                 {"app_down", apps},
                                 {"instances", inst}});
      }
      z["racks"].push_back(std::move(rack));
    }
    zones.push_back(std::move(z));
  }
  out["zones"] = std::move(zones);
  json sets = json::array();
  for (const auto& [name, s] : sets_) {
    json by_state = json::object();
    for (const auto& [id, inst] : s.instances)
      by_state[inst.state] = by_state.value(inst.state, 0) + 1;
    sets.push_back({{"name", name},
                    {"capacity", s.capacity},
                    {"instance_count", s.instances.size()},
                    {"instances", by_state}});
  }
  out["scale_sets"] = std::move(sets);
  if (leader_.empty())
    out["leader"] = nullptr;
  else
    out["leader"] = {{"replica", leader_},
                     {"term", leader_term_},
                     {"since_ns", leader_t_ns_},
                     {"up", fc_replicas_down_.count(leader_) == 0}};
  if (requests_.tick_ns < 0)
    out["requests"] = nullptr;
  else
    out["requests"] = {
        {"tick_ns", requests_.tick_ns}, {"ok", requests_.ok},
        {"failed", requests_.failed},   {"p50_ms", requests_.p50_ms},
        {"p95_ms", requests_.p95_ms},   {"p99_ms", requests_.p99_ms},
        {"targets", requests_.targets}};
  json faults = json::array();
  for (const auto& f : faults_)
    faults.push_back(
        {{"fault", f.fault}, {"target", f.target}, {"since_ns", f.t_ns}});
  out["faults"] = std::move(faults);
  return out.dump();
}

std::string live_state::host_state(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto i = hosts_.find(host);
  return i == hosts_.end() ? std::string() : host_state_locked(i->second);
}

std::string live_state::rack_state(const std::string& rack) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto i = racks_.find(rack);
  return i == racks_.end() ? std::string() : rack_state_locked(i->second);
}

std::vector<std::string> live_state::hosts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [path, h] : hosts_)
    out.push_back(path);
  return out;
}

int64_t live_state::capacity(const std::string& set) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto i = sets_.find(set);
  return i == sets_.end() ? -1 : i->second.capacity;
}

std::map<std::string, int64_t>
live_state::instances_by_state(const std::string& set) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, int64_t> out;
  auto i = sets_.find(set);
  if (i != sets_.end())
    for (const auto& [id, inst] : i->second.instances)
      ++out[inst.state];
  return out;
}

std::vector<std::string> live_state::faults() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& f : faults_)
    out.push_back(f.fault + " " + f.target);
  return out;
}

std::pair<std::string, int64_t> live_state::leader() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {leader_, leader_term_};
}

uint64_t live_state::records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

} // namespace vmss::analysis
