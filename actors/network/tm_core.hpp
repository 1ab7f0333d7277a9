#pragma once
/// A Traffic Manager profile (Microsoft.Network/trafficManagerProfiles;
/// spec Layer 8 example 4), as a pure core: endpoint monitoring per the
/// profile's monitorConfig and DNS answers by Priority or Weighted routing.
/// Its shell (traffic_manager.hpp) sends the probes to the endpoints' load
/// balancers, feeds replies and timers back, answers dns_query and traces
/// `tm_endpoint` and `tm_route`. docs/model.md ("Traffic Manager") gives
/// each rule with its source. No CAF.
///
/// An endpoint's monitor status (Azure's endpointMonitorStatus):
///
///                          success
///   CheckingEndpoint --------------------------> Online
///    ^    |                                      ^   |
///    |    | failures > tolerated         success |   | failures > tolerated
///    |    +--------------> Degraded -------------+   |
///    |                        ^                      |
///    |                        +----------------------+
///   start, or enabled again
///
///   endpointStatus Disabled (any state) --> Disabled, not monitored
///   profileStatus Disabled --> Stopped, not monitored (Disabled wins)
///
/// Each monitored endpoint has one probe in flight: sent at once when
/// monitoring starts, then every interval. A reply within the timeout
/// whose status is in an expected range is a success; another status is a
/// failure when it arrives, no reply a failure at the timeout. A success
/// resets the consecutive-failure count; more consecutive failures than
/// toleratedNumberOfFailures set Degraded.
///
/// A DNS answer picks among the Online and CheckingEndpoint endpoints (all
/// Degraded ones when no endpoint is either): Priority takes the lowest
/// priority value, Weighted draws one with probability weight / total from
/// the random stream the caller gives (one draw per query when more than
/// one endpoint is a candidate). Disabled and Stopped endpoints are never
/// returned; a Disabled profile returns nothing (NXDOMAIN).

#include "kernel/rng.hpp"
#include "kernel/sim_time.hpp"
#include "messages/network_messages.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vmss::azure::network {
class TrafficManagerProfile;
} // namespace vmss::azure::network

namespace vmss::network {

enum class tm_routing : uint8_t { priority, weighted };

/// Azure's endpointMonitorStatus values the model produces.
enum class tm_status : uint8_t {
  checking_endpoint,
  online,
  degraded,
  disabled,
  stopped
};

/// "CheckingEndpoint", "Online", "Degraded", "Disabled", "Stopped".
const char* tm_status_name(tm_status s);

struct tm_endpoint_params {
  std::string name;
  int64_t lb = -1; ///< entity id of the load balancer its target reaches
  bool enabled = true;
  int64_t weight = 1;
  int64_t priority = 1;
};

/// An HTTP status code range [min, max] counted as healthy.
struct tm_status_range {
  uint32_t min = 200;
  uint32_t max = 200;
};

struct tm_params {
  std::string name;
  tm_routing routing = tm_routing::priority;
  bool enabled = true; ///< profileStatus
  /// TCP monitoring: the expected ranges do not apply; a connection is
  /// accepted when the load balancer answers 200.
  bool tcp = false;
  sim_time interval = seconds(30);
  sim_time timeout = seconds(10);
  uint32_t tolerated = 3;
  std::vector<tm_status_range> expected{{200, 200}};
  sim_time ttl = seconds(60); ///< dnsConfig.ttl
  std::vector<tm_endpoint_params> endpoints;
};

/// A part of a profile the model does not simulate: `field` relative to
/// the profile ("properties.trafficRoutingMethod",
/// "properties.endpoints[1].type", ...) and why.
struct tm_refusal {
  std::string field;
  std::string reason;
};

/// What the model refuses in a profile read and checked by
/// input/azure/network.cpp: routing other than Priority and Weighted,
/// endpoints other than azureEndpoints, alwaysServe Enabled. Empty: the
/// profile can be simulated.
std::vector<tm_refusal>
tm_refusals(const vmss::azure::network::TrafficManagerProfile& tm);

/// The profile's settings (Azure's defaults already filled in by the
/// reader); `endpoint_lbs[i]` is the load balancer entity endpoint i's
/// targetResourceId reaches. Call only on a profile without refusals.
tm_params to_tm_params(const vmss::azure::network::TrafficManagerProfile& tm,
                       const std::vector<int64_t>& endpoint_lbs);

/// A monitoring probe to load balancer `lb`.
struct tm_probe_send {
  int64_t lb = -1;
  tm_probe msg;
};

/// `tm_endpoint`: endpoint `endpoint` is now `status`.
struct tm_status_change {
  std::string endpoint;
  tm_status status = tm_status::checking_endpoint;
};

/// Set a timer: tm_due{seq} after `delay`.
struct tm_timer {
  sim_time delay = 0;
  uint64_t seq = 0;
};

struct tm_effects {
  std::vector<tm_probe_send> probes;
  std::vector<tm_status_change> changes;
  std::vector<tm_timer> timers;
};

class tm_core {
public:
  explicit tm_core(tm_params params);

  /// Monitoring starts: every endpoint's first status (traced once each)
  /// and the first probes.
  tm_effects start();
  tm_effects on_reply(const tm_probe_reply& r);
  tm_effects on_due(const tm_due& d);
  /// A PATCH of an endpoint (its name as the profile spells it, letter
  /// case ignored). An unknown name changes nothing: `known` says so.
  tm_effects on_set(const tm_endpoint_set& s, bool& known);

  /// The answer to `q` (seq and client copied): the endpoint chosen, its
  /// load balancer and the profile's TTL. `random` is drawn from only
  /// under Weighted routing with more than one candidate.
  dns_answer on_query(const dns_query& q, vmss::rng& random) const;

  const tm_params& params() const { return params_; }
  tm_status status(const std::string& endpoint) const;

private:
  struct endpoint_state {
    tm_status status = tm_status::checking_endpoint;
    uint32_t failures = 0;  ///< consecutive
    uint64_t epoch = 0;     ///< a new one on every (re)start of monitoring
    uint64_t in_flight = 0; ///< the probe's seq, 0 when none
  };
  enum class due_kind : uint8_t { send, conclude };
  struct due_ref {
    size_t endpoint = 0;
    uint64_t epoch = 0;
    due_kind kind = due_kind::send;
  };

  std::optional<size_t> index_of(const std::string& name) const;
  void set_status(size_t i, tm_status s, tm_effects& out);
  void begin_monitoring(size_t i, tm_effects& out);
  void stop_monitoring(size_t i, tm_status s, tm_effects& out);
  void send_probe(size_t i, tm_effects& out);
  void count(size_t i, bool ok, tm_effects& out);
  bool expected(uint32_t status) const;
  std::vector<size_t> candidates() const;
  size_t pick(const std::vector<size_t>& from, vmss::rng& random) const;
  void timer(sim_time delay, due_ref ref, tm_effects& out);

  tm_params params_;
  std::vector<endpoint_state> states_; ///< one per params_.endpoints
  std::map<uint64_t, due_ref> dues_;
  std::map<uint64_t, size_t> in_flight_; ///< probe seq -> endpoint
  uint64_t next_seq_ = 1;
  uint64_t next_epoch_ = 1;
};

} // namespace vmss::network
