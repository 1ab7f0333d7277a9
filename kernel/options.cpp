#include "kernel/options.hpp"

#include "kernel/sim_time.hpp"

#include <algorithm>

namespace vmss {

namespace {

std::string range_text(const option_def& d) {
  switch (d.type) {
  case option_type::integer:
    return "integer " + std::to_string(d.min) + "-" + std::to_string(d.max);
  case option_type::duration:
    return "duration " + format_duration(d.min) + "-" + format_duration(d.max);
  case option_type::choice: {
    std::string out;
    for (const auto& c : d.choices)
      out += (out.empty() ? "" : "|") + c;
    return out;
  }
  case option_type::phase_range:
    return "MIN-MAX durations";
  }
  return "";
}

} // namespace

std::string describe_options(const std::string& family,
                             const std::vector<option_def>& defs) {
  std::string out;
  for (const auto& d : defs)
    out += "  " + family + "." + d.name + "  " + range_text(d) +
           " (default " + d.default_text + "): " + d.help + "\n";
  return out;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_option(const std::string& key,
                           const std::vector<option_def>& defs) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& d : defs) {
    auto distance = edit_distance(key, d.name);
    if (distance < best_distance) {
      best = d.name;
      best_distance = distance;
    }
  }
  return best;
}

} // namespace vmss
