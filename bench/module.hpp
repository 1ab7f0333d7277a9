#pragma once
/// The bench family: the benchmark and test workloads (bench/module.cpp).

#include "actors/module.hpp"

#include <caf/fwd.hpp>

namespace vmss::bench {

const family_module& module();

/// Registers this family's messages alone (a message_registration for runs
/// of the bench models outside the vmss-sim binary: kernel tests).
void register_bench_messages(caf::actor_system_config& cfg);

} // namespace vmss::bench
