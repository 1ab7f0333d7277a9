#include "input/json_reader.hpp"

#include "kernel/assert.hpp"
#include "kernel/numbers.hpp"
#include "kernel/sim_time.hpp"
#include "messages/field_format.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

namespace vmss::input {

namespace {

using json = nlohmann::ordered_json;
namespace pb = google::protobuf;
using wide = __int128;

std::string wrong_type(const json& j, const std::string& expected) {
  return "is " + json_kind(j) + ", not " + expected;
}

/// Everything a read appends to, and how strictly it reads.
struct walker {
  read_report& report;
  const read_options& options;

  void fail(const std::string& path, const std::string& reason) {
    report.errors.push_back({path, reason});
  }
  void warn(const std::string& path, const std::string& reason) {
    report.warnings.push_back({path, reason});
  }
  /// Azure's leniency: the JSON value a string stands for when it is a
  /// number or a boolean of the type `f` wants (warned), else `j` itself.
  const json& unquoted(const json& j, const pb::FieldDescriptor* f,
                       const std::string& path, json& storage);

  void message(const json& j, pb::Message& out, const std::string& path);
  void field(const json& j, pb::Message& out, const pb::FieldDescriptor* f,
             const std::string& path);
  void map_field(const json& j, pb::Message& out, const pb::FieldDescriptor* f,
                 const std::string& path);
  /// One value of `f` (an element if f is repeated).
  void value(const json& j, pb::Message& out, const pb::FieldDescriptor* f,
             const std::string& path);
  bool integer(const json& j, const pb::FieldDescriptor* f,
               const std::string& path, wide& out);
  bool duration(const json& j, const std::string& path, sim_time& out);
  bool within_bounds(const pb::FieldDescriptor* f, int64_t x,
                     const std::string& path, const json& j);
  bool enum_value(const json& j, const pb::FieldDescriptor* f,
                  const std::string& path, int& out);
  bool well_known(const json& j, pb::Message& out, const std::string& path);
  void struct_value(const json& j, pb::Value& out, const std::string& path,
                    int depth = 0);
};

std::vector<std::string> json_names(const pb::Descriptor* d) {
  std::vector<std::string> out;
  for (int i = 0; i < d->field_count(); ++i)
    out.push_back(d->field(i)->json_name());
  return out;
}

/// The field whose JSON name is `key` (ignoring letter case when
/// `any_case`), or nullptr.
const pb::FieldDescriptor* field_named(const pb::Descriptor* d,
                                       const std::string& key, bool any_case) {
  for (int i = 0; i < d->field_count(); ++i)
    if (d->field(i)->json_name() == key)
      return d->field(i);
  if (any_case)
    for (int i = 0; i < d->field_count(); ++i)
      if (ascii_lower(d->field(i)->json_name()) == ascii_lower(key))
        return d->field(i);
  return nullptr;
}

void walker::message(const json& j, pb::Message& out, const std::string& path) {
  if (well_known(j, out, path))
    return;
  if (!j.is_object()) {
    fail(path, wrong_type(j, "an object"));
    return;
  }
  const auto* d = out.GetDescriptor();
  std::map<const pb::OneofDescriptor*, std::string> oneof_given;
  for (const auto& [key, v] : j.items()) {
    auto where = json_child(path, key);
    const auto* f = field_named(d, key, options.azure);
    if (!f) {
      auto close = did_you_mean(key, json_names(d));
      std::string known;
      for (const auto& name : json_names(d))
        known += (known.empty() ? "" : ", ") + name;
      fail(where, "unknown field (" +
                      (close.empty() ? "fields: " + known
                                     : "did you mean " + close + "?") +
                      ")");
      continue;
    }
    if (f->json_name() != key)
      warn(where, "read as " + f->json_name() +
                      " (Azure ignores letter case in names)");
    if (f->options().GetExtension(schema::not_modelled)) {
      report.not_modelled.push_back(where);
      continue;
    }
    if (v.is_null())
      continue; // protobuf's mapping: not given
    if (const auto* oneof = f->real_containing_oneof()) {
      auto [it, fresh] = oneof_given.emplace(oneof, key);
      if (!fresh) {
        fail(where, "excludes " + it->second + " (give one of them)");
        continue;
      }
    }
    field(v, out, f, where);
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    auto it = j.find(f->json_name());
    if (it == j.end() && options.azure)
      for (auto k = j.begin(); k != j.end(); ++k)
        if (ascii_lower(k.key()) == ascii_lower(f->json_name()))
          it = k;
    if (f->options().GetExtension(schema::required) &&
        (it == j.end() || it->is_null()))
      fail(json_child(path, f->json_name()), "missing (required)");
  }
}

void walker::field(const json& j, pb::Message& out,
                   const pb::FieldDescriptor* f, const std::string& path) {
  if (f->is_map()) {
    map_field(j, out, f, path);
    return;
  }
  if (!f->is_repeated()) {
    value(j, out, f, path);
    return;
  }
  if (options.azure && j.is_string() &&
      j.get_ref<const std::string&>().empty()) {
    // Real templates write '' for "no zones" (if(..., '', array(...))),
    // and Azure deploys them.
    warn(path, "the empty string read as no value");
    return;
  }
  if (!j.is_array()) {
    fail(path, wrong_type(j, "an array"));
    return;
  }
  for (size_t i = 0; i < j.size(); ++i)
    value(j[i], out, f, json_index(path, i));
}

void walker::map_field(const json& j, pb::Message& out,
                       const pb::FieldDescriptor* f, const std::string& path) {
  if (!j.is_object()) {
    fail(path, wrong_type(j, "an object"));
    return;
  }
  const auto* key_field = f->message_type()->map_key();
  const auto* value_field = f->message_type()->map_value();
  for (const auto& [key, v] : j.items()) {
    auto where = json_child(path, key);
    json key_json = key;
    if (key_field->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING) {
      // Integer keys are written as strings in JSON.
      int64_t number = 0;
      uint64_t unsigned_number = 0;
      std::string why;
      if (parse_int(key, INT64_MIN, INT64_MAX, number, &why))
        key_json = number;
      else if (parse_uint(key, 0, UINT64_MAX, unsigned_number, &why))
        key_json = unsigned_number;
      else {
        fail(where, "key " + quote_json(key) + " " + why);
        continue;
      }
    }
    auto* entry = out.GetReflection()->AddMessage(&out, f);
    value(key_json, *entry, key_field, where);
    if (!v.is_null())
      value(v, *entry, value_field, where);
  }
}

bool walker::integer(const json& j, const pb::FieldDescriptor* f,
                     const std::string& path, wide& out) {
  using F = pb::FieldDescriptor;
  if (!j.is_number_integer()) {
    fail(path, wrong_type(j, "a whole number"));
    return false;
  }
  out =
      j.is_number_unsigned() ? wide{j.get<uint64_t>()} : wide{j.get<int64_t>()};
  wide lo = 0, hi = 0;
  switch (f->cpp_type()) {
  case F::CPPTYPE_INT32:
    lo = INT32_MIN, hi = INT32_MAX;
    break;
  case F::CPPTYPE_UINT32:
    lo = 0, hi = UINT32_MAX;
    break;
  case F::CPPTYPE_INT64:
    lo = INT64_MIN, hi = INT64_MAX;
    break;
  default:
    lo = 0, hi = UINT64_MAX;
    break;
  }
  const auto& o = f->options();
  if (o.HasExtension(schema::minimum))
    lo = std::max(lo, wide{o.GetExtension(schema::minimum)});
  if (o.HasExtension(schema::maximum))
    hi = std::min(hi, wide{o.GetExtension(schema::maximum)});
  if (out >= lo && out <= hi)
    return true;
  auto text = [](wide x) {
    return x < 0 ? std::to_string(static_cast<int64_t>(x))
                 : std::to_string(static_cast<uint64_t>(x));
  };
  fail(path,
       j.dump() + " is out of range (" + text(lo) + " to " + text(hi) + ")");
  return false;
}

/// Whether `x` is within f's (vmss.schema.minimum/maximum); fails if not.
bool walker::within_bounds(const pb::FieldDescriptor* f, int64_t x,
                           const std::string& path, const json& j) {
  const auto& o = f->options();
  bool low =
      o.HasExtension(schema::minimum) && x < o.GetExtension(schema::minimum);
  bool high =
      o.HasExtension(schema::maximum) && x > o.GetExtension(schema::maximum);
  if (!low && !high)
    return true;
  auto bound = [&](int64_t b) {
    return f->options().GetExtension(schema::format) ==
                   schema::FORMAT_ISO8601_DURATION
               ? format_iso8601_duration(b)
               : std::to_string(b);
  };
  fail(path, j.dump() + " is out of range (" +
                 (o.HasExtension(schema::minimum)
                      ? bound(o.GetExtension(schema::minimum))
                      : "") +
                 " to " +
                 (o.HasExtension(schema::maximum)
                      ? bound(o.GetExtension(schema::maximum))
                      : "") +
                 ")");
  return false;
}

bool walker::duration(const json& j, const std::string& path, sim_time& out) {
  if (!j.is_string()) {
    fail(path, wrong_type(j, "a duration string (e.g. 90s)"));
    return false;
  }
  const auto& text = j.get_ref<const std::string&>();
  std::string why;
  if (parse_duration(text, out, &why))
    return true;
  bool bare =
      !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      });
  fail(path,
       quote_json(text) + " " +
           (bare ? "is not a duration (give a unit: " + text + "s)" : why));
  return false;
}

