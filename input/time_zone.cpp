#include "input/time_zone.hpp"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <stdexcept>

namespace vmss::input {

namespace {

/// Days since 1970-01-01 -> civil date (proleptic Gregorian).
void civil_from_days(int64_t z, int32_t& y, uint32_t& m, uint32_t& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<uint64_t>(z - era * 146097);
  uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = static_cast<int64_t>(yoe) + era * 400;
  uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint64_t mp = (5 * doy + 2) / 153;
  d = static_cast<uint32_t>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<uint32_t>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int32_t>(year + (m <= 2 ? 1 : 0));
}

int64_t days_from_civil(int64_t y, uint32_t m, uint32_t d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<uint64_t>(y - era * 400);
  uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

/// The ICU zone of a Windows or tz database id; nullptr when neither.
icu::TimeZone* find_zone(const std::string& name, std::string& id) {
  if (name.empty() || name == "UTC") {
    id = "UTC";
    return icu::TimeZone::createTimeZone("UTC");
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString found;
  icu::TimeZone::getIDForWindowsID(icu::UnicodeString::fromUTF8(name), nullptr,
                                   found, status);
  if (U_FAILURE(status) || found.isEmpty())
    found = icu::UnicodeString::fromUTF8(name);
  auto* zone = icu::TimeZone::createTimeZone(found);
  if (zone == nullptr || *zone == icu::TimeZone::getUnknown()) {
    delete zone;
    return nullptr;
  }
  id.clear();
  found.toUTF8String(id);
  return zone;
}

} // namespace

struct time_zone::impl {
  std::unique_ptr<icu::TimeZone> zone;
};

time_zone::time_zone(const std::string& name)
    : impl_(std::make_unique<impl>()) {
  impl_->zone.reset(find_zone(name, id_));
  if (!impl_->zone)
    throw std::invalid_argument("unknown time zone '" + name +
                                "' (a Windows time-zone name such as 'W. "
                                "Europe Standard Time', or a tz database name "
                                "such as 'Europe/Berlin')");
}

time_zone::~time_zone() = default;
time_zone::time_zone(time_zone&&) noexcept = default;
time_zone& time_zone::operator=(time_zone&&) noexcept = default;

int32_t time_zone::offset(int64_t utc_seconds) const {
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  impl_->zone->getOffset(static_cast<UDate>(utc_seconds) * 1000.0, false, raw,
                         dst, status);
  return U_FAILURE(status) ? 0 : (raw + dst) / 1000;
}

local_time time_zone::local(int64_t utc_seconds) const {
  local_time t;
  t.offset_seconds = offset(utc_seconds);
  int64_t local = utc_seconds + t.offset_seconds;
  int64_t days = floor_div(local, 86400);
  int64_t rest = local - days * 86400;
  civil_from_days(days, t.year, t.month, t.day);
  t.weekday = static_cast<uint32_t>(((days % 7) + 11) % 7); // 1970-01-01: Thu
  t.hour = static_cast<uint32_t>(rest / 3600);
  t.minute = static_cast<uint32_t>(rest % 3600 / 60);
  t.second = static_cast<uint32_t>(rest % 60);
  return t;
}

int64_t time_zone::to_utc(int64_t local_seconds) const {
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  const auto* basic =
      dynamic_cast<const icu::BasicTimeZone*>(impl_->zone.get());
  if (basic != nullptr)
    basic->getOffsetFromLocal(static_cast<UDate>(local_seconds) * 1000.0,
                              UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw,
                              dst, status);
  else
    impl_->zone->getOffset(static_cast<UDate>(local_seconds) * 1000.0, true,
                           raw, dst, status);
  return local_seconds - (U_FAILURE(status) ? 0 : (raw + dst) / 1000);
}

bool is_time_zone(const std::string& name) {
  std::string id;
  std::unique_ptr<icu::TimeZone> zone(find_zone(name, id));
  return zone != nullptr;
}

bool parse_utc(const std::string& text, int64_t& seconds, std::string* why) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char z = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h,
                  &mi, &s, &z, &used) != 7 ||
      z != 'Z' || static_cast<size_t>(used) != text.size() || mo < 1 ||
      mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    if (why)
      *why = "is not a UTC date-time such as 2024-01-01T00:00:00Z";
    return false;
  }
  seconds =
      days_from_civil(y, static_cast<uint32_t>(mo), static_cast<uint32_t>(d)) *
          86400 +
      h * 3600 + mi * 60 + s;
  return true;
}

} // namespace vmss::input
