// Region faults on a two-region world run in-process: region_partition and
// region_heal cut and heal the gateways' links (to another region or to
// the global entities), region_outage and region_restore crash and restart
// a whole region; and the checks of their targets.
// CAF headers before gtest (toolchain.md).
#include "actors/physical/faults.hpp"
#include "actors/physical/region_gateway.hpp"
#include "analysis/trace_reader.hpp"
#include "kernel/cluster.hpp"
#include "kernel/node_kernel.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/bench_messages.hpp"
#include "messages/control_kinds.hpp"
#include "messages/physical_kinds.hpp"
#include "messages/physical_messages.hpp"
#include "runners/modules.hpp"
#include "runners/run_support.hpp"
#include "tests/support/scratch.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace vmss;
using namespace vmss::physical;
using bench::phold_due;
using bench::phold_job;

const entity_kind probe_kind{"probe"};

/// What the probes saw, by path: pings received (the second each was
/// sent), crashes and restarts (virtual times), fault notices.
struct probe_log {
  std::map<std::string, std::vector<uint64_t>> pings;
  std::map<std::string, std::vector<sim_time>> crashes, restarts;
  std::vector<std::string> notices;
};

/// Pings `targets` every second from 1 s on (tagged with the second), and
/// logs what it receives, its crashes and restarts.
class probe : public entity {
public:
  probe(caf::actor_config& cfg, node_kernel& k, entity_id id, probe_log* log,
        std::vector<entity_id> targets)
      : entity(cfg, k, id), log_(log), targets_(std::move(targets)) {}

  void on_start() override {
    if (!targets_.empty())
      after(seconds(1) - now() % seconds(1), phold_due{});
  }
  void on_crash() override { log_->crashes[path()].push_back(now()); }
  void on_restart() override {
    log_->restarts[path()].push_back(now());
    on_start();
  }

  caf::behavior make_behavior() override {
    return {
        [=](const phold_due&) {
          auto second = static_cast<uint64_t>(now() / seconds(1));
          for (auto to : targets_)
            send(to, phold_job{second});
          if (second < 20)
            after(seconds(1), phold_due{});
        },
        [=](const phold_job& job) { log_->pings[path()].push_back(job.hops); },
        [=](const fault_notice& n) {
          log_->notices.push_back(n.fault + " " + n.target);
        },
    };
  }

private:
  const std::string& path() const { return kernel_.table()[id()].path; }
  probe_log* log_;
  std::vector<entity_id> targets_;
};

topology::region small(const std::string& name) {
  auto r = topology::preset("small");
  r.name = name;
  return r;
}

/// westeurope and northeurope, each with its control entity, gateway and
/// one host; a global entity. The west host and the global entity ping
/// the north host every second.
class two_regions final : public model {
public:
  two_regions(probe_log* log, std::vector<planned_fault> faults)
      : log_(log), faults_(std::move(faults)),
        net_({small("westeurope"), small("northeurope")}, kinds::tor_switch,
             kinds::region_gateway) {
    gateways_.net = &net_;
  }

  void describe(entity_table& t) override {
    for (const char* region : {"westeurope", "northeurope"}) {
      t.add(std::string(region) + "/control", probe_kind);
      t.add(std::string(region) + "/gateway", kinds::region_gateway);
      t.add(std::string(region) + "/z1/r1/h1", probe_kind);
    }
    t.add("global/tm/web", probe_kind);
  }
  network_model& network() override { return net_; }
  sim_time lookahead() const override { return net_.lookahead(); }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    const auto& e = k.table()[id];
    if (*e.kind == kinds::region_gateway) {
      spawn_entity<region_gateway>(sys, k, id, &gateways_);
      return;
    }
    std::vector<entity_id> targets;
    if (e.path == "westeurope/z1/r1/h1" || e.path == "global/tm/web")
      targets.push_back(k.table().id_of("northeurope/z1/r1/h1"));
    spawn_entity<probe>(sys, k, id, log_, targets);
  }

  void inject(node_kernel& k) override {
    auto control = k.table().id_of("westeurope/control");
    for (const auto& f : faults_)
      inject_fault(k, net_, control, f.at, f.what);
  }

private:
  probe_log* log_;
  std::vector<planned_fault> faults_;
  topology::world_network net_;
  region_gateway_params gateways_;
};

/// The trace records of the gateways: "PATH EVENT FIELD,FIELD" at times.
using gateway_records = std::vector<std::pair<sim_time, std::string>>;

