// Every bad input of a model spec is refused by the factory
// (make_any_model), before any kernel, actor or file exists: options, fault
// plans, request plans and sizes. Also what the models say about their end
// (ends_by_itself, plan_warnings).

#include "input/scenario.hpp"
#include "runners/commands.hpp"
#include "topology/entity_table.hpp"
#include "topology/region.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace vmss;

std::unique_ptr<model> make(const std::string& spec) {
  return make_any_model(spec, 1, 1);
}

/// The factory's error for `spec`, or "" if it built the model.
std::string error_of(const std::string& spec) {
  try {
    make(spec);
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

#define EXPECT_REFUSED(spec, text)                                             \
  EXPECT_NE(error_of(spec).find(text), std::string::npos)                      \
      << (spec) << "\n  -> " << error_of(spec)

const std::string z1 = "westeurope/z1";
const std::string rack = z1 + "/r1";
const std::string host = rack + "/h1";

TEST(model_input, options_are_strict_numbers_in_range) {
  EXPECT_REFUSED("region hosts=0x10", "region: hosts=0x10 is not a whole "
                                      "number (decimal digits)");
  EXPECT_REFUSED("region hosts=+3", "hosts=+3 is not a whole number");
  EXPECT_REFUSED("region hosts=20000", "hosts=20000 is out of range (1 to "
                                       "10000)");
  EXPECT_REFUSED("region hosts=3 hosts=4", "region: option 'hosts' is given "
                                           "twice");
  EXPECT_REFUSED("region tenant_probe=10", "tenant_probe=10 is not a duration");
  EXPECT_REFUSED("region tenant_probe=0x10s",
                 "tenant_probe=0x10s is not a duration");
  EXPECT_REFUSED("region period=0s", "period=0s is out of range (1ns to "
                                     "3600s)");
  EXPECT_REFUSED("region creating=1e3s-2e3s", "creating=1e3s-2e3s: is not a "
                                              "duration");
  EXPECT_REFUSED("pingpong pairs=-1", "pingpong: pairs=-1 is out of range");
  EXPECT_REFUSED("pingpong rounds=4294967296", "rounds=4294967296 is out of "
                                               "range (1 to 4294967295)");
  EXPECT_REFUSED("pingpong cross=2", "cross=2 is out of range (0 to 1)");
  EXPECT_REFUSED("heartbeat seconds=1.5", "seconds=1.5 is not a whole number");
  EXPECT_REFUSED("phold latency=0s", "phold: latency=0s is out of range");
  EXPECT_REFUSED("phold think=1e-3s", "think=1e-3s is not a duration");
  EXPECT_EQ(error_of("region creating=60s-120s period=500ms"), "");
}

TEST(model_input, fault_targets_must_be_at_the_kind_s_level) {
  auto fault = [](const std::string& item) {
    return error_of("region faults=" + item);
  };
  // These crashed only the one actor below the host, which never restarts.
  EXPECT_NE(fault("host_crash@10s:" + host + "/vm0")
                .find("fault host_crash " + host +
                      "/vm0: is a vm, not a "
                      "host_agent"),
            std::string::npos);
  EXPECT_NE(fault("host_crash@10s:" + host + "/fc")
                .find("is a fc_replica, not a host_agent"),
            std::string::npos);
  EXPECT_NE(fault("host_crash@10s:" + host + "/hv").find("not a host_agent"),
            std::string::npos);
  EXPECT_NE(fault("rack_power_off@10s:" + rack + "/tor")
                .find("fault rack_power_off " + rack +
                      "/tor: is a "
                      "tor_switch, not a rack"),
            std::string::npos);
  EXPECT_NE(fault("zone_power_off@10s:" + rack)
                .find("not a zone of this "
                      "region"),
            std::string::npos);
  EXPECT_NE(fault("rack_power_off@10s:" + z1 + "/r9").find("not a rack"),
            std::string::npos);
  EXPECT_NE(fault("zone_partition@10s:" + z1 + ":" + rack)
                .find("'" + rack + "' is not a zone"),
            std::string::npos);
  EXPECT_NE(fault("tor_fail@1s:" + host)
                .find("is a host_agent, not a "
                      "tor_switch"),
            std::string::npos);
  // Storage clusters are racks too; every level that fits is accepted.
  EXPECT_EQ(fault("rack_power_off@10s:" + z1 + "/s1"), "");
  EXPECT_EQ(fault("host_crash@10s:" + host), "");
  EXPECT_EQ(fault("zone_power_off@10s:" + z1), "");
  // The default scenario: a rack power loss and a zone outage, recovered.
  EXPECT_EQ(error_of(scenario_model_spec("default.json",
                                         input::builtin_default_scenario())),
            "");
  // faults= is a plan or none: the demo plan is the default scenario now.
  EXPECT_REFUSED("region faults=demo", "fault 'demo': expected NAME@TIME");
}

TEST(model_input, a_recovery_needs_a_fault_before_it) {
  EXPECT_REFUSED("region faults=host_restore@10s:" + host,
                 "fault 'host_restore@10s:" + host + "': no host_crash of " +
                     host + " before it to recover from");
  EXPECT_REFUSED("region faults=tor_repair@10s:" + rack +
                     "/tor+tor_fail@20s:" + rack + "/tor",
                 "fault 'tor_repair@10s:" + rack + "/tor': no tor_fail of");
  EXPECT_REFUSED("region faults=host_crash@10s:" + host +
                     "+host_restore@20s:" + host + "+host_restore@30s:" + host,
                 "'host_restore@30s:" + host + "': no host_crash");
  // A rack's power is not the host's.
  EXPECT_REFUSED("region faults=rack_power_off@10s:" + rack +
                     "+host_restore@20s:" + host,
                 "no host_crash of");
  // Zone pairs either way round; overlapping crashes each with a restore.
  EXPECT_EQ(error_of("region faults=zone_partition@1s:" + z1 +
                     ":westeurope/z2+zone_heal@5s:westeurope/z2:" + z1),
            "");
  EXPECT_EQ(error_of("region faults=host_crash@1s:" + host +
                     "+host_crash@2s:" + host + "+host_restore@3s:" + host +
                     "+host_restore@4s:" + host),
            "");
  // Order is by time, not by position in the plan.
  EXPECT_EQ(error_of("region faults=host_restore@20s:" + host +
                     "+host_crash@10s:" + host),
            "");
}

TEST(model_input, fault_parameters_once_and_where_they_apply) {
  auto link = "link_degrade@1s:" + z1 + ":westeurope/z2";
  EXPECT_REFUSED("region faults=" + link + ":latency=5ms:latency=6ms",
                 "latency= is given twice");
  EXPECT_REFUSED("region faults=host_crash@10s:" + host + ":factor=5",
                 "host_crash takes no factor= (latency= and loss= are for "
                 "link_degrade, factor= for slow_disk, duration= for "
                 "fc_leader_kill)");
  EXPECT_REFUSED("region faults=zone_partition@1s:" + z1 +
                     ":westeurope/z2:loss=5",
                 "zone_partition takes no loss=");
  EXPECT_REFUSED("region faults=" + link + ":loss=0x10",
                 "loss=0x10 is not a whole number");
  EXPECT_REFUSED("region faults=" + link + ":loss=1000001",
                 "loss=1000001 is out of range (0 to 1000000)");
  EXPECT_REFUSED("region faults=slow_disk@1s:" + z1 + "/s1/n1:factor=0",
                 "factor=0 is out of range (1 to 1000000)");
  EXPECT_REFUSED("region faults=" + link + ":latency=0x5ms",
                 "latency=0x5ms is not a duration");
  EXPECT_REFUSED("region faults=zone_partition@1s:" + z1,
                 "expected two zone paths, TARGET:PEER");
  EXPECT_REFUSED("region faults=host_crash@1s:" + host + ":" + z1,
                 "expected one target path");
  EXPECT_REFUSED("region faults=tor_fail@0x10s:" + rack + "/tor",
                 "fault 'tor_fail@0x10s:" + rack +
                     "/tor': time '0x10s' is "
                     "not a duration");
  EXPECT_EQ(error_of("region faults=" + link + ":latency=5ms:loss=1000"), "");
}

TEST(model_input, request_instances_are_in_the_scale_set) {
  // std::stoul and a cast stopped demo-vmss/0 and demo-vmss/4294967295.
  EXPECT_REFUSED("region requests=vm_stop@200s:demo-vmss/4294967296",
                 "request 'vm_stop@200s:demo-vmss/4294967296': instance "
                 "4294967296 is out of range (0 to 2): the scale set has "
                 "vms=3");
  EXPECT_REFUSED("region requests=vm_stop@200s:demo-vmss/-1",
                 "instance -1 is out of range (0 to 2)");
  EXPECT_REFUSED("region requests=vm_stop@200s:demo-vmss/3",
                 "instance 3 is out of range");
  EXPECT_REFUSED("region requests=vm_stop@200s:demo-vmss/1x",
                 "instance 1x is not a whole number");
  EXPECT_REFUSED("region vms=0 requests=vm_stop@200s:demo-vmss/0",
                 "the scale set has no VMs (vms=0)");
  EXPECT_REFUSED("region requests=vm_stop@0x10s:demo-vmss/0",
                 "request 'vm_stop@0x10s:demo-vmss/0': time '0x10s'");
  EXPECT_REFUSED("region requests=vm_nap@1s:demo-vmss/0", "unknown kind");
  EXPECT_EQ(error_of("region requests=vm_stop@200s:demo-vmss/2"), "");
}

TEST(model_input, sizes_are_refused_with_the_numbers_before_building) {
  // Each of these allocated until std::bad_alloc.
  EXPECT_REFUSED("region zones=1000 racks=1000 hosts=1000",
                 "(1000000000 hosts, 8 VM slots each): 10001007007 entities "
                 "would need ≈ ");
  EXPECT_REFUSED("heartbeat hosts=1000000000",
                 "heartbeat hosts=1000000000 monitors=5: 1000000005 entities "
                 "would need ≈ 2048.0 GB; this machine has ");
  EXPECT_REFUSED("phold entities=1000000000", "1000000000 entities would "
                                              "need ≈ ");
  EXPECT_REFUSED("pingpong pairs=2147483647", "4294967294 entities would "
                                              "need");
  // The README's sizes are built.
  EXPECT_EQ(error_of("region preset=region"), "");
  EXPECT_EQ(error_of("heartbeat hosts=100000"), "");
  EXPECT_EQ(error_of("pingpong"), "");
}

TEST(model_input, the_size_estimate_counts_what_the_region_lays_out) {
  for (auto spec : {"region", "region zones=2 racks=3 hosts=5 slots=11"}) {
    auto m = make(spec);
    entity_table table;
    m->describe(table);
    auto r = topology::preset("small");
    model_spec s(spec);
    r.zones = static_cast<uint32_t>(s.get_int("zones", r.zones, 1, 9));
    r.racks_per_zone =
        static_cast<uint32_t>(s.get_int("racks", r.racks_per_zone, 1, 9));
    r.hosts_per_rack =
        static_cast<uint32_t>(s.get_int("hosts", r.hosts_per_rack, 1, 9));
    auto slots = static_cast<uint32_t>(s.get_int("slots", 8, 1, 100));
    EXPECT_EQ(table.size(), topology::entity_count(r, slots)) << spec;
  }
}

TEST(model_input, which_models_end_by_themselves) {
  EXPECT_FALSE(make("region")->ends_by_itself()); // tenants probe forever
  EXPECT_FALSE(make("phold")->ends_by_itself());  // jobs hop forever
  EXPECT_TRUE(make("phold jobs=0")->ends_by_itself());
  EXPECT_TRUE(make("pingpong")->ends_by_itself());
  EXPECT_TRUE(make("heartbeat")->ends_by_itself());
  EXPECT_TRUE(make("roundtrip")->ends_by_itself());
}

TEST(model_input, faults_and_requests_after_the_end_are_warnings) {
  auto m = make("region faults=tor_fail@90s:" + rack + "/tor+tor_repair@400s:" +
                rack + "/tor requests=vm_stop@300s:demo-vmss/1");
  EXPECT_TRUE(m->plan_warnings(sim_time_never).empty());
  EXPECT_TRUE(m->plan_warnings(seconds(401)).empty());
  auto warnings = m->plan_warnings(seconds(300));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "fault 'tor_repair@400s:" + rack +
                             "/tor' is at or after the end of the run "
                             "(300s): it does not happen");
  EXPECT_EQ(warnings[1], "request on demo-vmss/1 at 300s is at or after the "
                         "end of the run (300s): it does not happen");
  EXPECT_EQ(make("region")->plan_warnings(ms(500)).size(), 1u); // scale_at=1s
  EXPECT_TRUE(make("pingpong")->plan_warnings(ms(1)).empty());
}

} // namespace
