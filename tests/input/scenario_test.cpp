// Scenario files (input/scenario.hpp, docs/scenarios.md): what is read,
// the defaults filled in, and every check that needs no entities, each
// error naming the file, the JSON path and the reason.

#include "input/json_reader.hpp"
#include "input/scenario.hpp"
#include "tests/support/scratch.hpp"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <set>

namespace {

using namespace vmss;
using namespace vmss::input;
using lines = std::vector<std::string>;

/// A scale set's REST body: `capacity` VMs of Standard_D2s_v3 in
/// westeurope, with `extra` members added to its properties.
std::string body(int capacity = 3, const std::string& sku_extra = "",
                 const std::string& extra = "") {
  return R"({"location": "westeurope", "sku": {"name": "Standard_D2s_v3",
    "capacity": )" +
         std::to_string(capacity) + sku_extra + R"(}, "properties": {
    "virtualMachineProfile": {"storageProfile": {"imageReference": {
    "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server",
    "version": "latest"}}})" +
         (extra.empty() ? "" : ", " + extra) + "}}";
}

/// A valid scenario with `extra` members added at the top level.
std::string scenario(const std::string& extra = "") {
  return R"({"name": "t", "duration": "300s", "topology": {"preset": "small"},
    "scaleSets": [{"name": "web", "body": )" +
         body() + "}]" + (extra.empty() ? "" : ", " + extra) + "}";
}

/// The error lines of loading `text` as "s.json" (none if it loads).
lines errors_of(const std::string& text, const std::string& base = ".") {
  try {
    load_scenario_text(text, "s.json", base);
  } catch (const input_error& e) {
    return e.lines();
  }
  return {};
}

TEST(scenario, a_minimal_scenario_loads_with_its_defaults) {
  auto s = load_scenario_text(scenario(), "s.json", ".");
  EXPECT_EQ(s.label, "s.json");
  EXPECT_EQ(s.spec.name(), "t");
  EXPECT_FALSE(s.spec.has_seed());
  EXPECT_EQ(s.spec.duration_ns(), seconds(300));
  EXPECT_EQ(s.region.racks_per_zone, 2u);
  ASSERT_EQ(s.azure.scale_sets.size(), 1u);
  const auto& set = s.azure.scale_sets[0];
  EXPECT_EQ(set.name, "web");
  EXPECT_EQ(s.create_at, std::vector<sim_time>{seconds(1)});
  // A regional scale set may be placed in every zone of the region.
  EXPECT_EQ(s.zones, (std::vector<std::vector<uint32_t>>{{1, 2, 3}}));
  EXPECT_EQ(find_vm_size(set.model.sku().name())->vcpus, 2u);
  EXPECT_EQ(s.error(entry_path("timeline", 3), "why"),
            "s.json: timeline[3]: why");
}

TEST(scenario, unknown_fields_are_named_with_their_path) {
  auto text = R"({"name": "t", "duration": "300s", "topology": {"preset":
    "small"}, "scaleSets": [{"name": "web", "capasity": 3, "body": )" +
              body(3, R"(, "capasity": 3)") + "}]}";
  EXPECT_EQ(errors_of(text),
            (lines{"s.json: scaleSets[0].capasity: unknown field (fields: "
                   "name, body, template, parameters, parametersFile, "
                   "createAt)"}));
  // The scale set's own fields are read once the scenario's are right.
  text = R"({"name": "t", "duration": "300s", "topology": {"preset":
    "small"}, "scaleSets": [{"name": "web", "body": )" +
         body(3, R"(, "capasity": 3)") + "}]}";
  EXPECT_EQ(errors_of(text),
            (lines{"s.json: scaleSets[0].body.sku.capasity: unknown field "
                   "(did you mean capacity?)"}));
}

TEST(scenario, type_errors_and_duplicate_keys_are_all_reported) {
  EXPECT_EQ(errors_of(R"({"name": 1, "duration": "300s", "duration": "1s",
    "topology": "small", "seed": -1, "fabric": [], "timeline": {}})"),
            (lines{"s.json: duration: duplicate key",
                   "s.json: name: is an integer, not a string",
                   "s.json: topology: is a string, not an object",
                   "s.json: seed: -1 is out of range (0 to "
                   "18446744073709551615)",
                   "s.json: fabric: is an array, not an object",
                   "s.json: timeline: is an object, not an array"}));
  EXPECT_EQ(errors_of("[1]"),
            lines{"s.json: must be a JSON object (the scenario), not an "
                  "array"});
}

