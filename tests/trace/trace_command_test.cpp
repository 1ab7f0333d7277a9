/// `vmss-sim trace …` driven in-process through CLI11.

#include "cli_runner.hpp"
#include "trace_fixture.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace vmss::trace_test {
namespace {

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
  for (const char* sub :
       {"digest", "export", "check", "summary", "instances"}) {
    auto r = run_cli({"trace", sub, "--help"});
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("DIR"), std::string::npos) << sub << r.out;
  }
}

namespace fs = std::filesystem;

const char* const all_commands[] = {"digest", "check", "summary", "export",
                                    "instances"};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// Every name in `dir`, sorted.
std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(trace_command, manifest_nested_1e5_deep_exits_2_in_every_command) {
  auto dir = sample(scratch_dir());
  auto text = read_text(dir + "/manifest.json");
  auto at = text.find("\"seed\": 7");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 9,
               "\"seed\": " + std::string(100'000, '[') +
                   std::string(100'000, ']'));
  write_text(dir + "/manifest.json", text);
  for (const char* command : all_commands) {
    auto r = run_cli({"trace", command, dir});
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.err.find("manifest.json: invalid JSON: nested deeper than "
                         "64 levels"),
              std::string::npos)
        << command << ": " << r.err;
  }
}

TEST(trace_command, malformed_trace_exits_2_in_every_command) {
  auto dir = sample(scratch_dir());
  auto m = trace::read_manifest(dir);
  m.shards.push_back(m.shards[0]); // listed twice: every record doubled
  trace::write_manifest(dir, m);
  for (const char* command : all_commands) {
    auto r = run_cli({"trace", command, dir});
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.err.find("manifest.json: field 'shards[1].node': node 0 has "
                         "a shard already"),
              std::string::npos)
        << command << ": " << r.err;
  }
  m.shards.clear();
  trace::write_manifest(dir, m);
  auto r = run_cli({"trace", "check", dir});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("field 'shards': no shard for node 0"),
            std::string::npos)
      << r.err;
}

/// sample() records at t = 1, 2, 3; complete until t = 3 with a torn tail.
TEST(trace_command, incomplete_trace_read_up_to_its_complete_time) {
  auto dir = sample(scratch_dir());
  make_incomplete(dir, 3);
  auto prefix = scratch_dir("-prefix");
  write_trace(prefix, make_entities(2),
              {{0, key(1, 0), "entity_crashed", {}},
               {0, key(2, 0), "vm_state", {{"state", std::string("x")}}}});
  const std::string warning = "warning: " + dir +
                              ": incomplete trace (a node process failed "
                              "during the run): only the records before "
                              "t_ns=3 ";
  auto digest = run_cli({"trace", "digest", dir});
  EXPECT_EQ(digest.code, 0) << digest.err;
  EXPECT_EQ(digest.err.rfind(warning, 0), 0u) << digest.err;
  EXPECT_EQ(last_line(digest.out),
            last_line(run_cli({"trace", "digest", prefix}).out));
  auto summary = run_cli({"trace", "summary", dir});
  EXPECT_EQ(summary.code, 0) << summary.err;
  EXPECT_NE(summary.out.find("\nINCOMPLETE: incomplete trace"),
            std::string::npos)
      << summary.out;
  EXPECT_EQ(last_line(summary.out), "records=2 events=2 span_ns=1 nodes=1");
  auto jsonl = run_cli({"trace", "export", dir});
  EXPECT_EQ(jsonl.code, 0) << jsonl.err;
  EXPECT_EQ(jsonl.out, run_cli({"trace", "export", prefix}).out);
  EXPECT_EQ(jsonl.err.rfind(warning, 0), 0u) << jsonl.err;
  auto check = run_cli({"trace", "check", dir});
  EXPECT_EQ(check.code, 1) << check.err; // the crash_silence violation at t=2
  EXPECT_NE(check.out.find("check canonical_order: ok (2 records)"),
            std::string::npos)
      << check.out;
  EXPECT_EQ(check.err.rfind(warning, 0), 0u) << check.err;
}

