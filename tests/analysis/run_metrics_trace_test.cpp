// run_metrics on real traces of small scenarios of scenarios/: what it
// reads is cross-checked against `trace export --format jsonl` of the same
// trace (the faults, requests, autoscale evaluations and upgrade batches,
// and that the record it names as a fault's detection is there), and a
// few values worked out from the export are pinned.

#include "analysis/run_metrics.hpp"

#include "tests/support/jsonl.hpp"
#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using vmss_test::jsonl_record;

constexpr int64_t s(int64_t t) {
  return t * 1'000'000'000;
}

struct traced_run {
  analysis::run_metrics metrics;
  std::vector<jsonl_record> records;
};

/// Runs scenarios/`file`, checks it, reads its metrics and its export.
traced_run run_scenario(const vmss_test::scratch& dir,
                        const std::string& file) {
  auto out = dir.at("trace");
  auto run = vmss_test::run_sim("run " + std::string(VMSS_SOURCE_DIR) +
                                "/scenarios/" + file + " --out " + out);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  auto check = vmss_test::run_sim("trace check " + out);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto jsonl = vmss_test::run_sim("trace export " + out + " --format jsonl");
  EXPECT_EQ(jsonl.exit_code, 0);
  return {analysis::compute_run_metrics(analysis::trace_reader(out)),
          vmss_test::parse_jsonl(jsonl.output)};
}

/// The metrics agree with the export on what is counted record by record.
void cross_check(const traced_run& t) {
  const auto& m = t.metrics;
  auto injected = vmss_test::having(t.records, "fault_injected");
  ASSERT_EQ(m.faults.size(), injected.size());
  for (size_t i = 0; i < injected.size(); ++i) {
    EXPECT_EQ(m.faults[i].injected_ns, injected[i].t_ns);
    EXPECT_EQ(m.faults[i].kind, injected[i].field("fault"));
    EXPECT_EQ(m.faults[i].target, injected[i].field("target"));
  }
  uint64_t ok = 0, failed = 0;
  for (const auto& r : vmss_test::having(t.records, "requests")) {
    ok += std::stoull(r.field("ok"));
    failed += std::stoull(r.field("failed"));
  }
  EXPECT_EQ(m.requests_ok, ok);
  EXPECT_EQ(m.requests_failed, failed);
  auto evaluations = vmss_test::having(t.records, "autoscale_evaluated");
  EXPECT_EQ(m.autoscale_evaluations, evaluations.size());
  std::vector<long long> decided;
  for (const auto& r : evaluations)
    if (r.field("decision") != "none")
      decided.push_back(r.t_ns);
  ASSERT_EQ(m.autoscale.size(), decided.size());
  for (size_t i = 0; i < decided.size(); ++i)
    EXPECT_EQ(m.autoscale[i].t_ns, decided[i]);
  auto batches = vmss_test::having(t.records, "upgrade_batch");
  ASSERT_EQ(m.upgrade_batches.size(), batches.size());
  for (size_t i = 0; i < batches.size(); ++i)
    EXPECT_EQ(m.upgrade_batches[i].t_ns, batches[i].t_ns);
  for (const auto& s : m.scale_sets) {
    EXPECT_LE(s.available_ns, s.observed_ns) << s.name;
    EXPECT_GE(s.shortfall_instance_s, 0) << s.name;
  }
}

/// The export has a record of `event` at `t_ns` whose `key` is `value`.
bool has_record(const traced_run& t, const std::string& event, int64_t t_ns,
                const std::string& key, const std::string& value) {
  for (const auto& r : vmss_test::having(t.records, event))
    if (r.t_ns == t_ns && r.field(key) == value)
      return true;
  return false;
}