TEST(scenario, durations_are_strict) {
  auto at = [](const std::string& when) {
    return errors_of(scenario(R"("timeline": [{"at": )" + when +
                              R"(, "fault": "host_crash", "target": "x"}])"));
  };
  EXPECT_EQ(at(R"("30")"), lines{"s.json: timeline[0].at: \"30\" is not a "
                                 "duration (give a unit: 30s)"});
  EXPECT_EQ(at(R"("0x10s")"),
            lines{"s.json: timeline[0].at: \"0x10s\" is not a duration "
                  "(digits, an optional fraction and a unit: ns, us, ms, s, "
                  "m, h; e.g. 90s, 1.5ms)"});
  EXPECT_EQ(at(R"("-5s")").size(), 1u);
  EXPECT_EQ(at("30").size(), 1u);
  EXPECT_EQ(errors_of(R"({"name": "t", "duration": "0s", "topology":
    {"preset": "small"}})"),
            lines{"s.json: duration: must be longer than 0s"});
}

TEST(scenario, times_must_lie_within_the_run) {
  EXPECT_EQ(
      errors_of(scenario(R"("timeline": [
    {"at": "0s", "fault": "host_crash", "target": "x"},
    {"at": "300s", "fault": "host_crash", "target": "x"}],
    "faultProcesses": [{"fault": "host_crash", "targets": "westeurope",
      "mtbf": "1h", "repair": {"distribution": "fixed", "mean": "1m"},
      "from": "5m", "until": "6m"}])")),
      (lines{"s.json: timeline[1].at: 300s is not within the run (0s to "
             "300s)",
             "s.json: faultProcesses[0].from: 300s is not within the run (0s "
             "to 300s)",
             "s.json: faultProcesses[0].until: 360s is after the end of the "
             "run (300s)"}));
  EXPECT_EQ(errors_of(R"({"name": "t", "duration": "10s", "topology":
    {"preset": "small"}, "scaleSets": [{"name": "web", "body": )" +
                      body(1) + R"(, "createAt": "10s"}]})"),
            lines{"s.json: scaleSets[0].createAt: 10s is not within the run "
                  "(0s to 10s)"});
}

TEST(scenario, control_plane_operations_take_their_fields_and_targets) {
  EXPECT_EQ(errors_of(scenario(R"("timeline": [
    {"at": "1s", "operation": "scale", "target": "web", "capacity": 5},
    {"at": "1s", "operation": "scale", "target": "web"},
    {"at": "1s", "operation": "scale", "target": "web/0", "capacity": 5},
    {"at": "1s", "operation": "vm_stop", "target": "web", "capacity": 2},
    {"at": "1s", "operation": "update", "target": "web"},
    {"at": "1s", "operation": "update", "target": "web",
     "body": {"sku": {"capacity": 4}}},
    {"at": "1s", "operation": "vm_protect", "target": "web/7"},
    {"at": "1s", "operation": "vm_protect", "target": "web/7",
     "protectFromScaleIn": true},
    {"at": "1s", "operation": "resume_repairs", "target": "web",
     "protectFromScaleSetActions": true},
    {"at": "1s", "operation": "update", "target": "web",
     "body": {"sku": {"capacity": 5000}}}])")),
            (lines{"s.json: timeline[1].capacity: missing: scale needs the "
                   "capacity",
                   "s.json: timeline[2].target: \"web/0\" is not SETNAME: "
                   "scale is about the scale set",
                   "s.json: timeline[3].capacity: not for vm_stop",
                   "s.json: timeline[3].target: \"web\" is not SETNAME/N "
                   "(e.g. web/0): vm_stop is about one instance",
                   "s.json: timeline[4].body: missing or not an object: update "
                   "needs a merge patch of the scale set's REST body",
                   "s.json: timeline[6]: vm_protect needs protectFromScaleIn "
                   "or protectFromScaleSetActions",
                   "s.json: timeline[8].protectFromScaleSetActions: not for "
                   "resume_repairs",
                   "s.json: timeline[9].body.sku.capacity: 5000 is out of "
                   "range (0 to 1000)"}));
}

TEST(scenario, an_update_is_read_over_the_body_the_earlier_ones_left) {
  auto in = load_scenario_text(scenario(R"("timeline": [
    {"at": "1s", "operation": "update", "target": "web",
     "body": {"sku": {"capacity": 4}}},
    {"at": "2s", "operation": "update", "target": "web",
     "body": {"properties": {"upgradePolicy": {"mode": "Automatic"}}}}])"),
                               "s.json", ".");
  ASSERT_EQ(in.updates.size(), 2u);
  EXPECT_EQ(in.updates[0].entry, 0u);
  EXPECT_EQ(in.updates[0].model.model.sku().capacity(), 4);
  // The second keeps the first's capacity.
  EXPECT_EQ(in.updates[1].model.model.sku().capacity(), 4);
  EXPECT_EQ(in.updates[1].model.model.properties().upgrade_policy().mode(),
            vmss::azure::compute::UpgradePolicy::Automatic);
}