bool walker::enum_value(const json& j, const pb::FieldDescriptor* f,
                        const std::string& path, int& out) {
  const auto* e = f->enum_type();
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    const auto* v = e->value(i);
    // The proto3 zero value "..._unspecified" means "not given".
    if (!(v->number() == 0 && v->name().size() >= 11 &&
          v->name().compare(v->name().size() - 11, 11, "unspecified") == 0))
      names.push_back(v->name());
  }
  if (!j.is_string()) {
    fail(path, wrong_type(j, "a string"));
    return false;
  }
  const auto& name = j.get_ref<const std::string&>();
  for (const auto& known : names)
    if (known == name ||
        (options.azure && ascii_lower(known) == ascii_lower(name))) {
      out = e->FindValueByName(known)->number();
      return true;
    }
  auto close = did_you_mean(name, names);
  std::string known;
  for (const auto& n : names)
    known += (known.empty() ? "" : ", ") + n;
  fail(path, quote_json(name) +
                 (close.empty()
                      ? " is not one of " + known
                      : " is not a known value (did you mean " + close + "?)"));
  return false;
}

/// How deep a family's settings may nest.
constexpr int max_setting_depth = 32;

void walker::struct_value(const json& j, pb::Value& out,
                          const std::string& path, int depth) {
  if (depth > max_setting_depth) {
    fail(path,
         "nests deeper than " + std::to_string(max_setting_depth) + " levels");
    return;
  }
  switch (j.type()) {
  case json::value_t::null:
    out.set_null_value(pb::NULL_VALUE);
    break;
  case json::value_t::boolean:
    out.set_bool_value(j.get<bool>());
    break;
  case json::value_t::string:
    out.set_string_value(j.get<std::string>());
    break;
  case json::value_t::array: {
    auto* list = out.mutable_list_value();
    for (size_t i = 0; i < j.size(); ++i)
      struct_value(j[i], *list->add_values(), json_index(path, i), depth + 1);
    break;
  }
  case json::value_t::object: {
    auto* fields = out.mutable_struct_value()->mutable_fields();
    for (const auto& [key, v] : j.items())
      struct_value(v, (*fields)[key], json_child(path, key), depth + 1);
    break;
  }
  default: {
    double x = j.get<double>();
    // A setting is a double: refuse a whole number it cannot hold exactly.
    if ((j.is_number_unsigned() &&
         static_cast<wide>(x) != wide{j.get<uint64_t>()}) ||
        (j.is_number_integer() && !j.is_number_unsigned() &&
         static_cast<wide>(x) != wide{j.get<int64_t>()}))
      fail(path, j.dump() + " is too large to hold exactly (at most 2^53)");
    out.set_number_value(x);
  }
  }
}

