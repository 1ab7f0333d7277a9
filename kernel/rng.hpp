#pragma once
/// Per-entity random numbers: xoshiro256** seeded from (run seed, entity key)
/// through splitmix64, so every entity's stream depends only on the run seed
/// and its topology path, never on spawn order or node placement.

#include <cstdint>
#include <string_view>

namespace vmss {

/// splitmix64 step: a good 64-bit mixer.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a of a topology path: the entity's stable key.
inline uint64_t path_key(std::string_view path) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : path) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

class rng {
public:
  rng() : rng(0, 0) {}

  rng(uint64_t run_seed, uint64_t entity_key) {
    uint64_t x = mix64(run_seed) ^ entity_key;
    for (auto& word : s_) {
      x = mix64(x);
      word = x;
    }
  }

  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform integer in [0, bound); bound > 0.
  uint64_t below(uint64_t bound) {
    // Lemire's multiply-shift with rejection: unbiased.
    for (;;) {
      __uint128_t m = static_cast<__uint128_t>(next()) * bound;
      auto low = static_cast<uint64_t>(m);
      if (low >= bound || low >= (0 - bound) % bound)
        return static_cast<uint64_t>(m >> 64);
    }
  }

  /// Uniform integer in [lo, hi].
  int64_t uniform(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

} // namespace vmss
