/// manifest.json round trip, validation and error messages.

#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace vmss::trace_test {
namespace {

void write_file(const std::string& dir, const std::string& text) {
  write_text(dir + "/manifest.json", text);
}

/// Expects read_manifest to throw with every `parts` in the message.
void expect_error(const std::string& dir,
                  const std::vector<std::string>& parts) {
  trace_test::expect_error([&] { trace::read_manifest(dir); }, parts);
}

const char* valid_manifest = R"({"format_version": 1, "scenario": "s",
  "seed": 18446744073709551615, "nodes": 2, "lookahead_ns": 1000,
  "end_t_ns": -5, "events": 3,
  "entities": [{"path": "a", "kind": "vm", "node": 1},
               {"path": "b/c", "kind": "host_agent", "node": 0}],
  "shards": [{"node": 1, "file": "shard-1.capnp", "records": 3,
              "bytes": 40},
             {"node": 0, "file": "shard-0.capnp", "records": 0,
              "bytes": 12}]})";

/// valid_manifest with its first `from` replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
  std::string text = valid_manifest;
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(trace_manifest, round_trips) {
  auto dir = scratch_dir();
  trace::manifest m;
  m.scenario = "default";
  m.seed = 42;
  m.nodes = 3;
  m.lookahead_ns = 100'000;
  m.end_t_ns = 9'000'000'000;
  m.events = 12;
  m.entities = make_entities(4, 3);
  m.shards = {{0, "shard-0.capnp", 5, 99},
              {2, "shard-2.capnp", 7, 120},
              {1, "shard-1.capnp", 0, 8}};
  trace::write_manifest(dir, m);
  auto r = trace::read_manifest(dir);
  EXPECT_EQ(r.scenario, m.scenario);
  EXPECT_EQ(r.seed, m.seed);
  EXPECT_EQ(r.nodes, m.nodes);
  EXPECT_EQ(r.lookahead_ns, m.lookahead_ns);
  EXPECT_EQ(r.end_t_ns, m.end_t_ns);
  EXPECT_EQ(r.events, m.events);
  EXPECT_TRUE(r.complete);
  ASSERT_EQ(r.entities.size(), 4u);
  EXPECT_EQ(r.entities[3].path, "r/h3");
  EXPECT_EQ(r.entities[2].node, 2u);
  ASSERT_EQ(r.shards.size(), 3u);
  EXPECT_EQ(r.shards[1].file, "shard-2.capnp");
  EXPECT_EQ(r.shards[1].records, 7u);
  EXPECT_EQ(r.shards[1].bytes, 120u);
}

