/// The trace packer must write exactly what capnp::writePackedMessage
/// writes, for every word pattern and segment layout.

#include "kernel/trace_packer.hpp"
#include "messages/trace.capnp.h"

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <gtest/gtest.h>
#include <kj/io.h>

#include <cstring>
#include <random>

namespace vmss::trace_test {
namespace {

using segment_list = std::vector<std::vector<capnp::word>>;

std::vector<uint8_t> capnp_packed(const segment_list& segs) {
  std::vector<kj::ArrayPtr<const capnp::word>> ptrs;
  for (const auto& s : segs)
    ptrs.emplace_back(s.data(), s.size());
  kj::VectorOutputStream out;
  capnp::writePackedMessage(out, kj::arrayPtr(ptrs.data(), ptrs.size()));
  auto bytes = out.getArray();
  return {bytes.begin(), bytes.end()};
}

std::vector<uint8_t> our_packed(const segment_list& segs,
                                trace::packer_kind kind) {
  std::vector<kj::ArrayPtr<const capnp::word>> ptrs;
  for (const auto& s : segs)
    ptrs.emplace_back(s.data(), s.size());
  auto ptr_list = kj::arrayPtr(ptrs.data(), ptrs.size());
  size_t bound = trace::packed_size_bound(ptr_list);
  std::vector<uint8_t> out(bound + 1, 0xab); // last byte: overrun guard
  uint8_t* end = trace::pack_message(ptr_list, out.data(), kind);
  EXPECT_LE(end - out.data(), static_cast<ptrdiff_t>(bound));
  EXPECT_EQ(out.back(), 0xab);
  out.resize(end - out.data());
  return out;
}

/// Words in runs of one flavour: zero, all non-zero, one zero byte, two
/// zero bytes, random bytes — with runs longer than 255 words.
std::vector<capnp::word> random_words(std::mt19937_64& rng, size_t n) {
  std::vector<capnp::word> out;
  while (out.size() < n) {
    int flavour = static_cast<int>(rng() % 5);
    size_t run = rng() % 4 == 0 ? rng() % 600 : rng() % 6 + 1;
    for (size_t i = 0; i < run && out.size() < n; ++i) {
      uint64_t w = rng();
      uint64_t nonzero = w | 0x0101010101010101ull;
      if (flavour == 0)
        w = 0;
      else if (flavour == 1)
        w = nonzero;
      else if (flavour == 2)
        w = nonzero & ~(0xffull << (8 * (rng() % 8)));
      else if (flavour == 3)
        w = nonzero & ~(0xffull << 8) & ~(0xffull << 48);
      else
        w &= rng() & rng();
      capnp::word cw;
      std::memcpy(static_cast<void*>(&cw), &w, sizeof w);
      out.push_back(cw);
    }
  }
  return out;
}

TEST(trace_packer, identical_to_capnp_for_random_segments) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 300; ++round) {
    segment_list segs(rng() % 4 + 1);
    for (auto& s : segs)
      s = random_words(rng, rng() % 3 == 0 ? rng() % 3 : rng() % 2000);
    auto expected = capnp_packed(segs);
    ASSERT_EQ(our_packed(segs, trace::packer_kind::best), expected) << round;
    ASSERT_EQ(our_packed(segs, trace::packer_kind::portable), expected)
        << round;
  }
}

TEST(trace_packer, identical_to_capnp_for_a_multi_segment_batch) {
  capnp::MallocMessageBuilder msg(16, capnp::AllocationStrategy::FIXED_SIZE);
  auto root = msg.initRoot<trace::wire::ShardBatch>();
  root.setNode(3);
  root.setBaseTNs(-7);
  auto names = root.initNewEventNames(2);
  names.set(0, "vm_state");
  names.set(1, "placement");
  auto records = root.initRecords(100);
  for (uint32_t i = 0; i < records.size(); ++i) {
    records[i].setDtNs(i % 3);
    records[i].setEntity(i * 977);
    records[i].setSeq(uint64_t{1} << (i % 64));
    if (i % 10 == 0)
      records[i].initFields(1)[0].initValue().setText("running");
  }
  auto segments = msg.getSegmentsForOutput();
  ASSERT_GT(segments.size(), 1u);
  segment_list segs;
  for (auto s : segments)
    segs.emplace_back(s.begin(), s.end());
  EXPECT_EQ(our_packed(segs, trace::packer_kind::best), capnp_packed(segs));
}

} // namespace
} // namespace vmss::trace_test
