/// is_vmss_trace_dir: which directories `run --out` may replace.

#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace vmss::trace_test {
namespace {

namespace fs = std::filesystem;

std::string sample(const std::string& dir) {
  write_trace(dir, make_entities(4, 2),
              {{0, key(1, 0), "a", {}}, {1, key(2, 1), "b", {}}}, 2);
  return dir;
}

/// Expects false with every part in `why`.
void expect_not_ours(const std::string& dir,
                     const std::vector<std::string>& parts) {
  std::string why;
  EXPECT_FALSE(trace::is_vmss_trace_dir(dir, why)) << dir;
  for (const auto& part : parts)
    EXPECT_NE(why.find(part), std::string::npos)
        << "'" << part << "' not in: " << why;
}

bool ours(const std::string& dir) {
  std::string why;
  bool yes = trace::is_vmss_trace_dir(dir, why);
  EXPECT_TRUE(yes || !why.empty());
  return yes;
}

TEST(trace_dir, a_written_trace_is_ours) {
  EXPECT_TRUE(ours(sample(scratch_dir())));
}

TEST(trace_dir, an_incomplete_trace_with_a_torn_tail_is_ours) {
  auto dir = sample(scratch_dir());
  make_incomplete(dir, 2);
  EXPECT_TRUE(ours(dir));
}

TEST(trace_dir, a_listed_shard_may_be_missing) {
  auto dir = sample(scratch_dir());
  fs::remove(dir + "/shard-1.capnp");
  EXPECT_TRUE(ours(dir));
}

TEST(trace_dir, any_other_file_makes_it_not_ours) {
  auto dir = sample(scratch_dir());
  write_text(dir + "/notes.txt", "keep");
  expect_not_ours(dir, {dir + "/notes.txt", "does not list it"});
  fs::remove(dir + "/notes.txt");
  write_text(dir + "/.hidden", "");
  expect_not_ours(dir, {".hidden"});
  fs::remove(dir + "/.hidden");
  fs::create_directory(dir + "/sub");
  expect_not_ours(dir, {dir + "/sub"});
}

TEST(trace_dir, listed_names_must_be_regular_files) {
  auto dir = sample(scratch_dir());
  auto elsewhere = sample(scratch_dir("-elsewhere"));
  fs::remove(dir + "/shard-1.capnp");
  fs::create_symlink(elsewhere + "/shard-1.capnp", dir + "/shard-1.capnp");
  expect_not_ours(dir, {dir + "/shard-1.capnp", "not a regular file"});
  fs::remove(dir + "/shard-1.capnp");
  fs::create_directory(dir + "/shard-1.capnp");
  expect_not_ours(dir, {dir + "/shard-1.capnp", "not a regular file"});
}

TEST(trace_dir, manifest_must_be_ours) {
  auto dir = scratch_dir();
  expect_not_ours(dir, {"not a vmss-sim trace", "manifest.json"});
  sample(dir);
  auto m = trace::read_manifest(dir);
  m.shards.clear();
  trace::write_manifest(dir, m);
  expect_not_ours(dir, {"not a vmss-sim trace", "field 'shards'"});
  auto elsewhere = sample(scratch_dir("-elsewhere"));
  fs::remove(dir + "/manifest.json");
  fs::create_symlink(elsewhere + "/manifest.json", dir + "/manifest.json");
  expect_not_ours(dir, {"manifest.json", "symbolic link"});
}

TEST(trace_dir, only_a_real_directory) {
  auto base = scratch_dir();
  auto dir = sample(base + "/trace");
  fs::create_directory_symlink(dir, base + "/link");
  expect_not_ours(base + "/link", {base + "/link", "symbolic link"});
  expect_not_ours(dir + "/manifest.json", {"not a directory"});
  expect_not_ours(base + "/absent", {base + "/absent"});
  EXPECT_TRUE(ours(dir));
}

} // namespace
} // namespace vmss::trace_test
