/// manifest.json reading and writing (nlohmann_json). Every field is
/// required when reading; errors name the file, the field and the reason.

#include "kernel/trace_manifest.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace vmss::trace {

namespace {

using json = nlohmann::json;

constexpr int supported_format_version = 1;

std::string manifest_path(const std::string& dir) {
  return (std::filesystem::path(dir) / "manifest.json").string();
}

json to_json(const manifest& m) {
  json entities = json::array();
  for (const auto& e : m.entities)
    entities.push_back({{"path", e.path}, {"kind", e.kind}, {"node", e.node}});
  json shards = json::array();
  for (const auto& s : m.shards)
    shards.push_back({{"node", s.node},
                      {"file", s.file},
                      {"records", s.records},
                      {"bytes", s.bytes}});
  json j = json::object();
  j["format_version"] = m.format_version;
  j["scenario"] = m.scenario;
  j["seed"] = m.seed;
  j["nodes"] = m.nodes;
  j["lookahead_ns"] = m.lookahead_ns;
  j["end_t_ns"] = m.end_t_ns;
  j["events"] = m.events;
  j["shards"] = std::move(shards);
  j["entities"] = std::move(entities);
  return j;
}

/// Typed, range-checked access to manifest fields; failures throw
/// std::runtime_error("<file>: field '<name>': <reason>").
class field_reader {
public:
  explicit field_reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& field,
                         const std::string& reason) const {
    throw std::runtime_error(file_ + ": field '" + field + "': " + reason);
  }

  const json& member(const json& obj, const std::string& where,
                     const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end())
      fail(where + key, "missing");
    return *it;
  }

  const json& array(const json& obj, const std::string& where,
                    const char* key) const {
    const json& v = member(obj, where, key);
    if (!v.is_array())
      fail(where + key, "expected array, got " + describe(v));
    return v;
  }

  std::string string(const json& obj, const std::string& where,
                     const char* key) const {
    const json& v = member(obj, where, key);
    if (!v.is_string())
      fail(where + key, "expected string, got " + describe(v));
    return v.get<std::string>();
  }

  int64_t signed_int(const json& obj, const std::string& where,
                     const char* key) const {
    const json& v = member(obj, where, key);
    if (v.is_number_unsigned() &&
        v.get<uint64_t>() >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail(where + key, "value " + v.dump() + " out of range for int64");
    if (!v.is_number_integer())
      fail(where + key, "expected integer, got " + describe(v));
    return v.get<int64_t>();
  }

  uint64_t
  unsigned_int(const json& obj, const std::string& where, const char* key,
               uint64_t max = std::numeric_limits<uint64_t>::max()) const {
    const json& v = member(obj, where, key);
    if (!v.is_number_integer())
      fail(where + key, "expected unsigned integer, got " + describe(v));
    if (!v.is_number_unsigned() || v.get<uint64_t>() > max)
      fail(where + key, "value " + v.dump() + " out of range [0, " +
                            std::to_string(max) + "]");
    return v.get<uint64_t>();
  }

  uint32_t uint32(const json& obj, const std::string& where,
                  const char* key) const {
    return static_cast<uint32_t>(
        unsigned_int(obj, where, key, std::numeric_limits<uint32_t>::max()));
  }

private:
  static std::string describe(const json& v) {
    std::string text = v.dump();
    if (text.size() > 40)
      text = text.substr(0, 37) + "...";
    return std::string(v.type_name()) + " " + text;
  }

  std::string file_;
};

std::string element(const char* array, size_t i) {
  return std::string(array) + "[" + std::to_string(i) + "].";
}

std::vector<entity_info> read_entities(const field_reader& r, const json& j) {
  std::vector<entity_info> out;
  const json& arr = r.array(j, "", "entities");
  out.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string where = element("entities", i);
    if (!arr[i].is_object())
      r.fail(where.substr(0, where.size() - 1), "expected object");
    out.push_back(entity_info{r.string(arr[i], where, "path"),
                              r.string(arr[i], where, "kind"),
                              r.uint32(arr[i], where, "node")});
  }
  return out;
}

std::vector<shard_info> read_shards(const field_reader& r, const json& j) {
  std::vector<shard_info> out;
  const json& arr = r.array(j, "", "shards");
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string where = element("shards", i);
    if (!arr[i].is_object())
      r.fail(where.substr(0, where.size() - 1), "expected object");
    out.push_back(shard_info{r.uint32(arr[i], where, "node"),
                             r.string(arr[i], where, "file"),
                             r.unsigned_int(arr[i], where, "records"),
                             r.unsigned_int(arr[i], where, "bytes")});
  }
  return out;
}

manifest from_json(const field_reader& r, const json& j) {
  if (!j.is_object())
    r.fail("(root)", "expected a JSON object");
  manifest m;
  m.format_version = static_cast<int>(r.signed_int(j, "", "format_version"));
  if (m.format_version != supported_format_version)
    r.fail("format_version",
           "unsupported version " + std::to_string(m.format_version) +
               " (this build reads " +
               std::to_string(supported_format_version) + ")");
  m.scenario = r.string(j, "", "scenario");
  m.seed = r.unsigned_int(j, "", "seed");
  m.nodes = r.uint32(j, "", "nodes");
  m.lookahead_ns = r.signed_int(j, "", "lookahead_ns");
  m.end_t_ns = r.signed_int(j, "", "end_t_ns");
  m.events = r.unsigned_int(j, "", "events");
  m.shards = read_shards(r, j);
  m.entities = read_entities(r, j);
  return m;
}

} // namespace

void write_manifest(const std::string& dir, const manifest& m) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error(
        dir + ": cannot create trace directory: " + ec.message());
  std::string path = manifest_path(dir);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  out << to_json(m).dump(1) << '\n';
  out.flush();
  if (!out)
    throw std::runtime_error(path + ": write failed");
}

manifest read_manifest(const std::string& dir) {
  std::string path = manifest_path(dir);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  json j;
  try {
    j = json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": invalid JSON: " + e.what());
  }
  return from_json(field_reader(path), j);
}

} // namespace vmss::trace
