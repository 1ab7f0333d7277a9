#pragma once
/// The storage family's module (actors/storage/module.cpp).

#include "actors/module.hpp"

namespace vmss::storage {

const family_module& module();

} // namespace vmss::storage
