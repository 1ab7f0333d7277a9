#pragma once
/// Messages of the control family (actors/control): the workload's timer.
/// The workload's requests and DNS lookups are network messages
/// (messages/network_messages.hpp).

#include <caf/meta/type_name.hpp>

#include <cstdint>

namespace vmss::control {

/// Timer of a workload: the next one-second tick, or a client group's DNS
/// cache expiring; `seq` numbers them.
struct workload_due {
  uint64_t seq = 0;
  friend bool operator==(const workload_due& a, const workload_due& b) {
    return a.seq == b.seq;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, workload_due& x) {
  return f(caf::meta::type_name("workload_due"), x.seq);
}

} // namespace vmss::control
