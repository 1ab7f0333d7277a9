/// Fuzz target: fault plans (`faults=PLAN` of the region model,
/// docs/faults.md): physical::split_plan and physical::parse_fault_plan.

#include "actors/physical/faults.hpp"
#include "fuzz_support.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = fuzz::text_of(data, size);
  try {
    physical::split_plan(text);
  } catch (const std::exception&) {
    // A rejected plan: the run prints the message and exits.
  }
  try {
    for (const auto& f : physical::parse_fault_plan(text))
      physical::to_string(f.what.kind);
  } catch (const std::exception&) {
  }
  return 0;
}
