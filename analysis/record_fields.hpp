#pragma once
/// Reading a record's fields by the names its event declares
/// (kernel/trace_event.hpp). A checker asks for a field of the event it
/// matched; a record without that field, or with a value of another type,
/// is a trace the checker cannot judge: it throws std::runtime_error naming
/// the event, time, entity and field, instead of reading a default.

#include "analysis/trace_reader.hpp"
#include "kernel/trace_event.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace vmss::analysis {

/// True when `r` is a record of `def`.
inline bool is(const record& r, const trace::event_def& def) {
  return r.event == def.name;
}

int64_t int_field(const record& r, const trace::event_def& def,
                  std::string_view name);
std::string string_field(const record& r, const trace::event_def& def,
                         std::string_view name);
bool bool_field(const record& r, const trace::event_def& def,
                std::string_view name);

} // namespace vmss::analysis
