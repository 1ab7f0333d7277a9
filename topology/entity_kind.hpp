#pragma once
/// An entity kind: one typed name per kind, declared once by the family that
/// owns it (messages/<family>_kinds.hpp) as an inline constant, and compared
/// by identity. Nothing names a kind by a string literal; the name is what
/// the trace's `kind` column and the manifest show.

#include <string_view>

namespace vmss {

struct entity_kind {
  std::string_view name;
};

/// Kinds are one object each: equal means the same declaration.
inline bool operator==(const entity_kind& a, const entity_kind& b) {
  return &a == &b;
}
inline bool operator!=(const entity_kind& a, const entity_kind& b) {
  return &a != &b;
}

} // namespace vmss