/// google.protobuf.Struct, Value and ListValue (family settings); false
/// for any other message.
bool walker::well_known(const json& j, pb::Message& out,
                        const std::string& path) {
  const auto& name = out.GetDescriptor()->full_name();
  if (name == "google.protobuf.Value") {
    pb::Value v;
    struct_value(j, v, path);
    out.CopyFrom(v);
    return true;
  }
  if (name != "google.protobuf.Struct" && name != "google.protobuf.ListValue")
    return false;
  bool is_struct = name == "google.protobuf.Struct";
  if (is_struct ? !j.is_object() : !j.is_array()) {
    fail(path, wrong_type(j, is_struct ? "an object" : "an array"));
    return true;
  }
  pb::Value v;
  struct_value(j, v, path);
  if (is_struct)
    out.CopyFrom(v.struct_value());
  else
    out.CopyFrom(v.list_value());
  return true;
}

const json& walker::unquoted(const json& j, const pb::FieldDescriptor* f,
                             const std::string& path, json& storage) {
  using F = pb::FieldDescriptor;
  if (!options.azure || !j.is_string() ||
      f->options().GetExtension(schema::format) != schema::FORMAT_PLAIN)
    return j;
  const auto& text = j.get_ref<const std::string&>();
  switch (f->cpp_type()) {
  case F::CPPTYPE_BOOL:
    if (ascii_lower(text) != "true" && ascii_lower(text) != "false")
      return j;
    storage = ascii_lower(text) == "true";
    break;
  case F::CPPTYPE_STRING:
  case F::CPPTYPE_ENUM:
  case F::CPPTYPE_MESSAGE:
    return j;
  default: {
    // A whole number, or for a double field any JSON number.
    storage = json::parse(text, nullptr, false);
    bool whole = storage.is_number_integer();
    bool number = storage.is_number();
    bool wants_double =
        f->cpp_type() == F::CPPTYPE_DOUBLE || f->cpp_type() == F::CPPTYPE_FLOAT;
    if (!(wants_double ? number : whole) || text != storage.dump())
      return j;
  }
  }
  if (!f->options().GetExtension(schema::written_as_string))
    warn(path, "the string " + quote_json(text) + " read as " + storage.dump());
  return storage;
}

