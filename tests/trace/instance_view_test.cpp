/// `vmss-sim trace instances` and the instance table under it
/// (analysis/instance_view.hpp) on small hand-made traces.
#include "analysis/instance_view.hpp"
#include "cli_runner.hpp"
#include "compute_trace.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vmss::trace_test {

namespace {

using nlohmann::json;

/// web: instances 0 (zone 1) and 1 (zone 2, protected, unhealthy at 120 s),
/// 2 created and deleted again; api: a regional instance; repairs of web
/// suspended at 100 s.
compute_trace two_sets() {
  compute_trace t;
  t.view(s(10), {0});
  view_spec one{1};
  one.zone = 1;
  one.fault_domain = 1;
  one.update_domain = 1;
  one.protect_from_scale_in = true;
  t.view(s(10), one);
  t.view(s(20), {2, "Creating", "starting", "none"});
  t.view(s(30), {2, "Deleted", "stopped", "none"});
  view_spec regional{0, "Updating", "running", "none"};
  regional.zone = -1;
  regional.latest_model = false;
  regional.scale_set = "api";
  t.view(s(40), regional);
  t.service(s(50), "Running").service(s(100), "Suspended");
  one.health = "Unhealthy";
  t.view(s(120), one).end(s(200));
  return t;
}

json instances(const std::vector<std::string>& args, int expect_code = 0) {
  auto r = run_cli(args);
  EXPECT_EQ(r.code, expect_code) << r.err;
  return expect_code == 0 ? json::parse(r.out) : json();
}

TEST(trace_instances, prints_azure_instance_views_at_the_end) {
  auto dir = two_sets().write();
  auto out = instances({"trace", "instances", dir});
  ASSERT_EQ(out.size(), 2u) << out.dump(2);
  EXPECT_EQ(out[0]["name"], "api");
  EXPECT_EQ(out[0]["orchestrationServices"], json::array());
  const auto& api = out[0]["virtualMachines"][0];
  EXPECT_EQ(api["name"], "api_0");
  EXPECT_FALSE(api.contains("zones")); // regional
  EXPECT_EQ(api["properties"]["latestModelApplied"], false);
  EXPECT_EQ(api["properties"]["instanceView"]["statuses"][0],
            json::parse(R"({"code": "ProvisioningState/updating",
                            "level": "Info", "displayStatus": "Updating"})"));
  EXPECT_FALSE(api["properties"]["instanceView"].contains("vmHealth"));

  const auto& web = out[1];
  EXPECT_EQ(web["orchestrationServices"],
            json::parse(R"([{"serviceName": "AutomaticRepairs",
                             "serviceState": "Suspended"}])"));
  ASSERT_EQ(web["virtualMachines"].size(), 2u); // 2 is Deleted
  EXPECT_EQ(web["virtualMachines"][1], json::parse(R"({
    "name": "web_1", "instanceId": "1", "zones": ["2"],
    "properties": {
      "latestModelApplied": true,
      "provisioningState": "Succeeded",
      "protectionPolicy": {"protectFromScaleIn": true,
                           "protectFromScaleSetActions": false},
      "instanceView": {
        "platformUpdateDomain": 1, "platformFaultDomain": 1,
        "statuses": [
          {"code": "ProvisioningState/succeeded", "level": "Info",
           "displayStatus": "Provisioning succeeded"},
          {"code": "PowerState/running", "level": "Info",
           "displayStatus": "VM running"}],
        "vmHealth": {"status": {"code": "HealthState/unhealthy",
                                "level": "Info",
                                "displayStatus": "Unhealthy"}}}}})"));
}

TEST(trace_instances, at_a_time_each_instance_as_its_last_view_says) {
  auto dir = two_sets().write();
  auto out = instances({"trace", "instances", dir, "--at", "25s"});
  ASSERT_EQ(out.size(), 1u) << out.dump(2); // api has no record yet
  const auto& vms = out[0]["virtualMachines"];
  ASSERT_EQ(vms.size(), 3u);
  EXPECT_EQ(vms[2]["properties"]["provisioningState"], "Creating");
  EXPECT_EQ(vms[1]["properties"]["instanceView"]["vmHealth"]["status"]["code"],
            "HealthState/healthy");
  EXPECT_EQ(out[0]["orchestrationServices"], json::array());
  auto later = instances({"trace", "instances", dir, "--at", "1.5m"});
  EXPECT_EQ(later[1]["orchestrationServices"][0]["serviceState"], "Running");
  EXPECT_EQ(later[1]["virtualMachines"].size(), 2u);
}

TEST(trace_instances, one_scale_set) {
  auto dir = two_sets().write();
  auto out = instances({"trace", "instances", dir, "--scale-set", "web"});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["name"], "web");
}

TEST(trace_instances, bad_options_exit_2_naming_them) {
  auto dir = two_sets().write();
  auto at = run_cli({"trace", "instances", dir, "--at", "5"});
  EXPECT_EQ(at.code, 2);
  EXPECT_EQ(at.err.rfind("error: --at '5': ", 0), 0u) << at.err;
  EXPECT_TRUE(at.out.empty()) << at.out;
  auto set = run_cli({"trace", "instances", dir, "--scale-set", "db"});
  EXPECT_EQ(set.code, 2);
  EXPECT_EQ(set.err, "error: --scale-set 'db': no such scale set in the "
                     "trace (it has api, web)\n");
  auto early =
      run_cli({"trace", "instances", dir, "--scale-set", "api", "--at", "1s"});
  EXPECT_EQ(early.err, "error: --scale-set 'api': no such scale set in the "
                       "trace at or before 1s (it has none)\n");
}

TEST(trace_instances, a_trace_without_scale_sets_prints_an_empty_list) {
  compute_trace t;
  t.vm_state(s(1), 0, "healthy").end(s(2));
  auto out = instances({"trace", "instances", t.write()});
  EXPECT_EQ(out, json::array());
}

TEST(trace_instances, an_unknown_state_name_is_an_error_naming_the_record) {
  compute_trace t;
  t.view(s(3), {0, "Running"});
  auto r = run_cli({"trace", "instances", t.write()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: record instance_view at t_ns=3000000000 of "
                   "r/web/orchestrator: field 'provisioning_state': "
                   "'Running' is not one of Creating, Updating, Succeeded, "
                   "Failed, Deleting, Deleted\n");
}

TEST(instance_table, counts_live_instances_per_set) {
  auto t = two_sets();
  analysis::instance_table table;
  analysis::trace_reader reader(t.write());
  reader.for_each([&](const analysis::record& r) { table.apply(r); });
  EXPECT_EQ(table.live_count("web"), 2u);
  EXPECT_EQ(table.live_count("api"), 1u);
  EXPECT_EQ(table.live_count("db"), 0u);
  ASSERT_NE(table.find("web", 2), nullptr);
  EXPECT_TRUE(table.find("web", 2)->deleted());
  EXPECT_EQ(table.find("web", 1)->health, "Unhealthy");
}

} // namespace

} // namespace vmss::trace_test
