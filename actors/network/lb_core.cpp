#include "actors/network/lb_core.hpp"

#include "input/json_reader.hpp"
#include "kernel/assert.hpp"
#include "messages/azure_network.pb.h"
#include "messages/vm_vocabulary.hpp"

#include <algorithm>
#include <set>

namespace vmss::network {

namespace {

/// HTTP(S) probes' built-in timeout (Azure's probe documentation); the
/// model applies it to TCP probes too.
constexpr sim_time probe_timeout_max = seconds(30);

/// The item a reference names ("…/loadBalancers/lb/probes/p" -> "p"), in
/// the spelling of `names` (references ignore letter case; the reader
/// checked that the item exists).
std::string referenced(const std::string& id,
                       const std::vector<std::string>& names) {
  auto end = id.find_last_not_of('/');
  auto item = id.substr(0, end == std::string::npos ? 0 : end + 1);
  item = item.substr(item.rfind('/') + 1);
  for (const auto& name : names)
    if (input::ascii_lower(name) == input::ascii_lower(item))
      return name;
  return item;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

template <class T>
void erase_from(std::vector<T>& v, const T& x) {
  v.erase(std::remove(v.begin(), v.end(), x), v.end());
}

} // namespace

sim_time probe_params::timeout() const {
  return std::min(interval, probe_timeout_max);
}

lb_params to_lb_params(const vmss::azure::network::LoadBalancer& lb) {
  using vmss::azure::network::ProbeProperties;
  lb_params out;
  out.name = lb.name();
  for (const auto& p : lb.properties().probes()) {
    probe_params probe;
    probe.name = p.name();
    probe.tcp = p.properties().protocol() == ProbeProperties::Tcp;
    // Azure's defaults: docs/model.md, "Load balancer".
    probe.interval = seconds(p.properties().has_interval_in_seconds()
                                 ? p.properties().interval_in_seconds()
                                 : 15);
    probe.threshold =
        p.properties().has_probe_threshold()
            ? static_cast<uint32_t>(p.properties().probe_threshold())
            : 1;
    out.probes.push_back(probe);
  }
  for (const auto& pool : lb.properties().backend_address_pools()) {
    out.pools.push_back(pool.name());
    if (pool.properties().has_drain_period_in_seconds())
      out.pool_drain[pool.name()] =
          seconds(pool.properties().drain_period_in_seconds());
  }
  std::vector<std::string> probe_names;
  for (const auto& p : out.probes)
    probe_names.push_back(p.name);
  for (const auto& r : lb.properties().load_balancing_rules()) {
    rule_params rule;
    rule.name = r.name();
    const auto& props = r.properties();
    if (props.has_backend_address_pool())
      rule.pools.push_back(
          referenced(props.backend_address_pool().id(), out.pools));
    for (const auto& pool : props.backend_address_pools())
      rule.pools.push_back(referenced(pool.id(), out.pools));
    if (props.has_probe())
      rule.probe = referenced(props.probe().id(), probe_names);
    out.rules.push_back(rule);
  }
  return out;
}

lb_core::lb_core(const lb_params& params) : params_(params) {
  for (const auto& p : params_.probes)
    VMSS_ASSERT(p.interval > 0 && p.threshold > 0,
                "a probe has an interval and a threshold");
}

const std::string* lb_core::find_pool(const std::string& given) const {
  for (const auto& pool : params_.pools)
    if (input::ascii_lower(pool) == input::ascii_lower(given))
      return &pool;
  return nullptr;
}

const std::string& lb_core::pool_name(const std::string& given) const {
  const auto* pool = find_pool(given);
  VMSS_ASSERT(pool != nullptr, "a member joins a pool its load balancer has "
                               "(the scale set's reader checked the "
                               "reference)");
  return pool ? *pool : given;
}

uint64_t lb_core::timer(sim_time delay, due_ref ref, lb_effects& out) {
  auto seq = next_seq_++;
  dues_.emplace(seq, std::move(ref));
  out.timers.push_back({delay, seq});
  return seq;
}

lb_effects lb_core::on_member(const lb_member& m) {
  lb_effects out;
  if (m.join)
    join(m, out);
  else
    leave(m, out);
  return out;
}

void lb_core::join(const lb_member& msg, lb_effects& out) {
  key who{msg.scale_set, msg.instance};
  const auto& pool = pool_name(msg.pool);
  auto [it, fresh] = members_.try_emplace(who);
  auto& m = it->second;
  if (fresh || m.vm != msg.vm) { // a new VM behind the instance: probe it
    m.vm = msg.vm;
    start_probing(who, m, out);
  }
  if (!contains(m.pools, pool))
    m.pools.push_back(pool);
  update_serving(who, m, out);
}

void lb_core::leave(const lb_member& msg, lb_effects& out) {
  key who{msg.scale_set, msg.instance};
  const auto& pool = pool_name(msg.pool);
  auto it = members_.find(who);
  if (it != members_.end() && contains(it->second.pools, pool)) {
    auto& m = it->second;
    erase_from(m.pools, pool);
    update_serving(who, m, out);
    if (m.pools.empty()) { // no longer probed; its timers go stale
      forget_probes(m);
      members_.erase(it);
    }
  }
  auto drain = params_.pool_drain.count(pool) ? params_.pool_drain.at(pool)
                                              : params_.drain;
  if (drain > 0)
    timer(drain, {who, 0, 0, due_kind::drained, pool}, out);
  else
    out.drained.push_back({msg.scale_set, msg.instance});
}

void lb_core::forget_probes(member& m) {
  for (const auto& state : m.probes)
    in_flight_.erase(state.in_flight);
}

void lb_core::start_probing(const key& who, member& m, lb_effects& out) {
  forget_probes(m);
  m.epoch = next_epoch_++;
  m.probes.assign(params_.probes.size(), probe_state{});
  for (size_t i = 0; i < params_.probes.size(); ++i)
    send_probe(who, m, i, out);
}

void lb_core::send_probe(const key& who, member& m, size_t probe,
                         lb_effects& out) {
  const auto& p = params_.probes[probe];
  auto seq =
      timer(p.timeout(), {who, m.epoch, probe, due_kind::conclude, {}}, out);
  m.probes[probe].in_flight = seq;
  in_flight_.emplace(seq, std::make_pair(who, probe));
  out.probes.push_back({m.vm, lb_probe{seq, p.tcp}});
}

lb_effects lb_core::on_reply(const lb_probe_reply& r) {
  lb_effects out;
  auto flight = in_flight_.find(r.seq);
  if (flight == in_flight_.end())
    return out; // late: the probe already timed out
  auto [who, probe] = flight->second;
  in_flight_.erase(flight);
  auto it = members_.find(who);
  if (it == members_.end() || it->second.probes[probe].in_flight != r.seq)
    return out; // the member left, or a new VM is probed
  it->second.probes[probe].in_flight = 0;
  count(who, it->second, probe, r.ok, out);
  return out;
}

lb_effects lb_core::on_due(const lb_due& d) {
  lb_effects out;
  auto due = dues_.find(d.seq);
  VMSS_ASSERT(due != dues_.end(), "every lb_due is a timer the core set");
  auto ref = std::move(due->second);
  dues_.erase(due);
  auto it = members_.find(ref.who);
  if (ref.kind == due_kind::traffic) {
    expire(ref.epoch, out);
    return out;
  }
  if (ref.kind == due_kind::drained) {
    // A member that joined the pool again is not drained.
    if (it == members_.end() || !contains(it->second.pools, ref.pool))
      out.drained.push_back({ref.who.first, ref.who.second});
    return out;
  }
  if (it == members_.end() || it->second.epoch != ref.epoch)
    return out; // stale: the member left or a new VM is probed
  if (ref.kind == due_kind::conclude)
    conclude(ref.who, it->second, ref.probe, out);
  else
    send_probe(ref.who, it->second, ref.probe, out);
  return out;
}

void lb_core::conclude(const key& who, member& m, size_t probe,
                       lb_effects& out) {
  auto& state = m.probes[probe];
  if (state.in_flight != 0) { // no answer within the timeout: a failure
    in_flight_.erase(state.in_flight);
    state.in_flight = 0;
    count(who, m, probe, false, out);
  }
  const auto& p = params_.probes[probe];
  auto rest = p.interval - p.timeout();
  if (rest > 0)
    timer(rest, {who, m.epoch, probe, due_kind::send, {}}, out);
  else
    send_probe(who, m, probe, out);
}

void lb_core::count(const key& who, member& m, size_t probe, bool ok,
                    lb_effects& out) {
  auto& state = m.probes[probe];
  if (state.streak > 0 && state.last_ok == ok)
    ++state.streak;
  else
    state.streak = 1;
  state.last_ok = ok;
  if (state.streak < params_.probes[probe].threshold || state.verdict == ok)
    return;
  state.verdict = ok;
  out.health.push_back({who.first, who.second, params_.probes[probe].name, ok});
  update_serving(who, m, out);
}

bool lb_core::named_by_rule(const std::string& pool) const {
  if (params_.rules.empty())
    return true; // a load balancer without rules: membership alone
  for (const auto& rule : params_.rules)
    if (contains(rule.pools, pool))
      return true;
  return false;
}

bool lb_core::pool_open_to(const member& m, const std::string& pool) const {
  if (!contains(m.pools, pool) || !named_by_rule(pool))
    return false;
  for (const auto& rule : params_.rules) {
    if (rule.probe.empty() || !contains(rule.pools, pool))
      continue;
    for (size_t i = 0; i < params_.probes.size(); ++i)
      if (params_.probes[i].name == rule.probe &&
          m.probes[i].verdict != std::optional<bool>(true))
        return false;
  }
  return true;
}

void lb_core::update_serving(const key& who, member& m, lb_effects& out) {
  auto vm = physical::vm_name(who.first, who.second);
  for (const auto& pool : params_.pools) {
    bool was = contains(m.serving, pool);
    bool is = pool_open_to(m, pool);
    if (was == is)
      continue;
    if (is)
      m.serving.push_back(pool);
    else
      erase_from(m.serving, pool);
    out.backends.push_back({vm, is, pool});
  }
}

bool lb_core::serving(const std::string& scale_set, uint32_t instance,
                      const std::string& pool) const {
  auto it = members_.find({scale_set, instance});
  return it != members_.end() && contains(it->second.serving, pool);
}

std::optional<bool> lb_core::verdict(const std::string& scale_set,
                                     uint32_t instance,
                                     const std::string& probe) const {
  auto it = members_.find({scale_set, instance});
  if (it == members_.end())
    return std::nullopt;
  for (size_t i = 0; i < params_.probes.size(); ++i)
    if (params_.probes[i].name == probe)
      return it->second.probes[i].verdict;
  return std::nullopt;
}

size_t lb_core::rule_index(const std::string& name) const {
  if (name.empty() && !params_.rules.empty())
    return 0; // lb_traffic and lb_rule_set: "" is the first rule
  for (size_t i = 0; i < params_.rules.size(); ++i)
    if (input::ascii_lower(params_.rules[i].name) == input::ascii_lower(name))
      return i;
  VMSS_ASSERT(false, "traffic and lb_rule_set name a rule of the load "
                     "balancer (the scenario reader checks the name)");
  return 0;
}

std::vector<std::pair<uint32_t, std::string>>
lb_core::backends_of(const std::vector<std::string>& pools) const {
  std::vector<std::pair<uint32_t, std::string>> out;
  std::set<uint32_t> listed;
  for (const auto& pool : pools)
    for (const auto& [who, m] : members_)
      if (contains(m.serving, pool) && listed.insert(m.vm).second)
        out.emplace_back(m.vm, pool);
  return out;
}

lb_effects lb_core::on_traffic(const lb_traffic& t, uint32_t client) {
  lb_effects out;
  const auto& pools = params_.rules.empty() ? params_.pools
                      : t.rule.empty()
                          ? params_.rules.front().pools
                          : params_.rules[rule_index(t.rule)].pools;
  auto backends = backends_of(pools);
  auto id = next_round_++;
  auto& r = rounds_[id];
  r.client = client;
  r.result.tick = t.tick;
  if (backends.empty()) { // nothing receives new flows: all fail at once
    r.result.failed = t.requests;
    finish(id, out);
    return out;
  }
  // Default distribution (5-tuple hash): even shares; the remainder goes
  // to consecutive backends starting at one that rotates with the tick.
  auto n = static_cast<uint32_t>(backends.size());
  auto first = static_cast<uint32_t>((t.tick / seconds(1)) % n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t share = t.requests / n + ((i + n - first) % n < t.requests % n);
    if (share == 0)
      continue;
    auto seq = next_batch_++;
    batches_[seq] = {id, backends[i].second, share};
    r.batches.push_back(seq);
    out.serves.push_back(
        {backends[i].first,
         vm_serve{seq, t.tick, share, t.cpu_us, t.bytes_in, t.bytes_out}});
  }
  if (!r.batches.empty())
    timer(params_.serve_timeout, {{}, id, 0, due_kind::traffic, {}}, out);
  finish(id, out);
  return out;
}

void lb_core::close_batch(uint64_t seq, uint32_t ok, uint32_t failed) {
  auto it = batches_.find(seq);
  auto& counts = pool_counts_[it->second.pool];
  counts.ok += ok;
  counts.failed += failed;
  auto& r = rounds_.at(it->second.round);
  r.result.ok += ok;
  r.result.failed += failed;
  erase_from(r.batches, seq);
  batches_.erase(it);
}

lb_effects lb_core::on_served(const vm_served& s) {
  lb_effects out;
  auto it = batches_.find(s.batch);
  if (it == batches_.end())
    return out; // late: the batch already timed out
  auto id = it->second.round;
  auto& r = rounds_.at(id);
  r.result.backend_ok.push_back(s.ok);
  r.result.backend_latency_us.push_back(s.latency_us);
  // Every request of the batch the VM did not answer ok failed.
  auto ok = std::min(s.ok, it->second.requests);
  close_batch(s.batch, ok, it->second.requests - ok);
  finish(id, out);
  return out;
}

void lb_core::expire(uint64_t id, lb_effects& out) {
  auto it = rounds_.find(id);
  if (it == rounds_.end())
    return; // every backend answered in time
  for (auto seq : std::vector<uint64_t>(it->second.batches))
    close_batch(seq, 0, batches_.at(seq).requests);
  finish(id, out);
}

void lb_core::finish(uint64_t id, lb_effects& out) {
  auto it = rounds_.find(id);
  if (!it->second.batches.empty())
    return;
  out.answers.push_back({it->second.client, std::move(it->second.result)});
  rounds_.erase(it);
}

lb_effects lb_core::on_rule_set(const lb_rule_set& r) {
  lb_effects out;
  std::vector<std::string> pools;
  for (const auto& given : r.pools) {
    const auto* pool = find_pool(given);
    VMSS_ASSERT(pool != nullptr, "lb_rule_set names pools of the load "
                                 "balancer (the scenario reader checks them)");
    if (pool && !contains(pools, *pool))
      pools.push_back(*pool);
  }
  params_.rules[rule_index(r.rule)].pools = std::move(pools);
  for (auto& [who, m] : members_)
    update_serving(who, m, out);
  return out;
}

lb_pool_health lb_core::on_pool_query(const lb_pool_query& q) {
  lb_pool_health out;
  out.seq = q.seq;
  const auto* pool = find_pool(q.pool);
  out.pool = pool ? *pool : q.pool;
  if (!pool)
    return out; // no such pool: no members
  for (const auto& [who, m] : members_) {
    if (!contains(m.pools, *pool))
      continue;
    ++out.members;
    bool up =
        std::all_of(m.probes.begin(), m.probes.end(), [](const probe_state& p) {
          return p.verdict == std::optional<bool>(true);
        });
    out.healthy += up;
  }
  auto counts = pool_counts_.find(*pool);
  if (counts != pool_counts_.end()) {
    out.ok = counts->second.ok;
    out.failed = counts->second.failed;
    pool_counts_.erase(counts);
  }
  return out;
}

uint32_t lb_core::frontend_status() const {
  for (const auto& [who, m] : members_)
    if (!m.serving.empty()) // serving implies a rule names the pool
      return 200;
  return 503;
}

} // namespace vmss::network
