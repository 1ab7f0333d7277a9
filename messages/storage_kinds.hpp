#pragma once
/// The entity kinds of the storage family (actors/storage/module.cpp).

#include "topology/entity_kind.hpp"

namespace vmss::storage::kinds {

inline constexpr entity_kind storage_replica{"storage_replica"};

} // namespace vmss::storage::kinds
