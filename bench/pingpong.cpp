#include "bench/workloads.hpp"
#include "messages/bench_kinds.hpp"

#include "kernel/size_budget.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/bench_messages.hpp"

#include <caf/all.hpp>

#include <cstdio>

namespace vmss::bench {

namespace {

/// Results of the pairs on one node.
struct w1_counts {
  int64_t pings = 0;
  int64_t pongs = 0;
  int64_t out_of_order = 0;
};

payload64 make_payload(uint32_t round) {
  payload64 p;
  for (size_t i = 0; i < p.words.size(); ++i)
    p.words[i] = round * 8 + i;
  return p;
}

class pinger : public entity {
public:
  pinger(caf::actor_config& cfg, node_kernel& k, entity_id id,
         entity_id partner, uint32_t rounds, w1_counts* counts)
      : entity(cfg, k, id), partner_(partner), rounds_(rounds),
        counts_(counts) {}

  void on_start() override { send(partner_, ping{0, make_payload(0)}); }

  caf::behavior make_behavior() override {
    return {[=](const pong& p) {
      ++counts_->pongs;
      if (p.round != next_ || p.payload.words[0] != p.round * 8)
        ++counts_->out_of_order;
      next_ = p.round + 1;
      if (next_ < rounds_)
        send(partner_, ping{next_, make_payload(next_)});
    }};
  }

private:
  entity_id partner_;
  uint32_t rounds_;
  uint32_t next_ = 0;
  w1_counts* counts_;
};

class ponger : public entity {
public:
  ponger(caf::actor_config& cfg, node_kernel& k, entity_id id,
         entity_id partner, w1_counts* counts)
      : entity(cfg, k, id), partner_(partner), counts_(counts) {}

  caf::behavior make_behavior() override {
    return {[=](const ping& p) {
      ++counts_->pings;
      if (p.round != next_++)
        ++counts_->out_of_order;
      send(partner_, pong{p.round, make_payload(p.round)});
    }};
  }

private:
  entity_id partner_;
  uint32_t next_ = 0;
  w1_counts* counts_;
};

class pingpong_model final : public model {
public:
  pingpong_model(model_spec& spec, uint32_t nodes)
      : pairs_(spec.get_int("pairs", 1000, 1, max_entities / 2)),
        rounds_(spec.get_int("rounds", 1000, 1, UINT32_MAX)),
        cross_(spec.get_int("cross", 1, 0, 1) != 0), nodes_(nodes),
        net_(ms(1)) {
    spec.reject_unknown();
    check_size("pingpong pairs=" + std::to_string(pairs_),
               2 * static_cast<uint64_t>(pairs_), bytes_per_entity_actor);
  }

  void describe(entity_table& table) override {
    for (int64_t p = 0; p < pairs_; ++p) {
      auto node = static_cast<uint32_t>(p % nodes_);
      auto other = cross_ ? static_cast<uint32_t>((p + 1) % nodes_) : node;
      table.add(pair_path(p) + "/a", kinds::pinger, node);
      table.add(pair_path(p) + "/b", kinds::ponger, other);
    }
  }

  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(1); }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    const auto& path = k.table()[id].path;
    bool is_pinger = path.back() == 'a';
    auto partner = k.table().id_of(path.substr(0, path.size() - 1) +
                                   (is_pinger ? "b" : "a"));
    if (is_pinger)
      spawn_entity<pinger>(sys, k, id, partner, static_cast<uint32_t>(rounds_),
                           &counts_);
    else
      spawn_entity<ponger>(sys, k, id, partner, &counts_);
  }

  void report(node_kernel&, model_report& out) override {
    out.counters["pings"] += counts_.pings;
    out.counters["pongs"] += counts_.pongs;
    out.counters["out_of_order"] += counts_.out_of_order;
  }

  void check(const model_report& r, sim_time end,
             std::vector<std::string>& failures) override {
    int64_t expected = pairs_ * rounds_;
    if (r.counter("pings") != expected || r.counter("pongs") != expected)
      failures.push_back("expected " + std::to_string(expected) +
                         " pings and pongs, got " +
                         std::to_string(r.counter("pings")) + " and " +
                         std::to_string(r.counter("pongs")));
    if (r.counter("out_of_order") != 0)
      failures.push_back(std::to_string(r.counter("out_of_order")) +
                         " messages out of order");
    if (end != rounds_ * ms(2))
      failures.push_back("virtual end time " + std::to_string(end) +
                         " ns, expected " + std::to_string(rounds_ * ms(2)));
  }

  std::vector<std::string> describe_run() const override {
    return {"w1_pingpong pairs=" + std::to_string(pairs_) +
            " rounds=" + std::to_string(rounds_) + " msgs=" +
            std::to_string(2 * pairs_ * rounds_) + " expected_virtual_end_s=" +
            std::to_string(to_seconds(rounds_ * ms(2)))};
  }

private:
  static std::string pair_path(int64_t p) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "w1/p%07lld", static_cast<long long>(p));
    return buf;
  }

  int64_t pairs_;
  int64_t rounds_;
  bool cross_;
  uint32_t nodes_;
  constant_latency net_;
  w1_counts counts_;
};

} // namespace

std::unique_ptr<model> make_pingpong(model_spec& spec, uint32_t nodes) {
  return std::make_unique<pingpong_model>(spec, nodes);
}

} // namespace vmss::bench