void walker::value(const json& quoted, pb::Message& out,
                   const pb::FieldDescriptor* f, const std::string& path) {
  using F = pb::FieldDescriptor;
  const auto* r = out.GetReflection();
  json storage;
  const json& j = unquoted(quoted, f, path, storage);
  bool rep = f->is_repeated();
  switch (f->cpp_type()) {
  case F::CPPTYPE_MESSAGE: {
    auto* m = rep ? r->AddMessage(&out, f) : r->MutableMessage(&out, f);
    message(j, *m, path);
    return;
  }
  case F::CPPTYPE_ENUM: {
    int number = 0;
    if (enum_value(j, f, path, number))
      rep ? r->AddEnumValue(&out, f, number) : r->SetEnumValue(&out, f, number);
    return;
  }
  case F::CPPTYPE_STRING:
    VMSS_ASSERT(f->type() != F::TYPE_BYTES,
                "the JSON reader takes no bytes fields");
    if (!j.is_string())
      fail(path, wrong_type(j, "a string"));
    else
      rep ? r->AddString(&out, f, j.get<std::string>())
          : r->SetString(&out, f, j.get<std::string>());
    return;
  case F::CPPTYPE_BOOL:
    if (!j.is_boolean())
      fail(path, wrong_type(j, "true or false"));
    else
      rep ? r->AddBool(&out, f, j.get<bool>())
          : r->SetBool(&out, f, j.get<bool>());
    return;
  case F::CPPTYPE_DOUBLE:
  case F::CPPTYPE_FLOAT:
    if (!j.is_number()) {
      fail(path, wrong_type(j, "a number"));
    } else if (f->cpp_type() == F::CPPTYPE_DOUBLE) {
      rep ? r->AddDouble(&out, f, j.get<double>())
          : r->SetDouble(&out, f, j.get<double>());
    } else {
      rep ? r->AddFloat(&out, f, j.get<float>())
          : r->SetFloat(&out, f, j.get<float>());
    }
    return;
  default:
    break;
  }
  wide x = 0;
  auto format = f->options().GetExtension(schema::format);
  if (format == schema::FORMAT_DURATION) {
    VMSS_ASSERT(f->cpp_type() == F::CPPTYPE_INT64,
                "a duration field is an int64 of nanoseconds");
    sim_time t = 0;
    if (!duration(j, path, t))
      return;
    x = t;
  } else if (format == schema::FORMAT_ISO8601_DURATION) {
    VMSS_ASSERT(f->cpp_type() == F::CPPTYPE_INT64,
                "a duration field is an int64 of nanoseconds");
    int64_t ns = 0;
    std::string why;
    if (!j.is_string()) {
      fail(path, wrong_type(j, "an ISO 8601 duration (e.g. PT30M)"));
      return;
    }
    if (!parse_iso8601_duration(j.get<std::string>(), ns, &why)) {
      fail(path, quote_json(j.get<std::string>()) + " " + why);
      return;
    }
    if (!within_bounds(f, ns, path, j))
      return;
    x = ns;
  } else if (!integer(j, f, path, x)) {
    return;
  }
  switch (f->cpp_type()) {
  case F::CPPTYPE_INT32:
    rep ? r->AddInt32(&out, f, static_cast<int32_t>(x))
        : r->SetInt32(&out, f, static_cast<int32_t>(x));
    break;
  case F::CPPTYPE_UINT32:
    rep ? r->AddUInt32(&out, f, static_cast<uint32_t>(x))
        : r->SetUInt32(&out, f, static_cast<uint32_t>(x));
    break;
  case F::CPPTYPE_INT64:
    rep ? r->AddInt64(&out, f, static_cast<int64_t>(x))
        : r->SetInt64(&out, f, static_cast<int64_t>(x));
    break;
  default:
    rep ? r->AddUInt64(&out, f, static_cast<uint64_t>(x))
        : r->SetUInt64(&out, f, static_cast<uint64_t>(x));
    break;
  }
}

