/// Fuzz target: request plans (`requests=PLAN` of the region model, parsed
/// in actors/physical/region_model.cpp): the input is the plan of the spec
/// "region vms=2 requests=PLAN" built through make_any_model.

#include "fuzz_support.hpp"
#include "runners/commands.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    make_any_model("region vms=2 requests=" + fuzz::text_of(data, size), 1, 1);
  } catch (const std::exception&) {
    // A rejected plan: the run prints the message and exits.
  }
  return 0;
}
