#include "kernel/sim_time.hpp"

#include <cmath>
#include <cstdlib>

namespace vmss {

bool parse_duration(const std::string& text, sim_time& out) {
  if (text.empty())
    return false;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(value) || value < 0)
    return false;
  std::string unit(end);
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1e9;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "us")
    scale = 1e3;
  else if (unit == "ns")
    scale = 1;
  else if (unit == "m" || unit == "min")
    scale = 60e9;
  else if (unit == "h")
    scale = 3600e9;
  else
    return false;
  double result = value * scale;
  if (result >= 9.2e18)
    return false;
  out = static_cast<sim_time>(std::llround(result));
  return true;
}

} // namespace vmss
