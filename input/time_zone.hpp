#pragma once
/// Wall-clock time for the model: the scenario's startTime (UTC) plus
/// virtual time, and time zones as Azure names them in autoscale
/// schedules (Windows ids: "W. Europe Standard Time") or as the tz
/// database does ("Europe/Amsterdam"), with daylight saving time. Built
/// on ICU (icu::TimeZone::getIDForWindowsID and its zone rules). No CAF.

#include <cstdint>
#include <memory>
#include <string>

namespace vmss::input {

/// A local wall-clock reading.
struct local_time {
  int32_t year = 1970;
  uint32_t month = 1;   ///< 1-12
  uint32_t day = 1;     ///< 1-31
  uint32_t weekday = 4; ///< 0 Sunday ... 6 Saturday
  uint32_t hour = 0, minute = 0, second = 0;
  int32_t offset_seconds = 0; ///< east of UTC, daylight saving included
};

class time_zone {
public:
  /// The zone a Windows id or a tz database id names; throws
  /// std::invalid_argument ("unknown time zone 'X'") when neither does.
  /// "UTC" and "" are UTC.
  explicit time_zone(const std::string& name);
  ~time_zone();
  time_zone(time_zone&&) noexcept;
  time_zone& operator=(time_zone&&) noexcept;

  /// The tz database id ("Europe/Berlin" for "W. Europe Standard Time").
  const std::string& id() const { return id_; }

  /// The local reading at `utc_seconds` (seconds since 1970-01-01 UTC).
  local_time local(int64_t utc_seconds) const;
  /// Seconds east of UTC at `utc_seconds`.
  int32_t offset(int64_t utc_seconds) const;
  /// The UTC instant of a local wall-clock time (seconds since 1970 of the
  /// written date and time, as date_time::local_seconds); in a daylight
  /// saving gap the time after the gap, in an overlap the first.
  int64_t to_utc(int64_t local_seconds) const;

private:
  std::string id_;
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Whether `name` names a zone (time_zone(name) would not throw).
bool is_time_zone(const std::string& name);

/// Seconds since 1970-01-01 UTC of an ISO 8601 UTC date-time
/// ("2024-01-01T00:00:00Z"); false and `why` when it is not one.
bool parse_utc(const std::string& text, int64_t& seconds, std::string* why);

/// The scenario's default startTime: 2024-01-01T00:00:00Z, a Monday.
inline constexpr int64_t default_start_utc_seconds = 1704067200;

} // namespace vmss::input
