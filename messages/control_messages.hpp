#pragma once
/// Messages of the control family (actors/control): the workload's timer
/// and the live commands the control actor records.
/// The workload's requests and DNS lookups are network messages
/// (messages/network_messages.hpp).

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

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

/// To the control actor: a live command took effect now (accepted) or was
/// refused (`reason`); it traces `control_command`.
struct control_command_notice {
  std::string command; ///< canonical text, or the refused request's words
  bool accepted = false;
  std::string reason;
  friend bool operator==(const control_command_notice& a,
                         const control_command_notice& b) {
    return a.command == b.command && a.accepted == b.accepted &&
           a.reason == b.reason;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        control_command_notice& x) {
  return f(caf::meta::type_name("control_command_notice"), x.command,
           x.accepted, x.reason);
}

} // namespace vmss::control
