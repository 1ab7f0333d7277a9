#pragma once
/// The function table of ARM's expression language (private to
/// input/arm/expression.cpp and functions.cpp): each function's name as ARM
/// spells it, its arity, and its implementation. Names match ignoring
/// letter case, as in ARM.

#include "input/arm/expression.hpp"

#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace vmss::input::arm::detail {

/// What a function sees of its call: the scope, and its name for errors.
struct call_context {
  scope& s;
  const std::string& name;
};

/// An argument evaluated only when asked for (`if`).
using lazy_arg = std::function<value()>;

constexpr size_t any_count = std::numeric_limits<size_t>::max();

struct function_def {
  std::string name;
  size_t min_args = 0;
  size_t max_args = 0;
  /// Exactly one of these is set.
  value (*eager)(call_context&, const std::vector<value>&) = nullptr;
  value (*lazy)(call_context&, const std::vector<lazy_arg>&) = nullptr;
  /// A `list*` function (listKeys, listSecrets, ...): any name so spelled.
  bool list_family = false;
};

/// The function called `name` (any letter case; `listAnything` is a list*
/// function), or nullptr.
const function_def* find_function(const std::string& name);

/// Throws expression_error "FUNCTION: WHY".
[[noreturn]] void fail(const std::string& function, const std::string& why);

/// The member of object `obj` named `name`, exact spelling first, else
/// ignoring letter case (ARM's property names); nullptr if none.
const value* find_member(const value& obj, const std::string& name);

/// An estimate of `v`'s size in memory: bytes of its strings and keys plus 8
/// for each scalar, member or element; stops counting past `cap`.
size_t size_of(const value& v, size_t cap);

} // namespace vmss::input::arm::detail
