#include "bench/workloads.hpp"
#include "messages/bench_events.hpp"
#include "messages/bench_kinds.hpp"

#include "kernel/size_budget.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/bench_messages.hpp"

#include <caf/all.hpp>

#include <cstdio>

namespace vmss::bench {

namespace {

struct phold_params {
  int64_t entities;
  int64_t jobs;
  sim_time think;
  sim_time latency;
  sim_time lookahead;
};

struct phold_counts {
  int64_t received = 0;
};

/// Holds jobs for a random think time, then passes each to a random entity.
class phold_entity : public entity {
public:
  phold_entity(caf::actor_config& cfg, node_kernel& k, entity_id id,
               const phold_params* params, phold_counts* counts)
      : entity(cfg, k, id), params_(params), counts_(counts) {}

  void on_start() override {
    for (int64_t j = 0; j < params_->jobs; ++j)
      after(think(), phold_due{0});
  }

  caf::behavior make_behavior() override {
    return {
        [=](const phold_job& job) {
          ++counts_->received;
          after(think(), phold_due{job.hops + 1});
        },
        [=](const phold_due& due) {
          auto target = static_cast<entity_id>(
              random().below(static_cast<uint64_t>(params_->entities)));
          trace(events::hop,
                {static_cast<int64_t>(target), static_cast<int64_t>(due.hops)});
          send(target, phold_job{due.hops});
        },
    };
  }

private:
  /// Uniform in [0, 2 * think]: mean `think`.
  sim_time think() { return random().uniform(0, 2 * params_->think); }

  const phold_params* params_;
  phold_counts* counts_;
};

class phold_model final : public model {
  static constexpr int64_t max_jobs = 1'000'000;
  /// A queued event with its message (an estimate, not measured).
  static constexpr uint64_t bytes_per_job = 128;
  /// Think times and latencies up to a day keep every sum of times far
  /// from overflowing.
  static constexpr sim_time max_time = seconds(24 * 3600);

public:
  phold_model(model_spec& spec, uint32_t nodes)
      : params_{spec.get_int("entities", 64, 1, max_entities),
                spec.get_int("jobs", 4, 0, max_jobs),
                spec.get_duration("think", ms(1), 0, max_time),
                spec.get_duration("latency", ms(1), 1, max_time), 0},
        nodes_(nodes), net_(params_.latency) {
    params_.lookahead =
        spec.get_duration("lookahead", params_.latency, 1, max_time);
    spec.reject_unknown();
    check_size("phold entities=" + std::to_string(params_.entities) +
                   " jobs=" + std::to_string(params_.jobs),
               static_cast<uint64_t>(params_.entities),
               bytes_per_entity_actor +
                   bytes_per_job * static_cast<uint64_t>(params_.jobs));
  }

  /// Jobs hop forever; only a run without jobs ends.
  bool ends_by_itself() const override { return params_.jobs == 0; }

  void describe(entity_table& table) override {
    for (int64_t i = 0; i < params_.entities; ++i) {
      char path[32];
      std::snprintf(path, sizeof(path), "phold/e%06lld",
                    static_cast<long long>(i));
      table.add(path, kinds::phold,
                static_cast<uint32_t>(i * nodes_ / params_.entities));
    }
  }

  network_model& network() override { return net_; }
  sim_time lookahead() const override { return params_.lookahead; }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    spawn_entity<phold_entity>(sys, k, id, &params_, &counts_);
  }

  void report(node_kernel&, model_report& out) override {
    out.counters["jobs_received"] += counts_.received;
  }

  std::vector<std::string> describe_run() const override {
    return {"phold entities=" + std::to_string(params_.entities) +
            " jobs=" + std::to_string(params_.jobs) +
            " think_ns=" + std::to_string(params_.think) +
            " latency_ns=" + std::to_string(params_.latency) +
            " lookahead_ns=" + std::to_string(params_.lookahead)};
  }

private:
  phold_params params_;
  uint32_t nodes_;
  constant_latency net_;
  phold_counts counts_;
};

} // namespace

std::unique_ptr<model> make_phold(model_spec& spec, uint32_t nodes) {
  return std::make_unique<phold_model>(spec, nodes);
}

} // namespace vmss::bench
