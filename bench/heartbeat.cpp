#include "bench/workloads.hpp"
#include "messages/bench_kinds.hpp"

#include "kernel/size_budget.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/bench_messages.hpp"

#include <caf/all.hpp>

#include <cstdio>

namespace vmss::bench {

namespace {

/// W2's parameters, shared by its entities.
struct w2_params {
  int64_t hosts;
  int64_t monitors;
  int64_t seconds;

  sim_time offset(int64_t host) const { return host * seconds_ns / hosts; }
  int64_t watched_by(int64_t m) const {
    return (hosts - m + monitors - 1) / monitors;
  }

  static constexpr sim_time seconds_ns = 1'000'000'000;
};

/// Results of the monitors on one node.
struct w2_counts {
  int64_t received = 0;
  int64_t out_of_order = 0;
  int64_t wrong_last_seen = 0;
  int64_t monitors_complete = 0;
};

class host : public entity {
public:
  host(caf::actor_config& cfg, node_kernel& k, entity_id id, uint32_t index,
       entity_id monitor, const w2_params* params)
      : entity(cfg, k, id), index_(index), monitor_(monitor), params_(params) {}

  void on_start() override { after(params_->offset(index_), beat_due{}); }

  caf::behavior make_behavior() override {
    return {[=](const beat_due&) {
      heartbeat hb{index_, seq_, {}};
      hb.payload.words[0] = seq_;
      send(monitor_, std::move(hb));
      if (++seq_ < params_->seconds)
        after(w2_params::seconds_ns, beat_due{});
    }};
  }

private:
  uint32_t index_;
  entity_id monitor_;
  const w2_params* params_;
  uint32_t seq_ = 0;
};

class monitor : public entity {
public:
  monitor(caf::actor_config& cfg, node_kernel& k, entity_id id, uint32_t index,
          const w2_params* params, w2_counts* counts)
      : entity(cfg, k, id), index_(index), params_(params), counts_(counts),
        last_seen_(params->watched_by(index), -1),
        next_seq_(params->watched_by(index), 0) {}

  caf::behavior make_behavior() override {
    return {[=](const heartbeat& hb) {
      size_t slot = hb.host / params_->monitors;
      if (next_seq_[slot]++ != hb.seq)
        ++counts_->out_of_order;
      last_seen_[slot] = now();
      ++counts_->received;
      ++received_;
    }};
  }

  void on_finish() override {
    auto expected = params_->watched_by(index_) * params_->seconds;
    if (received_ == expected)
      ++counts_->monitors_complete;
    for (size_t slot = 0; slot < last_seen_.size(); ++slot) {
      int64_t host = static_cast<int64_t>(slot) * params_->monitors + index_;
      sim_time want = (params_->seconds - 1) * w2_params::seconds_ns +
                      params_->offset(host) + ms(1);
      if (last_seen_[slot] != want)
        ++counts_->wrong_last_seen;
    }
  }

private:
  uint32_t index_;
  const w2_params* params_;
  w2_counts* counts_;
  std::vector<sim_time> last_seen_;
  std::vector<uint32_t> next_seq_;
  int64_t received_ = 0;
};

std::string numbered(const char* prefix, int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%07lld", prefix,
                static_cast<long long>(i));
  return buf;
}

class heartbeat_model final : public model {
public:
  heartbeat_model(model_spec& spec, uint32_t nodes)
      : params_{spec.get_int("hosts", 10000, 1, max_entities),
                spec.get_int("monitors", 5, 1, max_entities),
                spec.get_int("seconds", 100, 1, UINT32_MAX)},
        nodes_(nodes), net_(ms(1)) {
    spec.reject_unknown();
    check_size("heartbeat hosts=" + std::to_string(params_.hosts) +
                   " monitors=" + std::to_string(params_.monitors),
               static_cast<uint64_t>(params_.hosts + params_.monitors),
               bytes_per_entity_actor);
  }

  void describe(entity_table& table) override {
    for (int64_t i = 0; i < params_.hosts; ++i)
      table.add(numbered("w2/h", i), kinds::host,
                static_cast<uint32_t>(i * nodes_ / params_.hosts));
    for (int64_t m = 0; m < params_.monitors; ++m)
      table.add(numbered("w2/m", m), kinds::monitor,
                static_cast<uint32_t>(m % nodes_));
  }

  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(1); }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    const auto& path = k.table()[id].path;
    auto index = static_cast<uint32_t>(std::stoll(path.substr(4)));
    if (path[3] == 'h') {
      auto mon = k.table().id_of(numbered("w2/m", index % params_.monitors));
      spawn_entity<host>(sys, k, id, index, mon, &params_);
    } else {
      spawn_entity<monitor>(sys, k, id, index, &params_, &counts_);
    }
  }

  void report(node_kernel&, model_report& out) override {
    out.counters["heartbeats"] += counts_.received;
    out.counters["out_of_order"] += counts_.out_of_order;
    out.counters["wrong_last_seen"] += counts_.wrong_last_seen;
    out.counters["monitors_complete"] += counts_.monitors_complete;
  }

  void check(const model_report& r, sim_time end,
             std::vector<std::string>& failures) override {
    int64_t total = params_.hosts * params_.seconds;
    if (r.counter("heartbeats") != total)
      failures.push_back("expected " + std::to_string(total) +
                         " heartbeats, got " +
                         std::to_string(r.counter("heartbeats")));
    if (r.counter("monitors_complete") != params_.monitors)
      failures.push_back("only " +
                         std::to_string(r.counter("monitors_complete")) +
                         " monitors got their expected count");
    if (r.counter("out_of_order") != 0 || r.counter("wrong_last_seen") != 0)
      failures.push_back(std::to_string(r.counter("out_of_order")) +
                         " heartbeats out of order, " +
                         std::to_string(r.counter("wrong_last_seen")) +
                         " wrong last-seen times");
    sim_time want = (params_.seconds - 1) * w2_params::seconds_ns +
                    params_.offset(params_.hosts - 1) + ms(1);
    if (end != want)
      failures.push_back("virtual end time " + std::to_string(end) +
                         " ns, expected " + std::to_string(want));
  }

  std::vector<std::string> describe_run() const override {
    return {"w2_heartbeat hosts=" + std::to_string(params_.hosts) +
            " monitors=" + std::to_string(params_.monitors) +
            " seconds=" + std::to_string(params_.seconds) +
            " msgs=" + std::to_string(params_.hosts * params_.seconds)};
  }

private:
  w2_params params_;
  uint32_t nodes_;
  constant_latency net_;
  w2_counts counts_;
};

} // namespace

std::unique_ptr<model> make_heartbeat(model_spec& spec, uint32_t nodes) {
  return std::make_unique<heartbeat_model>(spec, nodes);
}

} // namespace vmss::bench
