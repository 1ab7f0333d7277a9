/// Fuzz target: a load balancer's and a Traffic Manager profile's REST
/// body, read as `vmss-sim validate` reads them (input::parse_json, then
/// input::azure::read_load_balancer and read_traffic_manager_profile on the
/// same document). An accepted body must come out with Azure's defaults
/// applied (the invariants below); any crash or sanitizer report is a
/// finding.

#include "fuzz_support.hpp"
#include "input/azure/network.hpp"
#include "kernel/assert.hpp"

using namespace vmss;

namespace {

void check_load_balancer(const input::azure::load_balancer& lb) {
  for (const auto& probe : lb.model.properties().probes()) {
    VMSS_ASSERT(probe.properties().interval_in_seconds() >= 5,
                "an accepted probe has an interval of at least 5 s");
    VMSS_ASSERT(probe.properties().probe_threshold() >= 1,
                "an accepted probe has a threshold");
  }
  for (const auto& rule : lb.model.properties().load_balancing_rules())
    VMSS_ASSERT(rule.properties().idle_timeout_in_minutes() >= 4,
                "an accepted rule has an idle timeout of 4-100 min");
}

void check_profile(const input::azure::traffic_manager_profile& tm) {
  const auto& m = tm.model.properties().monitor_config();
  VMSS_ASSERT(m.interval_in_seconds() == 10 || m.interval_in_seconds() == 30,
              "an accepted profile probes every 10 or 30 s");
  VMSS_ASSERT(m.timeout_in_seconds() >= 5 &&
                  m.timeout_in_seconds() < m.interval_in_seconds(),
              "an accepted profile's timeout is within its interval");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<input::diagnostic> syntax;
  auto body = input::parse_json(fuzz::text_of(data, size), syntax);
  if (body.is_discarded())
    return 0;
  input::read_report lb_report;
  auto lb = input::azure::read_load_balancer(body, "", "lb", lb_report);
  if (syntax.empty() && lb_report.errors.empty())
    check_load_balancer(lb);
  input::read_report tm_report;
  auto tm =
      input::azure::read_traffic_manager_profile(body, "", "tm", tm_report);
  if (syntax.empty() && tm_report.errors.empty())
    check_profile(tm);
  return 0;
}
