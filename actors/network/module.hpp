#pragma once
/// The network family's module (actors/network/module.cpp).

#include "actors/module.hpp"

namespace vmss::network {

const family_module& module();

} // namespace vmss::network
