#pragma once
// The records of a `vmss-sim trace export --format jsonl` output, with just
// enough parsing for tests: time, entity, kind, event and any other field.

#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace vmss_test {

struct jsonl_record {
  long long t_ns = -1;
  std::string line;

  /// The value of `"key":...` (strings unquoted), or "" if absent.
  std::string field(const std::string& key) const {
    std::smatch m;
    std::regex re("\"" + key + "\":(\"([^\"]*)\"|([^,}]*))");
    if (!std::regex_search(line, m, re))
      return "";
    return m[2].matched ? m[2].str() : m[3].str();
  }
  std::string entity() const { return field("entity"); }
  std::string event() const { return field("event"); }
};

inline std::vector<jsonl_record> parse_jsonl(const std::string& text) {
  std::vector<jsonl_record> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("{\"t_ns\":", 0) != 0)
      continue;
    jsonl_record r;
    r.line = line;
    r.t_ns = std::stoll(r.field("t_ns"));
    out.push_back(std::move(r));
  }
  return out;
}

/// The records of `event`, optionally only those of `entity`.
inline std::vector<jsonl_record> having(const std::vector<jsonl_record>& all,
                                        const std::string& event,
                                        const std::string& entity = "") {
  std::vector<jsonl_record> out;
  for (const auto& r : all)
    if (r.event() == event && (entity.empty() || r.entity() == entity))
      out.push_back(r);
  return out;
}

inline bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace vmss_test
