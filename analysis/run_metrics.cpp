/// Run metrics over one trace (see the header and docs/analysis.md).

#include "analysis/run_metrics.hpp"

#include "analysis/instance_view.hpp"
#include "analysis/record_fields.hpp"
#include "kernel/assert.hpp"
#include "kernel/kernel_events.hpp"
#include "messages/compute_events.hpp"
#include "messages/control_events.hpp"
#include "messages/fabric_events.hpp"
#include "messages/network_events.hpp"
#include "messages/physical_events.hpp"
#include "messages/storage_events.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace vmss::analysis {

namespace {

namespace compute_ev = compute::events;
namespace control_ev = control::events;
namespace fabric_ev = fabric::events;
namespace network_ev = network::events;
namespace physical_ev = physical::events;
namespace storage_ev = storage::events;

/// `path` is `prefix` or below it ("a/b/c" is under "a/b", not under "a/").
bool under(std::string_view path, std::string_view prefix) {
  if (prefix.empty() || path.size() < prefix.size() ||
      path.compare(0, prefix.size(), prefix) != 0)
    return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

/// The first component of a path: its region ("westeurope").
std::string region_of(std::string_view path) {
  return std::string(path.substr(0, path.find('/')));
}

/// The parent of a path ("a/b" of "a/b/c"); the path itself at the top.
std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(0, slash);
}

/// SET/N.
std::string instance_name(const std::string& set, int64_t id) {
  return set + "/" + std::to_string(id);
}

/// The set of SET/N ("web" of "web/3"); empty if not of that form.
std::string set_of(const std::string& vm) {
  auto slash = vm.rfind('/');
  return slash == std::string::npos ? std::string() : vm.substr(0, slash);
}

bool vm_live_state(const std::string& s) {
  return s == "creating" || s == "starting" || s == "running" ||
         s == "healthy" || s == "unhealthy";
}

/// What a fault can be detected through: the paths it takes down or cuts
/// off (its target; a TOR's rack; both zones of a pair; a region), and
/// whether Traffic Manager's monitor or the storage layer count.
struct fault_scope {
  std::vector<std::string> paths;
  std::string instance; ///< app_crash by SET/N
  bool traffic_manager = false;
  bool storage = false;
};

fault_scope scope_of(const std::string& kind, const std::string& target) {
  fault_scope s;
  // Pairs are written TARGET:PEER.
  size_t colon = target.find(':');
  s.paths.push_back(target.substr(0, colon));
  if (colon != std::string::npos)
    s.paths.push_back(target.substr(colon + 1));
  if (kind == "tor_fail")
    s.paths = {parent_of(s.paths.front())};
  if (kind == "app_crash" && s.paths.front().find('/') != std::string::npos &&
      colon == std::string::npos)
    s.instance = s.paths.front(); // SET/N, or a VM slot path (never both)
  s.traffic_manager = kind == "region_outage" || kind == "region_partition";
  s.storage = kind == "replica_loss" || kind == "slow_disk";
  return s;
}

/// One scale-set instance: what makes it healthy and in the pool.
struct instance_health {
  std::string set;
  std::string region;
  int64_t zone = -1;
  bool live = false;    ///< view not Deleted
  bool view_ok = false; ///< Succeeded, running, health Healthy or none
  bool lb_seen = false; ///< appeared in an lb_backend record
  bool lb_member = false;
  std::string slot; ///< its VM slot's entity path (latest live vm_state)
};

struct set_state {
  int64_t desired = 0;
  int64_t healthy = 0;
  std::set<std::string> lbs; ///< load balancers whose pools hold it
  scale_set_metric metric;
};

struct zone_state {
  int64_t live = 0;
  int64_t healthy = 0;
  bool started = false;
  zone_metric metric;
};

struct region_leader {
  std::string path;
  bool lost = false;
  std::optional<size_t> failover; ///< index into failovers, while open
};

class metrics_builder {
public:
  explicit metrics_builder(const trace::manifest& m) {
    out_.scenario = m.scenario;
    out_.seed = m.seed;
    out_.end_ns = m.complete ? m.end_t_ns : m.complete_until_ns;
  }

