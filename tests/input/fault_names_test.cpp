// The scenario schema's fault kinds (messages/scenario.proto FaultKind) are
// the physical family's (actors/physical/faults.hpp), in the same order:
// a scenario's fault converts by number and by name.

#include "actors/physical/faults.hpp"
#include "messages/scenario.pb.h"

#include <gtest/gtest.h>

namespace {

TEST(scenario_fault_names, are_the_physical_fault_kinds) {
  const auto* e = vmss::scenario::FaultKind_descriptor();
  auto names = vmss::physical::fault_kind_names();
  ASSERT_EQ(static_cast<size_t>(e->value_count()), names.size() + 1);
  for (size_t i = 0; i < names.size(); ++i) {
    const auto* v = e->FindValueByNumber(static_cast<int>(i) + 1);
    ASSERT_NE(v, nullptr) << names[i];
    EXPECT_EQ(v->name(), names[i]);
  }
}

} // namespace