probe_log run(const std::string& plan, gateway_records* records = nullptr) {
  probe_log log;
  vmss_test::scratch dir;
  run_options opts;
  if (records)
    opts.trace_dir = dir.at("trace");
  opts.model_spec = "two_regions";
  opts.messages = &register_family_messages;
  opts.until = seconds(21);
  opts.factory = [&](const std::string&, uint64_t, uint32_t) {
    return std::make_unique<two_regions>(&log, parse_fault_plan(plan));
  };
  auto res = run_simulation(opts);
  EXPECT_EQ(res.error, "");
  if (!records)
    return log;
  auto described = opts.factory(opts.model_spec, opts.seed, opts.nodes);
  write_run_manifest(opts, *described, res, "two_regions");
  analysis::trace_reader(dir.at("trace")).for_each([&](const auto& r) {
    if (r.kind != kinds::region_gateway.name)
      return;
    std::string text = std::string(r.path) + " " + std::string(r.event);
    for (const auto& f : r.fields)
      text += " " + std::visit(
                        [](const auto& v) {
                          std::ostringstream out;
                          out << std::boolalpha << v;
                          return out.str();
                        },
                        f.val);
    records->emplace_back(r.t_ns(), text);
  });
  return log;
}

TEST(region_faults, a_partition_between_regions_drops_both_ways_until_healed) {
  gateway_records records;
  auto log = run("region_partition@2500ms:westeurope:northeurope+"
                 "region_heal@4500ms:northeurope:westeurope",
                 &records);
  // The west's gateway drops them on their way out, a port (25 us) and
  // a gateway hop (950 us) after they were sent.
  EXPECT_EQ(
      records,
      (gateway_records{
          {ms(2500), "northeurope/gateway region_link westeurope true"},
          {ms(2500), "westeurope/gateway region_link northeurope true"},
          {seconds(3) + us(975), "westeurope/gateway dropped region_partition "
                                 "northeurope/z1/r1/h1"},
          {seconds(4) + us(975), "westeurope/gateway dropped region_partition "
                                 "northeurope/z1/r1/h1"},
          {ms(4500), "northeurope/gateway region_link westeurope false"},
          {ms(4500), "westeurope/gateway region_link northeurope false"},
      }));
  // Pings sent at 3 s and 4 s from the west are dropped at a gateway.
  EXPECT_EQ(log.pings["northeurope/z1/r1/h1"].size(), 2u * 20 - 2);
  std::map<uint64_t, int> by_second;
  for (auto s : log.pings["northeurope/z1/r1/h1"])
    ++by_second[s];
  EXPECT_EQ(by_second[3], 1); // the global entity's only
  EXPECT_EQ(by_second[4], 1);
  EXPECT_EQ(by_second[5], 2);
  EXPECT_EQ(log.notices,
            (std::vector<std::string>{"region_partition westeurope northeurope",
                                      "region_heal northeurope westeurope"}));
}

TEST(region_faults, a_partition_from_global_cuts_the_global_entities_only) {
  auto log = run("region_partition@6500ms:northeurope:global+"
                 "region_heal@8500ms:northeurope:global");
  // Same latency from both senders: the west's and the global's pings of
  // one second arrive together; count per second.
  std::map<uint64_t, int> by_second;
  for (auto s : log.pings["northeurope/z1/r1/h1"])
    ++by_second[s];
  for (uint64_t s = 1; s <= 20; ++s)
    EXPECT_EQ(by_second[s], s == 7 || s == 8 ? 1 : 2) << "second " << s;
  EXPECT_TRUE(log.crashes.empty());
}

TEST(region_faults, an_outage_crashes_the_whole_region_and_restore_restarts) {
  auto log = run("region_outage@10500ms:northeurope+"
                 "region_restore@12500ms:northeurope+"
                 "region_outage@16500ms:westeurope+"
                 "region_restore@18500ms:westeurope");
  for (const char* path : {"northeurope/control", "northeurope/z1/r1/h1"}) {
    EXPECT_EQ(log.crashes[path], (std::vector<sim_time>{ms(10500)})) << path;
    EXPECT_EQ(log.restarts[path], (std::vector<sim_time>{ms(12500)})) << path;
  }
  EXPECT_EQ(log.crashes["westeurope/z1/r1/h1"],
            (std::vector<sim_time>{ms(16500)}));
  // The control entity, which records the faults, stays up.
  EXPECT_EQ(log.crashes.count("westeurope/control"), 0u);
  EXPECT_EQ(log.notices.size(), 4u);
  std::map<uint64_t, int> by_second;
  for (auto s : log.pings["northeurope/z1/r1/h1"])
    ++by_second[s];
  EXPECT_EQ(by_second[11], 0); // the region was down
  EXPECT_EQ(by_second[12], 0);
  EXPECT_EQ(by_second[13], 2);
  EXPECT_EQ(by_second[17], 1); // the west host was down
  EXPECT_EQ(by_second[19], 2); // restarted at 18.5 s, pinging from 19 s
}

/// The entities of two_regions, and its world.
struct world_table {
  topology::world_network net{{small("westeurope"), small("northeurope")},
                              kinds::tor_switch,
                              kinds::region_gateway};
  entity_table table;
  world_table() {
    for (const char* region : {"westeurope", "northeurope"}) {
      table.add(std::string(region) + "/control",
                vmss::control::kinds::control);
      table.add(std::string(region) + "/gateway", kinds::region_gateway);
      table.add(std::string(region) + "/z1/r1/h1", kinds::host_agent);
    }
    table.finalize();
    net.bind(table);
  }
};