  void on_record(const record& r) {
    if (r.t_ns() != now_)
      advance(r.t_ns());
    ++out_.records;
    if (is(r, control_ev::fault_injected))
      on_fault(r);
    else if (is(r, control_ev::fault_recovered))
      on_repair(r);
    else if (is(r, compute_ev::capacity_changed))
      on_capacity(r);
    else if (is(r, compute_ev::instance_view))
      on_view(r);
    else if (is(r, physical_ev::vm_state))
      on_vm_state(r);
    else if (is(r, network_ev::lb_backend))
      on_lb_backend(r);
    else if (is(r, control_ev::requests))
      on_requests(r);
    else if (is(r, fabric_ev::leader_elected))
      on_leader(r);
    else if (r.event == kernel_events::entity_crashed.name)
      on_crash(r, true);
    else if (r.event == kernel_events::entity_restarted.name)
      on_crash(r, false);
    else if (is(r, physical_ev::app_crashed))
      on_app(r, true);
    else if (is(r, physical_ev::app_restored))
      on_app(r, false);
    else if (is(r, compute_ev::autoscale_evaluated))
      on_autoscale(r);
    else if (is(r, compute_ev::upgrade_batch))
      on_batch(r);
    else if (is(r, compute_ev::upgrade_status))
      on_upgrade_status(r);
    detect(r);
  }

  run_metrics finish() {
    advance(std::max(out_.end_ns, now_));
    for (auto& [name, s] : sets_) {
      for (const auto& lb : s.lbs) {
        auto it = lb_requests_.find(lb);
        if (it == lb_requests_.end())
          continue;
        s.metric.requests_ok += it->second.first;
        s.metric.requests_failed += it->second.second;
      }
      s.metric.name = name;
      s.metric.desired = s.desired;
      s.metric.healthy = s.healthy;
      out_.scale_sets.push_back(s.metric);
    }
    for (auto& [name, z] : zones_) {
      z.metric.zone = name;
      out_.zones.push_back(z.metric);
    }
    for (auto& [set, b] : open_batch_)
      out_.upgrade_batches[b].status = last_status_[set];
    for (auto& f : out_.faults)
      if (f.detect_ns)
        f.recover_ns = recovery_after(f);
    for (const auto& [tick, failed] : failed_per_tick_)
      if (failed > out_.worst_second_failed) {
        out_.worst_second_failed = failed;
        out_.worst_second_ns = tick;
      }
    return std::move(out_);
  }

private:
  // --- time --------------------------------------------------------------

  /// The state after every record at now_ holds over [now_, t).
  void advance(int64_t t) {
    if (dirty_)
      recount();
    note_whole(now_, whole());
    int64_t dt = t - now_;
    for (auto& [name, s] : sets_)
      integrate(s, dt);
    for (auto& [name, z] : zones_)
      integrate(z, dt);
    now_ = t;
  }

  void integrate(set_state& s, int64_t dt) {
    auto& m = s.metric;
    if (!m.steady_from_ns) {
      if (s.desired <= 0 || s.healthy < s.desired)
        return;
      m.steady_from_ns = now_;
    }
    m.observed_ns += dt;
    if (s.healthy >= s.desired)
      m.available_ns += dt;
    else
      m.shortfall_instance_s += static_cast<double>(s.desired - s.healthy) *
                                static_cast<double>(dt) / 1e9;
  }

  void integrate(zone_state& z, int64_t dt) {
    if (!z.started && z.healthy == 0)
      return;
    z.started = true;
    z.metric.observed_ns += dt;
    if (z.healthy >= z.live)
      z.metric.available_ns += dt;
    else
      z.metric.unhealthy_instance_s += static_cast<double>(z.live - z.healthy) *
                                       static_cast<double>(dt) / 1e9;
  }

  /// `in_lb`: its set's instances are in a load balancer's pool.
  bool healthy(const instance_health& i, bool in_lb) const {
    if (!i.live || !i.view_ok || ((in_lb || i.lb_seen) && !i.lb_member))
      return false;
    return i.slot.empty() ||
           (crashed_.count(i.slot) == 0 && app_down_.count(i.slot) == 0);
  }

  void recount() {
    for (auto& [name, s] : sets_)
      s.healthy = 0;
    for (auto& [name, z] : zones_)
      z.live = z.healthy = 0;
    for (const auto& [k, i] : instances_) {
      auto set = sets_.find(i.set);
      bool in_lb = set != sets_.end() && !set->second.lbs.empty();
      bool h = healthy(i, in_lb);
      if (set != sets_.end() && h)
        ++set->second.healthy;
      if (i.zone < 0 || !i.live)
        continue;
      auto& z = zones_[i.region + "/z" + std::to_string(i.zone + 1)];
      ++z.live;
      z.healthy += h ? 1 : 0;
    }
    dirty_ = false;
  }