TEST(scenario, a_timeline_entry_has_one_action_and_only_its_fields) {
  EXPECT_EQ(
      errors_of(scenario(R"("timeline": [
    {"at": "1s", "target": "x"},
    {"at": "1s", "fault": "host_crash", "operation": "vm_stop", "target": "x"},
    {"at": "1s", "fault": "zone_partition", "target": "westeurope/z1"},
    {"at": "1s", "fault": "host_crash", "target": "x", "peer": "y",
     "serviceTimePercent": 200, "lossPpm": 5},
    {"at": "1s", "operation": "vm_stop", "target": "web/3", "peer": "y"},
    {"at": "1s", "operation": "vm_stop", "target": "wbe/0"},
    {"at": "1s", "operation": "vm_restrat", "target": "web/0"},
    {"at": "1s", "operation": "reboot", "target": "web/0"}])")),
      (lines{
          "s.json: timeline[1].operation: excludes fault (give one "
          "of them)",
          "s.json: timeline[6].operation: \"vm_restrat\" is not a "
          "known value (did you mean vm_restart?)",
          "s.json: timeline[7].operation: \"reboot\" is not one of "
          "vm_start, vm_stop, vm_reimage, vm_delete, vm_restart, "
          "vm_deallocate, vm_upgrade, vm_protect, scale, update, "
          "cancel_upgrade, suspend_repairs, resume_repairs, endpoint_disable, "
          "endpoint_enable, endpoint_weight"}));
  EXPECT_EQ(
      errors_of(scenario(R"("timeline": [
    {"at": "1s", "target": "x"},
    {"at": "1s", "fault": "zone_partition", "target": "westeurope/z1"},
    {"at": "1s", "fault": "host_crash", "target": "x", "peer": "y",
     "serviceTimePercent": 200, "lossPpm": 5},
    {"at": "1s", "operation": "vm_stop", "target": "web/3", "peer": "y"},
    {"at": "1s", "operation": "vm_stop", "target": "wbe/0"},
    {"at": "1s", "fault": "slow_disk", "target": "", "serviceTimePercent":
     500}])")),
      (lines{"s.json: timeline[0]: give fault or operation",
             "s.json: timeline[1].peer: missing: zone_partition needs the "
             "other zone",
             "s.json: timeline[2].peer: host_crash takes no peer",
             "s.json: timeline[2].serviceTimePercent: only for slow_disk",
             "s.json: timeline[2].lossPpm: only for link_degrade",
             "s.json: timeline[3].peer: only for faults",
             "s.json: timeline[4].target: no scale set \"wbe\" in this "
             "scenario (did you mean web?)",
             "s.json: timeline[5].target: must not be empty"}));
}

