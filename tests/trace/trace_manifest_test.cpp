/// manifest.json round trip and error messages.

#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace vmss::trace_test {
namespace {

void write_file(const std::string& dir, const std::string& text) {
  std::ofstream(dir + "/manifest.json") << text;
}

/// Expects read_manifest to throw with every `parts` in the message.
void expect_error(const std::string& dir,
                  const std::vector<std::string>& parts) {
  try {
    trace::read_manifest(dir);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    for (const auto& part : parts)
      EXPECT_NE(what.find(part), std::string::npos)
          << "'" << part << "' not in: " << what;
  }
}

const char* valid_manifest = R"({"format_version": 1, "scenario": "s",
  "seed": 18446744073709551615, "nodes": 2, "lookahead_ns": 1000,
  "end_t_ns": -5, "events": 3,
  "entities": [{"path": "a", "kind": "vm", "node": 1}],
  "shards": [{"node": 1, "file": "shard-1.capnp", "records": 3,
              "bytes": 40}]})";

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
  m.shards = {{0, "shard-0.capnp", 5, 99}, {2, "shard-2.capnp", 7, 120}};
  trace::write_manifest(dir, m);
  auto r = trace::read_manifest(dir);
  EXPECT_EQ(r.scenario, m.scenario);
  EXPECT_EQ(r.seed, m.seed);
  EXPECT_EQ(r.nodes, m.nodes);
  EXPECT_EQ(r.lookahead_ns, m.lookahead_ns);
  EXPECT_EQ(r.end_t_ns, m.end_t_ns);
  EXPECT_EQ(r.events, m.events);
  ASSERT_EQ(r.entities.size(), 4u);
  EXPECT_EQ(r.entities[3].path, "r/h3");
  EXPECT_EQ(r.entities[2].node, 2u);
  ASSERT_EQ(r.shards.size(), 2u);
  EXPECT_EQ(r.shards[1].file, "shard-2.capnp");
  EXPECT_EQ(r.shards[1].records, 7u);
  EXPECT_EQ(r.shards[1].bytes, 120u);
}

TEST(trace_manifest, reads_extreme_values) {
  auto dir = scratch_dir();
  write_file(dir, valid_manifest);
  auto m = trace::read_manifest(dir);
  EXPECT_EQ(m.seed, 18446744073709551615ull);
  EXPECT_EQ(m.end_t_ns, -5);
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

TEST(trace_manifest, missing_field_named) {
  auto dir = scratch_dir();
  std::string text = valid_manifest;
  text.replace(text.find("\"seed\""), 6, "\"sead\"");
  write_file(dir, text);
  expect_error(dir, {"manifest.json", "field 'seed'", "missing"});
}

TEST(trace_manifest, ill_typed_nested_field_named) {
  auto dir = scratch_dir();
  std::string text = valid_manifest;
  text.replace(text.find("\"kind\": \"vm\""), 12, "\"kind\": 3");
  write_file(dir, text);
  expect_error(dir, {"manifest.json", "field 'entities[0].kind'",
                     "expected string", "number"});
}

TEST(trace_manifest, negative_unsigned_rejected) {
  auto dir = scratch_dir();
  std::string text = valid_manifest;
  text.replace(text.find("\"nodes\": 2"), 10, "\"nodes\": -2");
  write_file(dir, text);
  expect_error(dir, {"field 'nodes'", "out of range"});
}

TEST(trace_manifest, unsupported_version_rejected) {
  auto dir = scratch_dir();
  std::string text = valid_manifest;
  text.replace(text.find("\"format_version\": 1"), 19, "\"format_version\": 9");
  write_file(dir, text);
  expect_error(dir, {"field 'format_version'", "unsupported"});
}

TEST(trace_manifest, root_must_be_object) {
  auto dir = scratch_dir();
  write_file(dir, "[1, 2]");
  expect_error(dir, {"manifest.json", "(root)", "object"});
}

} // namespace
} // namespace vmss::trace_test
