// run_metrics over a small hand-made trace whose every number can be
// worked out by hand: a host crash that takes one of two instances down,
// the FC leader lost and re-elected, requests, autoscale and upgrades.

#include "analysis/run_metrics.hpp"

#include "kernel/assert.hpp"
#include "kernel/kernel_events.hpp"
#include "messages/compute_events.hpp"
#include "messages/control_events.hpp"
#include "messages/fabric_events.hpp"
#include "messages/network_events.hpp"
#include "messages/physical_events.hpp"
#include "tests/trace/trace_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using trace_test::test_record;

constexpr int64_t s(int64_t t) {
  return t * 1'000'000'000;
}

enum entity : uint32_t {
  control,
  orchestrator,
  slot_h1, // westeurope/z1/r1/h1/vm0: web/0
  slot_h2, // westeurope/z1/r1/h2/vm0: web/1
  fc_a,    // westeurope/z2/r1/h1/fc: the first leader
  fc_b,    // westeurope/z3/r1/h1/fc: the next
  lb,
  workload,
  autoscale,
};

class hand_trace {
public:
  hand_trace& add(int64_t t, uint32_t e, const trace::event_def& def,
                  std::initializer_list<trace::value> values) {
    VMSS_ASSERT(values.size() == def.count, "one value per declared field");
    test_record r{
        0, trace_test::key(t, e, records_.size()), std::string(def.name), {}};
    size_t i = 0;
    for (const auto& v : values)
      r.fields.push_back(trace::field{std::string(def.fields[i++]), v});
    records_.push_back(std::move(r));
    return *this;
  }

  hand_trace& view(int64_t t, int64_t id) {
    return add(t, orchestrator, compute::events::instance_view,
               {std::string("web"), id, int64_t{0}, int64_t{0}, int64_t{0},
                true, std::string("Succeeded"), std::string("running"),
                std::string("Healthy"), false, false, int64_t{1}});
  }

  std::string write() const {
    auto dir = trace_test::scratch_dir();
    std::vector<trace::entity_info> entities{
        {"westeurope/control", "control", 0},
        {"westeurope/web/orchestrator", "orchestrator", 0},
        {"westeurope/z1/r1/h1/vm0", "vm", 0},
        {"westeurope/z1/r1/h2/vm0", "vm", 0},
        {"westeurope/z2/r1/h1/fc", "fc_replica", 0},
        {"westeurope/z3/r1/h1/fc", "fc_replica", 0},
        {"westeurope/web-lb", "load_balancer", 0},
        {"global/workload", "workload", 0},
        {"westeurope/autoscale", "autoscale", 0}};
    trace_test::write_trace(dir, entities, records_);
    return dir;
  }

private:
  std::vector<test_record> records_;
};

std::string str(const char* s) {
  return s;
}

