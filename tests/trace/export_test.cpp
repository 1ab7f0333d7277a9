/// JSONL and CSV export.

#include "analysis/export.hpp"
#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace vmss::trace_test {
namespace {

std::string write_sample(const std::string& dir) {
  write_trace(dir, make_entities(2, 2),
              {{1,
                key(3, 1),
                "vm_state",
                {{"state", std::string("run\"ning,\n")},
                 {"instance_id", int64_t{12}},
                 {"load", 2.0},
                 {"ok", false},
                 {"node", int64_t{4}}}},
               {0, key(9, 0), "tick", {{"frac", 0.1}}}},
              2);
  return dir;
}

TEST(trace_export, jsonl_columns_in_order_with_typed_values) {
  auto dir = write_sample(scratch_dir());
  std::ostringstream out;
  EXPECT_EQ(analysis::export_jsonl(analysis::trace_reader(dir), out), 2u);
  EXPECT_EQ(out.str(),
            "{\"t_ns\":3,\"node\":1,\"entity\":\"r/h1\",\"kind\":\"vm\","
            "\"event\":\"vm_state\",\"state\":\"run\\\"ning,\\n\","
            "\"instance_id\":12,\"load\":2.0,\"ok\":false,\"field.node\":4}\n"
            "{\"t_ns\":9,\"node\":0,\"entity\":\"r/h0\",\"kind\":\"vm\","
            "\"event\":\"tick\",\"frac\":0.1}\n");
}

TEST(trace_export, csv_has_union_of_field_columns) {
  auto dir = write_sample(scratch_dir());
  std::ostringstream out;
  EXPECT_EQ(analysis::export_csv(analysis::trace_reader(dir), out), 2u);
  EXPECT_EQ(out.str(),
            "t_ns,node,entity,kind,event,frac,instance_id,load,field.node,ok,"
            "state\n"
            "3,1,r/h1,vm,vm_state,,12,2.0,4,false,\"run\"\"ning,\n\"\n"
            "9,0,r/h0,vm,tick,0.1,,,,,\n");
}

} // namespace
} // namespace vmss::trace_test
