/// record_filter: the export options' window and selections.

#include "analysis/record_filter.hpp"
#include "kernel/sim_time.hpp"

#include <algorithm>
#include <stdexcept>

namespace vmss::analysis {

namespace {

int64_t parse_bound(const char* option, const std::string& text,
                    int64_t unbounded) {
  if (text.empty())
    return unbounded;
  sim_time t{};
  std::string why;
  if (!parse_duration(text, t, &why))
    throw std::invalid_argument(std::string(option) + " '" + text +
                                "': " + why);
  return t;
}

/// Splits "a,b,c" into its names; refuses an empty one.
std::vector<std::string> split_names(const std::string& spec,
                                     std::string_view list) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    std::string_view name = list.substr(
        start, comma == std::string_view::npos ? list.npos : comma - start);
    if (name.empty())
      throw std::invalid_argument("--filter '" + spec +
                                  "': empty name in the list");
    names.emplace_back(name);
    if (comma == std::string_view::npos)
      return names;
    start = comma + 1;
  }
}

void add_spec(const std::string& spec, record_filter& f) {
  auto eq = spec.find('=');
  std::string_view key = std::string_view(spec).substr(0, eq);
  if (eq == std::string::npos || (key != "event" && key != "path"))
    throw std::invalid_argument(
        "--filter '" + spec +
        "': expected event=NAME[,NAME...] or path=PREFIX[,PREFIX...]");
  auto names = split_names(spec, std::string_view(spec).substr(eq + 1));
  for (auto& name : names) {
    if (key == "path" && name.back() == '/')
      name.pop_back();
    if (name.empty())
      throw std::invalid_argument("--filter '" + spec + "': empty path");
  }
  auto& into = key == "event" ? f.events : f.paths;
  into.insert(into.end(), names.begin(), names.end());
}

} // namespace

bool record_filter::event_selected(std::string_view event) const {
  return events.empty() ||
         std::find(events.begin(), events.end(), event) != events.end();
}

bool record_filter::path_selected(std::string_view path) const {
  if (paths.empty())
    return true;
  for (const auto& prefix : paths)
    if (path.substr(0, prefix.size()) == prefix &&
        (path.size() == prefix.size() || path[prefix.size()] == '/'))
      return true;
  return false;
}

bool record_filter::all() const {
  return from_ns == std::numeric_limits<int64_t>::min() &&
         to_ns == std::numeric_limits<int64_t>::max() && events.empty() &&
         paths.empty();
}

record_filter make_record_filter(const std::string& from, const std::string& to,
                                 const std::vector<std::string>& specs) {
  record_filter f;
  f.from_ns = parse_bound("--from", from, f.from_ns);
  f.to_ns = parse_bound("--to", to, f.to_ns);
  if (f.from_ns >= f.to_ns)
    throw std::invalid_argument("--from " + from + " --to " + to +
                                ": --from must be before --to");
  for (const auto& spec : specs)
    add_spec(spec, f);
  return f;
}

} // namespace vmss::analysis
