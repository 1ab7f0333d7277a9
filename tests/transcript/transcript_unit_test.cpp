// The transcript machinery without vmss-sim: the file format round trip,
// the filter's terms and lines, and the diff a failure prints.

#include "tests/transcript/text_diff.hpp"
#include "tests/transcript/trace_filter.hpp"
#include "tests/transcript/transcript_file.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

namespace {

using namespace vmss_test::transcript;

const std::string two_cases = R"(# A comment before the first case.
run --model 'region vms=1' \
  --until 10s
filter event=vm_state
----
1.000000s a vm_state state=x
2.000000s a vm_state state=y

# The second case filters the same trace.
filter event=placement
----
(no records)
)";

TEST(transcript_file, parses_cases_and_renders_them_unchanged) {
  auto file = parse_transcript(two_cases, "t.txt");
  ASSERT_EQ(file.cases.size(), 2u);
  EXPECT_EQ(
      file.cases[0].directives,
      (std::vector<std::string>{"run --model 'region vms=1'   --until 10s",
                                "filter event=vm_state"}));
  EXPECT_EQ(file.cases[0].directive_lines, (std::vector<int>{2, 4}));
  EXPECT_EQ(file.cases[0].golden.size(), 2u);
  EXPECT_EQ(file.cases[1].directive_lines, (std::vector<int>{10}));
  EXPECT_EQ(file.cases[1].golden, (std::vector<std::string>{"(no records)"}));
  EXPECT_EQ(render_transcript(file), two_cases);
}

TEST(transcript_file, rendering_new_goldens_changes_only_them) {
  auto file = parse_transcript(two_cases + "\n# tail\n", "t.txt");
  file.cases[0].golden = {"3.000000s a vm_state state=z"};
  auto text = render_transcript(file);
  auto again = parse_transcript(text, "t.txt");
  EXPECT_EQ(again.cases[0].golden, file.cases[0].golden);
  EXPECT_EQ(again.cases[1].head, file.cases[1].head);
  EXPECT_EQ(again.tail, (std::vector<std::string>{"# tail"}));
  EXPECT_NE(text.find("# The second case filters the same trace.\n"),
            std::string::npos);
}

TEST(transcript_file, errors_name_the_file_and_line) {
  auto error_of = [](const std::string& text) {
    try {
      parse_transcript(text, "bad.txt");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("# c\nfilter event=x\n"),
            "bad.txt:2: directives without a '----' line after them");
  EXPECT_EQ(error_of("# c\n----\nx\n"),
            "bad.txt:2: '----' without directives before it");
  EXPECT_EQ(error_of("run \\\n----\n"),
            "bad.txt:1: '\\' at the end of the last line of a directive");
}

std::vector<std::string> filtered(const std::vector<std::string>& specs,
                                  const std::string& jsonl) {
  std::vector<filter> filters;
  for (const auto& s : specs)
    filters.push_back(parse_filter(s));
  std::istringstream in(jsonl);
  return filter_trace(filters, in);
}

const std::string records =
    R"({"t_ns":0,"node":0,"entity":"w/z1/r1/h1","kind":"host_agent","event":"host_started"}
{"t_ns":1500000000,"node":0,"entity":"w/z2/r1/tor","kind":"tor_switch","event":"dropped","reason":"partition","to":"w/z3/r1/h1/fc"}
{"t_ns":1600000000,"node":0,"entity":"w/z2/r1/tor","kind":"tor_switch","event":"dropped","reason":"partition","to":"w/z3/r2/h1/fc"}
{"t_ns":12345678901,"node":0,"entity":"w/z1/r1/h1/vm0","kind":"vm","event":"vm_state","state":"running","instance_id":0,"up":true}
)";

TEST(trace_filter, keeps_the_matching_records_and_prints_the_fields_asked) {
  EXPECT_EQ(
      filtered({"event=vm_state fields=t,entity,event,state,up"}, records),
      (std::vector<std::string>{
          "12.345678s w/z1/r1/h1/vm0 vm_state state=running up=true"}));
  // Globs (fnmatch, '*' crosses '/'), several values, a field the record
  // does not have (omitted), and no fields= (every field).
  EXPECT_EQ(filtered({"entity=w/z1/* kind=vm,host_agent fields=t,event,state"},
                     records),
            (std::vector<std::string>{"0.000000s host_started",
                                      "12.345678s vm_state state=running"}));
  EXPECT_EQ(filtered({"event=vm_state"}, records),
            (std::vector<std::string>{
                "12.345678s w/z1/r1/h1/vm0 vm_state state=running "
                "instance_id=0 up=true"}));
  EXPECT_EQ(filtered({"event=placement"}, records),
            (std::vector<std::string>{"(no records)"}));
}