TEST(trace_manifest, incomplete_round_trips) {
  auto dir = scratch_dir();
  trace::manifest m;
  m.shards = {{0, "shard-0.capnp", 0, 8}};
  m.complete = false;
  m.complete_until_ns = 1'500;
  trace::write_manifest(dir, m);
  auto r = trace::read_manifest(dir);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.complete_until_ns, 1'500);
  EXPECT_TRUE(r.readable(1'499));
  EXPECT_FALSE(r.readable(1'500));
}

TEST(trace_manifest, reads_extreme_values_and_old_manifests_are_complete) {
  auto dir = scratch_dir();
  write_file(dir, valid_manifest);
  auto m = trace::read_manifest(dir);
  EXPECT_EQ(m.seed, 18446744073709551615ull);
  EXPECT_EQ(m.end_t_ns, -5);
  EXPECT_TRUE(m.complete);
  EXPECT_TRUE(m.readable(std::numeric_limits<int64_t>::max()));
}

TEST(trace_manifest, missing_file_names_it) {
  auto dir = scratch_dir();
  expect_error(dir, {dir + "/manifest.json", "cannot open"});
}

TEST(trace_manifest, bad_json_names_file) {
  auto dir = scratch_dir();
  write_file(dir, "{\"format_version\": 1,");
  expect_error(dir, {"manifest.json", "invalid JSON"});
}

/// 10^5 levels once made the error message (json::dump) overflow the stack.
TEST(trace_manifest, deep_nesting_rejected_without_recursion) {
  auto dir = scratch_dir();
  const size_t depth = 100'000;
  write_file(dir, edited("18446744073709551615",
                         std::string(depth, '[') + std::string(depth, ']')));
  expect_error(dir, {"manifest.json", "nested deeper than 64 levels"});
  write_file(dir, std::string(depth, '[') + std::string(depth, ']'));
  expect_error(dir, {"manifest.json", "nested deeper than 64 levels"});
}

TEST(trace_manifest, brackets_inside_strings_are_not_nesting) {
  auto dir = scratch_dir();
  std::string name = "q\\\"" + std::string(100, '[') + "\\\\";
  write_file(dir,
             edited("\"scenario\": \"s\"", "\"scenario\": \"" + name + "\""));
  EXPECT_EQ(trace::read_manifest(dir).scenario,
            "q\"" + std::string(100, '[') + "\\");
}

TEST(trace_manifest, quoted_values_are_bounded) {
  auto dir = scratch_dir();
  write_file(dir, edited("\"scenario\": \"s\"",
                         "\"scenario\": [" + std::string(50, '[') +
                             std::string(50, ']') + ", 2]"));
  expect_error(dir, {"field 'scenario'", "expected string, got array of 2 "
                                         "elements"});
  write_file(dir, edited("\"kind\": \"vm\"",
                         "\"kind\": \"" + std::string(100'000, 'V') + "\""));
  try {
    trace::read_manifest(dir);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_LT(std::string(e.what()).size(), 400u) << e.what();
    EXPECT_NE(std::string(e.what()).find("VVV\"... is not 1 to 64"),
              std::string::npos)
        << e.what();
  }
}

TEST(trace_manifest, missing_field_named) {
  auto dir = scratch_dir();
  write_file(dir, edited("\"seed\"", "\"sead\""));
  expect_error(dir, {"manifest.json", "field 'seed'", "missing"});
}

TEST(trace_manifest, ill_typed_nested_field_named) {
  auto dir = scratch_dir();
  write_file(dir, edited("\"kind\": \"vm\"", "\"kind\": 3"));
  expect_error(dir, {"manifest.json", "field 'entities[0].kind'",
                     "expected string", "number"});
}

TEST(trace_manifest, negative_unsigned_rejected) {
  auto dir = scratch_dir();
  write_file(dir, edited("\"nodes\": 2", "\"nodes\": -2"));
  expect_error(dir, {"field 'nodes'", "out of range"});
}

TEST(trace_manifest, unsupported_version_rejected) {
  auto dir = scratch_dir();
  write_file(dir, edited("\"format_version\": 1", "\"format_version\": 9"));
  expect_error(dir, {"field 'format_version'", "unsupported"});
}

TEST(trace_manifest, root_must_be_object) {
  auto dir = scratch_dir();
  write_file(dir, "[1, 2]");
  expect_error(dir, {"manifest.json", "(root)", "object"});
}

struct bad_case {
  const char* from;
  const char* to;
  std::vector<std::string> parts;
};

TEST(trace_manifest, malformed_values_name_the_json_path) {
  const std::vector<bad_case> cases = {
      {R"("shards": [{"node": 1)",
       R"("shards": [], "x": [{"node": 1)",
       {"field 'shards'", "no shard for node 0 (nodes is 2)"}},
      {R"({"node": 0, "file": "shard-0.capnp")",
       R"({"node": 1, "file": "shard-1.capnp")",
       {"field 'shards[1].node'", "node 1 has a shard already (shards[0])"}},
      {R"("file": "shard-1.capnp")",
       R"("file": "/etc/passwd")",
       {"field 'shards[0].file'", "absolute path \"/etc/passwd\""}},
      {R"("file": "shard-1.capnp")",
       R"("file": "../shard-1.capnp")",
       {"field 'shards[0].file'", "contains a path separator"}},
      {R"("file": "shard-1.capnp")",
       R"("file": "sub\\shard-1.capnp")",
       {"field 'shards[0].file'", "contains a path separator"}},
      {R"("file": "shard-1.capnp")",
       R"("file": "..")",
       {"field 'shards[0].file'", "not a file inside the trace directory"}},
      {R"("file": "shard-1.capnp")",
       R"("file": "")",
       {"field 'shards[0].file'", "empty file name"}},
      {R"("file": "shard-1.capnp")",
       R"("file": "shard-0.capnp")",
       {"field 'shards[0].file'", "the shard of node 1 is 'shard-1.capnp'"}},
      {R"("file": "shard-1.capnp")",
       R"("file": "manifest.json")",
       {"field 'shards[0].file'", "the shard of node 1 is"}},
      {R"({"node": 1, "file")",
       R"({"node": 7, "file")",
       {"field 'shards[0].node'", "node 7 out of range (nodes is 2)"}},
      {R"("nodes": 2)", R"("nodes": 0)", {"field 'nodes'", "at least 1"}},
      {R"("lookahead_ns": 1000)",
       R"("lookahead_ns": -1)",
       {"field 'lookahead_ns'", "out of range"}},
      {R"("path": "a", "kind": "vm", "node": 1)",
       R"("path": "a", "kind": "vm", "node": 2)",
       {"field 'entities[0].node'", "node 2 out of range"}},
      {R"("kind": "vm")",
       R"("kind": "VM!")",
       {"field 'entities[0].kind'", "\"VM!\" is not 1 to 64 characters"}},
      {R"("kind": "vm")", R"("kind": "")", {"field 'entities[0].kind'"}},
      {R"("path": "a")",
       R"("path": "")",
       {"field 'entities[0].path'", "empty path"}},
      {R"("path": "a")",
       R"("path": "a\u0001b")",
       {"field 'entities[0].path'", "control character"}},
      {R"("path": "b/c")",
       R"("path": "a")",
       {"field 'entities[1].path'", "duplicate path \"a\" (also entities[0])"}},
      {R"("events": 3)",
       R"("events": 3, "complete": "no")",
       {"field 'complete'", "expected boolean"}},
      {R"("events": 3)",
       R"("events": 3, "complete": false)",
       {"field 'complete_until_ns'", "missing"}},
      {R"("events": 3)",
       R"("events": 3, "complete_until_ns": 5)",
       {"field 'complete_until_ns'", "only allowed when complete is false"}},
      {R"("shards": [)",
       R"("shards": [7, )",
       {"field 'shards[0]'", "expected object, got number 7"}},
  };
  auto dir = scratch_dir();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.to);
    write_file(dir, edited(c.from, c.to));
    auto parts = c.parts;
    parts.push_back(dir + "/manifest.json: ");
    expect_error(dir, parts);
  }
}

TEST(trace_manifest, manifest_must_be_a_regular_file) {
  auto dir = scratch_dir();
  auto elsewhere = scratch_dir("-elsewhere");
  write_file(elsewhere, valid_manifest);
  std::filesystem::create_symlink(elsewhere + "/manifest.json",
                                  dir + "/manifest.json");
  expect_error(dir, {"manifest.json", "symbolic link"});
  std::filesystem::remove(dir + "/manifest.json");
  ASSERT_EQ(::mkfifo((dir + "/manifest.json").c_str(), 0600), 0);
  expect_error(dir, {"manifest.json", "a FIFO, expected a regular file"});
}

} // namespace
} // namespace vmss::trace_test
