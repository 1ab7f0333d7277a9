#pragma once
/// The fabric family's module (actors/fabric/module.cpp).

#include "actors/module.hpp"

namespace vmss::fabric {

const family_module& module();

} // namespace vmss::fabric
