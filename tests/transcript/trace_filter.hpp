#pragma once
// The `filter` directive of a transcript (docs/testing.md): which records of
// a JSONL trace export to keep and which of their fields to print, one line
// a record, e.g. `12.345678s westeurope/z1/r1/h1/vm0 vm_state state=running`.

#include <istream>
#include <limits>
#include <string>
#include <vector>

namespace vmss_test::transcript {

/// A printed column: a record's field, `t` (t_ns as seconds), or the first
/// `segments` `/`-separated segments of a path-valued field (`entity/2`).
struct column {
  std::string key;
  int segments = 0; ///< 0: the whole value
};

/// Records kept when `key`'s value matches one of `globs` (fnmatch).
struct match {
  std::string key;
  std::vector<std::string> globs;
};

struct filter {
  std::vector<match> matches;                                 ///< all must hold
  long long from_ns = std::numeric_limits<long long>::min();  ///< t_ns >= it
  long long until_ns = std::numeric_limits<long long>::max(); ///< t_ns <= it
  std::vector<column> columns; ///< empty: t, entity, event, every field
  bool unique = false;         ///< each distinct line once
  bool count = false;          ///< each distinct line once, with " (xN)"
  bool sort = false; ///< lines sorted (digit runs as numbers), after the rest
};

/// Parses the terms after `filter` (`event=a,b entity=w/z1/* t>=40s
/// fields=t,entity unique`); std::invalid_argument names the bad term and
/// the reason.
filter parse_filter(const std::string& terms);

/// `t_ns` as seconds with microseconds, truncated: 12345678901 -> 12.345678s.
std::string format_time(long long t_ns);

/// The lines that `filters` make of the JSONL records in `jsonl`, in trace
/// order (a `sort` filter's lines sorted, after those of the filters
/// without it); a record goes to the first filter it matches. No line at all
/// reads "(no records)". std::invalid_argument on a line that is not a
/// JSON object with an integer t_ns.
std::vector<std::string> filter_trace(const std::vector<filter>& filters,
                                      std::istream& jsonl);

} // namespace vmss_test::transcript