/// The story (times in seconds): 0 fc_a leader; 1 capacity 0 -> 2; 2 both
/// instances healthy and in the LB pool; 10 host h1 crashes (web/0's VM
/// crashes); 13 the leader says host_down; 20 the leader crashes; 25 fc_b
/// is elected; 40 the host is restored (web/0's VM restarts); 50, 51
/// requests; 60, 70 upgrade batches; 100 the end.
std::string story() {
  namespace ph = physical::events;
  namespace fa = fabric::events;
  namespace co = compute::events;
  namespace ne = network::events;
  hand_trace t;
  t.add(0, fc_a, fa::leader_elected, {int64_t{1}});
  t.add(s(1), orchestrator, co::capacity_changed,
        {str("web"), int64_t{0}, int64_t{2}, str("request")});
  t.view(s(2), 0).view(s(2), 1);
  t.add(s(2), slot_h1, ph::vm_state,
        {str("running"), int64_t{0}, str("web"), str("phase_done")});
  t.add(s(2), slot_h2, ph::vm_state,
        {str("running"), int64_t{1}, str("web"), str("phase_done")});
  t.add(s(2), lb, ne::lb_backend, {str("web/0"), true, str("web-pool")});
  t.add(s(2), lb, ne::lb_backend, {str("web/1"), true, str("web-pool")});
  t.add(s(5), autoscale, co::autoscale_evaluated,
        {str("as"), str("web"), str("default"), str("none"), int64_t{2},
         int64_t{2}, int64_t{1}, int64_t{4}, str(""), int64_t{0}, str("")});
  t.add(s(10), control, control::events::fault_injected,
        {str("host_crash"), str("westeurope/z1/r1/h1")});
  t.add(s(10), slot_h1, kernel_events::entity_crashed, {});
  t.add(s(13), fc_a, fa::host_down, {str("westeurope/z1/r1/h1")});
  t.add(s(20), fc_a, kernel_events::entity_crashed, {});
  t.add(s(25), fc_b, fa::leader_elected, {int64_t{2}});
  t.add(s(30), autoscale, co::autoscale_evaluated,
        {str("as"), str("web"), str("default"), str("scale_out"), int64_t{2},
         int64_t{3}, int64_t{1}, int64_t{4}, str("rules[0]"), int64_t{300},
         str("rules[0] Percentage CPU=80")});
  t.add(s(40), control, control::events::fault_recovered,
        {str("host_restore"), str("westeurope/z1/r1/h1")});
  t.add(s(40), slot_h1, kernel_events::entity_restarted, {});
  t.add(s(51), workload, control::events::requests,
        {str("w"), str("westeurope/web-lb"), str("westeurope"), int64_t{10},
         int64_t{3}, 1.0, 2.0, 3.0, s(50)});
  t.add(s(52), workload, control::events::requests,
        {str("w"), str("westeurope/web-lb"), str("westeurope"), int64_t{5},
         int64_t{7}, 1.0, 2.0, 3.0, s(51)});
  t.add(s(53), workload, control::events::requests,
        {str("w"), str("westeurope/web-lb"), str("westeurope"), int64_t{9},
         int64_t{0}, 1.0, 2.0, 3.0, s(52)});
  t.add(s(60), orchestrator, co::upgrade_batch,
        {str("web"), int64_t{1}, str("0"), int64_t{50}});
  t.add(s(60), orchestrator, co::upgrade_status,
        {str("web"), str("RollingForward"), str("")});
  t.add(s(70), orchestrator, co::upgrade_batch,
        {str("web"), int64_t{2}, str("1"), int64_t{50}});
  t.add(s(80), orchestrator, co::upgrade_status,
        {str("web"), str("Completed"), str("")});
  t.add(s(100), control, ph::app_restored, {}); // the end of the trace
  return t.write();
}

TEST(RunMetrics, FaultDetectedByHostDownAndRecoveredWhenTheServiceIsWhole) {
  auto m = analysis::compute_run_metrics(analysis::trace_reader(story()));
  EXPECT_EQ(m.end_ns, s(100));
  ASSERT_EQ(m.faults.size(), 1u);
  const auto& f = m.faults[0];
  EXPECT_EQ(f.kind, "host_crash");
  EXPECT_EQ(f.target, "westeurope/z1/r1/h1");
  EXPECT_EQ(f.injected_ns, s(10));
  EXPECT_EQ(f.repaired_ns, s(40));
  EXPECT_EQ(f.detected_by, "host_down");
  EXPECT_EQ(f.detect_ns, s(3));
  // Whole again when web/0's VM restarts at 40 s (the leader is back at
  // 25 s; the 50 s and 51 s requests failures come after).
  EXPECT_EQ(f.recover_ns, s(30));
}

TEST(RunMetrics, AvailabilityAndShortfallIntegrateFromTheSteadyState) {
  auto m = analysis::compute_run_metrics(analysis::trace_reader(story()));
  ASSERT_EQ(m.scale_sets.size(), 1u);
  const auto& web = m.scale_sets[0];
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.desired, 2);
  EXPECT_EQ(web.healthy, 2);
  EXPECT_EQ(web.steady_from_ns, s(2));
  EXPECT_EQ(web.observed_ns, s(98));
  EXPECT_EQ(web.available_ns, s(68)); // short one instance 10 s .. 40 s
  EXPECT_DOUBLE_EQ(web.shortfall_instance_s, 30.0);
  EXPECT_DOUBLE_EQ(web.availability(), 68.0 / 98.0);
  EXPECT_EQ(web.requests_ok, 24u);
  EXPECT_EQ(web.requests_failed, 10u);
  EXPECT_DOUBLE_EQ(*web.request_success(), 24.0 / 34.0);
  EXPECT_DOUBLE_EQ(m.shortfall_instance_s(), 30.0);
  EXPECT_DOUBLE_EQ(m.min_availability(), 68.0 / 98.0);

  ASSERT_EQ(m.zones.size(), 1u);
  EXPECT_EQ(m.zones[0].zone, "westeurope/z1");
  EXPECT_EQ(m.zones[0].observed_ns, s(98));
  EXPECT_EQ(m.zones[0].available_ns, s(68));
  EXPECT_DOUBLE_EQ(m.zones[0].unhealthy_instance_s, 30.0);
}

