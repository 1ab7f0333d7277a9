#include "input/explain.hpp"

#include "input/json_reader.hpp"
#include "messages/field_format.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace vmss::input {

namespace {

namespace pb = google::protobuf;
using json = nlohmann::ordered_json;

/// Element `i` of `f` in `m` (i < 0: the singular value) as JSON.
json scalar(const pb::Message& m, const pb::FieldDescriptor* f, int i) {
  using F = pb::FieldDescriptor;
  const auto* r = m.GetReflection();
  bool rep = i >= 0;
  switch (f->cpp_type()) {
  case F::CPPTYPE_BOOL:
    return rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f);
  case F::CPPTYPE_STRING:
    return rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
  case F::CPPTYPE_ENUM:
    return (rep ? r->GetRepeatedEnum(m, f, i) : r->GetEnum(m, f))->name();
  case F::CPPTYPE_DOUBLE:
    return rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f);
  case F::CPPTYPE_FLOAT:
    return rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f);
  case F::CPPTYPE_INT32:
    return rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f);
  case F::CPPTYPE_UINT32:
    return rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f);
  case F::CPPTYPE_UINT64:
    return rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f);
  default:
    break;
  }
  int64_t x = rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f);
  if (f->options().GetExtension(schema::format) ==
      schema::FORMAT_ISO8601_DURATION)
    return format_iso8601_duration(x);
  return x;
}

struct explainer {
  const std::set<std::string>& defaulted;
  std::vector<explained_value> out;

  void add(const std::string& path, const json& value) {
    out.push_back({path, value.dump(), defaulted.count(path) > 0});
  }

  void message(const pb::Message& m, const std::string& path) {
    const auto* r = m.GetReflection();
    std::vector<const pb::FieldDescriptor*> fields;
    r->ListFields(m, &fields);
    // ListFields orders by field number; the input's order is the schema's.
    std::sort(fields.begin(), fields.end(),
              [](const pb::FieldDescriptor* a, const pb::FieldDescriptor* b) {
                return a->index() < b->index();
              });
    for (const auto* f : fields) {
      auto where = json_child(path, f->json_name());
      bool is_message = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
      if (f->is_map() || (is_message && f->message_type()->full_name().rfind(
                                            "google.protobuf.", 0) == 0)) {
        // Maps (tags) and free-form values are shown as they were read.
        json j = json::object();
        if (f->is_map())
          for (int i = 0; i < r->FieldSize(m, f); ++i) {
            const auto& entry = r->GetRepeatedMessage(m, f, i);
            const auto* d = entry.GetDescriptor();
            auto key = scalar(entry, d->map_key(), -1);
            j[key.is_string() ? key.get<std::string>() : key.dump()] =
                scalar(entry, d->map_value(), -1);
          }
        add(where, f->is_map() ? j : json("(free-form)"));
        continue;
      }
      if (!f->is_repeated()) {
        if (is_message)
          message(r->GetMessage(m, f), where);
        else
          add(where, scalar(m, f, -1));
        continue;
      }
      if (is_message) {
        for (int i = 0; i < r->FieldSize(m, f); ++i)
          message(r->GetRepeatedMessage(m, f, i),
                  json_index(where, static_cast<size_t>(i)));
        continue;
      }
      json list = json::array();
      for (int i = 0; i < r->FieldSize(m, f); ++i)
        list.push_back(scalar(m, f, i));
      add(where, list);
    }
  }
};

} // namespace

std::vector<explained_value> explain(const pb::Message& m,
                                     const std::string& path,
                                     const std::set<std::string>& defaulted) {
  explainer e{defaulted, {}};
  e.message(m, path);
  return std::move(e.out);
}

std::string explain_line(const explained_value& v) {
  return v.path + " = " + v.value + (v.defaulted ? " (default)" : "");
}

} // namespace vmss::input
