// The workload's CAF shell in an in-process run: a Traffic Manager that
// answers half the client groups with one load balancer and half with
// another, two load balancers that answer every request, and the
// `requests` records the shell writes. CAF headers before gtest
// (toolchain.md).
#include "actors/control/workload.hpp"
#include "analysis/trace_reader.hpp"
#include "kernel/cluster.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/control_kinds.hpp"
#include "messages/network_kinds.hpp"
#include "runners/modules.hpp"
#include "runners/run_support.hpp"
#include "tests/support/scratch.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace {

using namespace vmss;

/// Answers every lb_traffic at once: all but `failed` ok, one backend with
/// a mean response time of 10 ms.
class fake_lb : public entity {
public:
  fake_lb(caf::actor_config& cfg, node_kernel& k, entity_id id, uint32_t failed)
      : entity(cfg, k, id), failed_(failed) {}

  caf::behavior make_behavior() override {
    return {[=](const network::lb_traffic& t) {
      uint32_t ok = t.requests - failed_;
      send(source(),
           network::lb_traffic_result{t.tick, ok, failed_, {ok}, {10000}});
    }};
  }

private:
  uint32_t failed_;
};

/// Even groups to lb `even`, odd ones to lb `odd`, TTL 30 s.
class fake_tm : public entity {
public:
  fake_tm(caf::actor_config& cfg, node_kernel& k, entity_id id, entity_id even,
          entity_id odd)
      : entity(cfg, k, id), even_(even), odd_(odd) {}

  caf::behavior make_behavior() override {
    return {[=](const network::dns_query& q) {
      auto lb = q.client % 2 == 0 ? even_ : odd_;
      send(source(),
           network::dns_answer{q.seq, q.client, "ep", lb, seconds(30)});
    }};
  }

private:
  entity_id even_, odd_;
};

const char* const lb_a = "westeurope/lb/a";
const char* const lb_b = "northeurope/lb/b";

class workload_model final : public model {
public:
  explicit workload_model(const control::workload_shell_params* params)
      : params_(params) {}

  bool ends_by_itself() const override { return false; }
  void describe(entity_table& t) override {
    t.add(network::traffic_manager_path("web-tm"),
          network::kinds::traffic_manager);
    t.add(lb_a, network::kinds::load_balancer);
    t.add(lb_b, network::kinds::load_balancer);
    t.add(control::workload_path("users"), control::kinds::workload);
  }
  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(5); }
  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    const auto& path = k.table()[id].path;
    if (path == lb_a)
      spawn_entity<fake_lb>(sys, k, id, 0u);
    else if (path == lb_b)
      spawn_entity<fake_lb>(sys, k, id, 1u);
    else if (*k.table()[id].kind == network::kinds::traffic_manager)
      spawn_entity<fake_tm>(sys, k, id, k.table().id_of(lb_a),
                            k.table().id_of(lb_b));
    else
      spawn_entity<control::workload>(sys, k, id, params_);
  }

private:
  constant_latency net_{ms(5)};
  const control::workload_shell_params* params_;
};

template <class T>
T field(const analysis::owned_record& r, const std::string& key) {
  for (const auto& f : r.fields)
    if (f.key == key)
      return std::get<T>(f.val);
  ADD_FAILURE() << "no field " << key;
  return T{};
}

/// Runs the stand-in world until 5.5 s and returns its `requests` records.
std::vector<analysis::owned_record>
run_workload(const control::workload_shell_params& params) {
  vmss_test::scratch dir;
  run_options opts;
  opts.model_spec = "test";
  opts.factory = [&](const std::string&, uint64_t, uint32_t) {
    return std::make_unique<workload_model>(&params);
  };
  opts.messages = &register_family_messages;
  opts.until = seconds(5) + ms(500);
  opts.trace_dir = dir.at("trace");
  auto res = run_simulation(opts);
  EXPECT_EQ(res.error, "");
  workload_model described(&params);
  write_run_manifest(opts, described, res, "workload");
  std::vector<analysis::owned_record> records;
  analysis::trace_reader(opts.trace_dir).for_each([&](const auto& r) {
    if (r.event == "requests")
      records.emplace_back(r);
  });
  return records;
}

TEST(workload_shell, a_direct_workload_sends_everything_to_its_lb) {
  control::workload_shell_params params;
  params.curve.constant = 7;
  params.target = lb_a;
  auto records = run_workload(params);
  ASSERT_EQ(records.size(), 6u); // ticks 0-5
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(field<int64_t>(records[i], "tick_ns"),
              seconds(static_cast<int64_t>(i)));
    EXPECT_EQ(field<std::string>(records[i], "target"), lb_a);
    EXPECT_EQ(field<int64_t>(records[i], "ok"), 7);
  }
}

TEST(workload_shell, traces_each_tick_per_target_through_traffic_manager) {
  control::workload_shell_params params;
  params.curve.constant = 40;
  params.target = network::traffic_manager_path("web-tm");
  params.clients = 4;
  auto records = run_workload(params);
  // tick 0: no group has an answer yet (they arrive at 10 ms)
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0].key.t_ns, 0);
  EXPECT_EQ(field<std::string>(records[0], "target"), "");
  EXPECT_EQ(field<int64_t>(records[0], "failed"), 40);
  // ticks 1-5: 20 requests to each load balancer, written when the
  // results are in (10 ms later), the tick in tick_ns
  ASSERT_EQ(records.size(), 11u);
  int64_t last_t = 0;
  for (size_t i = 1; i < records.size(); ++i) {
    const auto& r = records[i];
    auto tick = field<int64_t>(r, "tick_ns");
    EXPECT_EQ(tick, seconds(static_cast<int64_t>((i + 1) / 2)));
    EXPECT_EQ(r.key.t_ns, tick + ms(10));
    EXPECT_GE(r.key.t_ns, last_t);
    last_t = r.key.t_ns;
    EXPECT_EQ(field<std::string>(r, "workload"), "users");
    auto target = field<std::string>(r, "target");
    bool a = target == lb_a;
    EXPECT_TRUE(a || target == lb_b) << target;
    EXPECT_EQ(field<std::string>(r, "region"),
              a ? "westeurope" : "northeurope");
    EXPECT_EQ(field<int64_t>(r, "ok"), a ? 20 : 19);
    EXPECT_EQ(field<int64_t>(r, "failed"), a ? 0 : 1);
    // 10 ms round trip plus Exp(10 ms)
    EXPECT_NEAR(field<double>(r, "p50_ms"), 10 + 10 * std::log(2.0), 1e-3);
    EXPECT_NEAR(field<double>(r, "p95_ms"), 10 + 10 * std::log(20.0), 1e-3);
  }
}

} // namespace
