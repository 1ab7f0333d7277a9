#pragma once
/// Which records an export writes: a virtual-time window and optional
/// lists of event names and entity path prefixes (docs/cli.md, `trace
/// export --from --to --filter`).

#include "analysis/trace_reader.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace vmss::analysis {

struct record_filter {
  int64_t from_ns = std::numeric_limits<int64_t>::min(); ///< inclusive
  int64_t to_ns = std::numeric_limits<int64_t>::max();   ///< exclusive
  std::vector<std::string> events;                       ///< empty: every event
  std::vector<std::string> paths; ///< empty: every entity

  /// t_ns in [from_ns, to_ns).
  bool in_window(int64_t t_ns) const { return t_ns >= from_ns && t_ns < to_ns; }
  /// An event name of `events` (or `events` empty).
  bool event_selected(std::string_view event) const;
  /// `path` equals a prefix of `paths` or starts with it and a '/' (or
  /// `paths` empty): "westeurope/z1" selects "westeurope/z1/r01/h02" and
  /// not "westeurope/z10".
  bool path_selected(std::string_view path) const;
  /// All three.
  bool selects(const record& r) const {
    return in_window(r.t_ns()) && event_selected(r.event) &&
           path_selected(r.path);
  }
  /// No restriction at all.
  bool all() const;
};

/// Builds a filter from the options' text. `from`, `to`: durations from the
/// start as kernel/sim_time parse_duration reads them ("" = unbounded);
/// `specs`: each `event=NAME[,NAME…]` or `path=PREFIX[,PREFIX…]`,
/// repeatable (the lists add up). Throws std::invalid_argument naming the
/// option and the reason: a bad duration, --from not before --to, a spec
/// without `event=`/`path=`, an empty name.
record_filter make_record_filter(const std::string& from, const std::string& to,
                                 const std::vector<std::string>& specs);

} // namespace vmss::analysis
