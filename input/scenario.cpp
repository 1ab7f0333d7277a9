#include "input/scenario.hpp"

#include "input/json_reader.hpp"
#include "input/scenario_azure.hpp"
#include "input/scenario_traffic.hpp"
#include "input/time_zone.hpp"
#include "kernel/numbers.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace vmss::input {

namespace {

namespace sc = vmss::scenario;

/// The VM sizes the model knows, with their vCPUs and memory from Azure's
/// size pages (learn.microsoft.com/azure/virtual-machines/sizes: Av2,
/// A-series (previous generation), B-series, D/DS v1 and v2 (previous
/// generation), Dv3/Dsv3, Dv4/Dsv4, Dv5/Dsv5/Dasv5, Ev3/Esv3, Ev5/Esv5,
/// F/Fs, Fsv2). Memory is in whole GB, as hosts account it: the sizes
/// with a fraction (A0 0.75, A1 1.75, A2 3.5, B1ls 0.5, D1_v2 3.5 GiB) are
/// rounded up (docs/model.md).
constexpr std::array<vm_size, 142> vm_sizes{{
    {"Standard_A1_v2", 1, 2},       {"Standard_A2_v2", 2, 4},
    {"Standard_A4_v2", 4, 8},       {"Standard_A8_v2", 8, 16},
    {"Standard_A2m_v2", 2, 16},     {"Standard_A4m_v2", 4, 32},
    {"Standard_A8m_v2", 8, 64},     {"Standard_A0", 1, 1},
    {"Standard_A1", 1, 2},          {"Standard_A2", 2, 4},
    {"Standard_A3", 4, 7},          {"Standard_A4", 8, 14},
    {"Standard_B1ls", 1, 1},        {"Standard_B1s", 1, 1},
    {"Standard_B1ms", 1, 2},        {"Standard_B2s", 2, 4},
    {"Standard_B2ms", 2, 8},        {"Standard_B4ms", 4, 16},
    {"Standard_B8ms", 8, 32},       {"Standard_B12ms", 12, 48},
    {"Standard_B16ms", 16, 64},     {"Standard_B20ms", 20, 80},
    {"Standard_D1", 1, 4},          {"Standard_D2", 2, 7},
    {"Standard_D3", 4, 14},         {"Standard_D4", 8, 28},
    {"Standard_D1_v2", 1, 4},       {"Standard_D2_v2", 2, 7},
    {"Standard_D3_v2", 4, 14},      {"Standard_D4_v2", 8, 28},
    {"Standard_D5_v2", 16, 56},     {"Standard_DS1", 1, 4},
    {"Standard_DS2", 2, 7},         {"Standard_DS3", 4, 14},
    {"Standard_DS4", 8, 28},        {"Standard_DS1_v2", 1, 4},
    {"Standard_DS2_v2", 2, 7},      {"Standard_DS3_v2", 4, 14},
    {"Standard_DS4_v2", 8, 28},     {"Standard_DS5_v2", 16, 56},
    {"Standard_D2_v3", 2, 8},       {"Standard_D4_v3", 4, 16},
    {"Standard_D8_v3", 8, 32},      {"Standard_D16_v3", 16, 64},
    {"Standard_D32_v3", 32, 128},   {"Standard_D48_v3", 48, 192},
    {"Standard_D64_v3", 64, 256},   {"Standard_D2s_v3", 2, 8},
    {"Standard_D4s_v3", 4, 16},     {"Standard_D8s_v3", 8, 32},
    {"Standard_D16s_v3", 16, 64},   {"Standard_D32s_v3", 32, 128},
    {"Standard_D48s_v3", 48, 192},  {"Standard_D64s_v3", 64, 256},
    {"Standard_D2_v4", 2, 8},       {"Standard_D4_v4", 4, 16},
    {"Standard_D8_v4", 8, 32},      {"Standard_D16_v4", 16, 64},
    {"Standard_D32_v4", 32, 128},   {"Standard_D48_v4", 48, 192},
    {"Standard_D64_v4", 64, 256},   {"Standard_D2s_v4", 2, 8},
    {"Standard_D4s_v4", 4, 16},     {"Standard_D8s_v4", 8, 32},
    {"Standard_D16s_v4", 16, 64},   {"Standard_D32s_v4", 32, 128},
    {"Standard_D48s_v4", 48, 192},  {"Standard_D64s_v4", 64, 256},
    {"Standard_D2_v5", 2, 8},       {"Standard_D4_v5", 4, 16},
    {"Standard_D8_v5", 8, 32},      {"Standard_D16_v5", 16, 64},
    {"Standard_D32_v5", 32, 128},   {"Standard_D48_v5", 48, 192},
    {"Standard_D64_v5", 64, 256},   {"Standard_D96_v5", 96, 384},
    {"Standard_D2s_v5", 2, 8},      {"Standard_D4s_v5", 4, 16},
    {"Standard_D8s_v5", 8, 32},     {"Standard_D16s_v5", 16, 64},
    {"Standard_D32s_v5", 32, 128},  {"Standard_D48s_v5", 48, 192},
    {"Standard_D64s_v5", 64, 256},  {"Standard_D96s_v5", 96, 384},
    {"Standard_D2as_v5", 2, 8},     {"Standard_D4as_v5", 4, 16},
    {"Standard_D8as_v5", 8, 32},    {"Standard_D16as_v5", 16, 64},
    {"Standard_D32as_v5", 32, 128}, {"Standard_D48as_v5", 48, 192},
    {"Standard_D64as_v5", 64, 256}, {"Standard_D96as_v5", 96, 384},
    {"Standard_E2_v3", 2, 16},      {"Standard_E4_v3", 4, 32},
    {"Standard_E8_v3", 8, 64},      {"Standard_E16_v3", 16, 128},
    {"Standard_E32_v3", 32, 256},   {"Standard_E48_v3", 48, 384},
    {"Standard_E64_v3", 64, 432},   {"Standard_E2s_v3", 2, 16},
    {"Standard_E4s_v3", 4, 32},     {"Standard_E8s_v3", 8, 64},
    {"Standard_E16s_v3", 16, 128},  {"Standard_E32s_v3", 32, 256},
    {"Standard_E48s_v3", 48, 384},  {"Standard_E64s_v3", 64, 432},
    {"Standard_E2_v5", 2, 16},      {"Standard_E4_v5", 4, 32},
    {"Standard_E8_v5", 8, 64},      {"Standard_E16_v5", 16, 128},
    {"Standard_E20_v5", 20, 160},   {"Standard_E32_v5", 32, 256},
    {"Standard_E48_v5", 48, 384},   {"Standard_E64_v5", 64, 512},
    {"Standard_E96_v5", 96, 672},   {"Standard_E2s_v5", 2, 16},
    {"Standard_E4s_v5", 4, 32},     {"Standard_E8s_v5", 8, 64},
    {"Standard_E16s_v5", 16, 128},  {"Standard_E20s_v5", 20, 160},
    {"Standard_E32s_v5", 32, 256},  {"Standard_E48s_v5", 48, 384},
    {"Standard_E64s_v5", 64, 512},  {"Standard_E96s_v5", 96, 672},
    {"Standard_F1", 1, 2},          {"Standard_F1s", 1, 2},
    {"Standard_F2", 2, 4},          {"Standard_F2s", 2, 4},
    {"Standard_F4", 4, 8},          {"Standard_F4s", 4, 8},
    {"Standard_F8", 8, 16},         {"Standard_F8s", 8, 16},
    {"Standard_F16", 16, 32},       {"Standard_F16s", 16, 32},
    {"Standard_F2s_v2", 2, 4},      {"Standard_F4s_v2", 4, 8},
    {"Standard_F8s_v2", 8, 16},     {"Standard_F16s_v2", 16, 32},
    {"Standard_F32s_v2", 32, 64},   {"Standard_F48s_v2", 48, 96},
    {"Standard_F64s_v2", 64, 128},  {"Standard_F72s_v2", 72, 144},
}};

/// The faults a random process may draw: each has a recovery and takes
/// nothing but its target.
constexpr std::array<sc::FaultKind, 7> process_faults{
    sc::host_crash,   sc::tor_fail,  sc::rack_power_off, sc::zone_power_off,
    sc::replica_loss, sc::app_crash, sc::fc_leader_kill};

/// The faults between two zones or regions: they take a peer.
bool takes_peer(sc::FaultKind k) {
  return k == sc::zone_partition || k == sc::zone_heal ||
         k == sc::link_degrade || k == sc::link_restore ||
         k == sc::region_partition || k == sc::region_heal;
}

bool on_region(sc::FaultKind k) {
  return k == sc::region_outage || k == sc::region_restore ||
         k == sc::region_partition || k == sc::region_heal ||
         k == sc::fc_leader_kill || k == sc::fc_leader_restore;
}

/// Operations on a Traffic Manager endpoint (target PROFILE/ENDPOINT).
bool on_endpoint(sc::Operation op) {
  return op == sc::endpoint_disable || op == sc::endpoint_enable ||
         op == sc::endpoint_weight;
}

/// The checks of one scenario, appending to `errors`.
struct checker {
  const sc::Scenario& s;
  std::vector<diagnostic>& errors;
  /// The scenario's scale sets, read (the timeline names their VMs).
  const azure::resources* azure = nullptr;
  const std::vector<topology::region>* regions_ = nullptr;