/// Where each JSON value is while parsing, to name a duplicate key.
struct open_value {
  std::string path;
  bool array = false;
  size_t index = 0;           ///< next element of an array
  std::string key;            ///< last key of an object
  std::set<std::string> keys; ///< of an object
  std::string element() const {
    return array ? json_index(path, index) : json_child(path, key);
  }
};

} // namespace

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines)
    text += (text.empty() ? "" : "\n") + line;
  return text;
}

std::vector<std::string> lines_of(const std::vector<located_diagnostic>& es) {
  VMSS_ASSERT(!es.empty(), "an input error has at least one diagnostic");
  std::vector<std::string> out;
  for (const auto& e : es)
    out.push_back(e.line());
  return out;
}

} // namespace

std::string located_diagnostic::line() const {
  return file + ": " + (path.empty() ? "" : path + ": ") + reason;
}

std::vector<located_diagnostic> locate(const std::string& label,
                                       const std::vector<diagnostic>& errors) {
  std::vector<located_diagnostic> out;
  for (const auto& e : errors)
    out.push_back({label, e.path, e.reason});
  return out;
}

input_error::input_error(const std::string& label,
                         const std::vector<diagnostic>& errors)
    : input_error(locate(label, errors)) {
}

input_error::input_error(std::vector<located_diagnostic> errors)
    : std::runtime_error(joined(lines_of(errors))), errors_(std::move(errors)),
      lines_(lines_of(errors_)) {
}

