/// The network family's checkers (actors/network/checkers.hpp) on small
/// hand-made traces: one that holds and one that breaks each invariant.
#include "actors/network/checkers.hpp"
#include "compute_trace.hpp"
#include "messages/network_events.hpp"

#include <gtest/gtest.h>

namespace vmss::trace_test {

namespace {

using namespace network;

constexpr uint32_t tm_entity = 2; // any entity: the checker reads fields

compute_trace& endpoint(compute_trace& t, int64_t t_ns, const std::string& ep,
                        const std::string& status,
                        const std::string& profile = "web-tm") {
  return t.add(t_ns, tm_entity, events::tm_endpoint, {profile, ep, status});
}

compute_trace& route(compute_trace& t, int64_t t_ns, const std::string& ep,
                     const std::string& profile = "web-tm") {
  return t.add(t_ns, tm_entity, events::tm_route,
               {profile, ep, int64_t{3}, int64_t{60}});
}

TEST(tm_no_disabled_route, routes_to_enabled_endpoints_pass) {
  compute_trace t;
  endpoint(t, s(0), "primary", "Online");
  endpoint(t, s(0), "secondary", "Online");
  route(t, s(1), "primary");
  endpoint(t, s(100), "primary", "Disabled");
  endpoint(t, s(100), "primary", "Online", "other-tm"); // another profile
  route(t, s(101), "secondary");
  route(t, s(102), "primary", "other-tm");
  route(t, s(103), "");                               // nothing to return
  endpoint(t, s(200), "primary", "CheckingEndpoint"); // enabled again
  route(t, s(201), "primary");
  EXPECT_TRUE(run_checker<tm_no_disabled_route_checker>(t).ok());
}

TEST(tm_no_disabled_route, a_route_to_a_disabled_endpoint_fails) {
  compute_trace t;
  endpoint(t, s(0), "primary", "Online");
  endpoint(t, s(100), "primary", "Disabled");
  route(t, s(130), "primary");
  auto r = run_checker<tm_no_disabled_route_checker>(t);
  ASSERT_EQ(r.violations.total(), 1u);
  EXPECT_EQ(r.violations.kept()[0].what,
            "profile web-tm routes client 3 to endpoint primary, which is "
            "Disabled");
  EXPECT_EQ(r.violations.kept()[0].t_ns, s(130));
}

} // namespace

} // namespace vmss::trace_test
