/// Reader: hostile shards (the shapes fuzz_trace_shard found) are refused
/// quickly, before anything large is allocated, by every trace command.

#include "analysis/digest.hpp"
#include "analysis/export.hpp"
#include "analysis/summary.hpp"
#include "analysis/trace_reader.hpp"
#include "kernel/trace_packer.hpp"
#include "messages/trace.capnp.h"
#include "trace_fixture.hpp"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <gtest/gtest.h>
#include <kj/io.h>

#include <sys/resource.h>

#include <cstdlib>
#include <sstream>

namespace vmss::trace_test {
namespace {

/// A trace of one shard holding `bytes`, whose manifest says it has
/// `records` records (so that no count check trips first).
std::string trace_with_shard(const std::string& bytes, uint64_t records) {
  auto dir = scratch_dir();
  auto m = write_trace(dir, make_entities(1), {});
  write_text(dir + "/shard-0.capnp", bytes);
  m.shards.at(0).bytes = bytes.size();
  m.shards.at(0).records = records;
  trace::write_manifest(dir, m);
  return dir;
}

/// Packs raw words (a hand-made segment table) as a shard holds them.
std::string packed_words(const std::vector<uint64_t>& words) {
  std::string out(10 * words.size() + 2, '\0');
  auto* begin = reinterpret_cast<uint8_t*>(out.data());
  auto* end = trace::pack_words(
      reinterpret_cast<const capnp::word*>(words.data()), words.size(), begin);
  out.resize(static_cast<size_t>(end - begin));
  return out;
}

std::string packed_message(capnp::MessageBuilder& message) {
  kj::VectorOutputStream out;
  capnp::writePackedMessage(out, message);
  auto bytes = out.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()),
                     bytes.size());
}

/// Batch 0 of node 0 defining event name 0 ("e").
trace::wire::ShardBatch::Builder init_batch(capnp::MessageBuilder& message) {
  auto batch = message.initRoot<trace::wire::ShardBatch>();
  batch.initNewEventNames(1).set(0, "e");
  return batch;
}

/// `count` structs of `data_words` data words and no pointers in pointer
/// `index` of `s`.
template <class Builder>
void struct_list(Builder s, unsigned index, uint16_t data_words,
                 uint32_t count) {
  capnp::toAny(s).getPointerSection()[index].initAsListOfAnyStruct(data_words,
                                                                   0, count);
}

/// The child of expect_quick_error: 1 GiB of address space (not under
/// ASan, whose shadow memory needs more) and 5 s of CPU.
[[noreturn]] void expect_error_limited(const std::function<void()>& fn,
                                       const std::vector<std::string>& parts) {
#ifndef __SANITIZE_ADDRESS__
  const rlimit memory{rlim_t{1} << 30, rlim_t{1} << 30};
  ::setrlimit(RLIMIT_AS, &memory);
#endif
  const rlimit cpu{5, 5};
  ::setrlimit(RLIMIT_CPU, &cpu);
  expect_error(fn, parts);
  std::exit(::testing::Test::HasFailure() ? 1 : 0);
}

/// Expects `fn` to throw std::runtime_error mentioning every part, in a
/// child process with little memory and time: without the reader's bounds
/// these shards allocate 16 GiB or decode for minutes.
void expect_quick_error(const std::function<void()>& fn,
                        const std::vector<std::string>& parts) {
  EXPECT_EXIT(expect_error_limited(fn, parts), ::testing::ExitedWithCode(0),
              "");
}

uint64_t count_records(const std::string& dir) {
  return analysis::trace_reader(dir).for_each([](const analysis::record&) {});
}

TEST(shard_bounds, segment_beyond_the_batch_bound_is_refused_unallocated) {
  // The fuzzer's 5 bytes: one segment of 0x7fffffff words (16 GiB).
  auto dir = trace_with_shard(std::string("\xf0\xff\xff\xff\x7f", 5), 1);
  expect_quick_error(
      [&] { count_records(dir); },
      {"shard-0.capnp", "corrupt or truncated shard",
       "batch 0 claims 2147483648 words",
       "more than the " + std::to_string(trace::max_batch_words)});
}

TEST(shard_bounds, segments_beyond_what_the_bytes_left_unpack_to) {
  // One segment of 100000 words (within the batch bound), then 16 zero
  // words: 6 bytes, which unpack to at most 768 words.
  auto bytes = packed_words({uint64_t{100'000} << 32}) +
               packed_words(std::vector<uint64_t>(16, 0));
  ASSERT_EQ(bytes.size(), 6u);
  auto dir = trace_with_shard(bytes, 1);
  expect_quick_error([&] { count_records(dir); },
                     {"shard-0.capnp", "batch 0 claims 100001 words",
                      "the 6 bytes left can unpack to (768)"});
}

TEST(shard_bounds, segment_count_beyond_the_format) {
  auto dir = trace_with_shard(packed_words({600}), 1);
  expect_quick_error(
      [&] { count_records(dir); },
      {"shard-0.capnp", "batch 0 claims 601 segments", "more than the 512"});
}

TEST(shard_bounds, zero_size_records_cannot_amplify_a_small_batch) {
  // The fuzzer's 27 bytes: 2^29 - 1 records that take no space.
  const uint32_t claimed = (uint32_t{1} << 29) - 1;
  capnp::MallocMessageBuilder message;
  struct_list(init_batch(message), 2, 0, claimed);
  auto bytes = packed_message(message);
  ASSERT_LT(bytes.size(), 32u);
  auto dir = trace_with_shard(bytes, claimed);
  const std::vector<std::string> parts = {
      "shard-0.capnp", "corrupt or truncated shard", "traversal limit"};
  expect_quick_error([&] { analysis::trace_digest(dir); }, parts);
  expect_quick_error(
      [&] {
        analysis::trace_reader reader(dir);
        std::ostringstream out;
        analysis::export_csv(reader, out); // field keys first, then records
      },
      parts);
  expect_quick_error([&] { analysis::summarize(analysis::trace_reader(dir)); },
                     parts);
}

TEST(shard_bounds, records_smaller_than_the_writers_are_corrupt) {
  // Records of one data word: within the traversal limit, not records.
  capnp::MallocMessageBuilder message;
  struct_list(init_batch(message), 2, 1, 3);
  auto dir = trace_with_shard(packed_message(message), 3);
  expect_error([&] { count_records(dir); },
               {"shard-0.capnp", "corrupt or truncated shard",
                "batch 0: records are structs of 8 data bytes and 0 pointers",
                "smaller than the 32 data bytes and 1 pointer the writer"});
}

TEST(shard_bounds, fields_smaller_than_the_writers_are_corrupt) {
  capnp::MallocMessageBuilder message;
  auto records = init_batch(message).initRecords(2);
  struct_list(records[1], 0, 1, 2);
  auto dir = trace_with_shard(packed_message(message), 2);
  expect_error([&] { count_records(dir); },
               {"shard-0.capnp", "(after 1 records)",
                "record 1: fields are structs of 8 data bytes and 0 pointers",
                "smaller than the 16 data bytes and 1 pointer the writer"});
}

} // namespace
} // namespace vmss::trace_test
