/// Network checkers (descriptions in the header).

#include "actors/network/checkers.hpp"

#include "analysis/record_fields.hpp"
#include "messages/network_events.hpp"

namespace vmss::network {

using analysis::is;
using analysis::string_field;

void tm_no_disabled_route_checker::on_record(const analysis::record& r) {
  if (is(r, events::tm_endpoint)) {
    const auto& def = events::tm_endpoint;
    status_[{string_field(r, def, "profile"),
             string_field(r, def, "endpoint")}] =
        string_field(r, def, "status");
    return;
  }
  if (!is(r, events::tm_route))
    return;
  const auto& def = events::tm_route;
  auto profile = string_field(r, def, "profile");
  auto endpoint = string_field(r, def, "endpoint");
  auto it = status_.find({profile, endpoint});
  if (!endpoint.empty() && it != status_.end() && it->second == "Disabled")
    violations_.add(r,
                    "profile " + profile + " routes client " +
                        std::to_string(analysis::int_field(r, def, "client")) +
                        " to endpoint " + endpoint + ", which is Disabled");
}

void register_checkers(analysis::checker_registry& r) {
  r.add<tm_no_disabled_route_checker>();
}

} // namespace vmss::network
