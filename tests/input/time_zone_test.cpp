// Time zones as autoscale schedules name them, with daylight saving time.

#include "input/time_zone.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace vmss::input {
namespace {

int64_t utc(const std::string& text) {
  int64_t s = 0;
  std::string why;
  EXPECT_TRUE(parse_utc(text, s, &why)) << text << ": " << why;
  return s;
}

TEST(time_zone, windows_names_map_to_the_tz_database) {
  EXPECT_EQ(time_zone("W. Europe Standard Time").id(), "Europe/Berlin");
  EXPECT_EQ(time_zone("Pacific Standard Time").id(), "America/Los_Angeles");
  EXPECT_EQ(time_zone("Europe/Amsterdam").id(), "Europe/Amsterdam");
  EXPECT_EQ(time_zone("").id(), "UTC");
  EXPECT_THROW(time_zone("Mars Standard Time"), std::invalid_argument);
  EXPECT_FALSE(is_time_zone("Nowhere/Else"));
}

TEST(time_zone, the_default_start_is_a_monday_at_midnight_utc) {
  EXPECT_EQ(utc("2024-01-01T00:00:00Z"), default_start_utc_seconds);
  auto t = time_zone("UTC").local(default_start_utc_seconds);
  EXPECT_EQ(t.weekday, 1u);
  EXPECT_EQ(t.year, 2024);
  EXPECT_EQ(t.hour, 0u);
}

TEST(time_zone, daylight_saving_moves_the_offset) {
  time_zone berlin("W. Europe Standard Time");
  // 2024-03-31 01:00 UTC: clocks go from 02:00 CET to 03:00 CEST.
  EXPECT_EQ(berlin.offset(utc("2024-03-31T00:59:59Z")), 3600);
  EXPECT_EQ(berlin.offset(utc("2024-03-31T01:00:00Z")), 7200);
  auto summer = berlin.local(utc("2024-07-01T06:00:00Z"));
  EXPECT_EQ(summer.hour, 8u);
  EXPECT_EQ(summer.weekday, 1u);
  auto winter = berlin.local(utc("2024-01-08T07:00:00Z"));
  EXPECT_EQ(winter.hour, 8u);
}

TEST(time_zone, local_times_convert_back_to_utc) {
  time_zone berlin("W. Europe Standard Time");
  int64_t local_8am_july = utc("2024-07-01T08:00:00Z"); // as written
  EXPECT_EQ(berlin.to_utc(local_8am_july), utc("2024-07-01T06:00:00Z"));
  // 02:30 on 2024-03-31 does not exist in Berlin: the time after the gap.
  int64_t gap = utc("2024-03-31T02:30:00Z");
  EXPECT_EQ(berlin.to_utc(gap), utc("2024-03-31T01:30:00Z"));
}

TEST(time_zone, parse_utc_names_what_is_wrong) {
  int64_t s = 0;
  std::string why;
  EXPECT_FALSE(parse_utc("2024-01-01 00:00", s, &why));
  EXPECT_NE(why.find("UTC date-time"), std::string::npos);
  EXPECT_FALSE(parse_utc("2024-13-01T00:00:00Z", s, &why));
}

} // namespace
} // namespace vmss::input