std::string refusal(const topology::world_network& net,
                    const entity_table& table, const std::string& plan) {
  try {
    check_fault_target(net, table, parse_fault_plan(plan).at(0).what);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(region_faults, targets_are_regions_and_peers_regions_or_global) {
  world_table w;
  EXPECT_EQ(refusal(w.net, w.table, "region_outage@1s:northeurope"), "");
  EXPECT_EQ(refusal(w.net, w.table, "region_partition@1s:westeurope:global"),
            "");
  EXPECT_EQ(refusal(w.net, w.table, "region_outage@1s:eastus"),
            "fault region_outage eastus: 'eastus' is not a region of this "
            "world (westeurope, northeurope)");
  EXPECT_EQ(refusal(w.net, w.table, "region_restore@1s:westeurope/z1"),
            "fault region_restore westeurope/z1: 'westeurope/z1' is not a "
            "region of this world (westeurope, northeurope)");
  EXPECT_EQ(refusal(w.net, w.table, "region_partition@1s:westeurope:eastus"),
            "fault region_partition westeurope: 'eastus' is not a region of "
            "this world (westeurope, northeurope)");
  EXPECT_EQ(refusal(w.net, w.table, "region_heal@1s:westeurope:westeurope"),
            "fault region_heal westeurope: a region cannot be cut from itself");
  // Faults inside a region are checked in the region their target names.
  EXPECT_EQ(refusal(w.net, w.table, "host_crash@1s:northeurope/z1/r1/h1"), "");
  EXPECT_EQ(refusal(w.net, w.table, "host_crash@1s:northeurope/gateway"),
            "fault host_crash northeurope/gateway: is a region_gateway, not "
            "a host_agent");
}

TEST(region_faults, a_world_of_one_region_has_no_partitions) {
  topology::world_network net{
      {small("westeurope")}, kinds::tor_switch, kinds::region_gateway};
  entity_table table;
  table.add("westeurope/control", vmss::control::kinds::control);
  table.add("westeurope/z1/r1/h1", kinds::host_agent);
  table.finalize();
  net.bind(table);
  EXPECT_EQ(refusal(net, table, "region_partition@1s:westeurope:global"),
            "fault region_partition westeurope: a world of one region has no "
            "gateways to cut (region partitions need several regions)");
  EXPECT_EQ(refusal(net, table, "region_outage@1s:westeurope"), "");
}

TEST(region_faults, extension_faults_name_no_entity) {
  // extension_failure / extension_restore are the region model's (SETNAME/N
  // or SETNAME through the set's orchestrator); a plan of topology paths
  // refuses them.
  topology::world_network net{
      {small("westeurope")}, kinds::tor_switch, kinds::region_gateway};
  entity_table table;
  table.add("westeurope/control", vmss::control::kinds::control);
  table.add("westeurope/z1/r1/h1/vm0", kinds::vm);
  table.finalize();
  net.bind(table);
  EXPECT_EQ(refusal(net, table, "extension_failure@1s:westeurope/z1/r1/h1/vm0"),
            "fault extension_failure westeurope/z1/r1/h1/vm0: not an instance "
            "of a scale set (SETNAME/N) or a scale set (SETNAME)");
  EXPECT_EQ(recovery_of(fault_kind::extension_failure),
            fault_kind::extension_restore);
  EXPECT_NO_THROW(check_fault_sequence(parse_fault_plan(
      "extension_failure@1s:web/1+extension_restore@2s:web/1")));
}

TEST(region_faults, plans_take_region_kinds_with_their_peers) {
  auto plan = parse_fault_plan("region_partition@1m:westeurope:global+"
                               "region_heal@2m:westeurope:global+"
                               "region_outage@3m:westeurope+"
                               "region_restore@4m:westeurope");
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[0].what.kind, fault_kind::region_partition);
  EXPECT_EQ(plan[0].what.peer, "global");
  EXPECT_EQ(plan_text(plan[2]), "region_outage@180s:westeurope");
  EXPECT_NO_THROW(check_fault_sequence(plan));
  EXPECT_EQ(recovery_of(fault_kind::region_partition), fault_kind::region_heal);
  try {
    parse_fault_plan("region_partition@1m:westeurope");
    FAIL() << "a region partition without its peer";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "fault 'region_partition@1m:westeurope': expected a region and "
              "its peer (another region or global), REGION:PEER");
  }
  EXPECT_THROW(parse_fault_plan("region_outage@1m:westeurope:northeurope"),
               std::invalid_argument);
  EXPECT_THROW(check_fault_sequence(
                   parse_fault_plan("region_heal@1m:westeurope:northeurope")),
               std::invalid_argument);
}

} // namespace
