#include "kernel/numbers.hpp"

namespace vmss {

namespace {

bool fail(std::string* why, std::string reason) {
  if (why)
    *why = std::move(reason);
  return false;
}

bool all_digits(const std::string& text, size_t first) {
  return first < text.size() &&
         text.find_first_not_of("0123456789", first) == std::string::npos;
}

/// The value of the digits of `text` from `first` on; false if it does not
/// fit 64 bits.
bool magnitude(const std::string& text, size_t first, uint64_t& value) {
  value = 0;
  for (size_t i = first; i < text.size(); ++i) {
    auto digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (UINT64_MAX - digit) / 10)
      return false;
    value = value * 10 + digit;
  }
  return true;
}

template <class T>
std::string out_of_range(T min, T max) {
  return "is out of range (" + std::to_string(min) + " to " +
         std::to_string(max) + ")";
}

constexpr const char* not_whole = "is not a whole number (decimal digits)";

} // namespace

bool parse_int(const std::string& text, int64_t min, int64_t max, int64_t& out,
               std::string* why) {
  bool negative = !text.empty() && text[0] == '-';
  if (!all_digits(text, negative ? 1 : 0))
    return fail(why, not_whole);
  constexpr uint64_t limit = uint64_t{1} << 63; // |INT64_MIN|
  uint64_t m = 0;
  bool fits = magnitude(text, negative ? 1 : 0, m) &&
              (negative ? m <= limit : m < limit);
  int64_t value = 0;
  if (fits)
    value = negative ? static_cast<int64_t>(0 - m) : static_cast<int64_t>(m);
  if (!fits || value < min || value > max)
    return fail(why, out_of_range(min, max));
  out = value;
  return true;
}

bool parse_uint(const std::string& text, uint64_t min, uint64_t max,
                uint64_t& out, std::string* why) {
  bool negative = text.size() > 1 && text[0] == '-' && all_digits(text, 1);
  if (negative) // a whole number, only out of range
    return fail(why, out_of_range(min, max));
  if (!all_digits(text, 0))
    return fail(why, not_whole);
  uint64_t value = 0;
  if (!magnitude(text, 0, value) || value < min || value > max)
    return fail(why, out_of_range(min, max));
  out = value;
  return true;
}

} // namespace vmss
