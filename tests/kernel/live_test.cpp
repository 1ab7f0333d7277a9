// Live control in one process (kernel/cluster.hpp run_options::live): the
// hub's requests reach the coordinator, commands take effect at a window
// end on every node, `stop` ends the run, pause holds virtual time, and a
// replay of the recorded commands gives the same deliveries. A small model
// implements the hooks (check_live, apply_live) here; the region model's
// vocabulary has its own tests. CAF headers before gtest (toolchain.md).
#include "bench/module.hpp"
#include "kernel/cluster.hpp"
#include "kernel/live_hub.hpp"
#include "kernel/node_kernel.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/bench_messages.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

namespace {

using namespace vmss;
using namespace std::chrono_literals;
using bench::phold_due;
using bench::phold_job;

const entity_kind control_kind{"control"};
constexpr trace::event_def noted{"noted", {"command"}};
const entity_kind ticker_kind{"ticker"};

/// What the control entity recorded: (time, command, refusal).
struct live_log {
  std::mutex mutex;
  std::vector<std::string> commands, refusals; ///< by apply_live call
  std::vector<replayed_command> seen;          ///< as delivered
};

/// Traces the command of the apply_live call numbered by the job's hops.
class control_entity : public entity {
public:
  control_entity(caf::actor_config& cfg, node_kernel& k, entity_id id,
                 live_log* log)
      : entity(cfg, k, id), log_(log) {}
  caf::behavior make_behavior() override {
    return {[=](const phold_job& job) {
      std::string command;
      {
        std::lock_guard<std::mutex> lock(log_->mutex);
        command = log_->commands.at(job.hops);
        log_->seen.push_back({now(), command, log_->refusals.at(job.hops)});
      }
      trace(noted, {command});
    }};
  }

private:
  live_log* log_;
};

/// Ticks every 10 ms: something for the windows to run.
class ticker_entity : public entity {
public:
  using entity::entity;
  void on_start() override { after(ms(10), phold_due{}); }
  caf::behavior make_behavior() override {
    return {[=](const phold_due&) { after(ms(10), phold_due{}); }};
  }
};

/// Takes `note WORD` and `stop`.
class live_model final : public model {
public:
  explicit live_model(live_log* log) : log_(log) {}
  void describe(entity_table& t) override {
    t.add("l/control", control_kind);
    t.add("l/ticker", ticker_kind);
  }
  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(1); }
  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    if (*k.table()[id].kind == control_kind)
      spawn_entity<control_entity>(sys, k, id, log_);
    else
      spawn_entity<ticker_entity>(sys, k, id);
  }
  std::string check_live(const std::vector<std::string>& w) const override {
    if (w.size() == 2 && w[0] == "note")
      return "note " + w[1];
    if (w.size() == 1 && w[0] == "stop")
      return "stop";
    throw std::invalid_argument("unknown command '" + w[0] + "'");
  }
  void apply_live(node_kernel& k, sim_time t, const std::string& canonical,
                  const std::string& refusal) override {
    uint64_t index = 0;
    {
      std::lock_guard<std::mutex> lock(log_->mutex);
      index = log_->commands.size();
      log_->commands.push_back(canonical);
      log_->refusals.push_back(refusal);
    }
    k.inject(t, k.table().id_of("l/control"), event_kind::message,
             caf::make_message(phold_job{index}));
  }

private:
  constant_latency net_{ms(1)};
  live_log* log_;
};

run_options options(live_log* log, sim_time until) {
  run_options opts;
  opts.model_spec = "live";
  opts.factory = [log](const std::string&, uint64_t, uint32_t) {
    return std::make_unique<live_model>(log);
  };
  opts.messages = &bench::register_bench_messages;
  opts.until = until;
  return opts;
}

/// The seconds of an answer "accepted at 1.234s".
sim_time accepted_at(const live::answer& a) {
  auto at = a.text.find("accepted at ");
  if (!a.ok || at == std::string::npos)
    return -1;
  return static_cast<sim_time>(
      std::llround(std::stod(a.text.substr(at + 12)) * 1e9));
}

double status_virtual_s(const live::answer& a) {
  auto at = a.text.find("\"virtual_s\":");
  return at == std::string::npos ? -1 : std::stod(a.text.substr(at + 12));
}

