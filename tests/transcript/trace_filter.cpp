#include "tests/transcript/trace_filter.hpp"

#include "kernel/sim_time.hpp"

#include <nlohmann/json.hpp>

#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>

namespace vmss_test::transcript {

namespace {

using json = nlohmann::ordered_json;

/// Keys printed bare; every other field prints as `key=value`.
bool is_base_key(const std::string& key) {
  for (const char* base : {"t", "t_ns", "node", "entity", "kind", "event"})
    if (key == base)
      return true;
  return false;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep))
    out.push_back(part);
  if (!s.empty() && s.back() == sep)
    out.push_back("");
  return out;
}

column parse_column(const std::string& item, const std::string& term) {
  column c;
  auto slash = item.find('/');
  c.key = item.substr(0, slash);
  if (slash != std::string::npos) {
    auto n = item.substr(slash + 1);
    if (n.empty() || n.size() > 3 ||
        n.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(n) == 0)
      throw std::invalid_argument("filter term '" + term + "': '" + item +
                                  "': the segments after '/' must be a "
                                  "number from 1 to 999");
    c.segments = std::stoi(n);
  }
  if (c.key.empty())
    throw std::invalid_argument("filter term '" + term + "': empty field name");
  return c;
}

std::vector<column> parse_columns(const std::string& list,
                                  const std::string& term) {
  std::vector<column> out;
  for (const auto& item : split(list, ','))
    out.push_back(parse_column(item, term));
  return out;
}

match parse_match(const std::string& key, const std::string& list,
                  const std::string& term) {
  if (key == "t")
    throw std::invalid_argument("filter term '" + term +
                                "': 't' is printed, not matched (match t_ns)");
  match m{key, split(list, ',')};
  for (const auto& g : m.globs)
    if (g.empty())
      throw std::invalid_argument("filter term '" + term + "': an empty value");
  return m;
}

/// Applies a time bound `t>=D`, `t>D`, `t<=D` or `t<D` (D a duration as
/// vmss-sim reads it: 40s, 1.5ms) to `f`.
void parse_window(const std::string& term, filter& f) {
  bool lower = term[1] == '>';
  bool inclusive = term.size() > 2 && term[2] == '=';
  vmss::sim_time d = 0;
  std::string why;
  if (!vmss::parse_duration(term.substr(inclusive ? 3 : 2), d, &why))
    throw std::invalid_argument("filter term '" + term + "': " + why);
  if (lower)
    f.from_ns = std::max<long long>(f.from_ns, inclusive ? d : d + 1);
  else
    f.until_ns = std::min<long long>(f.until_ns, inclusive ? d : d - 1);
}

/// A field's value as printed and matched: strings unquoted.
std::string text_of(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string first_segments(const std::string& path, int segments) {
  size_t end = 0;
  for (int k = 0; k < segments; ++k, ++end) {
    end = path.find('/', end);
    if (end == std::string::npos)
      return path;
  }
  return path.substr(0, end - 1);
}

bool matches(const filter& f, const json& record) {
  auto t_ns = record.at("t_ns").get<long long>();
  if (t_ns < f.from_ns || t_ns > f.until_ns)
    return false;
  for (const auto& m : f.matches) {
    auto it = record.find(m.key);
    if (it == record.end())
      return false;
    auto value = text_of(*it);
    bool any = false;
    for (const auto& g : m.globs)
      any |= ::fnmatch(g.c_str(), value.c_str(), 0) == 0;
    if (!any)
      return false;
  }
  return true;
}

/// The columns of a filter without `fields=`: t, entity, event, then every
/// field of the record but the other base keys.
std::vector<column> default_columns(const json& record) {
  std::vector<column> out{{"t"}, {"entity"}, {"event"}};
  for (const auto& [key, value] : record.items())
    if (!is_base_key(key))
      out.push_back({key});
  return out;
}

std::string format_line(const std::vector<column>& columns,
                        const json& record) {
  std::string line;
  auto put = [&](const std::string& item) {
    line += (line.empty() ? "" : " ") + item;
  };
  for (const auto& c : columns) {
    if (c.key == "t") {
      put(format_time(record.at("t_ns").get<long long>()));
      continue;
    }
    auto it = record.find(c.key);
    if (it == record.end())
      continue; // a field this event does not have
    auto value = text_of(*it);
    if (c.segments > 0)
      value = first_segments(value, c.segments);
    put(is_base_key(c.key) ? value : c.key + "=" + value);
  }
  return line;
}

json parse_record(const std::string& line, size_t number) {
  auto record = json::parse(line, nullptr, false);
  if (record.is_discarded() || !record.is_object() ||
      !record.contains("t_ns") || !record["t_ns"].is_number_integer())
    throw std::invalid_argument("JSONL line " + std::to_string(number) +
                                ": not a trace record with an integer t_ns");
  return record;
}

/// Byte order, but a run of digits against a run of digits compares as a
/// number (demo-vmss/2 before demo-vmss/10); byte order breaks ties (010
/// before 10).
bool natural_less(const std::string& a, const std::string& b) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto number_at = [&](const std::string& s, size_t& i) {
    size_t start = i;
    while (i < s.size() && digit(s[i]))
      ++i;
    auto n = s.substr(start, i - start);
    return n.erase(0, std::min(n.find_first_not_of('0'), n.size()));
  };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      auto x = number_at(a, i), y = number_at(b, j);
      if (x != y)
        return x.size() != y.size() ? x.size() < y.size() : x < y;
    } else if (a[i] != b[j]) {
      return a[i] < b[j];
    } else {
      ++i, ++j;
    }
  }
  if (a.size() - i != b.size() - j)
    return a.size() - i < b.size() - j;
  return a < b;
}

