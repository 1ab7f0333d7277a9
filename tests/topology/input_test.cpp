// The strict parsers of user input (kernel/numbers.hpp, parse_duration) and
// the size budget (kernel/size_budget.hpp).

#include "kernel/numbers.hpp"
#include "kernel/sim_time.hpp"
#include "kernel/size_budget.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace {

using namespace vmss;

/// The reason parse_int gives for `text`, or "" if it was accepted.
std::string int_error(const std::string& text, int64_t min, int64_t max) {
  int64_t out = 0;
  std::string why;
  return parse_int(text, min, max, out, &why) ? "" : why;
}

std::string duration_error(const std::string& text) {
  sim_time out = 0;
  std::string why;
  return parse_duration(text, out, &why) ? "" : why;
}

sim_time duration(const std::string& text) {
  sim_time out = -1;
  EXPECT_TRUE(parse_duration(text, out)) << text;
  return out;
}

TEST(strict_int, reads_decimal_digits_in_range) {
  int64_t out = 0;
  EXPECT_TRUE(parse_int("42", 0, 100, out));
  EXPECT_EQ(out, 42);
  EXPECT_TRUE(parse_int("007", 0, 100, out)); // decimal, never octal
  EXPECT_EQ(out, 7);
  EXPECT_TRUE(parse_int("-5", -10, 10, out));
  EXPECT_EQ(out, -5);
  EXPECT_TRUE(parse_int("9223372036854775807", 0, INT64_MAX, out));
  EXPECT_EQ(out, INT64_MAX);
  EXPECT_TRUE(parse_int("-9223372036854775808", INT64_MIN, 0, out));
  EXPECT_EQ(out, INT64_MIN);
}

TEST(strict_uint, reads_the_whole_64_bit_range_and_refuses_the_rest) {
  uint64_t out = 0;
  EXPECT_TRUE(parse_uint("18446744073709551615", 0, UINT64_MAX, out));
  EXPECT_EQ(out, UINT64_MAX);
  EXPECT_TRUE(parse_uint("007", 0, 10, out));
  EXPECT_EQ(out, 7u);
  std::string why;
  EXPECT_FALSE(parse_uint("18446744073709551616", 0, UINT64_MAX, out, &why));
  EXPECT_EQ(why, "is out of range (0 to 18446744073709551615)");
  EXPECT_FALSE(parse_uint("-1", 0, 5, out, &why)); // never wraps to 2^64-1
  EXPECT_EQ(why, "is out of range (0 to 5)");
  for (auto text : {"", "+3", "0x10", "1.5", " 2", "-"}) {
    EXPECT_FALSE(parse_uint(text, 0, 100, out, &why)) << text;
    EXPECT_EQ(why, "is not a whole number (decimal digits)") << text;
  }
}

TEST(strict_int, refuses_signs_hex_junk_and_wrap_around) {
  for (auto text :
       {"", "+3", " 3", "3 ", "0x10", "1e3", "3.0", "3k", "-", "--1", "١"})
    EXPECT_EQ(int_error(text, 0, 100), "is not a whole number (decimal digits)")
        << text;
  // std::stoul read these as 0 and 4294967295.
  EXPECT_EQ(int_error("4294967296", 0, 2), "is out of range (0 to 2)");
  EXPECT_EQ(int_error("-1", 0, 2), "is out of range (0 to 2)");
  EXPECT_EQ(int_error("9223372036854775808", 0, INT64_MAX),
            "is out of range (0 to 9223372036854775807)");
  EXPECT_EQ(int_error("99999999999999999999999999", 0, 10),
            "is out of range (0 to 10)");
}

TEST(strict_duration, reads_digits_a_fraction_and_a_unit) {
  EXPECT_EQ(duration("90s"), seconds(90));
  EXPECT_EQ(duration("1.5ms"), us(1500));
  EXPECT_EQ(duration("2m"), seconds(120));
  EXPECT_EQ(duration("2min"), seconds(120));
  EXPECT_EQ(duration("1h"), seconds(3600));
  EXPECT_EQ(duration("250us"), us(250));
  EXPECT_EQ(duration("10ns"), 10);
  EXPECT_EQ(duration("0s"), 0);
  EXPECT_EQ(duration("0.000000001s"), 1);
  EXPECT_EQ(duration("1.2500ms"), us(1250)); // trailing zeros are exact
  EXPECT_EQ(duration("9223372036.854775806s"), INT64_MAX - 1);
}

TEST(strict_duration, refuses_hex_signs_bare_numbers_and_overflow) {
  const std::string malformed =
      "is not a duration (digits, an optional fraction and a unit: ns, us, "
      "ms, s, m, h; e.g. 90s, 1.5ms)";
  for (auto text : {"", "0x10s", "+5s", "-5s", "5", "1e3s", "5 s", " 5s", "5sx",
                    "5S", ".5s", "5.s", "1.2.3s", "nan", "infs", "s"})
    EXPECT_EQ(duration_error(text), malformed) << text;
  EXPECT_EQ(duration_error("1.5ns"), "is finer than 1 ns");
  EXPECT_EQ(duration_error("0.0000000001s"), "is finer than 1 ns");
  EXPECT_EQ(duration_error("0.0000000000000000000001h"), "is finer than 1 ns");
  const std::string beyond =
      "is beyond the largest time (9223372036854775806 ns)";
  EXPECT_EQ(duration_error("9223372036.854775807s"), beyond);
  EXPECT_EQ(duration_error("2562048h"), beyond);
  EXPECT_EQ(duration_error("99999999999999999999999ns"), beyond);
}

TEST(strict_duration, formats_back_to_what_it_reads) {
  for (sim_time t : {sim_time{0}, seconds(90), ms(1500) + 1, us(7), sim_time{3},
                     INT64_MAX - 1})
    EXPECT_EQ(duration(format_duration(t)), t) << format_duration(t);
  EXPECT_EQ(format_duration(seconds(300)), "300s");
  EXPECT_EQ(format_duration(us(1500)), "1500us");
}

TEST(size_budget, the_environment_may_lower_the_memory_budget) {
  ASSERT_EQ(::setenv(memory_budget_env, "100", 1), 0);
  EXPECT_NO_THROW(check_size("small", 1000, bytes_per_entity_actor));
  try {
    check_size("big", 100000, bytes_per_entity_actor);
    ADD_FAILURE() << "100000 entities fit a budget of 100 MB";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("VMSS_MEMORY_BUDGET_MB allows 0.1 GB"),
              std::string::npos)
        << e.what();
  }
  ASSERT_EQ(::setenv(memory_budget_env, "0x10", 1), 0);
  EXPECT_THROW(check_size("small", 1, 1), std::invalid_argument);
  ::unsetenv(memory_budget_env);
  EXPECT_NO_THROW(check_size("big", 100000, bytes_per_entity_actor));
}

TEST(size_budget, refuses_with_the_numbers) {
  const uint64_t gb = 1000 * 1000 * 1000;
  EXPECT_NO_THROW(check_size("small", 1000, bytes_per_entity_actor, 8 * gb));
  try {
    check_size("heartbeat hosts=1000000000", 1'000'000'000,
               bytes_per_entity_actor, 8 * gb);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "heartbeat hosts=1000000000: 1000000000 entities "
                           "would need ≈ 2048.0 GB; this machine has 8.0 GB");
  }
  // Ids are 32 bits whatever the memory.
  try {
    check_size("big", max_entities + 1, 1, 0);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("do not fit 32-bit entity ids"),
              std::string::npos)
        << e.what();
  }
  EXPECT_GT(machine_memory_bytes(), 0u); // /proc/meminfo on Linux
}

} // namespace
