// The generic JSON reader (input/json_reader.hpp) on a schema with every
// kind of field: each error names the JSON path and the reason, and every
// error of a document is reported, not only the first.

#include "input/json_reader.hpp"
#include "tests/input/test_schema.pb.h"

#include <gtest/gtest.h>

namespace {

using namespace vmss::input;

/// "PATH: REASON" of each error reading `text` into `out`.
std::vector<std::string> read(const std::string& text,
                              google::protobuf::Message& out) {
  std::vector<diagnostic> errors;
  auto j = parse_json(text, errors);
  if (!j.is_discarded())
    read_message(j, out, "", errors);
  std::vector<std::string> lines;
  for (const auto& e : errors)
    lines.push_back(e.path + ": " + e.reason);
  return lines;
}

std::vector<std::string> errors_of(const std::string& text) {
  vmss::test::Everything out;
  return read(text, out);
}

using lines = std::vector<std::string>;

TEST(json_reader, reads_every_kind_of_field) {
  vmss::test::Everything m;
  auto errors = read(R"({"tags": {"a": "x", "b": "y"},
    "byNumber": {"-3": {"label": "minus three"}}, "ratio": 0.25,
    "fraction": 2, "flag": true, "small": -7,
    "big": [18446744073709551615, 0], "bounded": 5, "waits": ["90s", "1.5ms"],
    "anything": {"k": [1, "two", null, false]}, "list": [{"x": 1}],
    "inner": [{"label": "one"}, {"label": "two"}]})",
                     m);
  EXPECT_EQ(errors, lines{});
  EXPECT_EQ(m.tags().at("b"), "y");
  EXPECT_EQ(m.by_number().at(-3).label(), "minus three");
  EXPECT_EQ(m.ratio(), 0.25);
  EXPECT_EQ(m.fraction(), 2.0f);
  EXPECT_TRUE(m.flag());
  EXPECT_EQ(m.small(), -7);
  ASSERT_EQ(m.big_size(), 2);
  EXPECT_EQ(m.big(0), UINT64_MAX);
  EXPECT_EQ(m.bounded(), 5);
  ASSERT_EQ(m.waits_ns_size(), 2);
  EXPECT_EQ(m.waits_ns(0), 90'000'000'000);
  EXPECT_EQ(m.waits_ns(1), 1'500'000);
  const auto& k = m.anything().struct_value().fields().at("k").list_value();
  ASSERT_EQ(k.values_size(), 4);
  EXPECT_EQ(k.values(1).string_value(), "two");
  EXPECT_EQ(m.list().values(0).struct_value().fields().at("x").number_value(),
            1.0);
  EXPECT_EQ(m.inner(1).label(), "two");
}

TEST(json_reader, unknown_fields_suggest_the_closest_name_or_list_them) {
  EXPECT_EQ(errors_of(R"({"inner": [{"label": "a"}, {"lable": "b"}]})"),
            (lines{"inner[1].lable: unknown field (did you mean label?)",
                   "inner[1].label: missing (required)"}));
  EXPECT_EQ(errors_of(R"({"inner": [{"label": "a", "zzzzz": 1}]})"),
            lines{"inner[0].zzzzz: unknown field (fields: label)"});
  // Protobuf's original field names are not JSON names here.
  EXPECT_EQ(errors_of(R"({"by_number": {}})"),
            lines{"by_number: unknown field (did you mean byNumber?)"});
}

TEST(json_reader, wrong_json_types_name_what_was_given_and_wanted) {
  EXPECT_EQ(errors_of(R"({"tags": [], "ratio": "1", "flag": 1, "small": 1.5,
    "big": 3, "inner": {}, "waits": [90], "list": {}})"),
            (lines{"tags: is an array, not an object",
                   "ratio: is a string, not a number",
                   "flag: is an integer, not true or false",
                   "small: is a fraction, not a whole number",
                   "big: is an integer, not an array",
                   "inner: is an object, not an array",
                   "waits[0]: is an integer, not a duration string (e.g. 90s)",
                   "list: is an object, not an array"}));
}

TEST(json_reader, integers_out_of_their_type_or_bounds_are_errors) {
  EXPECT_EQ(errors_of(R"({"small": 2147483648, "big": [-1], "bounded": -6,
    "byNumber": {"x": {"label": "a"}, "2147483648": {"label": "b"}}})"),
            (lines{"small: 2147483648 is out of range (-2147483648 to "
                   "2147483647)",
                   "big[0]: -1 is out of range (0 to 18446744073709551615)",
                   "bounded: -6 is out of range (-5 to 5)",
                   "byNumber.x: key \"x\" is not a whole number (decimal "
                   "digits)",
                   "byNumber.2147483648: 2147483648 is out of range "
                   "(-2147483648 to 2147483647)"}));
}