TEST(scenario, scale_sets_are_checked) {
  auto set = [](const std::string& name, const std::string& body) {
    return R"({"name": ")" + name + R"(", "body": )" + body + "}";
  };
  auto zonal = body(1, "", "") + "";
  zonal.insert(1, R"("zones": ["1", "4", "01x"], )");
  EXPECT_EQ(
      errors_of(R"({"name": "t", "duration": "300s", "topology":
    {"preset": "small"}, "scaleSets": [)" +
                set("web", body(1001)) + ", " + set("api", zonal) + ", " +
                set("web", body(1)) + ", " + set("a/b", body(1)) + "]}"),
      (lines{"s.json: scaleSets[0].body.sku.capacity: 1001 is out of range "
             "(0 to 1000)",
             "s.json: scaleSets[1].body.zones[1]: \"4\" is not an "
             "availability zone (\"1\", \"2\" or \"3\")",
             "s.json: scaleSets[1].body.zones[2]: \"01x\" is not an "
             "availability zone (\"1\", \"2\" or \"3\")",
             "s.json: scaleSets[3].body.name: \"a/b\" must be 1 to 64 "
             "letters, digits, '-', '_' or '.'",
             "s.json: scaleSets[2].body.name: scale set \"web\" is declared "
             "twice (also at s.json: scaleSets[0].body)"}));
  // A zone of Azure's that this region does not have, and a location that
  // is not the scenario's region.
  auto two_zones =
      R"({"name": "t", "duration": "300s", "topology":
    {"preset": "small", "zones": 2}, "scaleSets": [)" +
      set("web", R"({"zones": ["3"], )" + body(1).substr(1)) + ", " +
      set("api",
          R"({"name": "api", )" +
              body(1).substr(1).replace(0, 25, R"("location": "eastus", )")) +
      "]}";
  EXPECT_EQ(errors_of(two_zones),
            (lines{"s.json: scaleSets[0].body.zones[0]: \"3\" is not a zone "
                   "of this region (1 to 2)",
                   "s.json: scaleSets[1].body.location: \"eastus\" is not "
                   "this scenario's region (westeurope)"}));
}

TEST(scenario, fault_processes_are_checked) {
  EXPECT_EQ(
      errors_of(scenario(R"("faultProcesses": [
    {"fault": "host_restore", "targets": "", "mtbf": "0s",
     "repair": {"distribution": "uniform", "mean": "1m", "max": "1s"}},
    {"fault": "host_crash", "targets": "westeurope", "mtbf": "1h",
     "repair": {"distribution": "uniform", "min": "2m", "max": "1m"},
     "from": "2m", "until": "1m"},
    {"fault": "tor_fail", "targets": "westeurope", "mtbf": "1h",
     "repair": {"distribution": "exponential", "mean": "0s", "min": "1s"}}])")),
      (lines{"s.json: faultProcesses[0].fault: host_restore cannot be a "
             "random process (host_crash, tor_fail, rack_power_off, "
             "zone_power_off, replica_loss, app_crash, fc_leader_kill)",
             "s.json: faultProcesses[0].targets: must not be empty",
             "s.json: faultProcesses[0].mtbf: must be longer than 0s",
             "s.json: faultProcesses[0].repair.mean: not for the uniform "
             "distribution",
             "s.json: faultProcesses[0].repair.min: missing: the uniform "
             "distribution needs it",
             "s.json: faultProcesses[1].repair.max: must not be shorter than "
             "min",
             "s.json: faultProcesses[1].until: must be after from",
             "s.json: faultProcesses[2].repair.min: not for the exponential "
             "distribution",
             "s.json: faultProcesses[2].repair.mean: must be longer than 0s"}));
  auto s = load_scenario_text(scenario(R"("faultProcesses": [
    {"fault": "host_crash", "targets": "westeurope", "mtbf": "1h",
     "repair": {"distribution": "fixed", "mean": "1m"}}])"),
                              "s.json", ".");
  EXPECT_EQ(s.spec.fault_processes(0).from_ns(), 0);
  EXPECT_EQ(s.spec.fault_processes(0).until_ns(), seconds(300));
}

