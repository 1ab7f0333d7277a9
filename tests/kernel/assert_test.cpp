#include "kernel/assert.hpp"

#include <gtest/gtest.h>

namespace {

int checked_half(int even) {
  VMSS_ASSERT(even % 2 == 0, "checked_half needs an even number");
  return even / 2;
}

} // namespace

TEST(assert, a_holding_invariant_lets_the_code_go_on) {
  EXPECT_EQ(checked_half(8), 4);
}

TEST(assert, a_broken_invariant_stops_the_process_naming_it) {
  EXPECT_DEATH(checked_half(3),
               "internal error: .*assert_test.cpp:[0-9]+: checked_half needs "
               "an even number \\(even % 2 == 0\\)");
}
