/// Canonical encoding and digest.

#include "analysis/digest.hpp"
#include "trace_fixture.hpp"

#include <gtest/gtest.h>

namespace vmss::trace_test {
namespace {

std::string to_hex(const std::string& bytes) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xf]);
  }
  return out;
}

const std::vector<trace::field> vm_fields = {
    {"state", std::string("on")}, {"n", int64_t{-1}}, {"x", 0.5}, {"b", true}};

TEST(digest, canonical_encoding_matches_the_spec) {
  analysis::record r;
  r.key = key(5, 1);
  r.node = 9; // not encoded
  r.path = "r/h1";
  r.event = "vm_state";
  r.fields = vm_fields;
  std::string bytes;
  analysis::append_canonical(r, bytes);
  // Computed independently (Python struct.pack) from docs/trace-format.md.
  EXPECT_EQ(to_hex(bytes),
            "0500000000000000722f683100766d5f73746174650004000000737461746500"
            "036f6e006e0000ffffffffffffffff780001000000000000e03f62000201");
}

TEST(digest, known_value_of_a_tiny_trace) {
  auto dir = scratch_dir();
  write_trace(
      dir, make_entities(2),
      {{0, key(5, 1), "vm_state", vm_fields}, {0, key(7, 0), "tick", {}}});
  EXPECT_EQ(analysis::trace_digest(dir),
            "ad38aae2bedf495cf109aad967daa5516825566bbda3613cdb907703e8047fcf");
}

TEST(digest, empty_trace_is_sha256_of_nothing) {
  auto dir = scratch_dir();
  write_trace(dir, make_entities(1), {});
  EXPECT_EQ(analysis::trace_digest(dir),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(digest, independent_of_node_split) {
  std::vector<test_record> records;
  for (int i = 0; i < 40'000; ++i) {
    auto entity = static_cast<uint32_t>(i % 5);
    records.push_back({0, key(i / 5, entity, i), i % 7 ? "tick" : "vm_state",
                       i % 7 ? std::vector<trace::field>{} : vm_fields});
  }
  auto one = scratch_dir("-1");
  write_trace(one, make_entities(5, 1), records, 1);
  for (auto& r : records)
    r.node = r.key.entity % 3;
  auto three = scratch_dir("-3");
  write_trace(three, make_entities(5, 3), records, 3);
  EXPECT_EQ(analysis::trace_digest(one), analysis::trace_digest(three));

  records.back().key.t_ns += 1;
  auto changed = scratch_dir("-changed");
  write_trace(changed, make_entities(5, 3), records, 3);
  EXPECT_NE(analysis::trace_digest(changed), analysis::trace_digest(three));
}

} // namespace
} // namespace vmss::trace_test