TEST(RunMetrics, FailoverRequestsAutoscaleAndUpgradeBatches) {
  auto m = analysis::compute_run_metrics(analysis::trace_reader(story()));
  ASSERT_EQ(m.failovers.size(), 1u);
  EXPECT_EQ(m.failovers[0].region, "westeurope");
  EXPECT_EQ(m.failovers[0].lost_leader, "westeurope/z2/r1/h1/fc");
  EXPECT_EQ(m.failovers[0].lost_ns, s(20));
  EXPECT_EQ(m.failovers[0].failover_ns, s(5));
  EXPECT_EQ(m.failovers[0].new_leader, "westeurope/z3/r1/h1/fc");

  EXPECT_EQ(m.requests_ok, 24u);
  EXPECT_EQ(m.requests_failed, 10u);
  EXPECT_EQ(m.worst_second_ns, s(51));
  EXPECT_EQ(m.worst_second_failed, 7u);

  EXPECT_EQ(m.autoscale_evaluations, 2u);
  ASSERT_EQ(m.autoscale.size(), 1u);
  EXPECT_EQ(m.autoscale[0].t_ns, s(30));
  EXPECT_EQ(m.autoscale[0].decision, "scale_out");
  EXPECT_EQ(m.autoscale[0].from, 2);
  EXPECT_EQ(m.autoscale[0].to, 3);

  ASSERT_EQ(m.upgrade_batches.size(), 2u);
  EXPECT_EQ(m.upgrade_batches[0].batch, 1);
  EXPECT_EQ(m.upgrade_batches[0].instances, "0");
  EXPECT_EQ(m.upgrade_batches[0].status, "RollingForward");
  EXPECT_EQ(m.upgrade_batches[1].status, "Completed");
}

TEST(RunMetrics,
     NotRecoveredWhenTheSetStaysShortAndNotDetectedWhenNothingReacts) {
  namespace ph = physical::events;
  namespace co = compute::events;
  hand_trace t;
  t.add(s(1), orchestrator, co::capacity_changed,
        {str("web"), int64_t{0}, int64_t{1}, str("request")});
  t.view(s(2), 0);
  t.add(s(2), slot_h1, ph::vm_state,
        {str("running"), int64_t{0}, str("web"), str("phase_done")});
  t.add(s(10), control, control::events::fault_injected,
        {str("app_crash"), str("westeurope/z1/r1/h1/vm0")});
  t.add(s(10), slot_h1, ph::app_crashed, {});
  t.add(s(15), slot_h1, ph::app_health,
        {str("Unhealthy"), int64_t{0}, str("web")});
  t.add(s(20), control, control::events::fault_injected,
        {str("slow_disk"), str("westeurope/z1/s1/n1")});
  t.add(s(30), control, ph::app_restored, {}); // the end
  auto m = analysis::compute_run_metrics(analysis::trace_reader(t.write()));
  ASSERT_EQ(m.faults.size(), 2u);
  EXPECT_EQ(m.faults[0].detected_by, "app_health");
  EXPECT_EQ(m.faults[0].detect_ns, s(5));
  EXPECT_FALSE(m.faults[0].repaired_ns);
  EXPECT_FALSE(m.faults[0].recover_ns); // web stays one short to the end
  EXPECT_FALSE(m.faults[1].detect_ns);  // nothing reacts to the slow disk
  EXPECT_FALSE(m.faults[1].recover_ns);
  EXPECT_EQ(analysis::format_seconds(m.faults[0].recover_ns, "not recovered"),
            "not recovered");
  ASSERT_EQ(m.scale_sets.size(), 1u);
  EXPECT_EQ(m.scale_sets[0].available_ns, s(8));
  EXPECT_DOUBLE_EQ(m.scale_sets[0].shortfall_instance_s, 20.0);
  EXPECT_EQ(analysis::format_seconds(s(8) + 1'500'000), "8.002");
}

} // namespace
