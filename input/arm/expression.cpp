#include "input/arm/expression.hpp"

#include "input/arm/functions.hpp"
#include "input/json_reader.hpp"

#include <cctype>
#include <limits>

/// The grammar (ARM's template-expressions page):
///
///   expression := "[" value "]"
///   value      := primary postfix*
///   primary    := string | integer | call
///   call       := name ["." name] "(" [value ("," value)*] ")"
///   postfix    := "." name | "[" value "]"
///   string     := "'" (any character but "'" | "''")* "'"
///   integer    := ["-"] digit+
///
/// Blanks may stand between tokens. Positions in errors count characters of
/// the whole text from 1 (the opening "[" is character 1).

namespace vmss::input::arm {

struct expression::node {
  enum class kind { literal, call, member, index };
  kind k = kind::literal;
  size_t pos = 0;
  int height = 1;
  value literal;
  std::string ns;   ///< call: the user function's namespace, if any
  std::string name; ///< call: the function; member: the property
  std::vector<std::shared_ptr<const node>> children;
};

namespace {

using node = expression::node;
using node_ptr = std::shared_ptr<const node>;

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

std::string shown(char c) {
  if (std::isprint(static_cast<unsigned char>(c)))
    return std::string("'") + c + "'";
  return "byte " + std::to_string(static_cast<unsigned char>(c));
}

class parser {
public:
  explicit parser(const std::string& text) : t_(text) {}

  node_ptr parse_all() {
    if (t_.size() < 2 || t_.front() != '[' || t_.back() != ']')
      fail(1, "an expression starts with '[' and ends with ']'");
    if (t_[1] == '[')
      fail(2, "\"[[\" starts an escaped literal string, not an expression");
    end_ = t_.size() - 1;
    i_ = 1;
    blanks();
    if (i_ == end_)
      fail(i_ + 1, "empty expression");
    auto root = value_(1);
    blanks();
    if (i_ != end_)
      fail(i_ + 1, "unexpected " + shown(t_[i_]) + " after the expression");
    return root;
  }

private:
  [[noreturn]] void fail(size_t at, const std::string& why) const {
    throw expression_error("at character " + std::to_string(at) + ": " + why);
  }

  void blanks() {
    while (i_ < end_ && std::isspace(static_cast<unsigned char>(t_[i_])))
      ++i_;
  }

  node_ptr value_(int depth) {
    if (depth > max_expression_depth)
      fail(i_ + 1, "nested more than " + std::to_string(max_expression_depth) +
                       " deep");
    blanks();
    auto n = primary(depth);
    for (;;) {
      blanks();
      if (i_ < end_ && (t_[i_] == '.' || t_[i_] == '['))
        n = postfix(n, depth);
      else
        return n;
    }
  }

  node_ptr postfix(const node_ptr& base, int depth) {
    auto n = std::make_shared<node>();
    n->pos = i_ + 1;
    n->children.push_back(base);
    if (t_[i_++] == '.') {
      n->k = node::kind::member;
      blanks();
      n->name = name("a property name after '.'");
    } else {
      n->k = node::kind::index;
      n->children.push_back(value_(depth + 1));
      blanks();
      expect(']', "to close the index opened at character " +
                      std::to_string(n->pos));
    }
    for (const auto& c : n->children)
      n->height = std::max(n->height, c->height + 1);
    if (n->height > max_expression_depth)
      fail(n->pos, "nested more than " + std::to_string(max_expression_depth) +
                       " deep");
    return n;
  }

  void expect(char c, const std::string& why) {
    if (i_ >= end_)
      fail(i_ + 1, std::string("missing '") + c + "' " + why);
    if (t_[i_] != c)
      fail(i_ + 1, std::string("expected '") + c + "' " + why + ", found " +
                       shown(t_[i_]));
    ++i_;
  }

  std::string name(const std::string& what) {
    if (i_ >= end_ || !is_name_start(t_[i_]))
      fail(i_ + 1,
           "expected " + what + (i_ < end_ ? ", found " + shown(t_[i_]) : ""));
    size_t start = i_;
    while (i_ < end_ && is_name_char(t_[i_]))
      ++i_;
    return t_.substr(start, i_ - start);
  }

