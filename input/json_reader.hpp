#pragma once
/// Reads JSON into a protobuf message by walking the message's Descriptor,
/// generically (scenario files today, Azure's JSON next). It follows
/// protobuf's JSON mapping (camelCase names, enums by name, repeated fields
/// as arrays, maps and google.protobuf.Struct as objects, null as "not
/// given") with the options of messages/field_format.proto (durations,
/// required keys, integer bounds), and collects every error with its JSON
/// path and the reason instead of stopping at the first: unknown fields
/// (with a did-you-mean), wrong JSON types, duplicate keys, out-of-range
/// integers, unknown enum values, two fields of one oneof. No CAF in here.

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace vmss::input {

/// One error: where in the JSON ("timeline[3].at"; empty: the whole
/// document) and why ("\"30\" is not a duration (give a unit: 30s)").
struct diagnostic {
  std::string path;
  std::string reason;
};

/// The errors of one input, each line "LABEL: PATH: REASON" (what() joins
/// them with newlines). The runners print them and exit 2.
class input_error : public std::runtime_error {
public:
  input_error(const std::string& label, const std::vector<diagnostic>& errors);

  const std::vector<std::string>& lines() const { return lines_; }

private:
  explicit input_error(std::vector<std::string> lines);
  std::vector<std::string> lines_;
};

/// `path` + "." + `key`, or `key` at the root.
std::string json_child(const std::string& path, const std::string& key);
/// `path` + "[" + index + "]".
std::string json_index(const std::string& path, size_t index);

/// Parses JSON text, appending a diagnostic for a syntax error (with line
/// and column) or for each object key given twice (nlohmann would keep the
/// last silently). Returns a discarded value on a syntax error.
nlohmann::ordered_json parse_json(const std::string& text,
                                  std::vector<diagnostic>& errors);

/// Fills `out` (cleared first) from `j` against out's descriptor; `path` is
/// where `j` is in its document. Appends a diagnostic for every problem and
/// sets what it could read.
void read_message(const nlohmann::ordered_json& j,
                  google::protobuf::Message& out, const std::string& path,
                  std::vector<diagnostic>& errors);

/// The closest of `known` to `word` (letter case ignored) if it is close
/// enough to be a likely typo; empty otherwise.
std::string did_you_mean(const std::string& word,
                         const std::vector<std::string>& known);

/// `text` quoted as JSON, invalid UTF-8 replaced.
std::string quote_json(const std::string& text);

} // namespace vmss::input