  /// The service is whole: every scale set at its desired healthy count,
  /// every region's leader up, the latest request second without failures.
  bool whole() const {
    for (const auto& [name, s] : sets_)
      if (s.healthy < s.desired)
        return false;
    for (const auto& [region, l] : leaders_)
      if (l.lost)
        return false;
    return last_tick_failed_ == 0;
  }

  void note_whole(int64_t t, bool w) {
    if (whole_changes_.empty() || whole_changes_.back().second != w)
      whole_changes_.emplace_back(t, w);
  }

  /// The first instant at or after the fault's detection at which the
  /// service was whole.
  std::optional<int64_t> recovery_after(const fault_metric& f) const {
    int64_t from = f.injected_ns + *f.detect_ns;
    // whole_changes_: (time, whole from then on), ascending.
    auto it = std::upper_bound(
        whole_changes_.begin(), whole_changes_.end(), from,
        [](int64_t t, const auto& change) { return t < change.first; });
    if (it != whole_changes_.begin() && std::prev(it)->second)
      return from - f.injected_ns;
    for (; it != whole_changes_.end(); ++it)
      if (it->second)
        return it->first - f.injected_ns;
    return std::nullopt;
  }

  // --- faults ------------------------------------------------------------

  void on_fault(const record& r) {
    fault_metric f;
    f.kind = string_field(r, control_ev::fault_injected, "fault");
    f.target = string_field(r, control_ev::fault_injected, "target");
    f.injected_ns = r.t_ns();
    open_.push_back({out_.faults.size(), scope_of(f.kind, f.target)});
    unrepaired_[f.target].push_back(out_.faults.size());
    out_.faults.push_back(std::move(f));
  }

  void on_repair(const record& r) {
    auto target = string_field(r, control_ev::fault_recovered, "target");
    auto it = unrepaired_.find(target);
    if (it == unrepaired_.end() || it->second.empty())
      return; // a recovery of nothing (the plan checks forbid it)
    out_.faults[it->second.front()].repaired_ns = r.t_ns();
    it->second.erase(it->second.begin());
  }

  /// What `r` tells about a fault: the paths and the instance it concerns.
  struct signal {
    std::vector<std::string> paths;
    std::string instance;
    bool traffic_manager = false;
    bool storage = false;
  };

  /// The signal of a record that shows the system reacting, if it is one.
  std::optional<signal> signal_of(const record& r) {
    signal s;
    if (is(r, fabric_ev::host_down)) {
      s.paths.push_back(string_field(r, fabric_ev::host_down, "host"));
    } else if (is(r, fabric_ev::vm_lost)) {
      s.paths.push_back(string_field(r, fabric_ev::vm_lost, "host"));
    } else if (is(r, fabric_ev::leader_elected)) {
      if (!lost_leader_now_)
        return std::nullopt;
      s.paths.push_back(*lost_leader_now_);
    } else if (is(r, network_ev::probe_result)) {
      if (bool_field(r, network_ev::probe_result, "up"))
        return std::nullopt;
      instance_signal(string_field(r, network_ev::probe_result, "vm"), s);
    } else if (is(r, network_ev::lb_backend)) {
      if (bool_field(r, network_ev::lb_backend, "member"))
        return std::nullopt;
      instance_signal(string_field(r, network_ev::lb_backend, "vm"), s);
    } else if (is(r, physical_ev::app_health)) {
      auto state = string_field(r, physical_ev::app_health, "state");
      if (state != "Unhealthy" && state != "Unknown")
        return std::nullopt;
      s.paths.push_back(std::string(r.path));
      s.instance =
          instance_name(string_field(r, physical_ev::app_health, "scale_set"),
                        int_field(r, physical_ev::app_health, "instance_id"));
    } else if (is(r, network_ev::tm_endpoint)) {
      if (string_field(r, network_ev::tm_endpoint, "status") != "Degraded")
        return std::nullopt;
      s.traffic_manager = true;
    } else if (is(r, storage_ev::disk_degraded) ||
               is(r, storage_ev::disk_unavailable)) {
      s.storage = true;
    } else {
      return std::nullopt;
    }
    return s;
  }