  node_ptr primary(int depth) {
    if (i_ >= end_)
      fail(i_ + 1, "expected a value, found the end of the expression");
    char c = t_[i_];
    if (c == '\'')
      return string_literal();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-')
      return integer_literal();
    if (is_name_start(c))
      return call(depth);
    fail(i_ + 1, "expected a value, found " + shown(c));
  }

  node_ptr string_literal() {
    auto n = std::make_shared<node>();
    n->pos = i_ + 1;
    std::string text;
    for (++i_;; ++i_) {
      if (i_ >= end_)
        fail(n->pos, "unterminated string");
      if (t_[i_] != '\'') {
        text += t_[i_];
      } else if (i_ + 1 < end_ && t_[i_ + 1] == '\'') {
        text += '\'';
        ++i_;
      } else {
        ++i_;
        break;
      }
    }
    n->literal = std::move(text);
    return n;
  }

  node_ptr integer_literal() {
    auto n = std::make_shared<node>();
    n->pos = i_ + 1;
    bool negative = t_[i_] == '-';
    if (negative)
      ++i_;
    if (i_ >= end_ || !std::isdigit(static_cast<unsigned char>(t_[i_])))
      fail(n->pos, "'-' must be followed by digits");
    uint64_t magnitude = 0;
    const uint64_t limit =
        uint64_t(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
    for (; i_ < end_ && std::isdigit(static_cast<unsigned char>(t_[i_]));
         ++i_) {
      magnitude = magnitude * 10 + uint64_t(t_[i_] - '0');
      if (magnitude > limit)
        fail(n->pos, "integer out of range (64 bits)");
    }
    if (i_ < end_ && t_[i_] == '.' && i_ + 1 < end_ &&
        std::isdigit(static_cast<unsigned char>(t_[i_ + 1])))
      fail(n->pos, "an expression has no fractions (write json('1.5'))");
    n->literal = negative ? int64_t(0 - magnitude) : int64_t(magnitude);
    return n;
  }

  node_ptr call(int depth) {
    auto n = std::make_shared<node>();
    n->k = node::kind::call;
    n->pos = i_ + 1;
    n->name = name("a function name");
    blanks();
    if (i_ < end_ && t_[i_] == '.') {
      ++i_;
      blanks();
      n->ns = n->name;
      n->name = name("a function name after '" + n->ns + ".'");
      blanks();
    }
    auto full = n->ns.empty() ? n->name : n->ns + "." + n->name;
    expect('(', "after the function name " + full);
    arguments(*n, full, depth);
    return n;
  }

  void arguments(node& n, const std::string& full, int depth) {
    blanks();
    if (i_ < end_ && t_[i_] == ')') {
      ++i_;
      return;
    }
    const auto why =
        "to close " + full + "( opened at character " + std::to_string(n.pos);
    for (;;) {
      n.children.push_back(value_(depth + 1));
      n.height = std::max(n.height, n.children.back()->height + 1);
      blanks();
      if (i_ < end_ && t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < end_ && t_[i_] != ')')
        fail(i_ + 1, "expected ',' or ')' " + why + ", found " + shown(t_[i_]));
      expect(')', why);
      return;
    }
  }

  const std::string& t_;
  size_t i_ = 0;
  size_t end_ = 0;
};

/// One evaluation: the scope, and the size budget of its values.
class evaluator {
public:
  explicit evaluator(scope& s) : s_(s) {}

  value eval(const node& n) {
    switch (n.k) {
    case node::kind::literal:
      return n.literal;
    case node::kind::member:
      return member(eval(*n.children[0]), n.name);
    case node::kind::index:
      return index(eval(*n.children[0]), eval(*n.children[1]));
    case node::kind::call:
      return charged(n.ns.empty() ? call(n) : user_call(n), n.name);
    }
    return value();
  }

private:
  value charged(value v, const std::string& function) {
    size_t size = detail::size_of(v, max_value_size + 1);
    if (size > max_value_size)
      detail::fail(function, "its value would exceed " +
                                 std::to_string(max_value_size) + " bytes");
    used_ += size;
    if (used_ > max_evaluation_size)
      detail::fail(function, "the expression's values exceed " +
                                 std::to_string(max_evaluation_size) +
                                 " bytes");
    return v;
  }

  std::vector<value> args_of(const node& n) {
    std::vector<value> args;
    args.reserve(n.children.size());
    for (const auto& c : n.children)
      args.push_back(eval(*c));
    return args;
  }