// Four hosts of zone 1 crash at 8 min, taking web/0, 2, 4, 6 down. The
// load balancer's probe notices first (24 s later; the FC leader's
// host_down only at 10 min); service healing moves the four VMs and the
// set is whole again when the last of them rejoins the pool at
// 1396.125020 s.
TEST(RunMetricsTrace, HostFailureHealing) {
  vmss_test::scratch dir;
  auto t = run_scenario(dir, "host-failure-healing.json");
  cross_check(t);
  const auto& m = t.metrics;
  ASSERT_EQ(m.faults.size(), 4u);
  for (const auto& f : m.faults) {
    EXPECT_EQ(f.kind, "host_crash");
    EXPECT_EQ(f.injected_ns, s(480));
    EXPECT_EQ(f.repaired_ns, s(1800));
    EXPECT_EQ(f.detected_by, "lb_backend") << f.target;
    ASSERT_TRUE(f.detect_ns) << f.target;
    EXPECT_EQ(*f.detect_ns, f.target == "westeurope/z1/r1/h1" ? 24'123'020'000
                                                              : 24'125'020'000);
    EXPECT_TRUE(has_record(t, "lb_backend", f.injected_ns + *f.detect_ns,
                           "member", "false"));
    EXPECT_TRUE(has_record(t, "host_down",
                           f.target == "westeurope/z1/r1/h1" ? 600'002'000'000
                                                             : 600'004'000'000,
                           "host", f.target));
    EXPECT_EQ(f.recover_ns, 1'396'125'020'000 - s(480));
  }
  EXPECT_TRUE(has_record(t, "lb_backend", 1'396'125'020'000, "vm", "web/6"));
  ASSERT_EQ(m.scale_sets.size(), 1u);
  const auto& web = m.scale_sets[0];
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.desired, 6);
  EXPECT_EQ(web.healthy, 6);
  // One instance short from 480 s to 1396.123020 s, three to 1396.125020
  // s; and five for 2 ms at 204.183020 s, when the LB has named web/0 as
  // a member but not yet the others.
  EXPECT_NEAR(web.shortfall_instance_s, 916.12302 + 3 * 916.12502 + 5 * 0.002,
              1e-6);
  EXPECT_EQ(web.observed_ns - web.available_ns, 916'125'020'000 + 2'000'000);
  EXPECT_TRUE(m.failovers.empty()); // the leader is in zone 2
}

// web/1's application crashes at 10 min. Its health extension reports
// Unhealthy 4.867 s later; automatic repair (grace period 30 min)
// replaces it with web/4, which joins the pool at 2600.050217860 s.
TEST(RunMetricsTrace, Layer6AutoRepair) {
  vmss_test::scratch dir;
  auto t = run_scenario(dir, "layer6-auto-repair.json");
  cross_check(t);
  const auto& m = t.metrics;
  ASSERT_EQ(m.faults.size(), 1u);
  const auto& f = m.faults[0];
  EXPECT_EQ(f.kind, "app_crash");
  EXPECT_EQ(f.target, "web/1");
  EXPECT_FALSE(f.repaired_ns); // no app_restore: the repair replaces it
  EXPECT_EQ(f.detected_by, "app_health");
  EXPECT_EQ(f.detect_ns, 4'867'187'860);
  EXPECT_TRUE(
      has_record(t, "app_health", 604'867'187'860, "state", "Unhealthy"));
  EXPECT_EQ(f.recover_ns, 2'600'050'217'860 - s(600));
  EXPECT_TRUE(has_record(t, "lb_backend", 2'600'050'217'860, "vm", "web/4"));
  ASSERT_EQ(m.scale_sets.size(), 1u);
  EXPECT_EQ(m.scale_sets[0].desired, 3);
  EXPECT_LT(m.scale_sets[0].availability(), 1.0);
  ASSERT_EQ(m.zones.size(), 3u);
  EXPECT_EQ(m.zones[1].zone, "westeurope/z2"); // web/1's zone
  EXPECT_GT(m.zones[1].unhealthy_instance_s, 2000.0);
}

// CPU autoscale under a diurnal load: every decision other than `none`
// with its capacity change, and the requests of the workload.
TEST(RunMetricsTrace, Layer8CpuAutoscale) {
  vmss_test::scratch dir;
  auto t = run_scenario(dir, "layer8-cpu-autoscale.json");
  cross_check(t);
  const auto& m = t.metrics;
  EXPECT_TRUE(m.faults.empty());
  EXPECT_EQ(m.autoscale_evaluations, 79u);
  ASSERT_EQ(m.autoscale.size(), 24u);
  const auto& first = m.autoscale[0];
  EXPECT_EQ(first.t_ns, 1'500'120'000'000);
  EXPECT_EQ(first.setting, "WebServerAutoscale");
  EXPECT_EQ(first.decision, "scale_out");
  EXPECT_EQ(first.from, 3);
  EXPECT_EQ(first.to, 4);
  // The orchestrator applies it 60 ms later.
  EXPECT_TRUE(has_record(t, "capacity_changed", 1'500'180'000'000, "to", "4"));
  // 240 requests a second fail from the start until the first instances
  // join the pool (190 seconds); none after.
  EXPECT_EQ(m.requests_ok, 1'596'000u);
  EXPECT_EQ(m.requests_failed, 190u * 240u);
  EXPECT_EQ(m.worst_second_ns, 0); // the first of the worst seconds
  EXPECT_EQ(m.worst_second_failed, 240u);
  ASSERT_EQ(m.scale_sets.size(), 1u);
  EXPECT_EQ(m.scale_sets[0].requests_ok, 1'596'000u);
  EXPECT_EQ(m.scale_sets[0].requests_failed, 190u * 240u);
}

} // namespace