  /// An instance's signal: its name and its VM slot's path.
  void instance_signal(const std::string& vm, signal& s) const {
    s.instance = vm;
    auto slash = vm.rfind('/');
    if (slash == std::string::npos)
      return;
    auto it = instances_.find(
        {vm.substr(0, slash), std::atoll(vm.c_str() + slash + 1)});
    if (it != instances_.end() && !it->second.slot.empty())
      s.paths.push_back(it->second.slot);
  }

  static bool concerns(const fault_scope& f, const signal& s) {
    if ((f.traffic_manager && s.traffic_manager) || (f.storage && s.storage))
      return true;
    if (!f.instance.empty() && f.instance == s.instance)
      return true;
    for (const auto& p : s.paths)
      for (const auto& fp : f.paths)
        if (under(p, fp))
          return true;
    return false;
  }

  void detect(const record& r) {
    auto s = open_.empty() ? std::nullopt : signal_of(r);
    lost_leader_now_.reset();
    if (!s)
      return;
    auto& faults = out_.faults;
    open_.erase(std::remove_if(open_.begin(), open_.end(),
                               [&](const open_fault& o) {
                                 if (!concerns(o.scope, *s))
                                   return false;
                                 auto& f = faults[o.index];
                                 f.detected_by = std::string(r.event);
                                 f.detect_ns = r.t_ns() - f.injected_ns;
                                 return true;
                               }),
                open_.end());
  }

  // --- scale sets --------------------------------------------------------

  void on_capacity(const record& r) {
    auto& s = sets_[string_field(r, compute_ev::capacity_changed, "scale_set")];
    s.desired = int_field(r, compute_ev::capacity_changed, "to");
    dirty_ = true;
  }

  void on_view(const record& r) {
    auto v = read_instance_view(r);
    auto& i = instances_[{v.scale_set, v.instance_id}];
    i.set = v.scale_set;
    i.region = region_of(r.path);
    i.zone = v.zone;
    i.live = !v.deleted();
    i.view_ok = v.provisioning_state == "Succeeded" &&
                v.power_state == "running" &&
                (v.health == "Healthy" || v.health == "none");
    if (!i.live) {
      i.lb_seen = i.lb_member = false;
      i.slot.clear();
    }
    dirty_ = true;
  }

  void on_vm_state(const record& r) {
    const auto& def = physical_ev::vm_state;
    auto set = string_field(r, def, "scale_set");
    if (set.empty() || !vm_live_state(string_field(r, def, "state")))
      return;
    auto it = instances_.find({set, int_field(r, def, "instance_id")});
    if (it == instances_.end())
      return;
    it->second.slot = std::string(r.path);
    dirty_ = true;
  }

  void on_lb_backend(const record& r) {
    auto vm = string_field(r, network_ev::lb_backend, "vm");
    auto set = set_of(vm);
    auto slash = vm.rfind('/');
    if (set.empty())
      return;
    sets_[set].lbs.insert(std::string(r.path));
    auto it = instances_.find({set, std::atoll(vm.c_str() + slash + 1)});
    if (it == instances_.end())
      return;
    it->second.lb_seen = true;
    it->second.lb_member = bool_field(r, network_ev::lb_backend, "member");
    dirty_ = true;
  }

  void on_requests(const record& r) {
    const auto& def = control_ev::requests;
    auto ok = static_cast<uint64_t>(int_field(r, def, "ok"));
    auto failed = static_cast<uint64_t>(int_field(r, def, "failed"));
    auto tick = int_field(r, def, "tick_ns");
    out_.requests_ok += ok;
    out_.requests_failed += failed;
    if (failed > 0)
      failed_per_tick_[tick] += failed;
    if (tick > last_tick_) {
      last_tick_ = tick;
      last_tick_failed_ = 0;
    }
    if (tick == last_tick_)
      last_tick_failed_ += failed;
    auto& lb = lb_requests_[string_field(r, def, "target")];
    lb.first += ok;
    lb.second += failed;
  }

  // --- fabric controller -------------------------------------------------

  void on_leader(const record& r) {
    auto region = region_of(r.path);
    auto& l = leaders_[region];
    if (l.failover) {
      auto& f = out_.failovers[*l.failover];
      f.failover_ns = r.t_ns() - f.lost_ns;
      f.new_leader = std::string(r.path);
      lost_leader_now_ = f.lost_leader;
    }
    l = region_leader{std::string(r.path), false, std::nullopt};
  }

