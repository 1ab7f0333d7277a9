#pragma once
/// A trace event declared once, by the family that emits it
/// (messages/<family>_events.hpp): its name and its fields in order. The
/// emitter writes values in that order (entity::trace(def, {…})) and checkers
/// read fields by their declared names (analysis/record_fields.hpp), so a
/// renamed or missing field is caught where it is used, never read as -1.
/// No CAF.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string_view>

namespace vmss::trace {

struct event_def {
  static constexpr size_t max_fields = 12;

  constexpr event_def(std::string_view event,
                      std::initializer_list<std::string_view> names)
      : name(event), count(names.size()) {
    size_t i = 0;
    for (auto n : names)
      fields[i++] = n; // more than max_fields does not compile
  }

  /// Position of `field` among the declared fields; count if undeclared.
  constexpr size_t index(std::string_view field) const {
    for (size_t i = 0; i < count; ++i)
      if (fields[i] == field)
        return i;
    return count;
  }

  std::string_view name;
  std::array<std::string_view, max_fields> fields{};
  size_t count;
};

} // namespace vmss::trace
