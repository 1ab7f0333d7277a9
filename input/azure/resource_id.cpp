#include "input/azure/resource_id.hpp"

#include "input/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace vmss::input::azure {

namespace {

bool refuse(std::string* why, const std::string& reason) {
  if (why)
    *why = reason;
  return false;
}

/// The segments of "/a/b/c"; false if a segment is empty.
bool split_segments(const std::string& text, std::vector<std::string>& out) {
  size_t start = 1;
  while (start <= text.size()) {
    auto slash = text.find('/', start);
    if (slash == std::string::npos)
      slash = text.size();
    if (slash == start)
      return false;
    out.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
  return true;
}

/// Resource group names: 1 to 90 characters, not ending in a period
/// (Azure's naming rules for Microsoft.Resources/resourceGroups).
constexpr size_t max_resource_group_chars = 90;

} // namespace

bool parse_resource_id(const std::string& text, resource_id& out,
                       std::string* why) {
  const std::string form =
      "is not a resource id (/subscriptions/{id}/resourceGroups/{group}/"
      "providers/{namespace}/{type}/{name})";
  std::vector<std::string> s;
  if (text.empty() || text[0] != '/' || !split_segments(text, s))
    return refuse(why, form);
  if (s.size() < 2 || !same_ignoring_case(s[0], "subscriptions"))
    return refuse(why, form);
  resource_id id;
  id.subscription = s[1];
  size_t i = 2;
  if (i + 1 < s.size() && same_ignoring_case(s[i], "resourceGroups")) {
    id.resource_group = s[i + 1];
    if (id.resource_group.size() > max_resource_group_chars ||
        id.resource_group.back() == '.')
      return refuse(why, "names the resource group " + id.resource_group +
                             ", which is not a valid name (at most 90 "
                             "characters, not ending in a period)");
    i += 2;
  }
  // providers/{namespace}/{type}/{name}[/{type}/{name}]...
  if (s.size() < i + 4 || !same_ignoring_case(s[i], "providers") ||
      (s.size() - i) % 2 != 0)
    return refuse(why, form);
  id.type = s[i + 1];
  for (size_t k = i + 2; k < s.size(); k += 2) {
    id.type += "/" + s[k];
    id.name += (id.name.empty() ? "" : "/") + s[k + 1];
  }
  out = std::move(id);
  return true;
}

bool same_resource(const resource_id& a, const resource_id& b) {
  return same_ignoring_case(a.subscription, b.subscription) &&
         same_ignoring_case(a.resource_group, b.resource_group) &&
         same_ignoring_case(a.type, b.type) &&
         same_ignoring_case(a.name, b.name);
}

bool is_of_type(const resource_id& id, const std::string& type) {
  return same_ignoring_case(id.type, type);
}

} // namespace vmss::input::azure
