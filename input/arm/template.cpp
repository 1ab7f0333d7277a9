#include "input/arm/template.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <regex>
#include <set>
#include <utility>

namespace vmss::input::arm {

namespace {

// ---------------------------------------------------------------------------
// Small helpers: names in any letter case, JSON kinds, parameter types.

/// The member of `object` named `key` in any letter case (ARM reads a
/// template's own keys so), or null.
const value* member(const value& object, const std::string& key) {
  if (!object.is_object())
    return nullptr;
  if (auto it = object.find(key); it != object.end())
    return &*it;
  for (const auto& item : object.items())
    if (same_ignoring_case(item.key(), key))
      return &item.value();
  return nullptr;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// " (did you mean x?)" or " (known: a, b)" for a name not in `known`.
std::string suggestion(const std::string& word,
                       const std::vector<std::string>& known) {
  auto close = did_you_mean(word, known);
  if (!close.empty())
    return " (did you mean " + close + "?)";
  if (known.empty())
    return "";
  return " (known: " + joined(known) + ")";
}

/// A value in a message, cut short.
std::string shown(const value& v) {
  auto text = v.dump(-1, ' ', false, value::error_handler_t::replace);
  return text.size() > 160 ? text.substr(0, 157) + "..." : text;
}

std::optional<int64_t> as_int(const value& v) {
  if (v.is_number_integer() && !v.is_number_unsigned())
    return v.get<int64_t>();
  if (v.is_number_unsigned() &&
      v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v.get<uint64_t>());
  return std::nullopt;
}

std::optional<int64_t> int_of_text(const std::string& text) {
  int64_t x = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, x);
  if (ec != std::errc() || p != end || text.empty())
    return std::nullopt;
  return x;
}

/// Characters of a UTF-8 string (minLength/maxLength count characters).
size_t characters(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

enum class kind {
  string,
  securestring,
  integer,
  boolean,
  object,
  secureobject,
  array
};

struct kind_name {
  kind k;
  const char* name;
};

constexpr kind_name kind_names[] = {
    {kind::string, "string"}, {kind::securestring, "securestring"},
    {kind::integer, "int"},   {kind::boolean, "bool"},
    {kind::object, "object"}, {kind::secureobject, "secureObject"},
    {kind::array, "array"}};

std::vector<std::string> kind_list() {
  std::vector<std::string> out;
  for (const auto& k : kind_names)
    out.emplace_back(k.name);
  return out;
}

bool parse_kind(const std::string& text, kind& out) {
  for (const auto& k : kind_names)
    if (same_ignoring_case(text, k.name)) {
      out = k.k;
      return true;
    }
  return false;
}

std::optional<kind> parse_kind(const std::string& text) {
  kind k = kind::string;
  if (parse_kind(text, k))
    return k;
  return std::nullopt;
}

std::string name_of(kind k) {
  for (const auto& n : kind_names)
    if (n.k == k)
      return n.name;
  return "?";
}

bool secure(kind k) {
  return k == kind::securestring || k == kind::secureobject;
}

bool has_kind(const value& v, kind k) {
  switch (k) {
  case kind::string:
  case kind::securestring:
    return v.is_string();
  case kind::integer:
    return as_int(v).has_value();
  case kind::boolean:
    return v.is_boolean();
  case kind::object:
  case kind::secureobject:
    return v.is_object();
  case kind::array:
    return v.is_array();
  }
  return false;
}

/// What a secure parameter with no value, or a Key Vault reference,
/// evaluates to.
value placeholder(kind k, const std::string& name) {
  switch (k) {
  case kind::string:
  case kind::securestring:
    return "<not modelled: parameters('" + name + "')>";
  case kind::integer:
    return 0;
  case kind::boolean:
    return false;
  case kind::object:
  case kind::secureobject:
    return value::object();
  case kind::array:
    return value::array();
  }
  return nullptr;
}

/// `--param name=text` converted by the declared type.
std::optional<value> from_text(const std::string& text, kind k,
                               std::string& why) {
  switch (k) {
  case kind::string:
  case kind::securestring:
    return value(text);
  case kind::integer:
    if (auto x = int_of_text(text))
      return value(*x);
    why = quote_json(text) + " is not an integer";
    return std::nullopt;
  case kind::boolean:
    if (same_ignoring_case(text, "true") || same_ignoring_case(text, "false"))
      return value(same_ignoring_case(text, "true"));
    why = quote_json(text) + " is not true/false";
    return std::nullopt;
  case kind::object:
  case kind::secureobject:
  case kind::array: {
    std::vector<diagnostic> errors;
    auto v = parse_json(text, errors);
    if (!errors.empty()) {
      why = "is not JSON: " + errors.front().reason;
      return std::nullopt;
    }
    if (!has_kind(v, k)) {
      why = "is " + json_kind(v) + ", not " +
            (k == kind::array ? "an array" : "an object");
      return std::nullopt;
    }
    return v;
  }
  }
  return std::nullopt;
}

size_t count_values(const value& v) {
  size_t n = 0;
  std::vector<const value*> open{&v};
  while (!open.empty()) {
    const value* x = open.back();
    open.pop_back();
    ++n;
    if (x->is_structured())
      for (const auto& child : *x)
        open.push_back(&child);
  }
  return n;
}

bool is_template_schema(const std::string& s) {
  static const std::regex pattern(
      R"(https?://schema\.management\.azure\.com/schemas/[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?/(deploymentTemplate|subscriptionDeploymentTemplate|managementGroupDeploymentTemplate|tenantDeploymentTemplate)\.json#?)",
      std::regex::icase);
  return std::regex_match(s, pattern);
}

bool is_parameters_schema(const std::string& s) {
  static const std::regex pattern(
      R"(https?://schema\.management\.azure\.com/schemas/[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?/(deploymentParameters|subscriptionDeploymentParameters)\.json#?)",
      std::regex::icase);
  return std::regex_match(s, pattern);
}

std::vector<std::string> segments(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto slash = s.find('/', start);
    out.push_back(s.substr(start, slash - start));
    if (slash == std::string::npos)
      return out;
    start = slash + 1;
  }
}

/// "ns/t1/n1/t2/n2" for type "ns/t1/t2" and name "n1/n2" (how a resource
/// id ends), or empty when the segments do not pair up.
std::string provider_path(const std::string& type, const std::string& name) {
  auto t = segments(type);
  auto n = segments(name);
  if (t.size() != n.size() + 1)
    return "";
  std::string out = t[0];
  for (size_t i = 0; i < n.size(); ++i)
    out += "/" + t[i + 1] + "/" + n[i];
  return ascii_lower(out);
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() &&
         s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// ---------------------------------------------------------------------------
// The expansion of one template (a nested deployment with scope "inner" is
// another).

struct loop_frame {
  std::string name;
  int64_t index = 0;
  /// A resource's or an output's loop (copyIndex() without a name).
  bool resource_level = false;
};

enum class section { parameters, variables, resources, outputs };

/// Shared by a template and its nested deployments.
struct budget {
  size_t values = 0;
  size_t resources = 0;
  bool exhausted = false;
  bool too_many_resources = false;
};

enum class state { pending, resolving, done };

struct parameter_decl {
  std::string name, path, type_text;
  kind k = kind::string;
  const value* definition = nullptr;
  std::optional<value> input;
  std::string input_source;
  bool input_placeholder = false;
  state st = state::pending;
  value val;
  std::string source;
  bool placeholder = false;
};

struct variable_decl {
  std::string name, path;
  const value* definition = nullptr;
  bool copy = false; ///< an element of the variables' "copy" array
  state st = state::pending;
  value val;
};

struct user_function {
  std::string name, path;
  std::vector<std::pair<std::string, kind>> parameters;
  kind output = kind::string;
  const value* body = nullptr;
};

/// What a dependsOn entry may name: lowercased.
struct known_resource {
  std::string name, provider_path, loop, symbol;
};

/// A resource's copy loop, read.
struct resource_loop {
  std::string name;
  int64_t count = 0;
};

struct parent_info {
  std::string type, name;
};

struct dependency {
  std::string path, target;
};

class expander {
public:
  expander(const value& t, const deployment_inputs& in, read_report& report,
           std::string root, std::string file_root, budget& b, int depth)
      : t_(t), in_(in), report_(report), root_(std::move(root)),
        file_root_(std::move(file_root)), budget_(b), depth_(depth) {}

  deployment run();

  // What the scopes ask for.
  value parameter(const std::string& name);
  value variable(const std::string& name);
  int64_t copy_index(const std::string& loop) const;
  value call(const std::string& ns, const std::string& name,
             const std::vector<value>& args);
  value resource_group_object() const;
  value subscription_object() const;
  value deployment_object() const;
  void not_modelled_call(const std::string& function, bool at_call_site);

private:
  friend class isolate;
  friend class function_scope;

  void fail(const std::string& path, const std::string& reason);
  void warn(const std::string& path, const std::string& reason);
  void list_not_modelled(const std::string& path);
  bool charge(const std::string& path, size_t n);
  std::string at(const std::string& key) const {
    return json_child(root_, key);
  }
  void check_keys(const value& object, const std::string& path,
                  const std::vector<std::string>& known,
                  const std::string& note = "");
  std::string loop_context() const;

  // Evaluation of any JSON value of the template.
  value eval(const value& v, const std::string& path, scope& s,
             bool property_copy, int depth);
  value eval_string(const std::string& text, const std::string& path, scope& s);
  value eval_object(const value& v, const std::string& path, scope& s,
                    bool property_copy, int depth);
  std::optional<int64_t> copy_count(const value& copy, const std::string& path,
                                    scope& s, int depth);
  value copy_array(const value& copy, const std::string& path,
                   const std::string& name, scope& s, int depth);
  std::optional<std::string> literal_name(const value& copy,
                                          const std::string& path);

  // Sections.
  bool check_top();
  void read_parameters();
  void read_parameter(const std::string& name, const value& def,
                      const std::string& path);
  void apply_file();
  void apply_given();
  parameter_decl* find_parameter(const std::string& name);
  void resolve(parameter_decl& p);
  void check_constraints(const parameter_decl& p);
  void check_allowed(const parameter_decl& p, const value& allowed,
                     const std::string& path, const std::string& from);
  void read_variables();
  void resolve(variable_decl& v);
  void read_functions();
  void read_function(const std::string& ns, const std::string& name,
                     const value& f, const std::string& path);
  void expand_resources(const value& list, const std::string& path,
                        const parent_info* parent, int depth, deployment& out);
  void expand_resource(const value& r, const std::string& path,
                       const std::string& symbol, const parent_info* parent,
                       int depth, deployment& out);
  std::optional<resource_loop>
  resource_copy(const value& copy, const std::string& path, int depth);
  void expand_instance(const value& r, const std::string& path,
                       const std::string& symbol, const parent_info* parent,
                       int64_t copy, int depth, deployment& out);
  std::optional<std::pair<std::string, std::string>>
  full_type_and_name(const value& r, const std::string& path,
                     const parent_info* parent, int depth);
  value resource_body(const value& r, const std::string& path,
                      const std::string& type, int depth);
  void expand_nested(const resource& res, const value& r,
                     const std::string& path, int depth, deployment& out);
  void check_dependencies();
  void expand_outputs(deployment& out);
  void expand_output(const std::string& name, const value& o,
                     const std::string& path, deployment& out);
  void record_parameters(deployment& out) const;

  const value& t_;
  const deployment_inputs& in_;
  read_report& report_;
  std::string root_, file_root_;
  budget& budget_;
  int depth_;
  scope* scope_ = nullptr;

  bool symbolic_ = false;
  section section_ = section::parameters;
  std::vector<loop_frame> loops_;
  std::string current_path_;
  std::vector<std::string> resolving_; ///< the chain being resolved
  std::vector<diagnostic>* errors_ = &report_.errors;
  bool quiet_ = false;
  std::string call_site_;
  size_t not_modelled_calls_ = 0;
  std::set<std::string> listed_;
  std::set<std::string> failed_in_loop_;

  std::vector<parameter_decl> parameters_;
  std::vector<variable_decl> variables_;
  std::vector<user_function> functions_;
  std::vector<known_resource> known_;
  std::vector<dependency> dependencies_;
};

/// While a parameter's default or a variable is evaluated: its own section,
/// and no copy loop of the place that asked for it.
class isolate {
public:
  isolate(expander& e, section s)
      : e_(e), section_(e.section_), loops_(std::move(e.loops_)) {
    e.loops_.clear();
    e.section_ = s;
  }
  ~isolate() {
    e_.loops_ = std::move(loops_);
    e_.section_ = section_;
  }
  isolate(const isolate&) = delete;
  isolate& operator=(const isolate&) = delete;

private:
  expander& e_;
  section section_;
  std::vector<loop_frame> loops_;
};

class template_scope final : public scope {
public:
  explicit template_scope(expander& e) : e_(e) {}
  value parameter(const std::string& name) override {
    return e_.parameter(name);
  }
  value variable(const std::string& name) override { return e_.variable(name); }
  int64_t copy_index(const std::string& loop) override {
    return e_.copy_index(loop);
  }
  value call_user_function(const std::string& ns, const std::string& name,
                           const std::vector<value>& args) override {
    return e_.call(ns, name, args);
  }
  value resource_group() override { return e_.resource_group_object(); }
  value subscription() override { return e_.subscription_object(); }
  value deployment() override { return e_.deployment_object(); }
  void not_modelled(const std::string& function) override {
    e_.not_modelled_call(function, false);
  }

private:
  expander& e_;
};

bool reads_state(const std::string& function) {
  auto f = ascii_lower(function);
  return f == "reference" || f.rfind("list", 0) == 0;
}

/// A user-defined function's body sees its own parameters only
/// (docs: user-defined-functions.md, "Limitations").
class function_scope final : public scope {
public:
  function_scope(expander& e, const user_function& f,
                 const std::vector<value>& args)
      : e_(e), f_(f), args_(args) {}
  value parameter(const std::string& name) override {
    std::vector<std::string> names;
    for (size_t i = 0; i < f_.parameters.size(); ++i) {
      if (same_ignoring_case(f_.parameters[i].first, name))
        return args_[i];
      names.push_back(f_.parameters[i].first);
    }
    throw expression_error("parameters: " + f_.name + " has no parameter " +
                           quote_json(name) + suggestion(name, names) +
                           " (a user-defined function sees only its own)");
  }
  value variable(const std::string&) override {
    throw expression_error("variables: a user-defined function cannot use "
                           "variables");
  }
  int64_t copy_index(const std::string&) override {
    throw expression_error("copyIndex: not available in a user-defined "
                           "function");
  }
  value call_user_function(const std::string& ns, const std::string& name,
                           const std::vector<value>&) override {
    throw expression_error(ns + "." + name +
                           ": a user-defined function cannot call another");
  }
  value resource_group() override { return e_.resource_group_object(); }
  value subscription() override { return e_.subscription_object(); }
  value deployment() override { return e_.deployment_object(); }
  void not_modelled(const std::string& function) override {
    if (reads_state(function))
      throw expression_error(function + ": not allowed in a user-defined "
                                        "function");
    e_.not_modelled_call(function, true);
  }

private:
  expander& e_;
  const user_function& f_;
  const std::vector<value>& args_;
};

// ---------------------------------------------------------------------------
// Reporting.

void expander::fail(const std::string& path, const std::string& reason) {
  // Within a copy loop an error is reported at its first index only.
  if (errors_ == &report_.errors && !loops_.empty() &&
      !failed_in_loop_.insert(path).second)
    return;
  errors_->push_back({path, reason + loop_context()});
}

void expander::warn(const std::string& path, const std::string& reason) {
  if (!quiet_)
    report_.warnings.push_back({path, reason});
}

void expander::list_not_modelled(const std::string& path) {
  if (!quiet_ && listed_.insert(path).second)
    report_.not_modelled.push_back(path);
}

bool expander::charge(const std::string& path, size_t n) {
  if (budget_.exhausted)
    return false;
  budget_.values += n;
  if (budget_.values <= max_values)
    return true;
  budget_.exhausted = true;
  report_.errors.push_back({path, "the template expands to more than " +
                                      std::to_string(max_values) +
                                      " JSON values (vmss-sim's limit)"});
  return false;
}

void expander::check_keys(const value& object, const std::string& path,
                          const std::vector<std::string>& known,
                          const std::string& note) {
  if (!object.is_object())
    return;
  for (const auto& item : object.items()) {
    bool found = std::any_of(known.begin(), known.end(), [&](const auto& k) {
      return same_ignoring_case(k, item.key());
    });
    if (!found)
      fail(json_child(path, item.key()),
           "unknown key" + suggestion(item.key(), known) + note);
  }
}

std::string expander::loop_context() const {
  std::string out;
  for (const auto& l : loops_)
    out += " (in copy " + quote_json(l.name) + ", index " +
           std::to_string(l.index) + ")";
  return out;
}

void expander::not_modelled_call(const std::string& function,
                                 bool at_call_site) {
  if (reads_state(function) &&
      (section_ == section::parameters || section_ == section::variables))
    throw expression_error(
        function + ": not allowed in " +
        (section_ == section::parameters ? "parameters" : "variables") +
        " (it reads a deployed resource's state)");
  ++not_modelled_calls_;
  list_not_modelled(at_call_site ? call_site_ : current_path_);
}

// ---------------------------------------------------------------------------
// Evaluation.

value expander::eval(const value& v, const std::string& path, scope& s,
                     bool property_copy, int depth) {
  if (depth > max_nesting_depth) {
    fail(path, "nests deeper than " + std::to_string(max_nesting_depth) +
                   " levels (vmss-sim's limit)");
    return nullptr;
  }
  if (!charge(path, 1))
    return nullptr;
  if (v.is_string())
    return eval_string(v.get_ref<const std::string&>(), path, s);
  if (v.is_object())
    return eval_object(v, path, s, property_copy, depth);
  if (v.is_array()) {
    value out = value::array();
    for (size_t i = 0; i < v.size() && !budget_.exhausted; ++i)
      out.push_back(
          eval(v[i], json_index(path, i), s, property_copy, depth + 1));
    return out;
  }
  return v;
}

value expander::eval_string(const std::string& text, const std::string& path,
                            scope& s) {
  std::string saved = std::exchange(current_path_, path);
  value out;
  try {
    out = evaluate_string(text, s);
    if (!charge(path, count_values(out)))
      out = nullptr;
  } catch (const expression_error& e) {
    fail(path, e.what());
    out = nullptr;
  }
  current_path_ = saved;
  return out;
}

value expander::eval_object(const value& v, const std::string& path, scope& s,
                            bool property_copy, int depth) {
  value out = value::object();
  const value* copies = property_copy ? member(v, "copy") : nullptr;
  if (copies && !copies->is_array())
    copies = nullptr; // a property that happens to be called "copy"
  for (const auto& item : v.items()) {
    if (budget_.exhausted)
      break;
    if (&item.value() != copies)
      out[item.key()] = eval(item.value(), json_child(path, item.key()), s,
                             property_copy, depth + 1);
  }
  if (!copies)
    return out;
  // Property iteration (copy-properties.md): each element makes the array
  // property named by its "name".
  std::string copy_path = json_child(path, "copy");
  for (size_t i = 0; i < copies->size(); ++i) {
    const value& c = (*copies)[i];
    std::string cpath = json_index(copy_path, i);
    auto name = literal_name(c, cpath);
    if (!name)
      continue;
    if (out.contains(*name)) {
      fail(json_child(cpath, "name"),
           quote_json(*name) + " is also written directly in the object");
      continue;
    }
    out[*name] = copy_array(c, cpath, *name, s, depth + 1);
  }
  return out;
}

/// The "name" of a property or variable copy: a plain string.
std::optional<std::string> expander::literal_name(const value& copy,
                                                  const std::string& path) {
  if (!copy.is_object()) {
    fail(path, "is " + json_kind(copy) +
                   ", not a copy object (name, count, "
                   "input)");
    return std::nullopt;
  }
  check_keys(copy, path, {"name", "count", "input"});
  const value* name = member(copy, "name");
  if (!name || !name->is_string() || name->get<std::string>().empty()) {
    fail(json_child(path, "name"),
         name ? "is " + json_kind(*name) + ", not a name" : "is missing");
    return std::nullopt;
  }
  return name->get<std::string>();
}

std::optional<int64_t> expander::copy_count(const value& copy,
                                            const std::string& path, scope& s,
                                            int depth) {
  std::string cpath = json_child(path, "count");
  const value* count = member(copy, "count");
  if (!count) {
    fail(cpath, "is missing");
    return std::nullopt;
  }
  value n = eval(*count, cpath, s, false, depth + 1);
  std::optional<int64_t> x = as_int(n);
  if (!x && n.is_string()) // ARM's own examples write "count": "3"
    x = int_of_text(n.get<std::string>());
  if (!x) {
    if (!n.is_null())
      fail(cpath, "is " + json_kind(n) + ", not an integer");
    return std::nullopt;
  }
  if (*x < 0 || *x > max_copy_count) {
    fail(cpath, std::to_string(*x) + " is not within 0-" +
                    std::to_string(max_copy_count) + " (ARM's limit)");
    return std::nullopt;
  }
  return x;
}

value expander::copy_array(const value& copy, const std::string& path,
                           const std::string& name, scope& s, int depth) {
  value out = value::array();
  auto count = copy_count(copy, path, s, depth);
  const value* input = member(copy, "input");
  if (!input) {
    fail(json_child(path, "input"), "is missing");
    return out;
  }
  if (!count)
    return out;
  loops_.push_back({name, 0, false});
  for (int64_t i = 0; i < *count && !budget_.exhausted; ++i) {
    loops_.back().index = i;
    out.push_back(eval(*input, json_child(path, "input"), s, true, depth + 1));
  }
  loops_.pop_back();
  return out;
}

int64_t expander::copy_index(const std::string& loop) const {
  if (loop.empty()) {
    for (auto it = loops_.rbegin(); it != loops_.rend(); ++it)
      if (it->resource_level)
        return it->index;
    if (!loops_.empty())
      throw expression_error(
          "copyIndex: inside the copy " + quote_json(loops_.back().name) +
          " give its name: copyIndex('" + loops_.back().name + "')");
    throw expression_error("copyIndex: not inside a copy loop");
  }
  std::vector<std::string> names;
  for (auto it = loops_.rbegin(); it != loops_.rend(); ++it) {
    if (same_ignoring_case(it->name, loop))
      return it->index;
    names.push_back(it->name);
  }
  throw expression_error("copyIndex: not inside a copy loop named " +
                         quote_json(loop) + suggestion(loop, names));
}

// ---------------------------------------------------------------------------
// The template's top level (syntax.md, "Template format").

const std::vector<std::string> top_keys = {
    "$schema",    "contentVersion", "apiProfile", "languageVersion",
    "parameters", "variables",      "functions",  "resources",
    "outputs",    "metadata",       "definitions"};

bool expander::check_top() {
  if (!t_.is_object()) {
    fail(root_, "the template is " + json_kind(t_) + ", not an object");
    return false;
  }
  if (depth_ > max_nesting_depth) {
    fail(root_, "nested deployments nest deeper than " +
                    std::to_string(max_nesting_depth) + " levels");
    return false;
  }
  check_keys(t_, root_, top_keys);
  bool nested = depth_ > 0;
  const value* schema = member(t_, "$schema");
  if (!schema && !nested)
    fail(at("$schema"), "is missing (a deploymentTemplate.json schema URL)");
  else if (schema && (!schema->is_string() ||
                      !is_template_schema(schema->get<std::string>())))
    fail(at("$schema"), shown(*schema) +
                            " is not a deployment template schema (https://"
                            "schema.management.azure.com/schemas/2019-04-01/"
                            "deploymentTemplate.json#)");
  static const std::regex version(R"([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)");
  const value* cv = member(t_, "contentVersion");
  if (!cv && !nested)
    fail(at("contentVersion"), "is missing (for example \"1.0.0.0\")");
  else if (cv && (!cv->is_string() ||
                  !std::regex_match(cv->get<std::string>(), version)))
    fail(at("contentVersion"),
         shown(*cv) + " is not a version of the form n.n.n.n");
  if (const value* p = member(t_, "apiProfile"); p && !p->is_string())
    fail(at("apiProfile"), "is " + json_kind(*p) + ", not a string");
  if (const value* lv = member(t_, "languageVersion")) {
    if (lv->is_string() && same_ignoring_case(lv->get<std::string>(), "2.0"))
      symbolic_ = true;
    else if (!lv->is_string() ||
             !same_ignoring_case(lv->get<std::string>(), "1.0"))
      fail(at("languageVersion"), shown(*lv) + " is not supported (1.0, 2.0)");
  }
  if (member(t_, "definitions"))
    list_not_modelled(at("definitions"));
  if (!member(t_, "resources"))
    fail(at("resources"), "is missing (an array of resources, may be empty)");
  return true;
}

// ---------------------------------------------------------------------------
// Parameters (parameters.md, syntax.md "Parameters", parameter-files.md).

const std::vector<std::string> parameter_keys = {
    "type",     "defaultValue", "allowedValues", "minValue",
    "maxValue", "minLength",    "maxLength",     "metadata"};

void expander::read_parameters() {
  const value* ps = member(t_, "parameters");
  if (!ps)
    return;
  std::string path = at("parameters");
  if (!ps->is_object()) {
    fail(path, "is " + json_kind(*ps) + ", not an object");
    return;
  }
  if (ps->size() > max_parameters) {
    fail(path, "declares " + std::to_string(ps->size()) +
                   " parameters (ARM's limit is " +
                   std::to_string(max_parameters) + ")");
    return;
  }
  for (const auto& item : ps->items())
    read_parameter(item.key(), item.value(), json_child(path, item.key()));
}

void expander::read_parameter(const std::string& name, const value& def,
                              const std::string& path) {
  if (!def.is_object()) {
    fail(path, "is " + json_kind(def) +
                   ", not an object (type, defaultValue, "
                   "...)");
    return;
  }
  check_keys(def, path, parameter_keys);
  const value* type = member(def, "type");
  if (!type || !type->is_string()) {
    fail(json_child(path, "type"),
         type ? "is " + json_kind(*type) + ", not a type" : "is missing");
    return;
  }
  auto k = parse_kind(type->get<std::string>());
  if (!k) {
    fail(json_child(path, "type"),
         quote_json(type->get<std::string>()) + " is not a parameter type" +
             suggestion(type->get<std::string>(), kind_list()));
    return;
  }
  if (find_parameter(name)) {
    fail(path, "is declared twice (names ignore letter case)");
    return;
  }
  // "Expressions aren't allowed with other parameter properties."
  for (const char* key :
       {"allowedValues", "minValue", "maxValue", "minLength", "maxLength"}) {
    const value* x = member(def, key);
    bool expr = x && x->is_string() && is_expression(x->get<std::string>());
    if (x && x->is_array())
      for (const auto& e : *x)
        expr = expr || (e.is_string() && is_expression(e.get<std::string>()));
    if (expr)
      fail(json_child(path, key), "may not hold an expression (only "
                                  "defaultValue may)");
  }
  parameter_decl p;
  p.name = name;
  p.path = path;
  p.type_text = type->get<std::string>();
  p.k = *k;
  p.definition = &def;
  parameters_.push_back(std::move(p));
}

parameter_decl* expander::find_parameter(const std::string& name) {
  for (auto& p : parameters_)
    if (same_ignoring_case(p.name, name))
      return &p;
  return nullptr;
}

std::string labelled(const std::string& label) {
  return label.empty() ? "" : " (" + label + ")";
}

void expander::apply_file() {
  const value& f = in_.file;
  if (f.is_null())
    return;
  std::string note = labelled(in_.file_label);
  if (!f.is_object()) {
    fail(file_root_,
         "the parameters file is " + json_kind(f) + ", not an object" + note);
    return;
  }
  check_keys(f, file_root_, {"$schema", "contentVersion", "parameters"}, note);
  if (const value* s = member(f, "$schema");
      s && (!s->is_string() || !is_parameters_schema(s->get<std::string>())))
    fail(json_child(file_root_, "$schema"),
         shown(*s) + " is not a deployment parameters schema" + note);
  const value* ps = member(f, "parameters");
  std::string path = json_child(file_root_, "parameters");
  if (!ps || !ps->is_object()) {
    fail(path,
         (ps ? "is " + json_kind(*ps) + ", not an object" : "is missing") +
             note);
    return;
  }
  std::vector<std::string> declared;
  for (const auto& p : parameters_)
    declared.push_back(p.name);
  for (const auto& item : ps->items()) {
    std::string epath = json_child(path, item.key());
    parameter_decl* p = find_parameter(item.key());
    if (!p) {
      fail(epath, "the template declares no parameter " +
                      quote_json(item.key()) +
                      suggestion(item.key(), declared) + note);
      continue;
    }
    const value& e = item.value();
    if (!e.is_object()) {
      fail(epath, "is " + json_kind(e) + ", not {\"value\": ...}" + note);
      continue;
    }
    check_keys(e, epath, {"value", "reference", "metadata"}, note);
    const value* v = member(e, "value");
    const value* ref = member(e, "reference");
    if (bool(v) == bool(ref)) {
      fail(epath, std::string(v ? "gives both value and reference"
                                : "gives neither value nor reference") +
                      note);
      continue;
    }
    p->input_source = in_.file_label.empty() ? "parameters" : in_.file_label;
    if (ref) {
      // A Key Vault reference: the secret is not read.
      p->input = placeholder(p->k, p->name);
      p->input_placeholder = true;
      list_not_modelled(json_child(epath, "reference"));
    } else if (!has_kind(*v, p->k)) {
      fail(json_child(epath, "value"), "is " + json_kind(*v) +
                                           ", but parameter " + p->name +
                                           " is " + name_of(p->k) + note);
    } else {
      p->input = *v;
      p->input_placeholder = false;
    }
  }
}

void expander::apply_given() {
  std::vector<std::string> declared;
  for (const auto& p : parameters_)
    declared.push_back(p.name);
  const std::string& label = in_.given_label;
  for (const auto& [name, v] : in_.given) {
    std::string path = !label.empty() && label[0] == '-'
                           ? label + " " + name
                           : json_child(label, name);
    parameter_decl* p = find_parameter(name);
    if (!p) {
      fail(path, "the template declares no parameter " + quote_json(name) +
                     suggestion(name, declared));
      continue;
    }
    std::string why;
    std::optional<value> converted;
    if (v.is_string())
      converted = from_text(v.get<std::string>(), p->k, why);
    else if (has_kind(v, p->k))
      converted = v;
    else
      why = "is " + json_kind(v);
    if (!converted) {
      fail(path, why + ", but parameter " + p->name + " is " + name_of(p->k));
      continue;
    }
    p->input = std::move(*converted);
    p->input_placeholder = false;
    p->input_source = label;
  }
}

value expander::parameter(const std::string& name) {
  parameter_decl* p = find_parameter(name);
  if (!p) {
    std::vector<std::string> declared;
    for (const auto& d : parameters_)
      declared.push_back(d.name);
    throw expression_error("parameters: no parameter " + quote_json(name) +
                           suggestion(name, declared));
  }
  resolve(*p);
  return p->val;
}

/// Throws when `name` is being resolved already (a cycle) or the chain is
/// too long.
void enter(std::vector<std::string>& chain, const std::string& what,
           const std::string& name, bool resolving) {
  if (resolving) {
    std::string cycle;
    auto from = std::find_if(chain.begin(), chain.end(), [&](const auto& n) {
      return same_ignoring_case(n, name);
    });
    for (auto it = from; it != chain.end(); ++it)
      cycle += *it + " -> ";
    throw expression_error(what + ": " + quote_json(name) +
                           " refers to itself (" + cycle + name + ")");
  }
  if (chain.size() >= static_cast<size_t>(max_reference_depth))
    throw expression_error(what + ": more than " +
                           std::to_string(max_reference_depth) +
                           " refer to each other in a chain (vmss-sim's "
                           "limit)");
  chain.push_back(name);
}

void expander::resolve(parameter_decl& p) {
  if (p.st == state::done)
    return;
  enter(resolving_, "parameters", p.name, p.st == state::resolving);
  p.st = state::resolving;
  isolate guard(*this, section::parameters);
  const value* def = member(*p.definition, "defaultValue");
  if (p.input) {
    p.val = *p.input;
    p.source = p.input_source;
    p.placeholder = p.input_placeholder;
  } else if (def) {
    std::string dpath = json_child(p.path, "defaultValue");
    p.val = eval(*def, dpath, *scope_, false, 0);
    p.source = "default";
    if (!has_kind(p.val, p.k)) {
      if (!p.val.is_null())
        fail(dpath, "is " + json_kind(p.val) + ", but the parameter is " +
                        name_of(p.k));
      p.val = placeholder(p.k, p.name);
      p.placeholder = true;
    }
  } else {
    if (!secure(p.k))
      fail(p.path, "has no value and no defaultValue (give it in a parameters "
                   "file or as --param " +
                       p.name + "=...)");
    p.val = placeholder(p.k, p.name);
    p.source = "not given";
    p.placeholder = true;
  }
  if (secure(p.k))
    list_not_modelled(p.path);
  if (!p.placeholder)
    check_constraints(p);
  resolving_.pop_back();
  p.st = state::done;
}

void expander::check_constraints(const parameter_decl& p) {
  const value& d = *p.definition;
  std::string from = " (" + p.source + ")";
  std::string what = secure(p.k) ? "the secure value" : shown(p.val);
  if (const value* a = member(d, "allowedValues"))
    check_allowed(p, *a, json_child(p.path, "allowedValues"), from);
  bool is_int = p.k == kind::integer;
  for (const char* key : {"minValue", "maxValue"}) {
    const value* bound = member(d, key);
    if (!bound)
      continue;
    std::string path = json_child(p.path, key);
    auto b = as_int(*bound);
    if (!b) {
      fail(path, "is " + json_kind(*bound) + ", not an integer");
    } else if (!is_int) {
      fail(path, "applies to int parameters only");
    } else {
      int64_t x = *as_int(p.val);
      bool is_min = key[1] == 'i';
      if (is_min ? x < *b : x > *b)
        fail(path, what + " is " + (is_min ? "less" : "more") + " than " +
                       std::to_string(*b) + from);
    }
  }
  bool has_length = p.val.is_string() || p.val.is_array();
  for (const char* key : {"minLength", "maxLength"}) {
    const value* bound = member(d, key);
    if (!bound)
      continue;
    std::string path = json_child(p.path, key);
    auto b = as_int(*bound);
    if (!b || *b < 0) {
      fail(path, "is " + shown(*bound) + ", not a length");
    } else if (!has_length) {
      fail(path, "applies to string and array parameters only");
    } else {
      auto n = static_cast<int64_t>(p.val.is_string()
                                        ? characters(p.val.get<std::string>())
                                        : p.val.size());
      bool is_min = key[1] == 'i';
      if (is_min ? n < *b : n > *b)
        fail(path, what + " has " + std::to_string(n) +
                       (p.val.is_string() ? " characters" : " elements") +
                       ", " + (is_min ? "fewer" : "more") + " than " +
                       std::to_string(*b) + from);
    }
  }
}

void expander::check_allowed(const parameter_decl& p, const value& allowed,
                             const std::string& path, const std::string& from) {
  if (!allowed.is_array()) {
    fail(path, "is " + json_kind(allowed) + ", not an array");
    return;
  }
  // Strings compare ignoring letter case, as ARM does (Azure/bicep#2489).
  auto allows = [&](const value& x) {
    return std::any_of(allowed.begin(), allowed.end(), [&](const value& a) {
      if (a.is_string() && x.is_string())
        return same_ignoring_case(a.get<std::string>(), x.get<std::string>());
      return a == x;
    });
  };
  std::vector<const value*> values;
  if (p.k == kind::array)
    for (const auto& x : p.val)
      values.push_back(&x);
  else
    values.push_back(&p.val);
  for (const value* x : values)
    if (!allows(*x)) {
      fail(path, (secure(p.k) ? std::string("the secure value") : shown(*x)) +
                     " is not one of " + shown(allowed) + from);
      return;
    }
}

void expander::record_parameters(deployment& out) const {
  for (const auto& p : parameters_) {
    deployment::parameter d;
    d.name = p.name;
    d.type = p.type_text;
    d.secure = secure(p.k);
    if (!d.secure)
      d.used = p.val;
    d.source = p.source;
    out.parameters.push_back(std::move(d));
  }
}

// ---------------------------------------------------------------------------
// Variables (variables.md, copy-variables.md): evaluated on first use.

void expander::read_variables() {
  const value* vs = member(t_, "variables");
  if (!vs)
    return;
  std::string path = at("variables");
  if (!vs->is_object()) {
    fail(path, "is " + json_kind(*vs) + ", not an object");
    return;
  }
  if (vs->size() > max_variables) {
    fail(path, "declares " + std::to_string(vs->size()) +
                   " variables (ARM's limit is " +
                   std::to_string(max_variables) + ")");
    return;
  }
  auto add = [&](const std::string& name, const std::string& vpath,
                 const value* def, bool copy) {
    bool twice =
        std::any_of(variables_.begin(), variables_.end(), [&](const auto& v) {
          return same_ignoring_case(v.name, name);
        });
    if (twice)
      fail(vpath, "variable " + quote_json(name) +
                      " is declared twice (names ignore letter case)");
    else
      variables_.push_back({name, vpath, def, copy, state::pending, nullptr});
  };
  for (const auto& item : vs->items()) {
    std::string vpath = json_child(path, item.key());
    if (!same_ignoring_case(item.key(), "copy")) {
      add(item.key(), vpath, &item.value(), false);
      continue;
    }
    if (!item.value().is_array()) {
      fail(vpath, "is " + json_kind(item.value()) +
                      ", not an array of copy loops (name, count, input)");
      continue;
    }
    for (size_t i = 0; i < item.value().size(); ++i) {
      std::string cpath = json_index(vpath, i);
      if (auto name = literal_name(item.value()[i], cpath))
        add(*name, cpath, &item.value()[i], true);
    }
  }
}

value expander::variable(const std::string& name) {
  if (section_ == section::parameters)
    throw expression_error("variables: not allowed in parameters (ARM "
                           "resolves parameters first)");
  for (auto& v : variables_)
    if (same_ignoring_case(v.name, name)) {
      resolve(v);
      return v.val;
    }
  std::vector<std::string> names;
  for (const auto& v : variables_)
    names.push_back(v.name);
  throw expression_error("variables: no variable " + quote_json(name) +
                         suggestion(name, names));
}

void expander::resolve(variable_decl& v) {
  if (v.st == state::done)
    return;
  enter(resolving_, "variables", v.name, v.st == state::resolving);
  v.st = state::resolving;
  isolate guard(*this, section::variables);
  v.val = v.copy ? copy_array(*v.definition, v.path, v.name, *scope_, 0)
                 : eval(*v.definition, v.path, *scope_, true, 0);
  resolving_.pop_back();
  v.st = state::done;
}

// ---------------------------------------------------------------------------
// User-defined functions (user-defined-functions.md).

void expander::read_functions() {
  const value* fs = member(t_, "functions");
  if (!fs)
    return;
  std::string path = at("functions");
  if (!fs->is_array()) {
    fail(path, "is " + json_kind(*fs) + ", not an array of namespaces");
    return;
  }
  for (size_t i = 0; i < fs->size(); ++i) {
    const value& n = (*fs)[i];
    std::string npath = json_index(path, i);
    if (!n.is_object()) {
      fail(npath, "is " + json_kind(n) + ", not {namespace, members}");
      continue;
    }
    check_keys(n, npath, {"namespace", "members"});
    const value* ns = member(n, "namespace");
    const value* members = member(n, "members");
    if (!ns || !ns->is_string() || ns->get<std::string>().empty()) {
      fail(json_child(npath, "namespace"), "is missing or not a name");
      continue;
    }
    if (!members || !members->is_object()) {
      fail(json_child(npath, "members"), "is missing or not an object");
      continue;
    }
    for (const auto& item : members->items())
      read_function(ns->get<std::string>(), item.key(), item.value(),
                    json_child(json_child(npath, "members"), item.key()));
  }
}

void expander::read_function(const std::string& ns, const std::string& name,
                             const value& f, const std::string& path) {
  if (!f.is_object()) {
    fail(path, "is " + json_kind(f) + ", not {parameters, output}");
    return;
  }
  check_keys(f, path, {"parameters", "output"});
  user_function u;
  u.name = ns + "." + name;
  u.path = path;
  if (const value* ps = member(f, "parameters")) {
    if (!ps->is_array()) {
      fail(json_child(path, "parameters"),
           "is " + json_kind(*ps) + ", not an array");
      return;
    }
    for (size_t i = 0; i < ps->size(); ++i) {
      const value& p = (*ps)[i];
      std::string ppath = json_index(json_child(path, "parameters"), i);
      if (p.is_object() && member(p, "defaultValue")) {
        fail(json_child(ppath, "defaultValue"),
             "a user-defined function's parameter cannot have a default");
        return;
      }
      const value* pn = p.is_object() ? member(p, "name") : nullptr;
      const value* pt = p.is_object() ? member(p, "type") : nullptr;
      kind k = kind::string;
      if (!pn || !pn->is_string() || !pt || !pt->is_string() ||
          !parse_kind(pt->get<std::string>(), k)) {
        fail(ppath, "is not {\"name\": ..., \"type\": one of " +
                        joined(kind_list()) + "}");
        return;
      }
      check_keys(p, ppath, {"name", "type"});
      u.parameters.emplace_back(pn->get<std::string>(), k);
    }
  }
  const value* out = member(f, "output");
  std::string opath = json_child(path, "output");
  const value* ot = out ? member(*out, "type") : nullptr;
  auto k =
      ot && ot->is_string() ? parse_kind(ot->get<std::string>()) : std::nullopt;
  if (!out || !out->is_object() || !k || !member(*out, "value")) {
    fail(opath, "is not {\"type\": one of " + joined(kind_list()) +
                    ", \"value\": ...}");
    return;
  }
  check_keys(*out, opath, {"type", "value"});
  u.output = *k;
  u.body = member(*out, "value");
  bool twice =
      std::any_of(functions_.begin(), functions_.end(), [&](const auto& g) {
        return same_ignoring_case(g.name, u.name);
      });
  if (twice) {
    fail(path, u.name + " is declared twice (names ignore letter case)");
    return;
  }
  functions_.push_back(std::move(u));
}

value expander::call(const std::string& ns, const std::string& name,
                     const std::vector<value>& args) {
  std::string full = ns + "." + name;
  auto f =
      std::find_if(functions_.begin(), functions_.end(), [&](const auto& g) {
        return same_ignoring_case(g.name, full);
      });
  if (f == functions_.end()) {
    std::vector<std::string> names;
    for (const auto& g : functions_)
      names.push_back(g.name);
    throw expression_error(full + ": no such user-defined function" +
                           suggestion(full, names));
  }
  if (args.size() != f->parameters.size())
    throw expression_error(full + ": takes " +
                           std::to_string(f->parameters.size()) +
                           " arguments, given " + std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (!has_kind(args[i], f->parameters[i].second))
      throw expression_error(full + ": argument " + std::to_string(i + 1) +
                             " (" + f->parameters[i].first + ") is " +
                             json_kind(args[i]) + ", not " +
                             name_of(f->parameters[i].second));
  // The body's errors become this call's error.
  std::vector<diagnostic> errors;
  auto* saved_errors = std::exchange(errors_, &errors);
  std::string saved_site = std::exchange(call_site_, current_path_);
  function_scope fs(*this, *f, args);
  value out;
  {
    isolate guard(*this, section_);
    out = eval(*f->body, json_child(f->path, "output.value"), fs, false, 0);
  }
  errors_ = saved_errors;
  call_site_ = saved_site;
  if (!errors.empty())
    throw expression_error(full + ": " + errors.front().path + ": " +
                           errors.front().reason);
  if (!has_kind(out, f->output))
    throw expression_error(full + ": returns " + json_kind(out) +
                           ", but its output type is " + name_of(f->output));
  return out;
}

// ---------------------------------------------------------------------------
// resourceGroup(), subscription(), deployment().

value expander::resource_group_object() const {
  const auto& c = in_.context;
  return {{"id", "/subscriptions/" + c.subscription_id + "/resourceGroups/" +
                     c.resource_group},
          {"name", c.resource_group},
          {"type", "Microsoft.Resources/resourceGroups"},
          {"location", c.location},
          {"tags", value::object()},
          {"properties", {{"provisioningState", "Succeeded"}}}};
}

value expander::subscription_object() const {
  const auto& c = in_.context;
  return {{"id", "/subscriptions/" + c.subscription_id},
          {"subscriptionId", c.subscription_id},
          {"tenantId", "00000000-0000-0000-0000-000000000000"},
          {"displayName", "vmss-sim"}};
}

value expander::deployment_object() const {
  value tmpl = value::object();
  for (const char* key : {"$schema", "contentVersion", "metadata"})
    if (const value* v = member(t_, key))
      tmpl[key] = *v;
  return {{"name", in_.context.deployment_name},
          {"location", in_.context.location},
          {"properties",
           {{"template", tmpl},
            // Set by ARM when the template was deployed from a link (the
            // quickstarts' _artifactsLocation default); its URI does not
            // matter to the model.
            {"templateLink",
             {{"uri", not_modelled_value("deployment().properties."
                                         "templateLink")},
              {"contentVersion", "1.0.0.0"}}},
            {"parameters", value::object()},
            {"mode", "Incremental"},
            {"provisioningState", "Accepted"}}}};
}

// ---------------------------------------------------------------------------
// Resources (syntax.md "Resources", copy-resources.md,
// child-resource-name-type.md, conditional-resource-deployment.md).

void expander::expand_resources(const value& list, const std::string& path,
                                const parent_info* parent, int depth,
                                deployment& out) {
  if (list.is_array()) {
    for (size_t i = 0; i < list.size() && !budget_.exhausted; ++i)
      expand_resource(list[i], json_index(path, i), "", parent, depth, out);
  } else if (list.is_object() && symbolic_ && !parent) {
    for (const auto& item : list.items())
      expand_resource(item.value(), json_child(path, item.key()), item.key(),
                      parent, depth, out);
  } else {
    fail(path, "is " + json_kind(list) + ", not an array" +
                   (list.is_object() ? " (an object of symbolic names needs "
                                       "\"languageVersion\": \"2.0\")"
                                     : ""));
  }
}

void expander::expand_resource(const value& r, const std::string& path,
                               const std::string& symbol,
                               const parent_info* parent, int depth,
                               deployment& out) {
  if (depth > max_nesting_depth) {
    fail(path, "resources nest deeper than " +
                   std::to_string(max_nesting_depth) + " levels");
    return;
  }
  if (!r.is_object()) {
    fail(path, "is " + json_kind(r) + ", not a resource object");
    return;
  }
  if (const value* e = member(r, "existing"); e && *e == true)
    return; // languageVersion 2.0: a reference to a resource, not deployed
  const value* copy = member(r, "copy");
  if (!copy) {
    expand_instance(r, path, symbol, parent, -1, depth, out);
    return;
  }
  if (parent) {
    fail(json_child(path, "copy"),
         "a child resource cannot have a copy loop (define it at the top "
         "level with its full type and name)");
    return;
  }
  auto loop = resource_copy(*copy, json_child(path, "copy"), depth);
  if (!loop)
    return;
  known_.push_back({"", "", ascii_lower(loop->name), ascii_lower(symbol)});
  for (int64_t i = 0; i < loop->count && !budget_.exhausted; ++i) {
    loops_.push_back({loop->name, i, true});
    expand_instance(r, path, symbol, parent, i, depth, out);
    loops_.pop_back();
  }
}

std::optional<resource_loop>
expander::resource_copy(const value& copy, const std::string& path, int depth) {
  if (!copy.is_object()) {
    fail(path,
         "is " + json_kind(copy) + ", not {name, count, mode, batchSize}");
    return std::nullopt;
  }
  check_keys(copy, path, {"name", "count", "mode", "batchSize"});
  const value* name = member(copy, "name");
  if (!name || !name->is_string() || name->get<std::string>().empty()) {
    fail(json_child(path, "name"), "is missing or not a name");
    return std::nullopt;
  }
  auto count = copy_count(copy, path, *scope_, depth);
  if (const value* mode = member(copy, "mode");
      mode && (!mode->is_string() ||
               !(same_ignoring_case(mode->get<std::string>(), "serial") ||
                 same_ignoring_case(mode->get<std::string>(), "parallel"))))
    fail(json_child(path, "mode"), shown(*mode) + " is not serial or parallel");
  if (const value* batch = member(copy, "batchSize")) {
    value b =
        eval(*batch, json_child(path, "batchSize"), *scope_, false, depth + 1);
    auto n = as_int(b);
    if (!n || *n < 1)
      fail(json_child(path, "batchSize"), shown(b) + " is not an integer >= 1");
    else if (count && *count > 0 && *n > *count)
      fail(json_child(path, "batchSize"),
           std::to_string(*n) + " exceeds the count " + std::to_string(*count));
  }
  if (!count)
    return std::nullopt;
  return resource_loop{name->get<std::string>(), *count};
}

const std::vector<std::string> template_only_keys = {
    "type",     "apiVersion", "condition", "copy",     "dependsOn",
    "comments", "resources",  "scope",     "metadata", "existing"};

void expander::expand_instance(const value& r, const std::string& path,
                               const std::string& symbol,
                               const parent_info* parent, int64_t copy,
                               int depth, deployment& out) {
  if (const value* c = member(r, "condition")) {
    std::string cpath = json_child(path, "condition");
    value cond = eval(*c, cpath, *scope_, false, depth + 1);
    if (!cond.is_boolean()) {
      if (!cond.is_null())
        fail(cpath, "is " + json_kind(cond) + ", not true/false");
      return;
    }
    if (!cond.get<bool>()) {
      // Not deployed; a dependsOn may still name it (ARM drops it).
      std::vector<diagnostic> ignored;
      auto* saved = std::exchange(errors_, &ignored);
      bool was_quiet = std::exchange(quiet_, true);
      if (auto tn = full_type_and_name(r, path, parent, depth))
        known_.push_back({ascii_lower(tn->second),
                          provider_path(tn->first, tn->second), "",
                          ascii_lower(symbol)});
      quiet_ = was_quiet;
      errors_ = saved;
      return;
    }
  }
  auto tn = full_type_and_name(r, path, parent, depth);
  if (!tn)
    return;
  resource res;
  res.type = tn->first;
  res.name = tn->second;
  res.path = path;
  res.copy = copy;
  const value* api = member(r, "apiVersion");
  static const std::regex api_version(
      R"([0-9]{4}-[0-9]{2}-[0-9]{2}(-[A-Za-z0-9.]+)?)");
  value api_value = api ? eval(*api, json_child(path, "apiVersion"), *scope_,
                               false, depth + 1)
                        : value();
  if (api_value.is_string() &&
      std::regex_match(api_value.get<std::string>(), api_version))
    res.api_version = api_value.get<std::string>();
  else if (api || !member(t_, "apiProfile"))
    fail(json_child(path, "apiVersion"),
         api ? shown(api_value) + " is not an API version (2024-11-01)"
             : "is missing");
  if (const value* deps = member(r, "dependsOn")) {
    std::string dpath = json_child(path, "dependsOn");
    value d = eval(*deps, dpath, *scope_, false, depth + 1);
    if (!d.is_array())
      fail(dpath, "is " + json_kind(d) + ", not an array");
    for (size_t i = 0; d.is_array() && i < d.size(); ++i) {
      if (d[i].is_string()) {
        res.depends_on.push_back(d[i].get<std::string>());
        dependencies_.push_back(
            {json_index(dpath, i), d[i].get<std::string>()});
      } else if (!d[i].is_null()) {
        fail(json_index(dpath, i), "is " + json_kind(d[i]) +
                                       ", not a name or "
                                       "resource id");
      }
    }
  }
  res.body = resource_body(r, path, res.type, depth);
  if (budget_.resources >= max_resources) {
    if (!std::exchange(budget_.too_many_resources, true))
      fail(path, "the deployment creates more than " +
                     std::to_string(max_resources) +
                     " resources (ARM's limit)");
    return;
  }
  ++budget_.resources;
  known_.push_back({ascii_lower(res.name), provider_path(res.type, res.name),
                    "", ascii_lower(symbol)});
  out.resources.push_back(res);
  if (same_ignoring_case(res.type, "Microsoft.Resources/deployments"))
    expand_nested(res, r, path, depth, out);
  if (const value* kids = member(r, "resources")) {
    parent_info me{res.type, res.name};
    expand_resources(*kids, json_child(path, "resources"), &me, depth + 1, out);
  }
}

/// The evaluated type and name, for a child relative to its parent
/// (child-resource-name-type.md): "subnets" in a virtual network is
/// "Microsoft.Network/virtualNetworks/subnets", named "vnet/subnet".
std::optional<std::pair<std::string, std::string>>
expander::full_type_and_name(const value& r, const std::string& path,
                             const parent_info* parent, int depth) {
  std::string tpath = json_child(path, "type");
  std::string npath = json_child(path, "name");
  const value* t = member(r, "type");
  const value* n = member(r, "name");
  value type = t ? eval(*t, tpath, *scope_, false, depth + 1) : value();
  value name = n ? eval(*n, npath, *scope_, false, depth + 1) : value();
  bool ok = true;
  if (!type.is_string() || type.get<std::string>().empty()) {
    if (!t || !type.is_null())
      fail(tpath, t ? "is " + json_kind(type) + ", not a resource type"
                    : "is missing");
    ok = false;
  }
  if (!name.is_string() || name.get<std::string>().empty()) {
    if (!n || !name.is_null())
      fail(npath, n ? "is " + json_kind(name) + ", not a name" : "is missing");
    ok = false;
  }
  if (!ok)
    return std::nullopt;
  std::string ty = type.get<std::string>();
  std::string na = name.get<std::string>();
  if (parent) {
    // Relative, or already written in full.
    if (ty.find('/') == std::string::npos)
      ty = parent->type + "/" + ty;
    if (na.find('/') == std::string::npos)
      na = parent->name + "/" + na;
    if (!same_ignoring_case(ty.substr(0, ty.rfind('/')), parent->type)) {
      fail(tpath, quote_json(type.get<std::string>()) +
                      " is not a child type of " + parent->type +
                      " (write it relative: one segment)");
      return std::nullopt;
    }
    if (na.substr(0, na.rfind('/')) != parent->name) {
      fail(npath, quote_json(name.get<std::string>()) + " is not a child of " +
                      quote_json(parent->name) +
                      " (write it relative: one segment)");
      return std::nullopt;
    }
  }
  auto ts = segments(ty);
  bool type_ok =
      ts.size() >= 2 && std::none_of(ts.begin(), ts.end(),
                                     [](const auto& s) { return s.empty(); });
  if (!type_ok) {
    fail(tpath, quote_json(ty) + " is not a resource type (Namespace/type, "
                                 "as Microsoft.Compute/"
                                 "virtualMachineScaleSets)");
    return std::nullopt;
  }
  if (segments(na).size() + 1 != ts.size()) {
    fail(npath, quote_json(na) + " has " + std::to_string(segments(na).size()) +
                    " segments; type " + ty + " needs " +
                    std::to_string(ts.size() - 1) +
                    " (a child's name is parent/child)");
    return std::nullopt;
  }
  return std::make_pair(ty, na);
}

value expander::resource_body(const value& r, const std::string& path,
                              const std::string& type, int depth) {
  value body = value::object();
  bool nested = same_ignoring_case(type, "Microsoft.Resources/deployments");
  for (const auto& item : r.items()) {
    if (budget_.exhausted)
      break;
    const std::string& key = item.key();
    bool own =
        std::any_of(template_only_keys.begin(), template_only_keys.end(),
                    [&](const auto& k) { return same_ignoring_case(k, key); });
    if (own)
      continue;
    std::string kpath = json_child(path, key);
    if (!nested || !same_ignoring_case(key, "properties") ||
        !item.value().is_object()) {
      body[key] = eval(item.value(), kpath, *scope_, true, depth + 1);
      continue;
    }
    // A nested deployment's template is its own (expanded separately).
    value props = value::object();
    for (const auto& p : item.value().items())
      props[p.key()] = same_ignoring_case(p.key(), "template")
                           ? p.value()
                           : eval(p.value(), json_child(kpath, p.key()),
                                  *scope_, true, depth + 2);
    body[key] = std::move(props);
  }
  return body;
}

/// A nested deployment's inline template (linked-templates.md): with
/// expressionEvaluationOptions.scope "inner" a deployment of its own, given
/// properties.parameters; with "outer" (the default) its resources are
/// evaluated with this template's parameters and variables.
void expander::expand_nested(const resource& res, const value& r,
                             const std::string& path, int depth,
                             deployment& out) {
  const value* props = member(r, "properties");
  if (!props || !props->is_object())
    return;
  std::string ppath = json_child(path, "properties");
  if (member(*props, "templateLink")) {
    list_not_modelled(json_child(ppath, "templateLink"));
    return;
  }
  const value* tmpl = member(*props, "template");
  if (!tmpl)
    return;
  std::string tpath = json_child(ppath, "template");
  bool inner = false;
  if (const value* options = member(*props, "expressionEvaluationOptions")) {
    const value* s = member(*options, "scope");
    std::string spath = json_child(ppath, "expressionEvaluationOptions.scope");
    if (s && s->is_string() &&
        same_ignoring_case(s->get<std::string>(), "inner"))
      inner = true;
    else if (s && !(s->is_string() &&
                    same_ignoring_case(s->get<std::string>(), "outer")))
      fail(spath, shown(*s) + " is not inner or outer");
  }
  if (!inner) {
    for (const char* key : {"parameters", "variables", "functions"})
      if (member(*tmpl, key))
        warn(json_child(tpath, key),
             "ignored: with scope outer a nested template uses its "
             "parent's parameters, variables and functions");
    if (const value* list = member(*tmpl, "resources"))
      expand_resources(*list, json_child(tpath, "resources"), nullptr,
                       depth + 1, out);
    return;
  }
  deployment_inputs sub;
  sub.context = in_.context;
  sub.context.deployment_name = res.name;
  if (const value* rg = member(res.body, "resourceGroup");
      rg && rg->is_string())
    sub.context.resource_group = rg->get<std::string>();
  if (const value* sid = member(res.body, "subscriptionId");
      sid && sid->is_string())
    sub.context.subscription_id = sid->get<std::string>();
  const value* body_props = member(res.body, "properties");
  const value* given = body_props ? member(*body_props, "parameters") : nullptr;
  sub.file = value{{"parameters", given ? *given : value::object()}};
  sub.given_label = "";
  expander inner_expander(*tmpl, sub, report_, tpath, ppath, budget_,
                          depth_ + depth + 1);
  auto d = inner_expander.run();
  for (auto& nested : d.resources)
    out.resources.push_back(std::move(nested));
}

void expander::check_dependencies() {
  std::set<std::pair<std::string, std::string>> warned;
  for (const auto& d : dependencies_) {
    if (!warned.emplace(d.path, d.target).second)
      continue; // the same entry of a copy loop's resource
    auto target = ascii_lower(d.target);
    bool found = std::any_of(known_.begin(), known_.end(), [&](const auto& k) {
      return (!k.name.empty() && target == k.name) ||
             (!k.loop.empty() && target == k.loop) ||
             (!k.symbol.empty() && target == k.symbol) ||
             (!k.provider_path.empty() &&
              (target == k.provider_path ||
               ends_with(target, "/" + k.provider_path)));
    });
    if (!found)
      warn(d.path, quote_json(d.target) +
                       " names no resource of this template (only those the "
                       "template deploys are waited for)");
  }
}

// ---------------------------------------------------------------------------
// Outputs (syntax.md "Outputs", copy-outputs.md).

void expander::expand_outputs(deployment& out) {
  const value* os = member(t_, "outputs");
  if (!os)
    return;
  std::string path = at("outputs");
  if (!os->is_object()) {
    fail(path, "is " + json_kind(*os) + ", not an object");
    return;
  }
  if (os->size() > max_outputs) {
    fail(path, "declares " + std::to_string(os->size()) +
                   " outputs (ARM's limit is " + std::to_string(max_outputs) +
                   ")");
    return;
  }
  section_ = section::outputs;
  for (const auto& item : os->items())
    expand_output(item.key(), item.value(), json_child(path, item.key()), out);
}

void expander::expand_output(const std::string& name, const value& o,
                             const std::string& path, deployment& out) {
  if (!o.is_object()) {
    fail(path, "is " + json_kind(o) + ", not {type, value}");
    return;
  }
  check_keys(o, path, {"type", "value", "copy", "condition", "metadata"});
  const value* type = member(o, "type");
  auto k = type && type->is_string() ? parse_kind(type->get<std::string>())
                                     : std::nullopt;
  if (!k) {
    fail(json_child(path, "type"),
         (type ? shown(*type) + " is not" : std::string("is missing:")) +
             " a type (" + joined(kind_list()) + ")");
    return;
  }
  if (const value* c = member(o, "condition")) {
    value cond = eval(*c, json_child(path, "condition"), *scope_, false, 1);
    if (!cond.is_boolean()) {
      if (!cond.is_null())
        fail(json_child(path, "condition"),
             "is " + json_kind(cond) + ", not true/false");
      return;
    }
    if (!cond.get<bool>())
      return;
  }
  const value* v = member(o, "value");
  const value* copy = member(o, "copy");
  if (bool(v) == bool(copy)) {
    fail(path,
         v ? "gives both value and copy" : "gives neither value nor copy");
    return;
  }
  size_t errors_before = errors_->size();
  size_t calls_before = not_modelled_calls_;
  value result;
  std::string vpath = json_child(path, v ? "value" : "copy");
  if (v) {
    result = eval(*v, vpath, *scope_, false, 1);
  } else if (!copy->is_object()) {
    fail(vpath, "is " + json_kind(*copy) + ", not {count, input}");
    return;
  } else {
    check_keys(*copy, vpath, {"count", "input"});
    result = value::array();
    auto count = copy_count(*copy, vpath, *scope_, 1);
    const value* input = member(*copy, "input");
    if (!input)
      fail(json_child(vpath, "input"), "is missing");
    for (int64_t i = 0; input && count && i < *count && !budget_.exhausted;
         ++i) {
      loops_.push_back({name, i, true});
      result.push_back(
          eval(*input, json_child(vpath, "input"), *scope_, false, 2));
      loops_.pop_back();
    }
  }
  if (not_modelled_calls_ != calls_before || errors_->size() != errors_before)
    return; // listed as not modelled, or an error said why
  if (!has_kind(result, *k)) {
    fail(vpath, "is " + json_kind(result) + ", but the output's type is " +
                    name_of(*k));
    return;
  }
  if (secure(*k))
    list_not_modelled(path);
  else
    out.outputs[name] = std::move(result);
}

// ---------------------------------------------------------------------------

deployment expander::run() {
  deployment out;
  template_scope s(*this);
  scope_ = &s;
  if (!check_top())
    return out;
  read_parameters();
  read_functions();
  read_variables();
  apply_file();
  apply_given();
  for (auto& p : parameters_)
    resolve(p);
  record_parameters(out);
  // Every variable is evaluated, used or not (an error in one fails the
  // deployment); those used earlier keep their value.
  for (auto& v : variables_)
    resolve(v);
  section_ = section::resources;
  if (const value* list = member(t_, "resources"))
    expand_resources(*list, at("resources"), nullptr, 0, out);
  check_dependencies();
  expand_outputs(out);
  return out;
}

} // namespace

deployment expand(const value& template_json, const deployment_inputs& inputs,
                  read_report& report) {
  budget b;
  expander e(template_json, inputs, report, "", "", b, 0);
  return e.run();
}

bool is_template(const value& document) {
  if (!document.is_object())
    return false;
  const value* schema = member(document, "$schema");
  if (schema && schema->is_string())
    return ascii_lower(schema->get<std::string>())
               .find("deploymenttemplate.json") != std::string::npos;
  return member(document, "resources") && member(document, "contentVersion");
}

bool is_parameters_file(const value& document) {
  if (!document.is_object())
    return false;
  const value* schema = member(document, "$schema");
  if (schema && schema->is_string())
    return ascii_lower(schema->get<std::string>())
               .find("deploymentparameters.json") != std::string::npos;
  const value* ps = member(document, "parameters");
  if (!ps || !ps->is_object() || member(document, "resources"))
    return false;
  for (const auto& item : document.items())
    if (!same_ignoring_case(item.key(), "parameters") &&
        !same_ignoring_case(item.key(), "contentVersion"))
      return false;
  return std::all_of(ps->begin(), ps->end(), [](const value& p) {
    return p.is_object() && (member(p, "value") || member(p, "reference"));
  });
}

} // namespace vmss::input::arm
