#pragma once
/// The live command vocabulary (`vmss-sim ctl`, the live view, `run
/// --replay`; docs/cli.md "Live commands"): a command's words read as the
/// scenario timeline entry they mean, through the timeline's own reader
/// (input/json_reader against TimelineEntry) and checks
/// (input::check_timeline_entry). No CAF.
///
///   fault KIND TARGET [PEER] [FIELD=VALUE...]   a timeline fault
///   recover KIND TARGET [PEER]                  its recovery (KIND: the
///                                               fault or the recovery)
///   scale SET N                                 operation scale
///   update SET JSON-MERGE-PATCH                 operation update
///   OPERATION TARGET [FIELD=VALUE...]           any other operation
///                                               (vm_restart web/2, ...)
///   stop                                        ends the run
///
/// FIELD is a timeline entry's JSON field (extraLatency, lossPpm,
/// serviceTimePercent, duration, protectFromScaleIn, weight, ...); a
/// VALUE that reads as a JSON number or boolean is one, else a string.

#include "input/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vmss::control {

struct live_command {
  /// One line, the form the trace records and `run --replay` reads back:
  /// reading it again gives the same command.
  std::string canonical;
  bool stop = false;
  /// The entry it means (at 0s); not for stop.
  vmss::scenario::TimelineEntry entry;
  /// update: the merge patch.
  nlohmann::ordered_json patch;
};

/// Reads `words` against the scenario `in`. Throws std::invalid_argument
/// with the reason ("unknown fault kind 'meteor' (host_crash, ...)",
/// "target: no scale set \"webx\" in this scenario").
live_command read_live_command(const std::vector<std::string>& words,
                               const input::scenario_input& in);

/// `text` split at spaces (empty words dropped).
std::vector<std::string> split_words(const std::string& text);

} // namespace vmss::control