std::string ascii_lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool same_ignoring_case(const std::string& a, const std::string& b) {
  return a.size() == b.size() && ascii_lower(a) == ascii_lower(b);
}

std::string json_kind(const json& j) {
  switch (j.type()) {
  case json::value_t::null:
    return "null";
  case json::value_t::boolean:
    return "a boolean";
  case json::value_t::string:
    return "a string";
  case json::value_t::array:
    return "an array";
  case json::value_t::object:
    return "an object";
  case json::value_t::number_float:
    return "a fraction";
  default:
    return "an integer";
  }
}

std::string json_child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string json_index(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string quote_json(const std::string& text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

json parse_json(const std::string& text, std::vector<diagnostic>& errors) {
  std::vector<open_value> open;
  auto ended = [&] {
    if (!open.empty() && open.back().array)
      ++open.back().index;
  };
  struct too_deep {};
  json::parser_callback_t cb = [&](int depth, json::parse_event_t event,
                                   json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
    case E::object_start:
    case E::array_start: {
      if (depth >= max_json_depth)
        throw too_deep{};
      open_value v;
      v.path = open.empty() ? "" : open.back().element();
      v.array = event == E::array_start;
      open.push_back(std::move(v));
      break;
    }
    case E::object_end:
    case E::array_end:
      open.pop_back();
      ended();
      break;
    case E::key: {
      auto& top = open.back();
      top.key = parsed.get<std::string>();
      if (!top.keys.insert(top.key).second)
        errors.push_back({top.element(), "duplicate key"});
      break;
    }
    case E::value:
      ended();
      break;
    }
    return true;
  };
  try {
    return json::parse(text, cb);
  } catch (const too_deep&) {
    errors.push_back(
        {open.back().element(),
         "nests deeper than " + std::to_string(max_json_depth) + " levels"});
    return json(json::value_t::discarded);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 3, ...".
    std::string what = e.what();
    auto close = what.find("] ");
    errors.push_back(
        {"", "not valid JSON: " +
                 (close == std::string::npos ? what : what.substr(close + 2))});
    return json(json::value_t::discarded);
  }
}

void read_message(const json& j, pb::Message& out, const std::string& path,
                  read_report& report, const read_options& options) {
  out.Clear();
  walker{report, options}.message(j, out, path);
}

void read_message(const json& j, pb::Message& out, const std::string& path,
                  std::vector<diagnostic>& errors) {
  read_report report;
  read_message(j, out, path, report);
  VMSS_ASSERT(report.warnings.empty() && report.not_modelled.empty(),
              "strict reads neither warn nor skip");
  errors.insert(errors.end(), report.errors.begin(), report.errors.end());
}

bool parse_iso8601_duration(const std::string& text, int64_t& ns,
                            std::string* why) {
  auto refuse = [&](const std::string& reason) {
    if (why)
      *why = reason;
    return false;
  };
  const std::string form =
      "is not an ISO 8601 duration (e.g. PT30M, PT1H30M, P1D)";
  if (text.size() < 3 || (text[0] != 'P' && text[0] != 'p'))
    return refuse(form);
  wide total = 0;
  bool in_time = false, any = false;
  // Units in the order ISO 8601 writes them; each at most once.
  const std::string date_units = "WD", time_units = "HMS";
  size_t next_date = 0, next_time = 0;
  size_t i = 1;
  while (i < text.size()) {
    char c =
        static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    if (c == 'T') {
      if (in_time)
        return refuse(form);
      in_time = true;
      ++i;
      if (i == text.size())
        return refuse(form);
      continue;
    }
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
      ++i;
    size_t whole_end = i;
    size_t frac_end = i;
    if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
      ++i;
      while (i < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[i])))
        ++i;
      frac_end = i;
    }
    if (whole_end == start || i == text.size() || whole_end - start > 12)
      return refuse(form);
    char unit =
        static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    ++i;
    if (!in_time && (unit == 'Y' || unit == 'M'))
      return refuse("uses years or months, whose length varies (give days: "
                    "P30D)");
    const auto& units = in_time ? time_units : date_units;
    auto& next = in_time ? next_time : next_date;
    auto at = units.find(unit);
    if (at == std::string::npos || at < next)
      return refuse(form);
    next = at + 1;
    bool fraction = frac_end > whole_end + 1;
    if ((fraction && unit != 'S') || (frac_end == whole_end + 1))
      return refuse(form + " (only seconds take a fraction)");
    wide unit_ns = 1'000'000'000;
    switch (unit) {
    case 'W':
      unit_ns *= 7 * 86400;
      break;
    case 'D':
      unit_ns *= 86400;
      break;
    case 'H':
      unit_ns *= 3600;
      break;
    case 'M':
      unit_ns *= 60;
      break;
    default:
      break;
    }
    total += wide{std::stoll(text.substr(start, whole_end - start))} * unit_ns;
    if (fraction) {
      auto digits = text.substr(whole_end + 1, frac_end - whole_end - 1);
      if (digits.size() > 9)
        return refuse("has more than 9 decimals of a second");
      digits.resize(9, '0');
      total += std::stoll(digits);
    }
    any = true;
  }
  if (!any)
    return refuse(form);
  if (total > INT64_MAX)
    return refuse("is too long");
  ns = static_cast<int64_t>(total);
  return true;
}

