/// Fuzz target: a scale set's REST body, read as `vmss-sim validate` reads
/// one (input::parse_json, then azure::read_scale_set with Azure's leniency,
/// rules and defaults). Errors are reported, never thrown: any exception is
/// a finding too.

#include "fuzz_support.hpp"
#include "input/azure/scale_set.hpp"

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<input::diagnostic> errors;
  auto body = input::parse_json(fuzz::text_of(data, size), errors);
  if (!errors.empty())
    return 0;
  input::read_report report;
  input::azure::read_scale_set(body, "", "fuzzed", report);
  return 0;
}
