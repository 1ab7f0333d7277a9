#pragma once
/// ARM's template expression language (docs/azure-input.md): a JSON string
/// "[...]" is an expression, "[[..." an escaped literal starting with "[".
/// An expression is parsed into a tree and evaluated against a scope that
/// supplies what lies outside it (parameters, variables, copy indexes,
/// user-defined functions, the deployment's context). A pure core: no I/O,
/// no CAF, no clock, no randomness (uniqueString and guid are hashes).

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vmss::input::arm {

/// Every value of the language: strings, integers, booleans, arrays,
/// objects, null. (ARM has no fractions in expressions; json("1.5") gives
/// one, kept as a JSON number.)
using value = nlohmann::ordered_json;

/// A parse or evaluation error; `what()` says why, naming the function
/// ("concat: ...") and, for a parse error, the character position in the
/// expression text.
class expression_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What an expression reaches outside itself. Each call may throw
/// expression_error ("parameters: no parameter 'x' (did you mean y?)").
class scope {
public:
  virtual ~scope() = default;
  virtual value parameter(const std::string& name) = 0;
  virtual value variable(const std::string& name) = 0;
  /// copyIndex() / copyIndex('loop') with its offset already added by the
  /// caller: `loop` empty means the innermost loop.
  virtual int64_t copy_index(const std::string& loop) = 0;
  /// A user-defined function `ns.name(args)` (the template's `functions`).
  virtual value call_user_function(const std::string& ns,
                                   const std::string& name,
                                   const std::vector<value>& args) = 0;
  /// resourceGroup(), subscription(), deployment(): their objects.
  virtual value resource_group() = 0;
  virtual value subscription() = 0;
  virtual value deployment() = 0;
  /// A function whose value does not matter to the model (reference,
  /// listKeys, ...) was called: it evaluates to a placeholder and the
  /// caller lists it as "not modelled".
  virtual void not_modelled(const std::string& function) = 0;
};

/// A parsed expression (the tree is private to expression.cpp).
class expression {
public:
  struct node;
  explicit expression(std::shared_ptr<const node> root);
  /// Evaluates the expression in `s`; throws expression_error.
  value evaluate(scope& s) const;

private:
  std::shared_ptr<const node> root_;
};

/// Whether a JSON string is an expression: "[...]" and not "[[...".
bool is_expression(const std::string& text);

/// Parses the expression `text` ("[concat('a', parameters('b'))]");
/// throws expression_error naming the position of the first error.
expression parse(const std::string& text);

/// A JSON string of a template as ARM reads it: an expression's value, the
/// string with "[[" turned into "[" when escaped, else the string itself.
value evaluate_string(const std::string& text, scope& s);

/// The names of every function the language supports, for "unknown
/// function f (did you mean g?)" and for docs/azure-input.md's table.
const std::vector<std::string>& function_names();

/// Bounds that keep a hostile template from exhausting memory or the stack
/// (docs/azure-input.md): how deeply calls, property reads and indexes may
/// nest; how long a string a function may build (padLeft, replace, concat,
/// format, ...); how large one function's value may be, and all of one
/// evaluation's values together (bytes of text plus 8 a scalar or member).
constexpr int max_expression_depth = 64;
constexpr size_t max_string_length = size_t{1} << 20;
constexpr size_t max_value_size = size_t{4} << 20;
constexpr size_t max_evaluation_size = size_t{64} << 20;

/// What a function the model does not evaluate (reference, listKeys,
/// environment, providers, ...) returns: "<not modelled: reference()>".
/// Reading a property or an index of it, or passing it to a function, gives
/// it again, so `concat('https://', reference(x).dnsSettings.fqdn)` is the
/// placeholder too; the caller lists such values as not modelled.
value not_modelled_value(const std::string& function);
bool is_not_modelled(const value& v);

} // namespace vmss::input::arm
