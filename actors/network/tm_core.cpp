#include "actors/network/tm_core.hpp"

#include "input/json_reader.hpp"
#include "kernel/assert.hpp"
#include "messages/azure_network.pb.h"

#include <algorithm>

namespace vmss::network {

namespace net = vmss::azure::network;

namespace {

using method = net::ProfileProperties::TrafficRoutingMethod;

/// The endpoint type's last segment ("…/azureEndpoints" -> "azureEndpoints").
std::string endpoint_kind(const std::string& type) {
  return type.substr(type.rfind('/') + 1);
}

std::string endpoint_field(int i, const std::string& rest) {
  return input::json_child(
      input::json_index("properties.endpoints", static_cast<size_t>(i)), rest);
}

void refuse_routing(const net::ProfileProperties& p,
                    std::vector<tm_refusal>& out) {
  auto m = p.traffic_routing_method();
  if (m == net::ProfileProperties::Priority ||
      m == net::ProfileProperties::Weighted)
    return;
  out.push_back({"properties.trafficRoutingMethod",
                 net::ProfileProperties::TrafficRoutingMethod_Name(m) +
                     " routing is not modelled (Priority and Weighted are)"});
}

void refuse_endpoint(const net::Endpoint& e, int i,
                     std::vector<tm_refusal>& out) {
  auto kind = endpoint_kind(e.type());
  if (kind != "azureEndpoints")
    out.push_back({endpoint_field(i, "type"),
                   kind + " are not modelled (azureEndpoints reaching a "
                          "load balancer are)"});
  if (e.properties().always_serve() == net::AlwaysServe::Enabled)
    out.push_back({endpoint_field(i, "properties.alwaysServe"),
                   "Enabled (no monitoring, always returned) is not "
                   "modelled"});
}

} // namespace

const char* tm_status_name(tm_status s) {
  switch (s) {
  case tm_status::checking_endpoint:
    return "CheckingEndpoint";
  case tm_status::online:
    return "Online";
  case tm_status::degraded:
    return "Degraded";
  case tm_status::disabled:
    return "Disabled";
  case tm_status::stopped:
    return "Stopped";
  }
  return "?";
}

std::vector<tm_refusal> tm_refusals(const net::TrafficManagerProfile& tm) {
  std::vector<tm_refusal> out;
  const auto& p = tm.properties();
  refuse_routing(p, out);
  for (int i = 0; i < p.endpoints_size(); ++i)
    refuse_endpoint(p.endpoints(i), i, out);
  return out;
}

tm_params to_tm_params(const net::TrafficManagerProfile& tm,
                       const std::vector<int64_t>& endpoint_lbs) {
  const auto& p = tm.properties();
  VMSS_ASSERT(endpoint_lbs.size() == static_cast<size_t>(p.endpoints_size()),
              "one load balancer per Traffic Manager endpoint");
  const auto& m = p.monitor_config();
  tm_params out;
  out.name = tm.name();
  out.routing = p.traffic_routing_method() == net::ProfileProperties::Weighted
                    ? tm_routing::weighted
                    : tm_routing::priority;
  out.enabled = p.profile_status() != net::ProfileStatus::Disabled;
  out.tcp = m.protocol() == net::MonitorConfig::TCP;
  out.interval = seconds(m.interval_in_seconds());
  out.timeout = seconds(m.timeout_in_seconds());
  out.tolerated = static_cast<uint32_t>(m.tolerated_number_of_failures());
  if (!out.tcp) {
    out.expected.clear();
    for (const auto& r : m.expected_status_code_ranges())
      out.expected.push_back(
          {static_cast<uint32_t>(r.min()), static_cast<uint32_t>(r.max())});
  }
  out.ttl = seconds(p.dns_config().ttl());
  for (int i = 0; i < p.endpoints_size(); ++i) {
    const auto& e = p.endpoints(i).properties();
    tm_endpoint_params ep;
    ep.name = p.endpoints(i).name();
    ep.lb = endpoint_lbs[static_cast<size_t>(i)];
    ep.enabled = e.endpoint_status() != net::EndpointStatus::Disabled;
    ep.weight = e.has_weight() ? e.weight() : 1;
    ep.priority = e.has_priority() ? e.priority() : i + 1;
    out.endpoints.push_back(ep);
  }
  return out;
}

tm_core::tm_core(tm_params params)
    : params_(std::move(params)), states_(params_.endpoints.size()) {
  VMSS_ASSERT(params_.timeout > 0 && params_.timeout < params_.interval,
              "a Traffic Manager probe concludes before the next is sent");
  for (const auto& e : params_.endpoints)
    VMSS_ASSERT(e.lb >= 0, "every endpoint reaches a load balancer entity");
}

std::optional<size_t> tm_core::index_of(const std::string& name) const {
  auto want = input::ascii_lower(name);
  for (size_t i = 0; i < params_.endpoints.size(); ++i)
    if (input::ascii_lower(params_.endpoints[i].name) == want)
      return i;
  return std::nullopt;
}

tm_status tm_core::status(const std::string& endpoint) const {
  auto i = index_of(endpoint);
  VMSS_ASSERT(i.has_value(), "status of an endpoint of the profile");
  return states_[*i].status;
}

void tm_core::set_status(size_t i, tm_status s, tm_effects& out) {
  if (states_[i].status == s)
    return;
  states_[i].status = s;
  out.changes.push_back({params_.endpoints[i].name, s});
}

tm_effects tm_core::start() {
  tm_effects out;
  for (size_t i = 0; i < states_.size(); ++i) {
    auto first = !params_.endpoints[i].enabled ? tm_status::disabled
                 : !params_.enabled            ? tm_status::stopped
                                               : tm_status::checking_endpoint;
    states_[i].status = first;
    out.changes.push_back({params_.endpoints[i].name, first});
    if (first == tm_status::checking_endpoint)
      begin_monitoring(i, out);
  }
  return out;
}

void tm_core::begin_monitoring(size_t i, tm_effects& out) {
  auto& st = states_[i];
  st.epoch = next_epoch_++;
  st.failures = 0;
  set_status(i, tm_status::checking_endpoint, out);
  send_probe(i, out);
}

void tm_core::stop_monitoring(size_t i, tm_status s, tm_effects& out) {
  auto& st = states_[i];
  st.epoch = next_epoch_++; // pending timers of the old epoch do nothing
  if (st.in_flight != 0)
    in_flight_.erase(st.in_flight);
  st.in_flight = 0;
  st.failures = 0;
  set_status(i, s, out);
}

void tm_core::send_probe(size_t i, tm_effects& out) {
  auto& st = states_[i];
  VMSS_ASSERT(st.in_flight == 0, "one Traffic Manager probe in flight");
  uint64_t seq = next_seq_++;
  st.in_flight = seq;
  in_flight_[seq] = i;
  out.probes.push_back({params_.endpoints[i].lb, tm_probe{seq}});
  timer(params_.timeout, {i, st.epoch, due_kind::conclude}, out);
  timer(params_.interval, {i, st.epoch, due_kind::send}, out);
}

bool tm_core::expected(uint32_t status) const {
  if (params_.tcp)
    return status == 200;
  return std::any_of(params_.expected.begin(), params_.expected.end(),
                     [&](const tm_status_range& r) {
                       return r.min <= status && status <= r.max;
                     });
}

void tm_core::count(size_t i, bool ok, tm_effects& out) {
  auto& st = states_[i];
  if (ok) {
    st.failures = 0;
    set_status(i, tm_status::online, out);
    return;
  }
  ++st.failures;
  if (st.failures > params_.tolerated)
    set_status(i, tm_status::degraded, out);
}

tm_effects tm_core::on_reply(const tm_probe_reply& r) {
  tm_effects out;
  auto it = in_flight_.find(r.seq);
  if (it == in_flight_.end())
    return out; // concluded already (timed out), or monitoring restarted
  size_t i = it->second;
  in_flight_.erase(it);
  states_[i].in_flight = 0;
  count(i, expected(r.status), out);
  return out;
}

tm_effects tm_core::on_due(const tm_due& d) {
  tm_effects out;
  auto it = dues_.find(d.seq);
  if (it == dues_.end())
    return out;
  auto ref = it->second;
  dues_.erase(it);
  auto& st = states_[ref.endpoint];
  if (ref.epoch != st.epoch)
    return out;
  if (ref.kind == due_kind::send) {
    send_probe(ref.endpoint, out);
    return out;
  }
  if (st.in_flight == 0)
    return out; // answered in time
  in_flight_.erase(st.in_flight);
  st.in_flight = 0;
  count(ref.endpoint, false, out);
  return out;
}

tm_effects tm_core::on_set(const tm_endpoint_set& s, bool& known) {
  tm_effects out;
  auto i = index_of(s.endpoint);
  known = i.has_value();
  if (!known)
    return out;
  VMSS_ASSERT(s.weight == -1 || s.weight >= 1,
              "the scenario input refuses weights below 1");
  auto& ep = params_.endpoints[*i];
  if (s.weight >= 0)
    ep.weight = s.weight;
  if (s.priority >= 0)
    ep.priority = s.priority;
  if (s.enabled < 0 || (s.enabled == 1) == ep.enabled)
    return out;
  ep.enabled = s.enabled == 1;
  if (!ep.enabled)
    stop_monitoring(*i, tm_status::disabled, out);
  else if (!params_.enabled)
    stop_monitoring(*i, tm_status::stopped, out);
  else
    begin_monitoring(*i, out);
  return out;
}

std::vector<size_t> tm_core::candidates() const {
  std::vector<size_t> live;
  std::vector<size_t> degraded;
  for (size_t i = 0; i < states_.size(); ++i) {
    auto s = states_[i].status;
    if (s == tm_status::online || s == tm_status::checking_endpoint)
      live.push_back(i);
    if (s == tm_status::degraded)
      degraded.push_back(i);
  }
  // Azure returns every endpoint when all are Degraded.
  return live.empty() ? degraded : live;
}

size_t tm_core::pick(const std::vector<size_t>& from, vmss::rng& random) const {
  const auto& eps = params_.endpoints;
  if (params_.routing == tm_routing::priority)
    return *std::min_element(from.begin(), from.end(), [&](size_t a, size_t b) {
      return eps[a].priority < eps[b].priority; // ties: endpoint order
    });
  if (from.size() == 1)
    return from.front();
  uint64_t total = 0;
  for (auto i : from)
    total += static_cast<uint64_t>(eps[i].weight);
  uint64_t draw = random.below(total);
  for (auto i : from) {
    auto w = static_cast<uint64_t>(eps[i].weight);
    if (draw < w)
      return i;
    draw -= w;
  }
  VMSS_ASSERT(false, "a weighted draw below the total weight picks one");
  return from.front();
}

dns_answer tm_core::on_query(const dns_query& q, vmss::rng& random) const {
  dns_answer a;
  a.seq = q.seq;
  a.client = q.client;
  a.ttl_ns = params_.ttl;
  auto from = candidates();
  if (from.empty())
    return a; // a Disabled profile, or every endpoint Disabled: NXDOMAIN
  auto i = pick(from, random);
  a.endpoint = params_.endpoints[i].name;
  a.lb = params_.endpoints[i].lb;
  return a;
}

void tm_core::timer(sim_time delay, due_ref ref, tm_effects& out) {
  uint64_t seq = next_seq_++;
  dues_[seq] = ref;
  out.timers.push_back({delay, seq});
}

} // namespace vmss::network