TEST(scenario, presets_take_overrides_and_files_do_not) {
  auto s = load_scenario_text(R"({"name": "t", "duration": "1s", "topology":
    {"preset": "small", "zones": 2, "hostsPerRack": 3, "fcReplicas": 3}})",
                              "s.json", ".");
  EXPECT_EQ(s.region.zones, 2u);
  EXPECT_EQ(s.region.hosts_per_rack, 3u);
  EXPECT_EQ(s.region.fc_replica_sites.size(), 3u);
  EXPECT_EQ(errors_of(R"({"name": "t", "duration": "1s", "topology":
    {"preset": "smal"}})"),
            lines{"s.json: topology.preset: unknown topology preset 'smal' "
                  "(known: region, small) (did you mean small?)"});
  EXPECT_EQ(errors_of(R"({"name": "t", "duration": "1s", "topology": {}})"),
            lines{"s.json: topology: give preset or file"});
  EXPECT_EQ(errors_of(R"({"name": "t", "duration": "1s", "topology":
    {"preset": "small", "file": "x.json"}})"),
            lines{"s.json: topology.file: excludes preset (give one of "
                  "them)"});
}

TEST(scenario, a_topology_file_is_read_relative_to_the_scenario) {
  vmss_test::scratch dir;
  std::filesystem::create_directory(dir.at("sub"));
  dir.file("sub/topo.json", R"({"region": "northeurope", "zones": 2,
    "racks_per_zone": 1, "hosts_per_rack": 2, "fc_replica_sites": ["z1"]})");
  auto path = dir.file("sub/s.json", R"({"name": "t", "duration": "1s",
    "topology": {"file": "topo.json"}})");
  auto s = load_scenario_file(path);
  EXPECT_EQ(s.region.name, "northeurope");
  EXPECT_EQ(s.region.zones, 2u);
  auto missing = dir.file("s.json", R"({"name": "t", "duration": "1s",
    "topology": {"file": "topo.json", "zones": 2}})");
  try {
    load_scenario_file(missing);
    FAIL() << "a missing topology file loaded";
  } catch (const input_error& e) {
    EXPECT_EQ(e.lines(),
              (lines{missing + ": topology.zones: only with a preset (a "
                               "topology file gives its own)",
                     missing + ": topology.file: " + dir.at("topo.json") +
                         ": cannot open"}));
  }
}

TEST(scenario, a_missing_scenario_file_is_named) {
  vmss_test::scratch dir;
  try {
    load_scenario_file(dir.at("none.json"));
    FAIL() << "a missing file loaded";
  } catch (const input_error& e) {
    EXPECT_EQ(e.lines(), lines{dir.at("none.json") + ": cannot open"});
  }
}

TEST(scenario, the_default_scenario_file_loads_and_is_the_embedded_one) {
  auto path = std::string(VMSS_SOURCE_DIR) + "/scenarios/default.json";
  auto file = load_scenario_file(path);
  EXPECT_EQ(vmss_test::read_file(path), builtin_default_scenario());
  auto builtin = load_builtin_default_scenario();
  EXPECT_EQ(builtin.label, "scenarios/default.json (built in)");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(builtin.spec,
                                                                 file.spec));
  // The headline demo: a small region half full of other tenants, a
  // zone-redundant web scale set of 3 behind a load balancer, CPU
  // autoscale, a diurnal load, and a rack loss, an upgrade and a zone
  // outage over two hours.
  const auto& s = builtin.spec;
  EXPECT_EQ(s.duration_ns(), seconds(7200));
  EXPECT_EQ(s.topology().preset(), "small");
  EXPECT_EQ(s.background_tenants().utilisation_percent(), 50u);
  ASSERT_EQ(s.scale_sets_size(), 1);
  EXPECT_EQ(s.scale_sets(0).name(), "web");
  ASSERT_EQ(builtin.azure.scale_sets.size(), 1u);
  EXPECT_EQ(builtin.azure.scale_sets[0].model.sku().capacity(), 3u);
  EXPECT_EQ(builtin.create_at, std::vector<sim_time>{seconds(1)});
  EXPECT_EQ(s.load_balancers_size(), 1);
  EXPECT_EQ(s.autoscale_settings_size(), 1);
  ASSERT_EQ(s.workloads_size(), 1);
  EXPECT_TRUE(s.workloads(0).rate().has_diurnal());
  EXPECT_EQ(s.timeline_size(), 5);
  EXPECT_FALSE(s.description().empty());
}

