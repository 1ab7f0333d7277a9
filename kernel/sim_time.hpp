#pragma once
/// Virtual time: int64 nanoseconds. Nothing in the simulation reads a clock.

#include <cstdint>
#include <limits>
#include <string>

namespace vmss {

using sim_time = int64_t;

/// Marks "no event": later than any real time.
constexpr sim_time sim_time_never = std::numeric_limits<sim_time>::max();

constexpr sim_time ns(int64_t x) {
  return x;
}
constexpr sim_time us(int64_t x) {
  return x * 1000;
}
constexpr sim_time ms(int64_t x) {
  return x * 1000 * 1000;
}
constexpr sim_time seconds(int64_t x) {
  return x * 1000 * 1000 * 1000;
}

/// Virtual time as seconds, for printing.
inline double to_seconds(sim_time t) {
  return static_cast<double>(t) / 1e9;
}

/// Parses a duration: decimal digits, an optional fraction and a unit (ns,
/// us, ms, s, m or min, h), e.g. "90s", "1.5ms", "2m", "250us". No sign, no
/// exponent, no hex, no bare number. On failure returns false and, if `why`
/// is given, sets it to the reason (malformed, finer than 1 ns, or beyond
/// the largest time).
bool parse_duration(const std::string& text, sim_time& out,
                    std::string* why = nullptr);

/// A duration as parse_duration reads it, in the largest exact unit up to
/// seconds: "90s", "1500us", "7ns".
std::string format_duration(sim_time t);

} // namespace vmss
