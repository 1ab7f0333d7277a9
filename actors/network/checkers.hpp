#pragma once
/// Checkers of the network family (registered by actors/network/module.cpp)
/// over messages/network_events.hpp's records. docs/trace-format.md
/// "Checks" gives the rules and their sources.
///   - tm_no_disabled_route: Traffic Manager never answers a DNS query
///     (tm_route) with an endpoint whose latest tm_endpoint status in the
///     same profile is Disabled (Azure's "Add, disable, enable, delete, or
///     move endpoints": a disabled endpoint stays in the profile, "but the
///     profile acts as if the endpoint is not included in it").

#include "analysis/checker.hpp"

#include <map>
#include <string>
#include <utility>

namespace vmss::network {

class tm_no_disabled_route_checker : public analysis::checker {
public:
  std::string name() const override { return "tm_no_disabled_route"; }
  void on_record(const analysis::record& r) override;
  analysis::violation_list finish() override { return std::move(violations_); }

private:
  /// The latest status of each (profile, endpoint).
  std::map<std::pair<std::string, std::string>, std::string> status_;
  analysis::violation_list violations_;
};

/// Adds the checkers above.
void register_checkers(analysis::checker_registry& r);

} // namespace vmss::network