TEST(scenario, the_region_day_file_is_the_embedded_one_of_bench_region_day) {
  auto path = std::string(VMSS_SOURCE_DIR) + "/scenarios/region-day.json";
  EXPECT_EQ(vmss_test::read_file(path), builtin_region_day_scenario());
  auto file = load_scenario_file(path);
  auto builtin = load_scenario_text(builtin_region_day_scenario(),
                                    builtin_region_day_label, ".");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(builtin.spec,
                                                                 file.spec));
  // docs/benchmarks.md: the region preset for 24 virtual hours, tenants at
  // 90 %, 10 autoscaled scale sets behind load balancers, each with its
  // workload, random host crashes and a rack loss, a leader kill and a zone
  // outage.
  const auto& s = builtin.spec;
  EXPECT_EQ(s.duration_ns(), seconds(86400));
  EXPECT_EQ(s.topology().preset(), "region");
  EXPECT_FALSE(s.topology().has_racks_per_zone());
  EXPECT_EQ(s.background_tenants().utilisation_percent(), 90u);
  EXPECT_EQ(s.scale_sets_size(), 10);
  EXPECT_EQ(s.load_balancers_size(), 10);
  EXPECT_EQ(s.autoscale_settings_size(), 10);
  EXPECT_EQ(s.workloads_size(), 10);
  ASSERT_EQ(s.fault_processes_size(), 1);
  EXPECT_EQ(s.fault_processes(0).fault(), scenario::host_crash);
  std::set<int> faults;
  for (const auto& e : s.timeline())
    faults.insert(e.fault());
  EXPECT_EQ(faults,
            (std::set<int>{scenario::rack_power_off, scenario::rack_power_on,
                           scenario::fc_leader_kill, scenario::zone_power_off,
                           scenario::zone_power_on}));
}

TEST(scenario, the_faults_tour_has_one_fault_of_each_kind) {
  // The default before the headline demo: a scale set of 3 VMs and one
  // fault of each kind of outage, each recovered, over 300s.
  auto file = load_scenario_file(std::string(VMSS_SOURCE_DIR) +
                                 "/scenarios/faults-tour.json");
  const auto& s = file.spec;
  EXPECT_EQ(s.name(), "faults-tour");
  EXPECT_EQ(s.duration_ns(), seconds(300));
  EXPECT_EQ(s.background_tenants().probe_period_ns(), seconds(30));
  ASSERT_EQ(s.scale_sets_size(), 1);
  EXPECT_EQ(s.scale_sets(0).name(), "demo-vmss");
  EXPECT_EQ(s.timeline_size(), 16);
}

} // namespace

namespace {

TEST(vm_sizes, azure_sizes_by_name_in_any_case_memory_rounded_up) {
  using vmss::input::find_vm_size;
  ASSERT_NE(find_vm_size("standard_b2s"), nullptr);
  EXPECT_EQ(find_vm_size("standard_b2s")->vcpus, 2u);
  EXPECT_EQ(find_vm_size("standard_b2s")->ram_gb, 4u);
  // 3.5 GiB, rounded up to the whole GB hosts account.
  EXPECT_EQ(find_vm_size("Standard_D1_v2")->ram_gb, 4u);
  EXPECT_EQ(find_vm_size("Standard_E64s_v3")->ram_gb, 432u);
  EXPECT_EQ(find_vm_size("Standard_F72s_v2")->vcpus, 72u);
  EXPECT_EQ(find_vm_size("Standard_D2s_v9"), nullptr);
}

} // namespace

namespace {

using namespace vmss;
using namespace vmss::input;
using lines = std::vector<std::string>;

/// A scenario whose scaleSets and autoscaleSettings are `sets` and
/// `autoscale` (JSON arrays' contents).
std::string with_azure(const std::string& sets,
                       const std::string& autoscale = "") {
  return R"({"name": "t", "duration": "300s", "topology": {"preset":
    "small"}, "scaleSets": [)" +
         sets + "]" +
         (autoscale.empty() ? ""
                            : R"(, "autoscaleSettings": [)" + autoscale + "]") +
         "}";
}

lines azure_errors(const std::string& text, const std::string& base) {
  try {
    load_scenario_text(text, "s.json", base);
  } catch (const input_error& e) {
    return e.lines();
  }
  return {};
}