TEST(live, commands_take_effect_at_a_window_end_and_stop_ends_the_run) {
  live_log log;
  live::hub hub("feedc0de");
  auto opts = options(&log, seconds(600));
  opts.live = &hub;
  opts.pace = 20; // 600 s would take 30 s: `stop` must end it
  auto run =
      std::async(std::launch::async, [&] { return run_simulation(opts); });

  auto status = hub.submit("feedc0de", {"status"});
  EXPECT_TRUE(status.ok) << status.text;
  EXPECT_NE(status.text.find("\"pace\":20"), std::string::npos) << status.text;
  EXPECT_NE(status.text.find("\"region\":null"), std::string::npos);
  std::this_thread::sleep_for(200ms);
  auto note = hub.submit("feedc0de", {"note", "hello"});
  sim_time t_note = accepted_at(note);
  EXPECT_GT(t_note, 0) << note.text;
  auto bad = hub.submit("wrong", {"note", "intruder"});
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.text.find("token"), std::string::npos) << bad.text;
  auto unknown = hub.submit("feedc0de", {"frobnicate"});
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.text, "unknown command 'frobnicate'");
  auto stop = hub.submit("feedc0de", {"stop"});
  sim_time t_stop = accepted_at(stop);
  ASSERT_GE(t_stop, t_note) << stop.text;
  auto res = run.get();
  ASSERT_EQ(res.error, "");
  // Alone, a paced node runs windows of 20 ms of wall time: 400 ms here.
  EXPECT_EQ(t_note % ms(400), 0);
  EXPECT_EQ(res.end_t, t_stop);
  ASSERT_EQ(log.seen.size(), 3u);
  EXPECT_EQ(log.seen[0].t, t_note);
  EXPECT_EQ(log.seen[0].canonical, "note hello");
  EXPECT_EQ(log.seen[0].refusal, "");
  EXPECT_EQ(log.seen[1].canonical, "note intruder"); // refused, still seen
  EXPECT_EQ(log.seen[1].refusal, "the request does not carry the run's token");
  EXPECT_EQ(log.seen[2].canonical, "stop");
  EXPECT_EQ(log.seen[2].t, t_stop);
  EXPECT_FALSE(hub.submit("feedc0de", {"status"}).ok); // the run is over

  // Replayed without a client, unpaced: the same deliveries.
  live_log again;
  auto replay = options(&again, t_stop + 1);
  replay.replay = log.seen;
  auto res2 = run_simulation(replay);
  ASSERT_EQ(res2.error, "");
  EXPECT_EQ(res2.delivery_digest, res.delivery_digest);
  EXPECT_EQ(res2.events, res.events);
  ASSERT_EQ(again.seen.size(), log.seen.size());
  for (size_t i = 0; i < again.seen.size(); ++i) {
    EXPECT_EQ(again.seen[i].t, log.seen[i].t);
    EXPECT_EQ(again.seen[i].canonical, log.seen[i].canonical);
  }
}

TEST(live, pause_holds_virtual_time_and_resume_goes_on) {
  live_log log;
  live::hub hub("abc123");
  auto opts = options(&log, seconds(600));
  opts.live = &hub;
  opts.pace = 50;
  auto run =
      std::async(std::launch::async, [&] { return run_simulation(opts); });
  EXPECT_TRUE(hub.submit("abc123", {"pause"}).ok);
  std::this_thread::sleep_for(400ms); // statuses settle (a tick is 200 ms)
  double a = status_virtual_s(hub.submit("abc123", {"status"}));
  std::this_thread::sleep_for(500ms);
  auto paused = hub.submit("abc123", {"status"});
  EXPECT_EQ(status_virtual_s(paused), a) << paused.text;
  EXPECT_NE(paused.text.find("\"paused\":true"), std::string::npos);
  EXPECT_TRUE(hub.submit("abc123", {"resume"}).ok);
  EXPECT_TRUE(hub.submit("abc123", {"pace", "100"}).ok);
  EXPECT_FALSE(hub.submit("abc123", {"pace", "fast"}).ok);
  std::this_thread::sleep_for(600ms);
  double b = status_virtual_s(hub.submit("abc123", {"status"}));
  EXPECT_GT(b, a);
  EXPECT_TRUE(hub.submit("abc123", {"stop"}).ok);
  auto res = run.get();
  EXPECT_EQ(res.error, "");
  EXPECT_TRUE(log.seen.size() == 1 && log.seen[0].canonical == "stop");
}

TEST(live, pace_changes_no_result) {
  live_log a, b;
  auto fast = options(&a, seconds(3));
  auto paced = options(&b, seconds(3));
  paced.pace = 30;
  auto r1 = run_simulation(fast);
  auto r2 = run_simulation(paced);
  ASSERT_EQ(r1.error, "");
  ASSERT_EQ(r2.error, "");
  EXPECT_EQ(r1.delivery_digest, r2.delivery_digest);
  EXPECT_EQ(r1.events, r2.events);
  EXPECT_GE(r2.wall_s, 0.08); // 3 s at 30x
}

TEST(live, the_observer_sees_every_record_without_a_trace_directory) {
  live_log log;
  auto opts = options(&log, seconds(2));
  opts.replay = {{ms(500), "note a", ""}, {ms(1500), "note b", ""}};
  std::vector<std::string> seen;
  opts.observer = [&](const observed_record& r) {
    ASSERT_EQ(r.num_fields, 1u);
    seen.push_back(std::to_string(r.t_ns) + " " + std::string(r.entity) + " " +
                   std::string(r.kind) + " " + std::string(r.event) + " " +
                   std::get<std::string>(r.fields[0].val));
  };
  auto res = run_simulation(opts);
  ASSERT_EQ(res.error, "");
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "500000000 l/control control noted note a",
                      "1500000000 l/control control noted note b"}));
}

TEST(live_hub, answers_in_order_and_closes) {
  live::hub hub("t0k");
  std::atomic<int> wakes{0};
  hub.set_wakeup([&] { ++wakes; });
  auto client = std::async(std::launch::async,
                           [&] { return hub.submit("t0k", {"status"}, 5); });
  std::vector<live::pending> got;
  while (got.empty()) {
    got = hub.take();
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].token_ok);
  EXPECT_EQ(got[0].words, std::vector<std::string>{"status"});
  hub.reply(got[0].id, {true, "{}"});
  auto a = client.get();
  EXPECT_TRUE(a.ok);
  EXPECT_EQ(a.text, "{}");
  EXPECT_EQ(wakes, 1);

  auto timed_out = hub.submit("nope", {"x"}, 0.05);
  EXPECT_FALSE(timed_out.ok);
  auto queued = hub.take();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_FALSE(queued[0].token_ok);
  hub.reply(queued[0].id, {true, "late"}); // nobody waits: ignored
  hub.close("over");
  auto after = hub.submit("t0k", {"status"});
  EXPECT_FALSE(after.ok);
  EXPECT_EQ(after.text, "over");
}

} // namespace
