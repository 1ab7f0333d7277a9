/// Reader: canonical merge and error reporting.

#include "analysis/trace_reader.hpp"
#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vmss::trace_test {
namespace {

using analysis::record;
using analysis::trace_reader;

/// Expects `fn` to throw std::runtime_error mentioning every part.
template <class Fn>
void expect_error(Fn&& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    for (const auto& part : parts)
      EXPECT_NE(what.find(part), std::string::npos)
          << "'" << part << "' not in: " << what;
  }
}

uint64_t count_records(const std::string& dir) {
  return trace_reader(dir).for_each([](const record&) {});
}

/// 3 nodes; entity e lives on node e % 3; records at t = 0..n-1.
std::vector<test_record> three_node_records(int n) {
  std::vector<test_record> out;
  for (int i = 0; i < n; ++i) {
    auto entity = static_cast<uint32_t>((i * 7) % 6);
    out.push_back({entity % 3, key(i / 2, entity, i), "tick", {}});
  }
  return out;
}

TEST(trace_reader, merges_shards_in_canonical_order) {
  auto dir = scratch_dir();
  auto in = three_node_records(50'000);
  write_trace(dir, make_entities(6, 3), in, 3);
  std::vector<analysis::owned_record> out;
  trace_reader(dir).for_each([&](const record& r) { out.emplace_back(r); });
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 1; i < out.size(); ++i)
    ASSERT_TRUE(out[i - 1].key < out[i].key) << i;
  for (const auto& r : out)
    ASSERT_EQ(r.node, r.key.entity % 3);
}

TEST(trace_reader, reads_one_shard_and_field_keys) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(2, 2),
              {{0, key(1, 0), "a", {{"zeta", int64_t{1}}}},
               {1, key(2, 1), "b", {{"alpha", true}, {"zeta", 2.5}}}},
              2);
  trace_reader reader(dir);
  uint64_t n = reader.for_each_in_shard(1, [](const record& r) {
    EXPECT_EQ(r.event, "b");
    EXPECT_EQ(r.node, 1u);
  });
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(reader.field_keys(), (std::vector<std::string>{"alpha", "zeta"}));
}

TEST(trace_reader, missing_directory) {
  expect_error([] { trace_reader("/nonexistent/vmss-trace"); },
               {"/nonexistent/vmss-trace", "does not exist"});
}

TEST(trace_reader, missing_shard) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(2, 2), three_node_records(0), 2);
  std::filesystem::remove(dir + "/shard-1.capnp");
  expect_error([&] { trace_reader{dir}; }, {"shard-1.capnp", "missing"});
}

TEST(trace_reader, truncated_shard) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(6, 3), three_node_records(1000), 3);
  auto path = dir + "/shard-2.capnp";
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  expect_error([&] { count_records(dir); }, {"shard-2.capnp", "truncated"});
}

TEST(trace_reader, corrupt_shard) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(6, 3), three_node_records(1000), 3);
  std::ofstream(dir + "/shard-0.capnp", std::ios::binary | std::ios::trunc)
      << std::string(64, '\xff');
  expect_error([&] { count_records(dir); }, {"shard-0.capnp"});
}

TEST(trace_reader, record_count_mismatch) {
  auto dir = scratch_dir();
  auto m = write_trace(dir, make_entities(6, 3), three_node_records(30), 3);
  m.shards[1].records += 1;
  trace::write_manifest(dir, m);
  expect_error([&] { count_records(dir); },
               {"shard-1.capnp", "record count mismatch", "manifest.json"});
  analysis::read_options lax{false};
  EXPECT_EQ(trace_reader(dir, lax).for_each([](const record&) {}), 30u);
}

TEST(trace_reader, entity_id_out_of_range) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(2), {{0, key(1, 5), "x", {}}});
  expect_error([&] { count_records(dir); },
               {"shard-0.capnp", "entity id 5 out of range"});
}

TEST(trace_reader, shard_from_wrong_node) {
  auto dir = scratch_dir();
  auto m = write_trace(dir, make_entities(2), {{0, key(1, 0), "x", {}}});
  m.shards[0].node = 4;
  trace::write_manifest(dir, m);
  expect_error([&] { count_records(dir); }, {"shard-0.capnp", "node 0"});
}

} // namespace
} // namespace vmss::trace_test