const char* vm_profile = R"("virtualMachineProfile": {"storageProfile":
  {"imageReference": {"publisher": "Canonical", "offer": "ubuntu-24_04-lts",
  "sku": "server", "version": "latest"}}})";

std::string set_body(const std::string& name, int capacity) {
  return R"({"name": ")" + name +
         R"(", "type": "Microsoft.Compute/virtualMachineScaleSets",
    "location": "westeurope", "sku": {"name": "Standard_B2s", "capacity": )" +
         std::to_string(capacity) + R"(}, "properties": {)" + vm_profile + "}}";
}

/// A template deploying the scale sets `names` (capacity from the
/// parameter "count") and an autoscale setting for the first.
std::string two_set_template(const std::vector<std::string>& names) {
  std::string resources;
  for (const auto& n : names)
    resources +=
        (resources.empty() ? "" : ",") +
        std::string(R"({"type": "Microsoft.Compute/virtualMachineScaleSets",
      "apiVersion": "2024-11-01", "name": ")") +
        n + R"(", "location": "[resourceGroup().location]",
      "sku": {"name": "Standard_B2s", "capacity": "[parameters('count')]"},
      "properties": {)" +
        vm_profile + "}}";
  return R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {"count": {"type": "int", "defaultValue": 1}},
    "resources": [)" +
         resources + R"(, {"type": "Microsoft.Insights/autoscaleSettings",
      "apiVersion": "2022-10-01", "name": "scale-first",
      "location": "[resourceGroup().location]",
      "properties": {"enabled": true, "targetResourceUri":
        "[resourceId('Microsoft.Compute/virtualMachineScaleSets', ')" +
         names[0] + R"(')]",
        "profiles": [{"name": "default", "capacity": {"minimum": "1",
          "maximum": "4", "default": "1"}, "rules": []}]}}]})";
}

TEST(scenario_azure, a_body_file_is_read_relative_to_the_scenario) {
  vmss_test::scratch s;
  s.file("web.json", set_body("web", 2));
  auto in = load_scenario_text(with_azure(R"({"body": "web.json"})"), "s.json",
                               s.at(""));
  ASSERT_EQ(in.azure.scale_sets.size(), 1u);
  EXPECT_EQ(in.azure.scale_sets[0].name, "web");
  EXPECT_EQ(in.azure.scale_sets[0].model.sku().capacity(), 2);
  EXPECT_EQ(in.azure.scale_set_places[0].file, s.at("web.json"));
  // Its errors name that file.
  s.file("bad.json", R"({"location": "westeurope", "sku": {"name":
    "Standard_B2s", "capacity": 2000}})");
  EXPECT_EQ(azure_errors(with_azure(R"({"name": "web", "body": "bad.json"})"),
                         s.at("")),
            lines{s.at("bad.json") +
                  ": sku.capacity: 2000 is out of range (0 to 1000)"});
  EXPECT_EQ(azure_errors(with_azure(R"({"name": "web", "body": "none.json"})"),
                         s.at("")),
            lines{s.at("none.json") + ": cannot open"});
}

TEST(scenario_azure, a_body_needs_a_name_and_the_type_of_its_entry) {
  vmss_test::scratch s;
  auto unnamed = R"({"body": {"location": "westeurope", "sku": {"name":
    "Standard_B2s", "capacity": 0}, "properties": {}}})";
  EXPECT_EQ(azure_errors(with_azure(unnamed), "."),
            lines{"s.json: scaleSets[0].name: missing (the body has no "
                  "name)"});
  auto lb = R"({"name": "x", "body": {"type": "Microsoft.Network/loadBalancers",
    "location": "westeurope"}})";
  EXPECT_EQ(azure_errors(with_azure(lb), "."),
            lines{"s.json: scaleSets[0].body.type: "
                  "\"Microsoft.Network/loadBalancers\" is not "
                  "Microsoft.Compute/virtualMachineScaleSets"});
  EXPECT_EQ(azure_errors(with_azure(R"({"name": "x"})"), "."),
            lines{"s.json: scaleSets[0]: give body (the REST body, inline or "
                  "a file) or template (an ARM template file)"});
  EXPECT_EQ(azure_errors(with_azure(R"({"name": "x", "body": 3})"), "."),
            lines{"s.json: scaleSets[0].body: is not an object (the REST "
                  "body) or a string (its file)"});
}

