#pragma once
/// The control family's module (actors/control/module.cpp): the workload
/// (issue 12; the control actor joins it in issue 13).

#include "actors/module.hpp"

namespace vmss::control {

const family_module& module();

} // namespace vmss::control
