#pragma once
/// The physical family's module (actors/physical/module.cpp).

#include "actors/module.hpp"

namespace vmss::physical {

const family_module& module();

} // namespace vmss::physical
