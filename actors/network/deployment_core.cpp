#include "actors/network/deployment_core.hpp"

#include <algorithm>
#include <cstdio>

namespace vmss::network {

namespace {

std::string percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", x);
  return buf;
}

} // namespace

const char* to_string(deployment_phase p) {
  switch (p) {
  case deployment_phase::waiting:
    return "waiting";
  case deployment_phase::watching:
    return "watching";
  case deployment_phase::completed:
    return "completed";
  case deployment_phase::rolled_back:
    return "rolled_back";
  }
  return "?";
}

std::string gate_failure(const deployment_params& p, const lb_pool_health& h) {
  // healthy / members < min / 100, in integers.
  if (uint64_t{h.healthy} * 100 < uint64_t{p.min_healthy_percent} * h.members ||
      (h.members == 0 && p.min_healthy_percent > 0))
    return std::to_string(h.healthy) + " of " + std::to_string(h.members) +
           " members of pool " + h.pool + " healthy, fewer than " +
           std::to_string(p.min_healthy_percent) + "%";
  uint64_t requests = h.ok + h.failed;
  if (requests == 0)
    return "";
  double failed =
      100.0 * static_cast<double>(h.failed) / static_cast<double>(requests);
  if (failed > p.max_failed_percent)
    return std::to_string(h.failed) + " of " + std::to_string(requests) +
           " requests to pool " + h.pool + " failed (" + percent(failed) +
           "), more than " + percent(p.max_failed_percent);
  return "";
}

deployment_core::deployment_core(deployment_params params)
    : params_(std::move(params)) {
}

void deployment_core::timer(sim_time delay, deployment_effects& out) {
  armed_ = next_seq_++;
  out.timers.push_back({std::max<sim_time>(0, delay), armed_});
}

void deployment_core::switch_to(const std::string& pool,
                                deployment_effects& out) {
  out.rule_sets.push_back(lb_rule_set{params_.rule, {pool}});
}

deployment_effects deployment_core::start(sim_time now) {
  deployment_effects out;
  if (phase_ == deployment_phase::waiting)
    timer(params_.switch_at - now, out);
  else if (phase_ == deployment_phase::watching)
    timer(params_.poll, out);
  return out;
}

void deployment_core::poll(sim_time now, deployment_effects& out) {
  uint64_t seq = next_seq_++;
  out.queries.push_back(lb_pool_query{seq, params_.green_pool});
  if (now >= watch_end()) {
    final_from_ = std::min(final_from_, seq);
    timer(params_.poll, out); // until an answer comes
  } else {
    timer(std::min(params_.poll, watch_end() - now), out);
  }
}

deployment_effects deployment_core::on_due(const tm_due& d, sim_time now) {
  deployment_effects out;
  if (d.seq != armed_)
    return out;
  if (phase_ == deployment_phase::waiting) {
    phase_ = deployment_phase::watching;
    switch_to(params_.green_pool, out);
    out.reports.push_back({"switched", params_.green_pool, "switchAt"});
    timer(std::min(params_.grace, params_.watch), out);
  } else if (phase_ == deployment_phase::watching) {
    poll(now, out);
  }
  return out;
}

deployment_effects deployment_core::on_health(const lb_pool_health& h) {
  deployment_effects out;
  if (phase_ != deployment_phase::watching || h.seq <= judged_ ||
      h.seq >= next_seq_)
    return out;
  judged_ = h.seq;
  auto why = gate_failure(params_, h);
  if (!why.empty()) {
    phase_ = deployment_phase::rolled_back;
    switch_to(params_.blue_pool, out);
    out.reports.push_back({"rolled_back", params_.blue_pool, why});
  } else if (h.seq >= final_from_) {
    phase_ = deployment_phase::completed;
    out.reports.push_back(
        {"completed", params_.green_pool,
         "the gate held for " + format_duration(params_.watch)});
  }
  if (phase_ != deployment_phase::watching)
    armed_ = 0; // no more polls
  return out;
}

} // namespace vmss::network
