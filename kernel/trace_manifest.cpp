/// manifest.json reading and writing (nlohmann_json). Every field but
/// `complete` and `complete_until_ns` is required when reading; errors name
/// the file, the field and the reason. Nothing here recurses on input depth:
/// parsing stops at max_json_depth and error messages quote values without
/// dump()ing containers.

#include "kernel/trace_manifest.hpp"

#include "kernel/trace_sink.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace vmss::trace {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int supported_format_version = 1;
constexpr int max_json_depth = 64;      ///< the manifest needs 3
constexpr size_t max_path_bytes = 1024; ///< of an entity path
constexpr size_t max_kind_bytes = 64;
constexpr size_t quoted_chars = 40; ///< of a value quoted in an error
constexpr uint64_t int64_max = std::numeric_limits<int64_t>::max();
const char* const manifest_name = "manifest.json";

std::string manifest_path(const std::string& dir) {
  return (fs::path(dir) / manifest_name).string();
}

/// A string as a JSON literal, at most quoted_chars of it.
std::string quote(const std::string& s) {
  bool cut = s.size() > quoted_chars;
  json text = cut ? s.substr(0, quoted_chars - 3) : s;
  return text.dump(-1, ' ', false, json::error_handler_t::replace) +
         (cut ? "..." : "");
}

/// Type and a bounded rendering of `v`: containers by size, never dumped.
std::string describe(const json& v) {
  std::string text;
  if (v.is_array())
    text = "of " + std::to_string(v.size()) + " elements";
  else if (v.is_object())
    text = "of " + std::to_string(v.size()) + " members";
  else if (v.is_string())
    text = quote(v.get_ref<const std::string&>());
  else
    text = v.dump();
  return std::string(v.type_name()) + " " + text;
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
  j["complete"] = m.complete;
  if (!m.complete)
    j["complete_until_ns"] = m.complete_until_ns;
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

  bool boolean(const json& obj, const std::string& where,
               const char* key) const {
    const json& v = member(obj, where, key);
    if (!v.is_boolean())
      fail(where + key, "expected boolean, got " + describe(v));
    return v.get<bool>();
  }

  int64_t signed_int(const json& obj, const std::string& where,
                     const char* key) const {
    const json& v = member(obj, where, key);
    if (v.is_number_unsigned() && v.get<uint64_t>() > int64_max)
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

  /// A duration: int64 that must not be negative.
  int64_t duration_ns(const json& obj, const std::string& where,
                      const char* key) const {
    return static_cast<int64_t>(unsigned_int(obj, where, key, int64_max));
  }

private:
  std::string file_;
};

std::string element(const char* array, size_t i) {
  return std::string(array) + "[" + std::to_string(i) + "].";
}

const json& element_object(const field_reader& r, const json& arr, size_t i,
                           const std::string& where) {
  if (!arr[i].is_object())
    r.fail(where.substr(0, where.size() - 1),
           "expected object, got " + describe(arr[i]));
  return arr[i];
}

void check_entity_path(const field_reader& r, const std::string& field,
                       const std::string& path) {
  if (path.empty())
    r.fail(field, "empty path");
  if (path.size() > max_path_bytes)
    r.fail(field, "path of " + std::to_string(path.size()) +
                      " bytes (at most " + std::to_string(max_path_bytes) +
                      ")");
  for (char c : path)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      r.fail(field, "control character in path " + quote(path));
}

void check_entity_kind(const field_reader& r, const std::string& field,
                       const std::string& kind) {
  bool sane = !kind.empty() && kind.size() <= max_kind_bytes;
  for (char c : kind)
    sane =
        sane && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!sane)
    r.fail(field, "kind " + quote(kind) + " is not 1 to " +
                      std::to_string(max_kind_bytes) +
                      " characters of a-z, 0-9 and _");
}

void check_node(const field_reader& r, const std::string& field, uint32_t node,
                uint32_t nodes) {
  if (node >= nodes)
    r.fail(field, "node " + std::to_string(node) + " out of range (nodes is " +
                      std::to_string(nodes) + ")");
}

std::vector<entity_info> read_entities(const field_reader& r, const json& j,
                                       uint32_t nodes) {
  std::vector<entity_info> out;
  const json& arr = r.array(j, "", "entities");
  if (arr.size() > std::numeric_limits<uint32_t>::max())
    r.fail("entities", "more entities than 32-bit ids can name");
  out.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string where = element("entities", i);
    const json& e = element_object(r, arr, i, where);
    out.push_back(entity_info{r.string(e, where, "path"),
                              r.string(e, where, "kind"),
                              r.uint32(e, where, "node")});
    check_entity_path(r, where + "path", out.back().path);
    check_entity_kind(r, where + "kind", out.back().kind);
    check_node(r, where + "node", out.back().node, nodes);
  }
  std::unordered_map<std::string_view, size_t> first;
  first.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    auto [it, fresh] = first.emplace(out[i].path, i);
    if (!fresh)
      r.fail(element("entities", i) + "path",
             "duplicate path " + quote(out[i].path) + " (also entities[" +
                 std::to_string(it->second) + "])");
  }
  return out;
}