TEST(json_reader, duplicate_keys_are_named_by_their_path) {
  EXPECT_EQ(errors_of(R"({"flag": true, "inner": [{"label": "a"},
    {"label": "b", "label": "c"}], "anything": {"x": [{"y": 1, "y": 2}]},
    "flag": false})"),
            (lines{"inner[1].label: duplicate key",
                   "anything.x[0].y: duplicate key", "flag: duplicate key"}));
}

TEST(json_reader, syntax_errors_give_line_and_column) {
  auto errors = errors_of("{\"flag\": true,\n  \"small\": }");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find(": not valid JSON: parse error at line 2, column "
                           "12"),
            std::string::npos)
      << errors[0];
}

TEST(json_reader, null_means_not_given_but_not_for_a_required_field) {
  vmss::test::Everything m;
  EXPECT_EQ(read(R"({"small": null, "inner": [{"label": null}]})", m),
            lines{"inner[0].label: missing (required)"});
  EXPECT_EQ(m.small(), 0);
}

TEST(json_reader, settings_refuse_what_a_double_cannot_hold_and_deep_nests) {
  EXPECT_EQ(errors_of(R"({"anything": 9007199254740993})"),
            lines{"anything: 9007199254740993 is too large to hold exactly "
                  "(at most 2^53)"});
  std::string deep = std::string(40, '[') + std::string(40, ']');
  auto errors = errors_of(R"({"anything": )" + deep + "}");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("nests deeper than 32 levels"), std::string::npos)
      << errors[0];
}

TEST(json_reader, errors_carry_the_label_in_input_error) {
  input_error e("x.json", {{"", "must be a JSON object"}, {"a.b", "why"}});
  EXPECT_EQ(e.lines(),
            (lines{"x.json: must be a JSON object", "x.json: a.b: why"}));
  EXPECT_STREQ(e.what(), "x.json: must be a JSON object\nx.json: a.b: why");
}

TEST(json_reader, did_you_mean_takes_only_close_names) {
  EXPECT_EQ(did_you_mean("capasity", {"name", "capacity"}), "capacity");
  EXPECT_EQ(did_you_mean("VMSIZE", {"vmSize"}), "vmSize");
  EXPECT_EQ(did_you_mean("wbe", {"web"}), "web"); // a swap is one edit
  EXPECT_EQ(did_you_mean("x", {"name", "capacity"}), "");
  EXPECT_EQ(did_you_mean("anything", {}), "");
}

/// Reads `text` into Everything with Azure's leniency.
read_report read_azure(const std::string& text, vmss::test::Everything& out) {
  read_report report;
  auto j = parse_json(text, report.errors);
  read_options azure;
  azure.azure = true;
  if (!j.is_discarded())
    read_message(j, out, "", report, azure);
  return report;
}

std::vector<std::string> lines_of(const std::vector<diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds)
    out.push_back(d.path + ": " + d.reason);
  return out;
}

TEST(json_reader, azure_reads_quoted_scalars_and_any_case_with_warnings) {
  vmss::test::Everything m;
  auto report = read_azure(
      R"({"flag": "True", "small": "-7", "ratio": "0.5", "MODE": "rolling"})",
      m);
  EXPECT_EQ(lines_of(report.errors), lines{});
  EXPECT_TRUE(m.flag());
  EXPECT_EQ(m.small(), -7);
  EXPECT_EQ(m.ratio(), 0.5);
  EXPECT_EQ(m.mode(), vmss::test::Everything::Rolling);
  EXPECT_EQ(lines_of(report.warnings),
            (lines{"flag: the string \"True\" read as true",
                   "small: the string \"-7\" read as -7",
                   "ratio: the string \"0.5\" read as 0.5",
                   "MODE: read as mode (Azure ignores letter case in names)"}));
}

TEST(json_reader, strict_reads_refuse_what_azure_accepts) {
  EXPECT_EQ(errors_of(R"({"flag": "true", "small": "7"})"),
            (lines{"flag: is a string, not true or false",
                   "small: is a string, not a whole number"}));
  vmss::test::Everything m;
  EXPECT_EQ(read(R"({"mode": "rolling"})", m),
            lines{"mode: \"rolling\" is not a known value (did you mean "
                  "Rolling?)"});
}

TEST(json_reader, nesting_deeper_than_the_limit_is_an_error) {
  std::vector<diagnostic> errors;
  auto ok = std::string(max_json_depth, '[') + std::string(max_json_depth, ']');
  EXPECT_FALSE(parse_json(ok, errors).is_discarded());
  EXPECT_TRUE(errors.empty());
  auto deep = "{\"a\": " + std::string(100000, '[') + "}";
  EXPECT_TRUE(parse_json(deep, errors).is_discarded());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].reason, "nests deeper than 256 levels");
  EXPECT_EQ(errors[0].path.substr(0, 8), "a[0][0][");
}

