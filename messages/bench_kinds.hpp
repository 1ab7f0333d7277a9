#pragma once
/// The entity kinds of the bench family (bench/module.cpp).

#include "topology/entity_kind.hpp"

namespace vmss::bench::kinds {

inline constexpr entity_kind pinger{"pinger"};
inline constexpr entity_kind ponger{"ponger"};
inline constexpr entity_kind host{"host"};
inline constexpr entity_kind monitor{"monitor"};
inline constexpr entity_kind phold{"phold"};
inline constexpr entity_kind prober{"prober"};
inline constexpr entity_kind echo{"echo"};

} // namespace vmss::bench::kinds