TEST(trace_command, export_refuses_what_is_not_a_regular_file) {
  auto dir = sample(scratch_dir());
  auto out = scratch_dir("-out");
  write_text(out + "/target", "keep");
  fs::create_symlink(out + "/target", out + "/link");
  fs::create_directory(out + "/dir");
  ASSERT_EQ(::mkfifo((out + "/fifo").c_str(), 0600), 0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"link", "a symbolic link"}, {"dir", "a directory"}, {"fifo", "a FIFO"}};
  for (const auto& [name, what] : cases) {
    auto r = run_cli({"trace", "export", dir, "-o", out + "/" + name});
    EXPECT_EQ(r.code, 2) << name;
    EXPECT_EQ(r.err, "error: -o " + out + "/" + name + ": " + what +
                         (name == "link" ? " (not followed)" : "") +
                         "; export replaces only a regular file\n");
  }
  EXPECT_TRUE(fs::is_symlink(out + "/link"));
  EXPECT_EQ(read_text(out + "/target"), "keep");
  EXPECT_TRUE(fs::is_empty(out + "/dir"));
  EXPECT_EQ(fs::symlink_status(out + "/fifo").type(), fs::file_type::fifo);
  EXPECT_EQ(names_in(out),
            (std::vector<std::string>{"dir", "fifo", "link", "target"}));
}

TEST(trace_command, export_replaces_a_regular_file_keeping_its_mode) {
  auto dir = sample(scratch_dir());
  auto out = scratch_dir("-out");
  write_text(out + "/old.jsonl", "old");
  write_text(out + "/old.jsonl.partial", "a user's file"); // a fixed name once
  fs::permissions(out + "/old.jsonl", fs::perms(0640));
  auto r = run_cli({"trace", "export", dir, "-o", out + "/old.jsonl"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_text(out + "/old.jsonl.partial"), "a user's file");
  fs::remove(out + "/old.jsonl.partial");
  EXPECT_EQ(read_text(out + "/old.jsonl"),
            run_cli({"trace", "export", dir}).out);
  EXPECT_EQ(fs::status(out + "/old.jsonl").permissions(), fs::perms(0640));
  EXPECT_EQ(names_in(out), std::vector<std::string>{"old.jsonl"});
}

TEST(trace_command, export_never_overwrites_the_trace_it_reads) {
  auto dir = sample(scratch_dir());
  auto before = names_in(dir);
  for (const char* file : {"manifest.json", "shard-0.capnp"}) {
    auto r = run_cli({"trace", "export", dir, "-o", dir + "/" + file});
    EXPECT_EQ(r.code, 2) << file;
    EXPECT_NE(r.err.find("of the trace being exported"), std::string::npos)
        << r.err;
  }
  EXPECT_EQ(names_in(dir), before);
  EXPECT_EQ(run_cli({"trace", "digest", dir}).code, 0);
}

TEST(trace_command, failed_export_leaves_nothing_behind) {
  auto dir = sample(scratch_dir());
  auto out = scratch_dir("-out");
  write_text(out + "/x.csv", "keep");
  auto shard = dir + "/shard-0.capnp";
  write_text(shard, std::string(fs::file_size(shard), '\xff')); // same size
  auto r = run_cli({"trace", "export", dir, "-f", "csv", "-o", out + "/x.csv"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("shard-0.capnp"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(out + "/x.csv"), "keep");
  EXPECT_EQ(names_in(out), std::vector<std::string>{"x.csv"});
  auto fresh = run_cli({"trace", "export", dir, "-o", out + "/new.jsonl"});
  EXPECT_EQ(fresh.code, 2);
  EXPECT_EQ(names_in(out), std::vector<std::string>{"x.csv"});
  auto nowhere = run_cli({"trace", "export", sample(scratch_dir("-ok")), "-o",
                          out + "/missing/x.jsonl"});
  EXPECT_EQ(nowhere.code, 2);
  EXPECT_NE(nowhere.err.find("cannot create a file " + out +
                             "/missing/.x.jsonl.partial-"),
            std::string::npos)
      << nowhere.err;
}

} // namespace
} // namespace vmss::trace_test
