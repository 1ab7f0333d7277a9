// The effective model `validate --explain` prints (input/explain.hpp):
// every value set, JSON paths and values as the input writes them, the
// defaulted ones marked.

#include "input/explain.hpp"
#include "input/json_reader.hpp"
#include "tests/input/test_schema.pb.h"

#include <gtest/gtest.h>

namespace {

using namespace vmss::input;

std::vector<std::string> lines_for(const std::string& text,
                                   const std::set<std::string>& defaulted) {
  vmss::test::Everything m;
  read_report report;
  read_options azure;
  azure.azure = true;
  read_message(parse_json(text, report.errors), m, "properties", report, azure);
  EXPECT_TRUE(report.errors.empty());
  std::vector<std::string> out;
  for (const auto& v : explain(m, "properties", defaulted))
    out.push_back(explain_line(v));
  return out;
}

TEST(explain, lists_values_in_schema_order_with_defaults_marked) {
  auto lines = lines_for(R"({"grace": "PT1H30M", "flag": true,
    "inner": [{"label": "a"}, {"label": "b"}], "big": [1, 2],
    "mode": "rolling", "tags": {"env": "prod"}, "osProfile": {"x": 1}})",
                         {"properties.grace"});
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "properties.tags = {\"env\":\"prod\"}",
                       "properties.flag = true",
                       "properties.big = [1,2]",
                       "properties.inner[0].label = \"a\"",
                       "properties.inner[1].label = \"b\"",
                       "properties.mode = \"Rolling\"",
                       "properties.grace = \"PT1H30M\" (default)",
                   }));
}

} // namespace
