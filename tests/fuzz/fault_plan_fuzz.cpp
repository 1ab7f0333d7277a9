/// Fuzz target: fault plans (`faults=PLAN` of the region model,
/// docs/faults.md): physical::split_plan, physical::parse_fault_plan and
/// the order check physical::check_fault_sequence.

#include "actors/physical/faults.hpp"
#include "fuzz_support.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = fuzz::text_of(data, size);
  try {
    physical::split_plan(text, "fault");
  } catch (const std::exception&) {
    // A rejected plan: the run prints the message and exits.
  }
  try {
    auto plan = physical::parse_fault_plan(text);
    for (const auto& f : plan)
      physical::plan_text(f);
    physical::check_fault_sequence(plan);
  } catch (const std::exception&) {
  }
  return 0;
}
