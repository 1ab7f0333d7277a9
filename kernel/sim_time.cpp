#include "kernel/sim_time.hpp"

#include <array>
#include <utility>

namespace vmss {

namespace {

constexpr std::array<std::pair<const char*, int64_t>, 7> units{{
    {"ns", 1},
    {"us", 1000},
    {"ms", 1000 * 1000},
    {"s", seconds(1)},
    {"m", seconds(60)},
    {"min", seconds(60)},
    {"h", seconds(3600)},
}};

bool digits(const std::string& text, size_t from, size_t to) {
  if (from >= to)
    return false;
  for (size_t i = from; i < to; ++i)
    if (text[i] < '0' || text[i] > '9')
      return false;
  return true;
}

} // namespace

bool parse_duration(const std::string& text, sim_time& out, std::string* why) {
  auto fail = [&](const char* reason) {
    if (why)
      *why = reason;
    return false;
  };
  const char* malformed = "is not a duration (digits, an optional fraction "
                          "and a unit: ns, us, ms, s, m, h; e.g. 90s, 1.5ms)";
  auto unit_at = text.find_first_not_of("0123456789.");
  if (unit_at == std::string::npos)
    return fail(malformed);
  int64_t scale = 0;
  for (const auto& [name, ns] : units)
    if (text.compare(unit_at, std::string::npos, name) == 0)
      scale = ns;
  auto dot = text.find('.');
  size_t whole_end = dot < unit_at ? dot : unit_at;
  if (scale == 0 || !digits(text, 0, whole_end) ||
      (whole_end < unit_at && !digits(text, whole_end + 1, unit_at)))
    return fail(malformed);
  // The fraction without trailing zeros; more than 18 digits is finer than
  // 1 ns in every unit.
  size_t frac_end = unit_at;
  while (frac_end > whole_end + 1 && text[frac_end - 1] == '0')
    --frac_end;
  size_t frac_digits = whole_end < unit_at ? frac_end - whole_end - 1 : 0;
  if (frac_digits > 18)
    return fail("is finer than 1 ns");
  unsigned __int128 whole = 0, frac = 0, frac_scale = 1;
  constexpr auto largest = static_cast<unsigned __int128>(sim_time_never - 1);
  for (size_t i = 0; i < whole_end; ++i) {
    whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
    if (whole > largest)
      return fail("is beyond the largest time (9223372036854775806 ns)");
  }
  for (size_t i = 0; i < frac_digits; ++i) {
    frac = frac * 10 + static_cast<unsigned>(text[whole_end + 1 + i] - '0');
    frac_scale *= 10;
  }
  auto frac_ns = frac * static_cast<unsigned __int128>(scale);
  if (frac_ns % frac_scale != 0)
    return fail("is finer than 1 ns");
  auto total =
      whole * static_cast<unsigned __int128>(scale) + frac_ns / frac_scale;
  if (total > largest)
    return fail("is beyond the largest time (9223372036854775806 ns)");
  out = static_cast<sim_time>(total);
  return true;
}

std::string format_duration(sim_time t) {
  if (t % seconds(1) == 0)
    return std::to_string(t / seconds(1)) + "s";
  if (t % ms(1) == 0)
    return std::to_string(t / ms(1)) + "ms";
  if (t % us(1) == 0)
    return std::to_string(t / us(1)) + "us";
  return std::to_string(t) + "ns";
}

} // namespace vmss