/// The output so far: each line, the filter that made it and how many
/// records it stands for; per filter, the index of each distinct line.
struct collector {
  explicit collector(const std::vector<filter>& filters)
      : filters(filters), seen(filters.size()) {}

  const std::vector<filter>& filters;
  std::vector<std::string> lines;
  std::vector<size_t> owner, counts;
  std::vector<std::map<std::string, size_t>> seen;

  void add(size_t which, std::string line) {
    const auto& f = filters[which];
    if (f.unique || f.count) {
      auto [it, fresh] = seen[which].emplace(line, lines.size());
      if (!fresh) {
        ++counts[it->second];
        return;
      }
    }
    lines.push_back(std::move(line));
    owner.push_back(which);
    counts.push_back(1);
  }

  std::vector<std::string> finish() {
    std::vector<std::string> out;
    std::vector<std::vector<std::string>> sorted(filters.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto& f = filters[owner[i]];
      if (f.count)
        lines[i] += " (x" + std::to_string(counts[i]) + ")";
      (f.sort ? sorted[owner[i]] : out).push_back(std::move(lines[i]));
    }
    for (auto& some : sorted) {
      std::sort(some.begin(), some.end(), natural_less);
      out.insert(out.end(), some.begin(), some.end());
    }
    if (out.empty())
      out.push_back("(no records)");
    return out;
  }
};

} // namespace

filter parse_filter(const std::string& terms) {
  filter f;
  std::istringstream in(terms);
  std::string term;
  while (in >> term) {
    if (term == "unique" || term == "count" || term == "sort") {
      (term == "unique" ? f.unique : term == "count" ? f.count : f.sort) = true;
      continue;
    }
    if (term.rfind("t>", 0) == 0 || term.rfind("t<", 0) == 0) {
      parse_window(term, f);
      continue;
    }
    auto eq = term.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("filter term '" + term +
                                  "': expected KEY=VALUE[,VALUE...], "
                                  "t>=DURATION (>, <=, <), fields=..., "
                                  "unique, count or sort");
    auto key = term.substr(0, eq), value = term.substr(eq + 1);
    if (key == "fields")
      f.columns = parse_columns(value, term);
    else
      f.matches.push_back(parse_match(key, value, term));
  }
  if (f.unique && f.count)
    throw std::invalid_argument("filter: 'unique' and 'count' together "
                                "(count already prints each line once)");
  return f;
}

std::string format_time(long long t_ns) {
  const char* sign = t_ns < 0 ? "-" : "";
  unsigned long long abs_ns = t_ns < 0
                                  ? 0ULL - static_cast<unsigned long long>(t_ns)
                                  : static_cast<unsigned long long>(t_ns);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llus", sign,
                abs_ns / 1'000'000'000ULL, abs_ns % 1'000'000'000ULL / 1000);
  return buf;
}

std::vector<std::string> filter_trace(const std::vector<filter>& filters,
                                      std::istream& jsonl) {
  collector out(filters);
  std::string line;
  for (size_t number = 1; std::getline(jsonl, line); ++number) {
    if (line.empty())
      continue;
    auto record = parse_record(line, number);
    for (size_t k = 0; k < filters.size(); ++k) {
      if (!matches(filters[k], record))
        continue;
      const auto& columns = filters[k].columns;
      out.add(k,
              format_line(columns.empty() ? default_columns(record) : columns,
                          record));
      break;
    }
  }
  return out.finish();
}

} // namespace vmss_test::transcript
