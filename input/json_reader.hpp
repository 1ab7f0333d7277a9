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

/// An error of one file: which file ("scenarios/web.json"), where in its
/// JSON (may be empty) and why.
struct located_diagnostic {
  std::string file;
  std::string path;
  std::string reason;
  /// "FILE: PATH: REASON" ("FILE: REASON" without a path).
  std::string line() const;
};

/// The errors of an input, possibly across the files it references, each
/// line "FILE: PATH: REASON" (what() joins them with newlines). The runners
/// print them and exit 2.
class input_error : public std::runtime_error {
public:
  input_error(const std::string& label, const std::vector<diagnostic>& errors);
  explicit input_error(std::vector<located_diagnostic> errors);

  const std::vector<std::string>& lines() const { return lines_; }
  const std::vector<located_diagnostic>& errors() const { return errors_; }

private:
  std::vector<located_diagnostic> errors_;
  std::vector<std::string> lines_;
};

/// Each of `errors` located in the file `label`.
std::vector<located_diagnostic> locate(const std::string& label,
                                       const std::vector<diagnostic>& errors);

/// ASCII lower case of `text`.
std::string ascii_lower(std::string text);

/// Whether `a` and `b` are equal ignoring ASCII letter case (Azure's
/// names, resource types and enum values).
bool same_ignoring_case(const std::string& a, const std::string& b);

/// What a JSON value is, for "is X, not Y": "null", "a boolean", "a
/// string", "an array", "an object", "a fraction" or "an integer".
std::string json_kind(const nlohmann::ordered_json& j);

/// `path` + "." + `key`, or `key` at the root.
std::string json_child(const std::string& path, const std::string& key);
/// `path` + "[" + index + "]".
std::string json_index(const std::string& path, size_t index);

/// How deep JSON may nest: values are copied recursively (a limit of ours).
inline constexpr int max_json_depth = 256;

/// Parses JSON text, appending a diagnostic for a syntax error (with line
/// and column), for nesting deeper than max_json_depth, or for each object
/// key given twice (nlohmann would keep the last silently). Returns a
/// discarded value on a syntax error or too deep a nesting.
nlohmann::ordered_json parse_json(const std::string& text,
                                  std::vector<diagnostic>& errors);

/// How strictly JSON is read.
struct read_options {
  /// Azure's leniency (docs/azure-input.md): a boolean may be written as
  /// the string "true"/"false" and a number as a numeric string (real ARM
  /// templates contain both); enum values and field names match ignoring
  /// letter case. Each such value is read, with a warning naming it.
  bool azure = false;
};

/// What one read found besides the values: errors, warnings, and the paths
/// of the fields the model does not simulate ((vmss.schema.not_modelled)),
/// each once, in document order.
struct read_report {
  std::vector<diagnostic> errors;
  std::vector<diagnostic> warnings;
  std::vector<std::string> not_modelled;
};

/// Fills `out` (cleared first) from `j` against out's descriptor; `path` is
/// where `j` is in its document. Appends to `report` every problem and
/// every field not modelled, and sets what it could read.
void read_message(const nlohmann::ordered_json& j,
                  google::protobuf::Message& out, const std::string& path,
                  read_report& report, const read_options& options = {});

/// read_message with strict options, appending errors only (scenario files,
/// which have no field that is not modelled).
void read_message(const nlohmann::ordered_json& j,
                  google::protobuf::Message& out, const std::string& path,
                  std::vector<diagnostic>& errors);

/// Parses an ISO 8601 duration as Azure writes them ("PT30M", "P1DT2H",
/// "PT0.5S", "P1W"; years and months are refused: their length varies) into
/// nanoseconds. On failure returns false and says why in `why`.
bool parse_iso8601_duration(const std::string& text, int64_t& ns,
                            std::string* why = nullptr);

/// `ns` written as an ISO 8601 duration ("PT1H30M", "PT0S").
std::string format_iso8601_duration(int64_t ns);

/// The closest of `known` to `word` (letter case ignored) if it is close
/// enough to be a likely typo; empty otherwise.
std::string did_you_mean(const std::string& word,
                         const std::vector<std::string>& known);

/// `text` quoted as JSON, invalid UTF-8 replaced.
std::string quote_json(const std::string& text);

} // namespace vmss::input
