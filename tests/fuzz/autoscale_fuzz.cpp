/// Fuzz target: an autoscale setting's REST body, read as `vmss-sim
/// validate` reads one (input::parse_json, then
/// input::azure::read_autoscale_setting with its rules and defaults). Every
/// problem is a diagnostic: nothing may throw.

#include "fuzz_support.hpp"
#include "input/azure/autoscale.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vmss::input;
  read_report report;
  auto j = parse_json(vmss::fuzz::text_of(data, size), report.errors);
  if (!j.is_discarded())
    azure::read_autoscale_setting(j, "", "fuzzed", report);
  return 0;
}
