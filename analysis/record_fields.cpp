#include "analysis/record_fields.hpp"

#include "kernel/assert.hpp"

#include <stdexcept>

namespace vmss::analysis {

namespace {

template <class T>
const T& field_of(const record& r, const trace::event_def& def,
                  std::string_view name, const char* type) {
  VMSS_ASSERT(def.index(name) < def.count,
              "a checker reads a field its event declares");
  VMSS_ASSERT(r.event == def.name, "a checker reads fields of its event");
  for (const auto& f : r.fields)
    if (f.key == name) {
      if (const auto* v = std::get_if<T>(&f.val))
        return *v;
      break;
    }
  throw std::runtime_error("record " + std::string(def.name) +
                           " at t_ns=" + std::to_string(r.t_ns()) + " of " +
                           std::string(r.path) + ": field '" +
                           std::string(name) + "' is missing or not " + type);
}

} // namespace

int64_t int_field(const record& r, const trace::event_def& def,
                  std::string_view name) {
  return field_of<int64_t>(r, def, name, "an integer");
}

std::string string_field(const record& r, const trace::event_def& def,
                         std::string_view name) {
  return field_of<std::string>(r, def, name, "a string");
}

bool bool_field(const record& r, const trace::event_def& def,
                std::string_view name) {
  return field_of<bool>(r, def, name, "a boolean");
}

} // namespace vmss::analysis