TEST(scenario_azure, a_template_deploys_the_scale_set_with_its_parameters) {
  vmss_test::scratch s;
  s.file("one.json", two_set_template({"web"}));
  s.file("one.parameters.json", R"({"parameters": {"count": {"value": 2}}})");
  auto in = load_scenario_text(
      with_azure(R"({"template": "one.json", "parametersFile":
        "one.parameters.json", "createAt": "5s"})"),
      "s.json", s.at(""));
  ASSERT_EQ(in.azure.scale_sets.size(), 1u);
  EXPECT_EQ(in.azure.scale_sets[0].model.sku().capacity(), 2);
  EXPECT_EQ(in.create_at, std::vector<sim_time>{seconds(5)});
  // The template's autoscale setting comes with its scale set.
  ASSERT_EQ(in.azure.autoscale_settings.size(), 1u);
  EXPECT_EQ(in.azure.autoscale_settings[0].name, "scale-first");
  // The scenario's parameters win over the file's.
  auto over = load_scenario_text(
      with_azure(R"({"template": "one.json", "parametersFile":
        "one.parameters.json", "parameters": {"count": 4}})"),
      "s.json", s.at(""));
  EXPECT_EQ(over.azure.scale_sets[0].model.sku().capacity(), 4);
  EXPECT_EQ(azure_errors(with_azure(R"({"template": "one.json",
    "parameters": {"cuont": 4}})"),
                         s.at(""))
                .size(),
            1u);
}

TEST(scenario_azure, name_picks_one_of_several_scale_sets_of_a_template) {
  vmss_test::scratch s;
  auto t = s.file("two.json", two_set_template({"web", "api"}));
  auto in = load_scenario_text(
      with_azure(R"({"template": "two.json", "name": "api"})"), "s.json",
      s.at(""));
  ASSERT_EQ(in.azure.scale_sets.size(), 1u);
  EXPECT_EQ(in.azure.scale_sets[0].name, "api");
  EXPECT_EQ(azure_errors(with_azure(R"({"template": "two.json"})"), s.at("")),
            lines{"s.json: scaleSets[0].template: " + t +
                  " deploys 2 Microsoft.Compute/virtualMachineScaleSets "
                  "(web, api): give name to pick one"});
  EXPECT_EQ(
      azure_errors(with_azure(R"({"template": "two.json", "name": "db"})"),
                   s.at("")),
      lines{"s.json: scaleSets[0].name: " + t +
            " deploys 2 Microsoft.Compute/virtualMachineScaleSets (web, "
            "api), none named \"db\""});
}

TEST(scenario_azure, an_autoscale_setting_scales_a_scale_set_of_the_scenario) {
  auto autoscale = [](const std::string& target) {
    return R"({"name": "cpu", "body": {"location": "westeurope",
      "properties": {"targetResourceUri": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachineScaleSets/)" +
           target + R"(", "profiles": [{"name": "default", "capacity":
      {"minimum": "1", "maximum": "3", "default": "1"}, "rules": []}]}}})";
  };
  auto in = load_scenario_text(
      with_azure(R"({"body": )" + set_body("web", 1) + "}", autoscale("web")),
      "s.json", ".");
  ASSERT_EQ(in.azure.autoscale_settings.size(), 1u);
  EXPECT_EQ(azure_errors(with_azure(R"({"body": )" + set_body("web", 1) + "}",
                                    autoscale("wbe")),
                         "."),
            lines{"s.json: autoscaleSettings[0].body.properties."
                  "targetResourceUri: names scale set \"wbe\", which is not "
                  "in the scenario (did you mean web?)"});
  auto timed = autoscale("web");
  timed.insert(1, R"("createAt": "1s", )");
  EXPECT_EQ(
      azure_errors(with_azure(R"({"body": )" + set_body("web", 1) + "}", timed),
                   "."),
      lines{"s.json: autoscaleSettings[0].createAt: only for scale "
            "sets"});
}

} // namespace