/// A shard's file must be the name the writer gives it: a plain name inside
/// the trace directory, never a path that could lead out of it.
void check_shard_file(const field_reader& r, const std::string& field,
                      const std::string& file, uint32_t node) {
  if (file.empty())
    r.fail(field, "empty file name");
  if (file.front() == '/')
    r.fail(field, "absolute path " + quote(file) +
                      "; a shard is a file name inside the trace directory");
  if (file.find_first_of(std::string("/\\\0", 3)) != std::string::npos)
    r.fail(field, quote(file) + " contains a path separator; a shard is a "
                                "file name inside the trace directory");
  if (file == "." || file == "..")
    r.fail(field, quote(file) + " is not a file inside the trace directory");
  if (file != shard_file_name(node))
    r.fail(field, quote(file) + ": the shard of node " + std::to_string(node) +
                      " is '" + shard_file_name(node) + "'");
}

/// Exactly one shard per node 0..nodes-1, each named shard_file_name(node).
std::vector<shard_info> read_shards(const field_reader& r, const json& j,
                                    uint32_t nodes) {
  std::vector<shard_info> out;
  const json& arr = r.array(j, "", "shards");
  std::unordered_map<uint32_t, size_t> index_of_node;
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string where = element("shards", i);
    const json& s = element_object(r, arr, i, where);
    out.push_back(shard_info{r.uint32(s, where, "node"),
                             r.string(s, where, "file"),
                             r.unsigned_int(s, where, "records"),
                             r.unsigned_int(s, where, "bytes")});
    uint32_t node = out.back().node;
    check_node(r, where + "node", node, nodes);
    auto [it, fresh] = index_of_node.emplace(node, i);
    if (!fresh)
      r.fail(where + "node", "node " + std::to_string(node) +
                                 " has a shard already (shards[" +
                                 std::to_string(it->second) + "])");
    check_shard_file(r, where + "file", out.back().file, node);
  }
  for (uint32_t node = 0; out.size() < nodes; ++node)
    if (index_of_node.count(node) == 0)
      r.fail("shards", "no shard for node " + std::to_string(node) +
                           " (nodes is " + std::to_string(nodes) + ")");
  return out;
}

void read_completeness(const field_reader& r, const json& j, manifest& m) {
  m.complete = j.contains("complete") ? r.boolean(j, "", "complete") : true;
  if (!m.complete)
    m.complete_until_ns = r.signed_int(j, "", "complete_until_ns");
  else if (j.contains("complete_until_ns"))
    r.fail("complete_until_ns", "only allowed when complete is false");
}

manifest from_json(const field_reader& r, const json& j) {
  if (!j.is_object())
    r.fail("(root)", "expected a JSON object, got " + describe(j));
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
  if (m.nodes == 0)
    r.fail("nodes", "must be at least 1");
  m.lookahead_ns = r.duration_ns(j, "", "lookahead_ns");
  m.end_t_ns = r.signed_int(j, "", "end_t_ns");
  m.events = r.unsigned_int(j, "", "events");
  read_completeness(r, j, m);
  m.shards = read_shards(r, j, m.nodes);
  m.entities = read_entities(r, j, m.nodes);
  return m;
}

std::string read_all(const std::string& path) {
  trace_file file(path);
  std::string text(file.size(), '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(file.fd(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw std::runtime_error(path + ": read failed: " + std::strerror(errno));
    if (n == 0)
      break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

/// Refuses nesting deeper than max_json_depth before parsing: brackets
/// outside strings, exact for valid JSON (invalid JSON fails in the parser).
/// A scan, not nlohmann's parse callback, whose end_object is quadratic in
/// the length of an array of objects (3.11.2).
void check_depth(const std::string& path, const std::string& text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth)
        throw std::runtime_error(path + ": invalid JSON: nested deeper than " +
                                 std::to_string(max_json_depth) +
                                 " levels at byte " + std::to_string(i));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

json parse_bounded(const std::string& path, const std::string& text) {
  check_depth(path, text);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": invalid JSON: " + e.what());
  }
}

} // namespace

void write_manifest(const std::string& dir, const manifest& m) {
  std::error_code ec;
  fs::create_directories(dir, ec);
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
  json j = parse_bounded(path, read_all(path)); // the text freed here
  return from_json(field_reader(path), j);
}

} // namespace vmss::trace
