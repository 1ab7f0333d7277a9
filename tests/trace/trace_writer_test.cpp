/// shard_writer round trips through the reader.

#include "analysis/trace_reader.hpp"
#include "trace_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

namespace vmss::trace_test {
namespace {

using analysis::owned_record;
using analysis::record;
using analysis::trace_reader;

std::vector<owned_record> read_all(const std::string& dir) {
  std::vector<owned_record> out;
  trace_reader(dir).for_each([&](const record& r) { out.emplace_back(r); });
  return out;
}

TEST(shard_writer, round_trips_keys_events_and_typed_fields) {
  auto dir = scratch_dir();
  std::vector<test_record> in = {
      {0,
       key(5, 1, 3),
       "vm_state",
       {{"state", std::string("running")},
        {"instance_id", int64_t{-4}},
        {"ratio", 0.25},
        {"member", true}}},
      {0, key(5, 2, 9), "placement", {}},
      {0,
       key(1'000'000'000'000, 0, 1u << 31),
       "vm_state",
       {{"state", std::string("")}}},
  };
  in[1].key.src = 77;
  in[1].key.sub = 2;
  write_trace(dir, make_entities(3), in);
  auto out = read_all(dir);
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_FALSE(out[i].key < in[i].key || in[i].key < out[i].key) << i;
    EXPECT_EQ(out[i].event, in[i].event);
    ASSERT_EQ(out[i].fields.size(), in[i].fields.size());
    for (size_t j = 0; j < in[i].fields.size(); ++j) {
      EXPECT_EQ(out[i].fields[j].key, in[i].fields[j].key);
      EXPECT_EQ(out[i].fields[j].val, in[i].fields[j].val);
    }
  }
  EXPECT_EQ(out[1].path, "r/h2");
  EXPECT_EQ(out[1].kind, "vm");
}

TEST(shard_writer, many_batches_with_names_interned_late) {
  auto dir = scratch_dir();
  const int n = 100'000; // several 16k batches
  std::vector<test_record> in;
  for (int i = 0; i < n; ++i) {
    test_record r{0, key(i / 3, static_cast<uint32_t>(i % 3), i), "ev0", {}};
    if (i % 20'000 == 19'999) {
      r.event = "late" + std::to_string(i);
      r.fields = {{"k" + std::to_string(i), int64_t{i}}};
    }
    in.push_back(r);
  }
  write_trace(dir, make_entities(3), in);
  auto out = read_all(dir);
  ASSERT_EQ(out.size(), in.size());
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(out[i].key.t_ns, i / 3);
    ASSERT_EQ(out[i].key.seq, static_cast<uint64_t>(i));
    ASSERT_EQ(out[i].event, in[i].event);
    ASSERT_EQ(out[i].fields.size(), in[i].fields.size());
  }
}

TEST(shard_writer, extreme_and_decreasing_times_round_trip) {
  auto dir = scratch_dir();
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  write_trace(dir, make_entities(1),
              {{0, key(lo, 0), "a", {}},
               {0, key(hi, 0), "a", {}},
               {0, key(-1, 0), "a", {}}});
  std::vector<int64_t> times;
  for (const auto& r : read_all(dir))
    times.push_back(r.key.t_ns);
  EXPECT_EQ(times, (std::vector<int64_t>{lo, hi, -1}));
}

TEST(shard_writer, empty_shard_is_readable) {
  auto dir = scratch_dir();
  auto m = write_trace(dir, make_entities(1), {});
  EXPECT_EQ(m.shards.at(0).records, 0u);
  EXPECT_GT(m.shards.at(0).bytes, 0u);
  EXPECT_TRUE(read_all(dir).empty());
}

TEST(shard_writer, rejects_unknown_event_id_and_append_after_close) {
  auto dir = scratch_dir();
  trace::shard_writer w(dir, 0);
  EXPECT_THROW(w.append(key(0, 0), 3), std::out_of_range);
  auto id = w.intern("a");
  EXPECT_EQ(w.intern("a"), id);
  EXPECT_NE(w.intern("b"), id);
  w.append(key(0, 0), id);
  EXPECT_EQ(w.close().records, 1u);
  EXPECT_THROW(w.append(key(1, 0), id), std::logic_error);
}

TEST(shard_writer, cuts_batches_by_text_to_stay_within_the_batch_bound) {
  // More text than one batch may hold, in records of 1 MiB each: one batch
  // would exceed trace::max_batch_words, so the writer cuts it early.
  const std::string text(1 << 20, 'x');
  const size_t n = trace::max_batch_words * sizeof(uint64_t) / text.size() + 1;
  std::vector<test_record> in;
  for (size_t i = 0; i < n; ++i)
    in.push_back({0, key(static_cast<int64_t>(i), 0), "blob", {{"t", text}}});
  auto dir = scratch_dir();
  write_trace(dir, make_entities(1), in);
  size_t read = 0;
  trace_reader(dir).for_each([&](const record& r) {
    ASSERT_EQ(r.fields.size(), 1u);
    EXPECT_EQ(std::get<std::string>(r.fields[0].val).size(), text.size());
    ++read;
  });
  EXPECT_EQ(read, n);
}

TEST(shard_writer, refuses_a_record_beyond_the_batch_bound) {
  auto dir = scratch_dir();
  trace::shard_writer w(dir, 0);
  const trace::field huge{
      "t", std::string(trace::max_batch_words * sizeof(uint64_t), 'x')};
  w.append(key(0, 0), w.intern("blob"), &huge, 1);
  expect_error([&] { w.close(); },
               {"shard-0.capnp: trace batch 0 takes",
                "more than a shard batch may hold (" +
                    std::to_string(trace::max_batch_words) + " words"});
}

TEST(shard_writer, write_errors_surface_with_the_path) {
  if (!std::filesystem::exists("/dev/full"))
    GTEST_SKIP() << "no /dev/full";
  auto dir = scratch_dir();
  std::filesystem::create_symlink("/dev/full", dir + "/shard-0.capnp");
  std::string what;
  try {
    trace::shard_writer w(dir, 0);
    auto id = w.intern("a");
    for (int i = 0; i < 300'000; ++i)
      w.append(key(i, 0), id);
    w.close();
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  EXPECT_NE(what.find("shard-0.capnp: cannot write"), std::string::npos)
      << what;
}

TEST(shard_writer, unwritable_directory_names_the_path) {
  auto dir = scratch_dir();
  std::string file = dir + "/plain-file";
  { std::ofstream(file) << "x"; }
  try {
    trace::shard_writer w(file + "/sub", 0);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
}

} // namespace
} // namespace vmss::trace_test