  value user_call(const node& n) {
    return s_.call_user_function(n.ns, n.name, args_of(n));
  }

  value call(const node& n) {
    const auto* def = detail::find_function(n.name);
    if (!def) {
      auto close = did_you_mean(n.name, function_names());
      throw expression_error(
          "unknown function " + n.name +
          (close.empty() ? "" : " (did you mean " + close + "?)"));
    }
    const std::string& name = def->list_family ? n.name : def->name;
    check_arity(*def, name, n.children.size());
    detail::call_context c{s_, name};
    if (def->lazy) {
      std::vector<detail::lazy_arg> args;
      for (const auto& child : n.children)
        args.emplace_back([this, child] { return eval(*child); });
      return def->lazy(c, args);
    }
    auto args = args_of(n);
    for (const auto& a : args)
      if (is_not_modelled(a))
        return a;
    return def->eager(c, args);
  }

  static void check_arity(const detail::function_def& def,
                          const std::string& name, size_t given) {
    if (given >= def.min_args && given <= def.max_args)
      return;
    std::string want;
    if (def.min_args == def.max_args)
      want = std::to_string(def.min_args);
    else if (def.max_args == detail::any_count)
      want = "at least " + std::to_string(def.min_args);
    else
      want =
          std::to_string(def.min_args) + " to " + std::to_string(def.max_args);
    detail::fail(name, "takes " + want + " argument" +
                           (want == "1" ? "" : "s") + ", given " +
                           std::to_string(given));
  }

  static value member(const value& base, const std::string& name) {
    if (is_not_modelled(base))
      return base;
    if (!base.is_object())
      throw expression_error("property '" + name + "': " + json_kind(base) +
                             " has no properties");
    if (const auto* v = detail::find_member(base, name))
      return *v;
    std::string known;
    for (const auto& [k, v] : base.items())
      known += (known.empty() ? "" : ", ") + k;
    throw expression_error(
        "property '" + name + "' does not exist (" +
        (known.empty() ? "the object is empty" : "properties: " + known) + ")");
  }

  static value index(const value& base, const value& at) {
    if (is_not_modelled(base))
      return base;
    if (is_not_modelled(at))
      return at;
    if (base.is_array()) {
      if (!at.is_number_integer())
        throw expression_error("an array's index must be an integer, not " +
                               json_kind(at));
      bool in_range = at.is_number_unsigned()
                          ? at.get<uint64_t>() < base.size()
                          : at.get<int64_t>() >= 0 &&
                                uint64_t(at.get<int64_t>()) < base.size();
      if (!in_range)
        throw expression_error("index " + at.dump() +
                               " is out of range (the array has " +
                               std::to_string(base.size()) + " elements)");
      return base[at.get<size_t>()];
    }
    if (base.is_object()) {
      if (!at.is_string())
        throw expression_error("an object's index must be a string, not " +
                               json_kind(at));
      return member(base, at.get<std::string>());
    }
    throw expression_error("cannot index " + json_kind(base));
  }

  scope& s_;
  size_t used_ = 0;
};

constexpr const char* placeholder_prefix = "<not modelled: ";

} // namespace

expression::expression(std::shared_ptr<const node> root)
    : root_(std::move(root)) {
}

value expression::evaluate(scope& s) const {
  evaluator e(s);
  return e.eval(*root_);
}

bool is_expression(const std::string& text) {
  return text.size() >= 2 && text.front() == '[' && text.back() == ']' &&
         text[1] != '[';
}

expression parse(const std::string& text) {
  return expression(parser(text).parse_all());
}

value evaluate_string(const std::string& text, scope& s) {
  if (is_expression(text))
    return parse(text).evaluate(s);
  if (text.size() >= 2 && text[0] == '[' && text[1] == '[' &&
      text.back() == ']')
    return text.substr(1);
  return text;
}

value not_modelled_value(const std::string& function) {
  return placeholder_prefix + function + "()>";
}

bool is_not_modelled(const value& v) {
  if (!v.is_string())
    return false;
  const auto& s = v.get_ref<const std::string&>();
  return s.rfind(placeholder_prefix, 0) == 0 && s.back() == '>';
}

} // namespace vmss::input::arm
