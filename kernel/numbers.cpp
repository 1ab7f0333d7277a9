#include "kernel/numbers.hpp"

namespace vmss {

bool parse_int(const std::string& text, int64_t min, int64_t max, int64_t& out,
               std::string* why) {
  auto fail = [&](std::string reason) {
    if (why)
      *why = std::move(reason);
    return false;
  };
  bool negative = !text.empty() && text[0] == '-';
  size_t first = negative ? 1 : 0;
  if (first == text.size() ||
      text.find_first_not_of("0123456789", first) != std::string::npos)
    return fail("is not a whole number (decimal digits)");
  // The magnitude, saturated just above what int64 holds.
  constexpr uint64_t limit = uint64_t{1} << 63;
  uint64_t magnitude = 0;
  for (size_t i = first; i < text.size(); ++i) {
    if (magnitude > limit / 10) {
      magnitude = limit + 1;
      break;
    }
    magnitude = magnitude * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  bool fits = negative ? magnitude <= limit : magnitude < limit;
  int64_t value = 0;
  if (fits)
    value = negative ? static_cast<int64_t>(0 - magnitude)
                     : static_cast<int64_t>(magnitude);
  if (!fits || value < min || value > max)
    return fail("is out of range (" + std::to_string(min) + " to " +
                std::to_string(max) + ")");
  out = value;
  return true;
}

} // namespace vmss
