#pragma once
/// A setting a family declares (in its module): name, type, range, default
/// and help text, the one description that both reading a scenario's family
/// object and `vmss-sim run --help-settings` use. No CAF.

#include <cstdint>
#include <string>
#include <vector>

namespace vmss {

enum class option_type : uint8_t {
  integer,     ///< a whole number from min to max
  duration,    ///< a duration with a unit ("30s"), min to max nanoseconds
  choice,      ///< one of `choices`
  phase_range, ///< two durations "MIN-MAX" ("55s-75s")
};

struct option_def {
  std::string name;
  option_type type = option_type::integer;
  std::string help;
  std::string default_text; ///< as the help shows it ("3", "1s", "lrs")
  int64_t min = 0;
  int64_t max = 0;
  std::vector<std::string> choices;
};

/// "  name  integer 1-1000 (default 3): help" lines, one per setting.
std::string describe_options(const std::string& family,
                             const std::vector<option_def>& defs);

/// The closest declared name to `key` within two edits, or "".
std::string closest_option(const std::string& key,
                           const std::vector<option_def>& defs);

/// Plain edit distance (for "did you mean …" in every input reader).
size_t edit_distance(const std::string& a, const std::string& b);

} // namespace vmss
