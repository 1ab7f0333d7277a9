#pragma once
/// The compute family's module (actors/compute/module.cpp).

#include "actors/module.hpp"

namespace vmss::compute {

const family_module& module();

} // namespace vmss::compute
