/// `vmss-sim trace …` driven in-process through CLI11.

#include "runners/trace_command.hpp"
#include "trace_fixture.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace vmss::trace_test {
namespace {

struct cli_run {
  int code = 0;
  std::string out;
  std::string err;
};

/// Parses `args` like main would: ParseError (incl. RuntimeError) → exit.
cli_run run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "vmss-sim");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  CLI::App app{"vmss-sim"};
  add_trace_command(app);
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  cli_run r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    r.code = app.exit(e, out, err);
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

std::string sample(const std::string& dir) {
  write_trace(dir, make_entities(2),
              {{0, key(1, 0), "entity_crashed", {}},
               {0, key(2, 0), "vm_state", {{"state", std::string("x")}}},
               {0, key(3, 1), "tick", {}}});
  return dir;
}

TEST(trace_command, digest_prints_last_line) {
  auto dir = sample(scratch_dir());
  auto r = run_cli({"trace", "digest", dir});
  EXPECT_EQ(r.code, 0) << r.err;
  auto line = last_line(r.out);
  ASSERT_EQ(line.size(), 7u + 64u) << line;
  EXPECT_EQ(line.substr(0, 7), "digest=");
}

TEST(trace_command, check_reports_and_fails) {
  auto dir = sample(scratch_dir());
  auto r = run_cli({"trace", "check", dir});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("check canonical_order: ok (3 records)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("check crash_silence: FAIL 1 violations\n"
                       "  t_ns=2 entity=r/h0: record 'vm_state'"),
            std::string::npos)
      << r.out;
  auto only = run_cli({"trace", "check", dir, "--only", "canonical_order"});
  EXPECT_EQ(only.code, 0) << only.out << only.err;
}

TEST(trace_command, export_to_file_and_stdout) {
  auto dir = sample(scratch_dir());
  auto file = dir + "/out.csv";
  auto r = run_cli({"trace", "export", dir, "--format", "csv", "-o", file});
  EXPECT_EQ(r.code, 0) << r.err;
  std::ifstream in(file);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "t_ns,node,entity,kind,event,state");
  auto s = run_cli({"trace", "export", dir});
  EXPECT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(s.out.substr(0, 11), "{\"t_ns\":1,\"");
}

TEST(trace_command, chrome_is_not_supported_yet) {
  auto dir = sample(scratch_dir());
  auto r = run_cli({"trace", "export", dir, "--format", "chrome"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("not supported yet"), std::string::npos);
}

TEST(trace_command, errors_start_with_error_prefix) {
  auto r = run_cli({"trace", "summary", "/nonexistent/trace"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: /nonexistent/trace: trace directory does not "
                   "exist\n");
}

TEST(trace_command, summary_counts) {
  auto dir = sample(scratch_dir());
  auto r = run_cli({"trace", "summary", dir});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("seed: 7"), std::string::npos) << r.out;
  EXPECT_EQ(last_line(r.out), "records=3 events=3 span_ns=2 nodes=1");
}

TEST(trace_command, help_for_every_subcommand) {
  for (const char* sub : {"digest", "export", "check", "summary"}) {
    auto r = run_cli({"trace", sub, "--help"});
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("DIR"), std::string::npos) << sub << r.out;
  }
}

} // namespace
} // namespace vmss::trace_test