  void fail(const std::string& path, const std::string& reason) {
    errors.push_back({path, reason});
  }

  /// `t` at `path` lies in [0, duration).
  void within_run(const std::string& path, sim_time t) {
    if (t >= s.duration_ns())
      fail(path, format_duration(t) + " is not within the run (0s to " +
                     format_duration(s.duration_ns()) + ")");
  }

  void positive(const std::string& path, sim_time t) {
    if (t <= 0)
      fail(path, "must be longer than 0s");
  }

  topology::region topology(const sc::Topology& t, const std::string& path,
                            const std::string& base_dir);
  std::vector<topology::region> regions(const std::string& base_dir);
  void timeline();
  void entry(const sc::TimelineEntry& e, const std::string& path);
  void operation(const sc::TimelineEntry& e, const std::string& path);
  void fault(const sc::TimelineEntry& e, const std::string& path);
  void endpoint(const sc::TimelineEntry& e, const std::string& path);
  void region_fault(const sc::TimelineEntry& e, const std::string& path);
  void fault_processes();
  void repair(const sc::Repair& r, const std::string& path);
};

topology::region checker::topology(const sc::Topology& t,
                                   const std::string& path,
                                   const std::string& base_dir) {
  topology::region r = topology::preset("small");
  if (t.source_case() == sc::Topology::SOURCE_NOT_SET) {
    fail(path, "give preset or file");
    return r;
  }
  if (t.has_file()) {
    for (auto [given, key] : {std::pair{t.has_zones(), "zones"},
                              {t.has_racks_per_zone(), "racksPerZone"},
                              {t.has_hosts_per_rack(), "hostsPerRack"},
                              {t.has_fc_replicas(), "fcReplicas"}})
      if (given)
        fail(json_child(path, key),
             "only with a preset (a topology file gives its own)");
    std::filesystem::path file = t.file();
    if (file.is_relative())
      file = std::filesystem::path(base_dir) / file;
    try {
      return topology::read_region(file.string());
    } catch (const std::exception& e) {
      fail(json_child(path, "file"), e.what());
      return r;
    }
  }
  try {
    r = topology::preset(t.preset());
  } catch (const std::invalid_argument& e) {
    auto close = did_you_mean(t.preset(), topology::preset_names());
    fail(json_child(path, "preset"),
         std::string(e.what()) +
             (close.empty() ? "" : " (did you mean " + close + "?)"));
    return r;
  }
  // As the region model resizes a preset (model option string).
  auto base = r;
  r.zones = t.has_zones() ? t.zones() : r.zones;
  r.racks_per_zone =
      t.has_racks_per_zone() ? t.racks_per_zone() : r.racks_per_zone;
  r.hosts_per_rack =
      t.has_hosts_per_rack() ? t.hosts_per_rack() : r.hosts_per_rack;
  bool resized = r.zones != base.zones ||
                 r.racks_per_zone != base.racks_per_zone ||
                 r.hosts_per_rack != base.hosts_per_rack;
  uint32_t replicas = t.has_fc_replicas() ? t.fc_replicas() : 5;
  if (resized || replicas != 5)
    r.fc_replica_sites = topology::spread_fc_sites(r, replicas);
  try {
    topology::validate(r);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
  return r;
}

/// The `regions` entries, or the one region `topology` describes.
std::vector<topology::region> checker::regions(const std::string& base_dir) {
  if (s.regions().empty()) {
    if (!s.has_topology()) {
      fail("topology", "missing: give topology (one region) or regions");
      return {topology::preset("small")};
    }
    return {topology(s.topology(), "topology", base_dir)};
  }
  if (s.has_topology())
    fail("topology", "not with regions (each region gives its own)");
  std::vector<topology::region> out;
  std::set<std::string> names;
  for (int i = 0; i < s.regions_size(); ++i) {
    const auto& e = s.regions(i);
    auto path = entry_path("regions", static_cast<size_t>(i));
    auto r = topology(e.topology(), json_child(path, "topology"), base_dir);
    if (!plain_name(e.name()) || e.name() == "global")
      fail(json_child(path, "name"),
           quote_json(e.name()) + " " + plain_name_rule +
               " and must not be \"global\" (the global entities' prefix)");
    else if (!names.insert(ascii_lower(e.name())).second)
      fail(json_child(path, "name"), quote_json(e.name()) + " is given twice");
    r.name = e.name();
    if (e.background_tenants().has_probe_period_ns())
      positive(json_child(path, "backgroundTenants.probePeriod"),
               e.background_tenants().probe_period_ns());
    out.push_back(std::move(r));
  }
  return out;
}

/// Operations on one instance take SETNAME/N; the others SETNAME.
bool on_instance(sc::Operation op) {
  switch (op) {
  case sc::vm_start:
  case sc::vm_stop:
  case sc::vm_reimage:
  case sc::vm_delete:
  case sc::vm_restart:
  case sc::vm_deallocate:
  case sc::vm_upgrade:
  case sc::vm_protect:
    return true;
  default:
    return false;
  }
}

void checker::operation(const sc::TimelineEntry& e, const std::string& path) {
  auto op = e.operation();
  const auto& name_of_op = sc::Operation_Name(op);
  for (auto [given, key] :
       {std::pair{!e.peer().empty(), "peer"},
        {e.has_service_time_percent(), "serviceTimePercent"},
        {e.has_extra_latency_ns(), "extraLatency"},
        {e.has_loss_ppm(), "lossPpm"},
        {e.has_duration_ns(), "duration"}})
    if (given)
      fail(json_child(path, key), "only for faults");
  for (auto [given, wanted, key] :
       {std::tuple{e.has_capacity(), op == sc::scale, "capacity"},
        {e.has_body(), op == sc::update, "body"},
        {e.has_protect_from_scale_in(), op == sc::vm_protect,
         "protectFromScaleIn"},
        {e.has_protect_from_scale_set_actions(), op == sc::vm_protect,
         "protectFromScaleSetActions"},
        {e.has_weight(), op == sc::endpoint_weight, "weight"}}) {
    if (given && !wanted)
      fail(json_child(path, key), "not for " + name_of_op);
  }
  if (op == sc::scale && !e.has_capacity())
    fail(json_child(path, "capacity"), "missing: scale needs the capacity");
  if (op == sc::update && !e.body().has_struct_value())
    fail(json_child(path, "body"),
         "missing or not an object: update needs a merge patch of the scale "
         "set's REST body");
  if (op == sc::vm_protect && !e.has_protect_from_scale_in() &&
      !e.has_protect_from_scale_set_actions())
    fail(path, "vm_protect needs protectFromScaleIn or "
               "protectFromScaleSetActions");
  auto where = json_child(path, "target");
  auto slash = e.target().rfind('/');
  if (on_endpoint(op)) {
    endpoint(e, path);
    return;
  }
  bool instance = on_instance(op);
  if (instance && slash == std::string::npos) {
    fail(where, quote_json(e.target()) + " is not SETNAME/N (e.g. web/0): " +
                    name_of_op + " is about one instance");
    return;
  }
  if (!instance && slash != std::string::npos) {
    fail(where, quote_json(e.target()) + " is not SETNAME: " + name_of_op +
                    " is about the scale set");
    return;
  }
  auto name = instance ? e.target().substr(0, slash) : e.target();
  const auto& sets = azure->scale_sets;
  auto set = std::find_if(sets.begin(), sets.end(),
                          [&](const auto& x) { return x.name == name; });
  if (set == sets.end()) {
    std::vector<std::string> known;
    for (const auto& x : sets)
      known.push_back(x.name);
    auto close = did_you_mean(name, known);
    fail(where, "no scale set " + quote_json(name) + " in this scenario" +
                    (close.empty() ? "" : " (did you mean " + close + "?)"));
    return;
  }
  if (!instance)
    return;
  // Instance ids are the orchestrator's (an id it never gave is refused in
  // the run, as Azure refuses it); here only the form.
  uint64_t id = 0;
  std::string why;
  if (!parse_uint(e.target().substr(slash + 1), 0, 1u << 30, id, &why))
    fail(where,
         "instance " + quote_json(e.target().substr(slash + 1)) + " " + why);
}

void checker::endpoint(const sc::TimelineEntry& e, const std::string& path) {
  auto where = json_child(path, "target");
  auto slash = e.target().find('/');
  if (slash == std::string::npos) {
    fail(where, quote_json(e.target()) +
                    " is not PROFILE/ENDPOINT (a Traffic Manager profile and "
                    "one of its endpoints)");
    return;
  }
  auto profile = e.target().substr(0, slash);
  auto name = e.target().substr(slash + 1);
  const auto& tms = azure->traffic_managers;
  auto tm = std::find_if(tms.begin(), tms.end(), [&](const auto& x) {
    return same_ignoring_case(x.name, profile);
  });
  if (tm == tms.end()) {
    fail(where, "no Traffic Manager profile " + quote_json(profile) +
                    " in this scenario");
    return;
  }
  const auto& eps = tm->model.properties().endpoints();
  if (std::none_of(eps.begin(), eps.end(), [&](const auto& x) {
        return same_ignoring_case(x.name(), name);
      }))
    fail(where, "profile " + quote_json(profile) + " has no endpoint " +
                    quote_json(name));
  if (e.operation() == sc::endpoint_weight &&
      (!e.has_weight() || e.weight() < 1 || e.weight() > 1000))
    fail(json_child(path, "weight"),
         e.has_weight() ? std::to_string(e.weight()) + " is not 1 to 1000"
                        : "missing: endpoint_weight needs the weight");
}

/// A region fault's target and peer name regions of this scenario (the
/// peer may be "global").
void checker::region_fault(const sc::TimelineEntry& e,
                           const std::string& path) {
  auto known = [&](const std::string& name) {
    return std::any_of(regions_->begin(), regions_->end(),
                       [&](const auto& r) { return r.name == name; });
  };
  std::string all;
  for (const auto& r : *regions_)
    all += (all.empty() ? "" : ", ") + r.name;
  if (!known(e.target()))
    fail(json_child(path, "target"), quote_json(e.target()) +
                                         " is not a region of this scenario (" +
                                         all + ")");
  if (takes_peer(e.fault()) && !e.peer().empty() &&
      ((e.peer() != "global" && !known(e.peer())) || e.peer() == e.target()))
    fail(json_child(path, "peer"),
         quote_json(e.peer()) +
             " is not another region of this scenario or \"global\"");
}

void checker::fault(const sc::TimelineEntry& e, const std::string& path) {
  auto kind = e.fault();
  const auto& name = sc::FaultKind_Name(kind);
  if (on_region(kind))
    region_fault(e, path);
  if (takes_peer(kind) && e.peer().empty())
    fail(json_child(path, "peer"),
         "missing: " + name + " needs the other " +
             (on_region(kind) ? "region (or \"global\")" : "zone"));
  if (!takes_peer(kind) && !e.peer().empty())
    fail(json_child(path, "peer"), name + " takes no peer");
  if (e.has_service_time_percent() && kind != sc::slow_disk)
    fail(json_child(path, "serviceTimePercent"), "only for slow_disk");
  if (e.has_extra_latency_ns() && kind != sc::link_degrade)
    fail(json_child(path, "extraLatency"), "only for link_degrade");
  if (e.has_loss_ppm() && kind != sc::link_degrade)
    fail(json_child(path, "lossPpm"), "only for link_degrade");
  if (e.has_duration_ns() && kind != sc::fc_leader_kill)
    fail(json_child(path, "duration"), "only for fc_leader_kill");
  if (e.has_duration_ns())
    positive(json_child(path, "duration"), e.duration_ns());
  if (e.target().empty())
    fail(json_child(path, "target"), "must not be empty");
}

void checker::entry(const sc::TimelineEntry& e, const std::string& path) {
  within_run(json_child(path, "at"), e.at_ns());
  if (e.action_case() == sc::TimelineEntry::kOperation)
    operation(e, path);
  else if (e.action_case() == sc::TimelineEntry::kFault)
    fault(e, path);
  else
    fail(path, "give fault or operation");
}

void checker::timeline() {
  for (int i = 0; i < s.timeline_size(); ++i)
    entry(s.timeline(i), entry_path("timeline", static_cast<size_t>(i)));
}

void checker::repair(const sc::Repair& r, const std::string& path) {
  bool mean = r.distribution() != sc::Repair::uniform;
  auto dist = sc::Repair::Distribution_Name(r.distribution());
  for (auto [given, wanted, key] : {std::tuple{r.has_mean_ns(), mean, "mean"},
                                    {r.has_min_ns(), !mean, "min"},
                                    {r.has_max_ns(), !mean, "max"}}) {
    if (given && !wanted)
      fail(json_child(path, key), "not for the " + dist + " distribution");
    if (!given && wanted)
      fail(json_child(path, key),
           "missing: the " + dist + " distribution needs it");
  }
  if (r.has_mean_ns())
    positive(json_child(path, "mean"), r.mean_ns());
  if (r.has_min_ns())
    positive(json_child(path, "min"), r.min_ns());
  if (r.has_min_ns() && r.has_max_ns() && r.max_ns() < r.min_ns())
    fail(json_child(path, "max"), "must not be shorter than min");
}

void checker::fault_processes() {
  for (int i = 0; i < s.fault_processes_size(); ++i) {
    const auto& p = s.fault_processes(i);
    auto path = entry_path("faultProcesses", static_cast<size_t>(i));
    if (p.fault() != sc::fault_kind_unspecified &&
        std::find(process_faults.begin(), process_faults.end(), p.fault()) ==
            process_faults.end()) {
      std::string known;
      for (auto k : process_faults)
        known += (known.empty() ? "" : ", ") + sc::FaultKind_Name(k);
      fail(json_child(path, "fault"), sc::FaultKind_Name(p.fault()) +
                                          " cannot be a random process (" +
                                          known + ")");
    }
    if (p.targets().empty())
      fail(json_child(path, "targets"), "must not be empty");
    positive(json_child(path, "mtbf"), p.mtbf_ns());
    if (p.has_repair())
      repair(p.repair(), json_child(path, "repair"));
    if (p.has_from_ns())
      within_run(json_child(path, "from"), p.from_ns());
    if (p.has_until_ns() && p.until_ns() > s.duration_ns())
      fail(json_child(path, "until"),
           format_duration(p.until_ns()) + " is after the end of the run (" +
               format_duration(s.duration_ns()) + ")");
    if (p.has_until_ns() && p.until_ns() <= p.from_ns())
      fail(json_child(path, "until"), "must be after from");
  }
}

/// Every process gets from and until.
void fill_defaults(sc::Scenario& s) {
  for (auto& p : *s.mutable_fault_processes()) {
    if (!p.has_from_ns())
      p.set_from_ns(0);
    if (!p.has_until_ns())
      p.set_until_ns(s.duration_ns());
  }
}

} // namespace

std::string scenario_input::error(const std::string& path,
                                  const std::string& reason) const {
  return input_error(label, {{path, reason}}).what();
}

bool plain_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
         });
}