  void on_crash(const record& r, bool crashed) {
    std::string path(r.path);
    if (!crashed) {
      crashed_.erase(path);
      dirty_ = true;
      return;
    }
    crashed_.insert(path);
    dirty_ = true;
    auto it = leaders_.find(region_of(path));
    if (it == leaders_.end() || it->second.path != path || it->second.lost)
      return;
    it->second.lost = true;
    it->second.failover = out_.failovers.size();
    out_.failovers.push_back(
        failover_metric{it->first, path, r.t_ns(), std::nullopt, {}});
  }

  void on_app(const record& r, bool down) {
    if (down)
      app_down_.insert(std::string(r.path));
    else
      app_down_.erase(std::string(r.path));
    dirty_ = true;
  }

  // --- autoscale and upgrades ---------------------------------------------

  void on_autoscale(const record& r) {
    const auto& def = compute_ev::autoscale_evaluated;
    ++out_.autoscale_evaluations;
    auto decision = string_field(r, def, "decision");
    if (decision == "none")
      return;
    out_.autoscale.push_back(autoscale_decision{
        r.t_ns(), string_field(r, def, "setting"),
        string_field(r, def, "scale_set"), string_field(r, def, "profile"),
        decision, int_field(r, def, "capacity"),
        int_field(r, def, "new_capacity")});
  }

  void on_batch(const record& r) {
    const auto& def = compute_ev::upgrade_batch;
    auto set = string_field(r, def, "scale_set");
    auto open = open_batch_.find(set);
    if (open != open_batch_.end())
      out_.upgrade_batches[open->second].status = last_status_[set];
    open_batch_[set] = out_.upgrade_batches.size();
    out_.upgrade_batches.push_back(
        upgrade_batch_metric{r.t_ns(),
                             set,
                             int_field(r, def, "batch"),
                             string_field(r, def, "instances"),
                             {}});
  }

  void on_upgrade_status(const record& r) {
    const auto& def = compute_ev::upgrade_status;
    last_status_[string_field(r, def, "scale_set")] =
        string_field(r, def, "status");
  }

  struct open_fault {
    size_t index;
    fault_scope scope;
  };

  run_metrics out_;
  int64_t now_ = 0;
  bool dirty_ = false;
  std::map<std::pair<std::string, int64_t>, instance_health> instances_;
  std::map<std::string, set_state> sets_;
  std::map<std::string, zone_state> zones_;
  std::map<std::string, region_leader> leaders_;
  std::optional<std::string> lost_leader_now_; ///< of the leader_elected
  std::set<std::string> crashed_;              ///< entities down
  std::set<std::string> app_down_;             ///< VM slots, app crashed
  std::vector<open_fault> open_;               ///< faults not yet detected
  std::map<std::string, std::vector<size_t>> unrepaired_; ///< by target
  std::vector<std::pair<int64_t, bool>> whole_changes_;
  std::map<int64_t, uint64_t> failed_per_tick_;
  /// ok and failed requests by target (a load balancer's path).
  std::map<std::string, std::pair<uint64_t, uint64_t>> lb_requests_;
  int64_t last_tick_ = -1;
  uint64_t last_tick_failed_ = 0;
  std::map<std::string, size_t> open_batch_; ///< last batch of each set
  std::map<std::string, std::string> last_status_;
};

} // namespace

double scale_set_metric::availability() const {
  return observed_ns == 0 ? 1.0
                          : static_cast<double>(available_ns) /
                                static_cast<double>(observed_ns);
}

std::optional<double> scale_set_metric::request_success() const {
  uint64_t all = requests_ok + requests_failed;
  if (all == 0)
    return std::nullopt;
  return static_cast<double>(requests_ok) / static_cast<double>(all);
}

double zone_metric::availability() const {
  return observed_ns == 0 ? 1.0
                          : static_cast<double>(available_ns) /
                                static_cast<double>(observed_ns);
}

double run_metrics::shortfall_instance_s() const {
  double sum = 0;
  for (const auto& s : scale_sets)
    sum += s.shortfall_instance_s;
  return sum;
}

double run_metrics::min_availability() const {
  double low = 1.0;
  for (const auto& s : scale_sets)
    low = std::min(low, s.availability());
  return low;
}

run_metrics compute_run_metrics(const trace_reader& reader) {
  metrics_builder b(reader.manifest());
  reader.for_each([&](const record& r) { b.on_record(r); });
  return b.finish();
}

std::string format_seconds(const std::optional<int64_t>& ns, const char* none) {
  if (!ns)
    return none;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(*ns) / 1e9);
  return buf;
}

} // namespace vmss::analysis
