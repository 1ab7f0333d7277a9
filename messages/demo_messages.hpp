#pragma once
/// Messages of the built-in kernel demo scenario (actors/demo).

#include <caf/meta/type_name.hpp>

#include <cstdint>

namespace vmss::demo {

/// Timer: time for a monitor to look for silent hosts.
struct sweep_due {
  friend bool operator==(const sweep_due&, const sweep_due&) { return true; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sweep_due&) {
  return f(caf::meta::type_name("sweep_due"));
}

} // namespace vmss::demo
