#pragma once
/// Messages of the benchmark workloads (bench/WORKLOADS.md).

#include <caf/meta/type_name.hpp>

#include <array>
#include <cstdint>

namespace vmss::bench {

/// The 64-byte payload every benchmark message carries.
struct payload64 {
  std::array<uint64_t, 8> words{};
  friend bool operator==(const payload64& a, const payload64& b) {
    return a.words == b.words;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payload64& x) {
  return f(caf::meta::type_name("payload64"), x.words[0], x.words[1],
           x.words[2], x.words[3], x.words[4], x.words[5], x.words[6],
           x.words[7]);
}

/// W1: round `round` of a pair, pinger -> ponger.
struct ping {
  uint32_t round = 0;
  payload64 payload;
  friend bool operator==(const ping& a, const ping& b) {
    return a.round == b.round && a.payload == b.payload;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ping& x) {
  return f(caf::meta::type_name("ping"), x.round, x.payload);
}

/// W1: the ponger's answer to round `round`.
struct pong {
  uint32_t round = 0;
  payload64 payload;
  friend bool operator==(const pong& a, const pong& b) {
    return a.round == b.round && a.payload == b.payload;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pong& x) {
  return f(caf::meta::type_name("pong"), x.round, x.payload);
}

/// W2: heartbeat number `seq` of host `host`.
struct heartbeat {
  uint32_t host = 0;
  uint32_t seq = 0;
  payload64 payload;
  friend bool operator==(const heartbeat& a, const heartbeat& b) {
    return a.host == b.host && a.seq == b.seq && a.payload == b.payload;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat& x) {
  return f(caf::meta::type_name("heartbeat"), x.host, x.seq, x.payload);
}

/// W2: a host's timer for its next heartbeat.
struct beat_due {
  friend bool operator==(const beat_due&, const beat_due&) { return true; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, beat_due&) {
  return f(caf::meta::type_name("beat_due"));
}

} // namespace vmss::bench

namespace vmss::bench {

/// PHOLD: a job travelling between entities.
struct phold_job {
  uint64_t hops = 0;
  friend bool operator==(const phold_job& a, const phold_job& b) {
    return a.hops == b.hops;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phold_job& x) {
  return f(caf::meta::type_name("phold_job"), x.hops);
}

/// PHOLD: an entity's timer to pass a job on.
struct phold_due {
  uint64_t hops = 0;
  friend bool operator==(const phold_due& a, const phold_due& b) {
    return a.hops == b.hops;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phold_due& x) {
  return f(caf::meta::type_name("phold_due"), x.hops);
}

} // namespace vmss::bench
