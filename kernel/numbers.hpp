#pragma once
/// Strict parsing of the numbers a user writes: model options, fault and
/// request plans, topology paths and files. Decimal digits only: no '+',
/// no spaces, no hex ("0x10") or octal reading (leading zeros are
/// decimal: "r07" is 7), no trailing characters, and a value outside its
/// range is an error, never wrapped. No CAF in here.

#include <cstdint>
#include <string>

namespace vmss {

/// Parses `text` as a decimal integer from `min` to `max` ('-' first only
/// for a negative number). On failure returns false and, if `why` is given,
/// sets it to the reason: "is not a whole number (decimal digits)" or "is
/// out of range (MIN to MAX)".
bool parse_int(const std::string& text, int64_t min, int64_t max, int64_t& out,
               std::string* why = nullptr);

/// Parses `text` as a decimal whole number from `min` to `max` (up to
/// 2^64 - 1, which parse_int cannot hold), with the same rules and reasons
/// ("-1" is out of range).
bool parse_uint(const std::string& text, uint64_t min, uint64_t max,
                uint64_t& out, std::string* why = nullptr);

} // namespace vmss
