/// Packed encoding (capnp "packing", see capnproto.org/encoding.html):
/// per 8-byte word a tag byte (bit i = byte i is non-zero) and the non-zero
/// bytes; tag 0x00 is followed by the count of further zero words (≤ 255);
/// tag 0xff by the word, then the count of further words copied verbatim
/// (those with at most one zero byte, ≤ 255) and those words. These are
/// the exact choices of capnp's PackedOutputStream, so output is identical.

#include "kernel/trace_packer.hpp"

#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VMSS_TRACE_SSSE3 1
#endif

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the packer reads capnp words as native integers");

namespace vmss::trace {

namespace {

constexpr size_t max_run_words = 255;

/// Bit i set iff byte i of `w` is non-zero.
inline uint8_t nonzero_tag(uint64_t w) {
  const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
  uint64_t high = (((w & low7) + low7) | w) & 0x8080808080808080ull;
  return static_cast<uint8_t>(((high >> 7) * 0x0102040810204080ull) >> 56);
}

inline uint64_t load(const capnp::word* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

/// Writes the non-zero bytes of `w` (tag `tag`) with a byte loop.
struct compact_portable {
  uint8_t* operator()(uint64_t w, uint8_t, uint8_t* out) const {
    for (int b = 0; b < 8; ++b) {
      auto byte = static_cast<uint8_t>(w >> (8 * b));
      *out = byte;
      out += byte != 0;
    }
    return out;
  }
};

/// The shared word loop; `compact` writes a mixed word's non-zero bytes.
template <class Compact>
inline uint8_t* pack_with(const capnp::word* in, size_t n, uint8_t* out,
                          Compact compact) {
  size_t i = 0;
  while (i < n) {
    uint64_t w = load(in + i++);
    uint8_t tag = nonzero_tag(w);
    *out++ = tag;
    if (tag != 0 && tag != 0xff) {
      out = compact(w, tag, out);
      continue;
    }
    size_t limit = n - i > max_run_words ? i + max_run_words : n;
    size_t j = i;
    if (tag == 0) {
      while (j < limit && load(in + j) == 0)
        ++j;
    } else {
      std::memcpy(out, &w, 8);
      out += 8;
      while (j < limit && __builtin_popcount(nonzero_tag(load(in + j))) >= 7)
        ++j;
    }
    *out++ = static_cast<uint8_t>(j - i);
    if (tag == 0xff) {
      std::memcpy(out, in + i, (j - i) * 8);
      out += (j - i) * 8;
    }
    i = j;
  }
  return out;
}

uint8_t* pack_portable(const capnp::word* in, size_t n, uint8_t* out) {
  return pack_with(in, n, out, compact_portable{});
}

#ifdef VMSS_TRACE_SSSE3

/// pshufb masks gathering the bytes selected by each tag to the front.
struct shuffle_masks {
  alignas(16) uint8_t mask[256][16];

  shuffle_masks() {
    for (int tag = 0; tag < 256; ++tag) {
      int k = 0;
      for (int b = 0; b < 8; ++b)
        if (tag & (1 << b))
          mask[tag][k++] = static_cast<uint8_t>(b);
      for (; k < 16; ++k)
        mask[tag][k] = 0x80;
    }
  }
};

const shuffle_masks masks;

struct compact_ssse3 {
  __attribute__((target("ssse3,popcnt"))) uint8_t*
  operator()(uint64_t w, uint8_t tag, uint8_t* out) const {
    __m128i v = _mm_cvtsi64_si128(static_cast<long long>(w));
    __m128i m =
        _mm_load_si128(reinterpret_cast<const __m128i*>(masks.mask[tag]));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(v, m));
    return out + __builtin_popcount(tag);
  }
};

__attribute__((target("ssse3,popcnt"))) uint8_t*
pack_ssse3(const capnp::word* in, size_t n, uint8_t* out) {
  return pack_with(in, n, out, compact_ssse3{});
}

bool cpu_has_ssse3() {
  static const bool has =
      __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt");
  return has;
}

#endif

} // namespace

uint8_t* pack_words(const capnp::word* in, size_t n, uint8_t* out,
                    packer_kind kind) {
#ifdef VMSS_TRACE_SSSE3
  if (kind == packer_kind::best && cpu_has_ssse3())
    return pack_ssse3(in, n, out);
#endif
  (void)kind;
  return pack_portable(in, n, out);
}

namespace {

/// Segment table as capnp::writeMessage lays it out: count - 1, the sizes,
/// padded with a zero to a whole number of words.
std::vector<uint32_t>
segment_table(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  std::vector<uint32_t> table((segments.size() + 2) & ~size_t(1), 0);
  table[0] = static_cast<uint32_t>(segments.size() - 1);
  for (size_t i = 0; i < segments.size(); ++i)
    table[i + 1] = static_cast<uint32_t>(segments[i].size());
  return table;
}

} // namespace

size_t packed_size_bound(
    kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  size_t words = (segments.size() + 2) / 2;
  for (auto segment : segments)
    words += segment.size();
  return 10 * words + 2 * (segments.size() + 1);
}

uint8_t*
pack_message(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments,
             uint8_t* out, packer_kind kind) {
  // Each piece is packed on its own, as capnp's OutputStream::write(pieces).
  std::vector<uint32_t> table = segment_table(segments);
  out = pack_words(reinterpret_cast<const capnp::word*>(table.data()),
                   table.size() / 2, out, kind);
  for (auto segment : segments)
    out = pack_words(segment.begin(), segment.size(), out, kind);
  return out;
}

} // namespace vmss::trace