std::string format_iso8601_duration(int64_t ns) {
  VMSS_ASSERT(ns >= 0, "durations are not negative");
  constexpr int64_t second = 1'000'000'000;
  std::string out = "P";
  int64_t days = ns / (86400 * second);
  ns -= days * 86400 * second;
  if (days)
    out += std::to_string(days) + "D";
  if (ns == 0)
    return days ? out : "PT0S";
  out += "T";
  int64_t hours = ns / (3600 * second), minutes = ns / (60 * second) % 60;
  int64_t rest = ns % (60 * second);
  if (hours)
    out += std::to_string(hours) + "H";
  if (minutes)
    out += std::to_string(minutes) + "M";
  if (rest) {
    out += std::to_string(rest / second);
    if (rest % second) {
      auto frac = std::to_string(rest % second + second).substr(1);
      while (frac.back() == '0')
        frac.pop_back();
      out += "." + frac;
    }
    out += "S";
  }
  return out;
}

std::string did_you_mean(const std::string& word,
                         const std::vector<std::string>& known) {
  auto a = ascii_lower(word);
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const auto& candidate : known) {
    auto b = ascii_lower(candidate);
    // Edit distance counting a swap of two neighbours as one edit (optimal
    // string alignment), over three rows.
    std::vector<size_t> before(b.size() + 1), prev(b.size() + 1),
        row(b.size() + 1);
    for (size_t k = 0; k <= b.size(); ++k)
      row[k] = k;
    for (size_t i = 1; i <= a.size(); ++i) {
      before.swap(prev);
      prev.swap(row);
      row[0] = i;
      for (size_t k = 1; k <= b.size(); ++k) {
        row[k] = std::min({prev[k] + 1, row[k - 1] + 1,
                           prev[k - 1] + (a[i - 1] == b[k - 1] ? 0 : 1)});
        if (i > 1 && k > 1 && a[i - 1] == b[k - 2] && a[i - 2] == b[k - 1])
          row[k] = std::min(row[k], before[k - 2] + 1);
      }
    }
    if (row[b.size()] < best_distance) {
      best_distance = row[b.size()];
      best = candidate;
    }
  }
  size_t allowed = std::max<size_t>(1, std::min(a.size(), best.size()) / 3);
  return best_distance <= allowed ? best : std::string();
}

} // namespace vmss::input
