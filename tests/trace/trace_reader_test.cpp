/// Reader: canonical merge and error reporting.

#include "analysis/trace_reader.hpp"
#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace vmss::trace_test {
namespace {

using analysis::record;
using analysis::trace_reader;

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
  expect_error([&] { trace_reader{dir}; },
               {"manifest.json: field 'shards[1].file'", "shard-1.capnp",
                "No such file"});
}

TEST(trace_reader, shard_size_must_match_bytes) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(6, 3), three_node_records(30), 3);
  std::ofstream(dir + "/shard-2.capnp", std::ios::app) << "x";
  expect_error([&] { trace_reader{dir}; },
               {"manifest.json: field 'shards[2].bytes'", "says ",
                "shard-2.capnp holds "});
}

TEST(trace_reader, shard_symlink_not_followed) {
  auto dir = scratch_dir();
  auto elsewhere = scratch_dir("-elsewhere");
  write_trace(dir, make_entities(1), {{0, key(1, 0), "x", {}}});
  write_trace(elsewhere, make_entities(1), {{0, key(1, 0), "x", {}}});
  std::filesystem::remove(dir + "/shard-0.capnp");
  std::filesystem::create_symlink(elsewhere + "/shard-0.capnp",
                                  dir + "/shard-0.capnp");
  expect_error([&] { trace_reader{dir}; },
               {"field 'shards[0].file'", "symbolic link"});
}

TEST(trace_reader, shard_fifo_refused_without_blocking) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(1), {});
  std::filesystem::remove(dir + "/shard-0.capnp");
  ASSERT_EQ(::mkfifo((dir + "/shard-0.capnp").c_str(), 0600), 0);
  expect_error([&] { trace_reader{dir}; },
               {"field 'shards[0].file'", "a FIFO, expected a regular file"});
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
  write_trace(dir, make_entities(2, 2), {{0, key(1, 0), "x", {}}}, 2);
  std::filesystem::copy_file(dir + "/shard-0.capnp", dir + "/shard-1.capnp",
                             std::filesystem::copy_options::overwrite_existing);
  auto m = trace::read_manifest(dir);
  for (auto& s : m.shards)
    s = trace::shard_info{s.node, s.file, 1, m.shards[0].bytes};
  trace::write_manifest(dir, m);
  expect_error([&] { count_records(dir); },
               {"shard-1.capnp", "batch 0 is from node 0", "says node 1"});
}

/// 3 nodes, t = 0..99; marked complete until t = 60 with a torn tail.
std::string incomplete_trace(const std::string& dir) {
  std::vector<test_record> in;
  for (int i = 0; i < 100; ++i)
    in.push_back({static_cast<uint32_t>(i % 3),
                  key(i, static_cast<uint32_t>(i % 3)),
                  "tick",
                  {}});
  write_trace(dir, make_entities(3, 3), in, 3);
  make_incomplete(dir, 60);
  return dir;
}

TEST(trace_reader, incomplete_trace_reads_the_prefix_before_until) {
  auto dir = incomplete_trace(scratch_dir());
  trace_reader reader(dir, analysis::read_options{false});
  EXPECT_FALSE(reader.manifest().complete);
  int64_t next = 0;
  uint64_t n =
      reader.for_each([&](const record& r) { EXPECT_EQ(r.t_ns(), next++); });
  EXPECT_EQ(n, 60u);
  EXPECT_EQ(reader.for_each_in_shard(1, [](const record&) {}), 20u);
  EXPECT_NE(analysis::incomplete_note(reader.manifest()).find("t_ns=60"),
            std::string::npos);
  EXPECT_EQ(analysis::incomplete_note(trace::manifest{}), "");
}

TEST(trace_reader, incomplete_trace_counts_checked_over_the_prefix) {
  auto dir = incomplete_trace(scratch_dir());
  auto m = trace::read_manifest(dir);
  m.shards[0].records -= 1; // 34 in the prefix, 20 before t = 60
  trace::write_manifest(dir, m);
  expect_error(
      [&] {
        trace_reader(dir, analysis::read_options{false}).for_each([](auto&) {});
      },
      {"shard-0.capnp", "record count mismatch: shard holds 34"});
}

TEST(trace_reader, incomplete_shard_shorter_than_bytes) {
  auto dir = incomplete_trace(scratch_dir());
  auto m = trace::read_manifest(dir);
  std::filesystem::resize_file(dir + "/shard-1.capnp", m.shards[1].bytes - 1);
  expect_error([&] { trace_reader{dir}; },
               {"field 'shards[1].bytes'", "holds only"});
}

} // namespace
} // namespace vmss::trace_test
