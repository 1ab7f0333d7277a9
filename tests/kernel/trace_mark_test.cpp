// shard_writer::mark_complete: after a mark, the shard file starts with a
// readable prefix of whole packed messages holding exactly the records
// before the mark, whatever is appended later.
#include "kernel/trace_sink.hpp"
#include "tests/kernel/shard_prefix.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace {

using namespace vmss;

/// Waits (bounded) until the encoder has written the mark at `until_ns`.
trace::shard_prefix wait_for_mark(const trace::shard_writer& w,
                                  int64_t until_ns) {
  for (int i = 0; i < 500 && w.complete_prefix().until_ns != until_ns; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return w.complete_prefix();
}

TEST(trace_mark, marked_prefix_decodes_to_the_records_before_it) {
  auto dir = ::testing::TempDir() + "vmss-trace-mark";
  std::filesystem::remove_all(dir);
  trace::shard_writer w(dir, 0);
  EXPECT_EQ(w.complete_prefix().until_ns, 0);
  auto ev = w.intern("tick");
  // 20000 records: one full batch (16384) and part of the next.
  for (int64_t t = 0; t < 20000; ++t) {
    trace::field f{"n", t};
    w.append({t, 1, 2, static_cast<uint64_t>(t), 0}, ev, &f, 1);
  }
  w.mark_complete(20000);
  auto first = wait_for_mark(w, 20000);
  EXPECT_EQ(first.records, 20000u);
  auto path = dir + "/" + trace::shard_file_name(0);
  // Readable while the writer still runs.
  auto prefix = test_support::read_prefix(path, first.bytes);
  EXPECT_EQ(prefix.records, 20000u);
  EXPECT_EQ(prefix.max_t_ns, 19999);
  // A mark with nothing new writes no empty message, and keeps a name
  // interned meanwhile for the next message.
  auto late = w.intern("late");
  w.mark_complete(25000);
  auto empty = wait_for_mark(w, 25000);
  EXPECT_EQ(empty.bytes, first.bytes);
  EXPECT_EQ(empty.records, 20000u);
  w.append({30000, 1, 2, 1, 0}, late);
  auto stats = w.close();
  EXPECT_EQ(stats.records, 20001u);
  EXPECT_GE(stats.bytes, first.bytes);
  auto whole = test_support::read_prefix(path, stats.bytes);
  EXPECT_EQ(whole.records, 20001u);
  EXPECT_EQ(whole.event_names, 2u);
  std::filesystem::remove_all(dir);
}

} // namespace
