#pragma once
/// An autoscale setting's REST body (Microsoft.Insights/autoscaleSettings,
/// api-version 2022-10-01, or a template's evaluated resource) read against
/// messages/azure_insights.proto with Azure's rules and defaults
/// (docs/azure-input.md). No CAF.

#include "input/json_reader.hpp"
#include "messages/azure_insights.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::input::azure {

struct autoscale_setting {
  /// The body's "name", else properties.name, else the name the caller
  /// gives.
  std::string name;
  vmss::azure::insights::AutoscaleSetting model;
  /// JSON paths (under the body's path) of every value a default filled
  /// ("properties.enabled", "properties.profiles[0].rules[1].scaleAction.
  /// value").
  std::vector<std::string> defaulted;
};

/// A fixedDate's start or end ("2024-11-29T08:00:00", "…T08:00:00Z",
/// "…T08:00:00.5+01:00"): the wall-clock time written, and its UTC offset
/// when the text gives one (else the profile's timeZone applies).
struct date_time {
  /// Seconds from 1970-01-01T00:00:00 to the written wall-clock time
  /// (proleptic Gregorian calendar), fraction dropped.
  int64_t local_seconds = 0;
  bool has_offset = false;
  /// Seconds east of UTC ("+01:00" is 3600; "Z" is 0).
  int32_t offset_seconds = 0;
};

/// Parses an ISO 8601 date-time as Azure's TimeWindow takes it; on failure
/// returns false and says why in `why`.
bool parse_date_time(const std::string& text, date_time& out,
                     std::string* why = nullptr);

/// The Windows time-zone names Azure documents for autoscale schedules
/// (timeZone of fixedDate and recurrence.schedule; the spec's list), in the
/// spec's order. Mapping them to the tz database is the simulation's part
/// (ICU's TimeZone::getIDForWindowsID, or CLDR's windowsZones.xml).
const std::vector<std::string>& azure_time_zones();

/// Reads `body` (at `path`); appends errors, warnings and not-modelled
/// paths to `report`. Whether targetResourceUri names a scale set of the
/// scenario is the caller's check (it knows the scale sets).
autoscale_setting read_autoscale_setting(const nlohmann::ordered_json& body,
                                         const std::string& path,
                                         const std::string& name,
                                         read_report& report);

} // namespace vmss::input::azure
