#pragma once
/// The effective model of an input, as `vmss-sim validate --explain` shows
/// it: one line per value set in a message read by input/json_reader.hpp
/// ("properties.upgradePolicy.mode = \"Rolling\""), JSON paths and values
/// as the input writes them, with the values Azure's defaults filled
/// marked. No CAF.

#include <set>
#include <string>
#include <vector>

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace vmss::input {

struct explained_value {
  std::string path;  ///< JSON path ("properties.overprovision")
  std::string value; ///< as JSON ("true", "\"PT30M\"", "[\"1\",\"2\"]")
  bool defaulted = false;
};

/// Every value set in `m` (scalars, enums, strings; repeated scalars as one
/// JSON array), depth first in field order, paths under `path`.
/// `defaulted` holds the paths whose values a default filled.
std::vector<explained_value> explain(const google::protobuf::Message& m,
                                     const std::string& path,
                                     const std::set<std::string>& defaulted);

/// "PATH = VALUE" or "PATH = VALUE (default)".
std::string explain_line(const explained_value& v);

} // namespace vmss::input
