#pragma once
/// Messages of the built-in kernel demo scenario (actors/demo).

#include <caf/meta/type_name.hpp>

#include <cstdint>

namespace vmss::demo {

/// A host tells a monitor it is alive.
struct host_alive {
  uint64_t seq = 0;
  friend bool operator==(const host_alive& a, const host_alive& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_alive& x) {
  return f(caf::meta::type_name("host_alive"), x.seq);
}

/// Timer: time for a host's next heartbeat.
struct alive_due {
  friend bool operator==(const alive_due&, const alive_due&) { return true; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alive_due&) {
  return f(caf::meta::type_name("alive_due"));
}

/// Timer: time for a monitor to look for silent hosts.
struct sweep_due {
  friend bool operator==(const sweep_due&, const sweep_due&) { return true; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sweep_due&) {
  return f(caf::meta::type_name("sweep_due"));
}

} // namespace vmss::demo
