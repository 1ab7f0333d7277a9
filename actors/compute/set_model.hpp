#pragma once
/// The control plane's model of a scale set (messages/compute_model.hpp)
/// from its typed REST body as the reader left it, defaults filled in
/// (input/azure/scale_set.hpp). No CAF.

#include "messages/compute_model.hpp"

namespace vmss::input::azure {
struct scale_set;
} // namespace vmss::input::azure

namespace vmss::compute {

/// The reader has checked the body (sku.name a known size, one health
/// source, ranges), so this cannot fail.
set_model to_set_model(const input::azure::scale_set& set);

} // namespace vmss::compute
