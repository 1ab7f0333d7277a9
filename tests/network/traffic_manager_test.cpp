// The Traffic Manager shell in a run: probes reach the endpoints' load
// balancers, answers go back to the asking client, and the trace holds
// tm_endpoint and tm_route. CAF headers before gtest (toolchain.md).
#include "actors/network/traffic_manager.hpp"
#include "analysis/trace_reader.hpp"
#include "kernel/cluster.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/network_kinds.hpp"
#include "runners/modules.hpp"
#include "runners/run_support.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include "tests/support/scratch.hpp"

#include <tuple>
#include <variant>

namespace {

using namespace vmss;
using namespace vmss::network;

const entity_kind fake_lb_kind{"test_lb"};
const entity_kind client_kind{"test_client"};

/// Answers tm_probe with 200, except in [down_from, down_until): silent.
class fake_lb : public entity {
public:
  fake_lb(caf::actor_config& cfg, node_kernel& k, entity_id id,
          sim_time down_from, sim_time down_until)
      : entity(cfg, k, id), down_from_(down_from), down_until_(down_until) {}

  caf::behavior make_behavior() override {
    return {[=](const tm_probe& p) {
      if (now() < down_from_ || now() >= down_until_)
        send(source(), tm_probe_reply{p.seq, 200});
    }};
  }

private:
  sim_time down_from_;
  sim_time down_until_;
};

/// (time received, endpoint, lb, ttl).
using answer_seen = std::tuple<sim_time, std::string, int64_t, int64_t>;

/// Asks the profile once a second until `last`.
class client : public entity {
public:
  client(caf::actor_config& cfg, node_kernel& k, entity_id id, entity_id tm,
         sim_time last, std::vector<answer_seen>* seen)
      : entity(cfg, k, id), tm_(tm), last_(last), seen_(seen) {}

  void on_start() override { after(seconds(1), tm_due{}); }

  caf::behavior make_behavior() override {
    return {
        [=](const tm_due&) {
          send(tm_, dns_query{++seq_, 3});
          if (now() < last_)
            after(seconds(1), tm_due{});
        },
        [=](const dns_answer& a) {
          EXPECT_EQ(a.client, 3u);
          seen_->emplace_back(now(), a.endpoint, a.lb, a.ttl_ns);
        },
    };
  }

private:
  entity_id tm_;
  sim_time last_;
  std::vector<answer_seen>* seen_;
  uint64_t seq_ = 0;
};

/// Spec Layer 8 example 4: West Europe (priority 1) goes silent from 45 s
/// to 120 s; North Europe (priority 2) stays up.
class tm_model final : public model {
public:
  explicit tm_model(std::vector<answer_seen>* seen) : seen_(seen) {}

  bool ends_by_itself() const override { return false; }
  void describe(entity_table& t) override {
    t.add(traffic_manager_path("GlobalWebTM"), kinds::traffic_manager);
    t.add(load_balancer_path("westeurope", "west-lb"), fake_lb_kind);
    t.add(load_balancer_path("northeurope", "north-lb"), fake_lb_kind);
    t.add("global/client", client_kind);
  }
  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(10); }
  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    const auto& t = k.table();
    const auto& kind = *t[id].kind;
    if (kind == kinds::traffic_manager) {
      params_.core = profile(t);
      spawn_entity<traffic_manager>(sys, k, id, &params_);
    } else if (kind == client_kind) {
      spawn_entity<client>(sys, k, id,
                           t.id_of(traffic_manager_path("GlobalWebTM")),
                           seconds(190), seen_);
    } else if (t[id].path == load_balancer_path("westeurope", "west-lb")) {
      spawn_entity<fake_lb>(sys, k, id, seconds(45), seconds(120));
    } else {
      spawn_entity<fake_lb>(sys, k, id, sim_time_never, sim_time_never);
    }
  }

private:
  static tm_params profile(const entity_table& t) {
    tm_params p;
    p.name = "GlobalWebTM";
    p.interval = seconds(10);
    p.timeout = seconds(5);
    p.tolerated = 3;
    p.ttl = seconds(60);
    p.endpoints = {
        {"WestEurope", t.id_of(load_balancer_path("westeurope", "west-lb")),
         true, 1, 1},
        {"NorthEurope", t.id_of(load_balancer_path("northeurope", "north-lb")),
         true, 1, 2}};
    return p;
  }

  constant_latency net_{ms(10)};
  tm_shell_params params_;
  std::vector<answer_seen>* seen_;
};

std::string text(const trace::field& f) {
  return std::get<std::string>(f.val);
}

TEST(traffic_manager, fails_over_and_back_and_traces_it) {
  vmss_test::scratch scratch;
  std::vector<answer_seen> seen;
  run_options opts;
  opts.model_spec = "test";
  opts.factory = [&](const std::string&, uint64_t, uint32_t) {
    return std::make_unique<tm_model>(&seen);
  };
  opts.messages = &register_family_messages;
  opts.until = seconds(200);
  opts.trace_dir = scratch.at("trace");
  auto res = run_simulation(opts);
  ASSERT_EQ(res.error, "");
  tm_model described(nullptr);
  write_run_manifest(opts, described, res, "test");

  // Probes at 50, 60, 70, 80 s time out 5 s later: Degraded at 85 s; the
  // probe of 120 s is answered 20 ms later: Online again.
  ASSERT_EQ(seen.size(), 190u);
  for (const auto& [at, endpoint, lb, ttl] : seen) {
    EXPECT_EQ(ttl, seconds(60));
    bool failed_over = at > seconds(85) && at < seconds(121);
    EXPECT_EQ(endpoint, failed_over ? "NorthEurope" : "WestEurope") << at;
    EXPECT_GE(lb, 0);
  }

  std::vector<std::tuple<sim_time, std::string, std::string>> statuses;
  size_t routes = 0;
  analysis::trace_reader reader(scratch.at("trace"));
  reader.for_each([&](const analysis::record& r) {
    if (r.event == "tm_endpoint") {
      EXPECT_EQ(text(r.fields[0]), "GlobalWebTM");
      statuses.emplace_back(r.t_ns(), text(r.fields[1]), text(r.fields[2]));
    }
    if (r.event == "tm_route") {
      ++routes;
      EXPECT_EQ(std::get<int64_t>(r.fields[2].val), 3);
      EXPECT_EQ(std::get<int64_t>(r.fields[3].val), 60);
    }
  });
  using S = std::tuple<sim_time, std::string, std::string>;
  std::vector<S> want{{0, "WestEurope", "CheckingEndpoint"},
                      {0, "NorthEurope", "CheckingEndpoint"},
                      // equal times: delivery order (the replies' sources)
                      {ms(20), "NorthEurope", "Online"},
                      {ms(20), "WestEurope", "Online"},
                      {seconds(85), "WestEurope", "Degraded"},
                      {seconds(120) + ms(20), "WestEurope", "Online"}};
  EXPECT_EQ(statuses, want);
  EXPECT_EQ(routes, 190u);
}

} // namespace