std::vector<diagnostic> check_timeline_entry(const scenario_input& in,
                                             const sc::TimelineEntry& e,
                                             const std::string& path) {
  std::vector<diagnostic> errors;
  checker c{in.spec, errors};
  c.azure = &in.azure;
  c.regions_ = &in.regions;
  c.entry(e, path);
  return errors;
}

std::string entry_path(const std::string& field, size_t index) {
  return json_index(field, index);
}

scenario_input load_scenario_text(const std::string& text,
                                  const std::string& label,
                                  const std::string& base_dir) {
  std::vector<diagnostic> errors;
  auto j = parse_json(text, errors);
  if (j.is_discarded())
    throw input_error(label, errors);
  if (!j.is_object()) {
    errors.push_back(
        {"", "must be a JSON object (the scenario), not " +
                 std::string(j.is_array() ? "an array" : "a single value")});
    throw input_error(label, errors);
  }
  scenario_input out;
  out.label = label;
  out.base_dir = base_dir;
  read_message(j, out.spec, "", errors);
  if (!errors.empty())
    throw input_error(label, errors);
  checker c{out.spec, errors};
  if (!plain_name(out.spec.name()))
    c.fail("name", quote_json(out.spec.name()) + " " + plain_name_rule);
  c.positive("duration", out.spec.duration_ns());
  out.regions = c.regions(base_dir);
  out.region = out.regions.front();
  if (!out.spec.start_time().empty()) {
    std::string why;
    if (!parse_utc(out.spec.start_time(), out.start_utc_seconds, &why))
      c.fail("startTime", quote_json(out.spec.start_time()) + " " + why);
  }
  if (out.spec.background_tenants().has_probe_period_ns())
    c.positive("backgroundTenants.probePeriod",
               out.spec.background_tenants().probe_period_ns());
  std::vector<located_diagnostic> azure_errors;
  read_scenario_azure(j, base_dir, out, azure_errors);
  c.azure = &out.azure;
  c.regions_ = &out.regions;
  check_traffic(out, errors, azure_errors);
  c.timeline();
  c.fault_processes();
  if (!errors.empty() || !azure_errors.empty()) {
    auto all = locate(label, errors);
    all.insert(all.end(), azure_errors.begin(), azure_errors.end());
    throw input_error(all);
  }
  fill_defaults(out.spec);
  return out;
}

scenario_input load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path))
    throw input_error(path, {{"", "cannot open"}});
  std::ostringstream text;
  text << in.rdbuf();
  auto dir = std::filesystem::path(path).parent_path().string();
  return load_scenario_text(text.str(), path, dir.empty() ? "." : dir);
}

scenario_input load_builtin_default_scenario() {
  return load_scenario_text(builtin_default_scenario(),
                            "scenarios/default.json (built in)", ".");
}

const vm_size* find_vm_size(const std::string& name) {
  // Azure's size names ignore letter case ("Standard_A2_V2" in templates).
  for (const auto& size : vm_sizes)
    if (same_ignoring_case(name, size.name))
      return &size;
  return nullptr;
}

std::vector<std::string> vm_size_names() {
  std::vector<std::string> out;
  for (const auto& size : vm_sizes)
    out.push_back(size.name);
  return out;
}

} // namespace vmss::input