TEST(json_reader, azure_reads_an_empty_string_as_no_array) {
  vmss::test::Everything m;
  auto report = read_azure(R"({"big": "", "inner": ""})", m);
  EXPECT_EQ(lines_of(report.errors), lines{});
  EXPECT_EQ(lines_of(report.warnings),
            (lines{"big: the empty string read as no value",
                   "inner: the empty string read as no value"}));
  EXPECT_EQ(m.big_size(), 0);
  EXPECT_EQ(lines_of(read_azure(R"({"big": "1"})", m).errors),
            lines{"big: is a string, not an array"});
  EXPECT_EQ(errors_of(R"({"big": ""})"),
            lines{"big: is a string, not an array"});
}

TEST(json_reader, azure_refuses_strings_that_are_not_the_type) {
  vmss::test::Everything m;
  auto report =
      read_azure(R"({"flag": "yes", "small": "7.5", "big": ["1e3"]})", m);
  EXPECT_EQ(lines_of(report.errors),
            (lines{"flag: is a string, not true or false",
                   "small: is a string, not a whole number",
                   "big[0]: is a string, not a whole number"}));
}

TEST(json_reader, not_modelled_fields_are_listed_once_with_their_path) {
  vmss::test::Everything m;
  auto report = read_azure(
      R"({"inner": [{"label": "a"}], "osProfile": {"adminPassword": 1}})", m);
  EXPECT_EQ(lines_of(report.errors), lines{});
  EXPECT_EQ(report.not_modelled, std::vector<std::string>{"osProfile"});
  EXPECT_FALSE(m.has_os_profile());
}

TEST(json_reader, written_as_string_reads_azures_quoted_integers_silently) {
  vmss::test::Everything m;
  auto quoted = read_azure(R"({"count": "3"})", m);
  EXPECT_EQ(lines_of(quoted.errors), lines{});
  EXPECT_EQ(lines_of(quoted.warnings), lines{});
  EXPECT_EQ(m.count(), 3);
  auto number = read_azure(R"({"count": 4})", m);
  EXPECT_EQ(lines_of(number.errors), lines{});
  EXPECT_EQ(m.count(), 4);
  EXPECT_EQ(lines_of(read_azure(R"({"count": "three"})", m).errors),
            lines{"count: is a string, not a whole number"});
  EXPECT_EQ(errors_of(R"({"count": "3"})"),
            lines{"count: is a string, not a whole number"});
}

TEST(json_reader, iso8601_durations_with_bounds) {
  vmss::test::Everything m;
  auto ok = read_azure(R"({"grace": "PT30M"})", m);
  EXPECT_EQ(lines_of(ok.errors), lines{});
  EXPECT_EQ(m.grace_ns(), 1800'000'000'000);
  EXPECT_EQ(lines_of(read_azure(R"({"grace": "PT5M"})", m).errors),
            lines{"grace: \"PT5M\" is out of range (PT10M to PT1H30M)"});
  EXPECT_EQ(lines_of(read_azure(R"({"grace": "30m"})", m).errors),
            lines{"grace: \"30m\" is not an ISO 8601 duration (e.g. PT30M, "
                  "PT1H30M, P1D)"});
  EXPECT_EQ(
      lines_of(read_azure(R"({"grace": 30})", m).errors),
      lines{"grace: is an integer, not an ISO 8601 duration (e.g. PT30M)"});
}

TEST(iso8601_duration, parses_and_formats_azure_forms) {
  int64_t ns = 0;
  std::string why;
  EXPECT_TRUE(parse_iso8601_duration("PT0S", ns, &why));
  EXPECT_EQ(ns, 0);
  EXPECT_TRUE(parse_iso8601_duration("P1DT2H3M4.5S", ns, &why));
  EXPECT_EQ(ns, ((26 * 60 + 3) * 60 + 4) * 1'000'000'000LL + 500'000'000);
  EXPECT_EQ(format_iso8601_duration(ns), "P1DT2H3M4.5S");
  EXPECT_TRUE(parse_iso8601_duration("P1W", ns, &why));
  EXPECT_EQ(format_iso8601_duration(ns), "P7D");
  EXPECT_EQ(format_iso8601_duration(5400'000'000'000), "PT1H30M");
  for (const char* bad : {"P", "PT", "T30M", "PT30", "PT1M2H", "PT1.5M", "P1DT",
                          "PT1.S", "P30M", "P1Y"})
    EXPECT_FALSE(parse_iso8601_duration(bad, ns, &why)) << bad;
  parse_iso8601_duration("P1Y", ns, &why);
  EXPECT_EQ(why, "uses years or months, whose length varies (give days: P30D)");
}

} // namespace