TEST(trace_filter, path_prefixes_unique_and_count) {
  EXPECT_EQ(
      filtered({"event=dropped fields=entity/2,to/2,reason unique"}, records),
      (std::vector<std::string>{"w/z2 to=w/z3 reason=partition"}));
  EXPECT_EQ(filtered({"event=dropped fields=event,to/3 count"}, records),
            (std::vector<std::string>{"dropped to=w/z3/r1 (x1)",
                                      "dropped to=w/z3/r2 (x1)"}));
  EXPECT_EQ(filtered({"event=dropped fields=event count"}, records),
            (std::vector<std::string>{"dropped (x2)"}));
}

TEST(trace_filter, time_bounds_keep_the_records_between_them) {
  EXPECT_EQ(filtered({"event=dropped t>1.5s fields=t"}, records),
            (std::vector<std::string>{"1.600000s"}));
  EXPECT_EQ(filtered({"event=dropped t>=1.5s t<1600ms fields=t"}, records),
            (std::vector<std::string>{"1.500000s"}));
  EXPECT_EQ(filtered({"t<=0ns fields=t,event"}, records),
            (std::vector<std::string>{"0.000000s host_started"}));
}

TEST(trace_filter, sort_puts_a_filter_s_lines_in_order_after_the_rest) {
  const std::string vms =
      R"({"t_ns":1,"entity":"c","event":"allocated","vm":"s/10"}
{"t_ns":2,"entity":"c","event":"allocated","vm":"s/9"}
{"t_ns":3,"entity":"c","event":"refused","vm":"s/2"}
{"t_ns":4,"entity":"c","event":"allocated","vm":"s/010"}
)";
  EXPECT_EQ(filtered({"event=allocated fields=vm count sort",
                      "event=refused fields=event"},
                     vms),
            (std::vector<std::string>{"refused", "vm=s/9 (x1)", "vm=s/010 (x1)",
                                      "vm=s/10 (x1)"}));
}

TEST(trace_filter, a_record_goes_to_the_first_filter_it_matches) {
  EXPECT_EQ(filtered({"event=vm_state fields=t,state",
                      "kind=vm,host_agent fields=t,kind"},
                     records),
            (std::vector<std::string>{"0.000000s host_agent",
                                      "12.345678s state=running"}));
}

TEST(trace_filter, bad_terms_and_records_are_refused_with_the_reason) {
  auto error_of = [](const std::string& spec, const std::string& jsonl) {
    try {
      filtered({spec}, jsonl);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("event", records),
            "filter term 'event': expected KEY=VALUE[,VALUE...], "
            "t>=DURATION (>, <=, <), fields=..., unique, count or sort");
  EXPECT_NE(error_of("t>=40", records).find("filter term 't>=40': "),
            std::string::npos);
  EXPECT_EQ(error_of("t=1s", records),
            "filter term 't=1s': 't' is printed, not matched (match t_ns)");
  EXPECT_EQ(error_of("fields=entity/x", records),
            "filter term 'fields=entity/x': 'entity/x': the segments after "
            "'/' must be a number from 1 to 999");
  EXPECT_EQ(error_of("event=a,", records),
            "filter term 'event=a,': an empty value");
  EXPECT_EQ(error_of("unique count", records),
            "filter: 'unique' and 'count' together (count already prints "
            "each line once)");
  EXPECT_EQ(error_of("event=x", "{\"t_ns\":0}\nnot json\n"),
            "JSONL line 2: not a trace record with an integer t_ns");
}

TEST(trace_filter, times_print_as_seconds_with_microseconds) {
  EXPECT_EQ(format_time(0), "0.000000s");
  EXPECT_EQ(format_time(12'345'678'901), "12.345678s");
  EXPECT_EQ(format_time(30'000'000'000), "30.000000s");
  EXPECT_EQ(format_time(-1'500'000), "-0.001500s");
}

TEST(text_diff, shows_changed_lines_with_context_and_the_golden_line) {
  std::vector<std::string> want{"a", "b", "c", "d", "e", "f", "g", "h"};
  auto got = want;
  got[5] = "F";
  got.push_back("i");
  EXPECT_EQ(diff_lines(want, got),
            "@@ golden line 4 @@\n d\n e\n-f\n+F\n g\n h\n+i\n");
  EXPECT_EQ(diff_lines(want, want), "");
  EXPECT_EQ(diff_lines({"x"}, {}), "@@ golden line 1 @@\n-x\n");
}

TEST(text_diff, changes_far_apart_make_separate_hunks) {
  std::vector<std::string> want;
  for (char ch = 'a'; ch <= 'l'; ++ch)
    want.push_back(std::string(1, ch));
  auto got = want;
  got[0] = "A";
  got[11] = "L";
  EXPECT_EQ(diff_lines(want, got), "@@ golden line 1 @@\n-a\n+A\n b\n c\n"
                                   "@@ golden line 10 @@\n j\n k\n-l\n+L\n");
}

} // namespace
