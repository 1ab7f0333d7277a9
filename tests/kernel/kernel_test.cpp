// In-process kernel tests: delivery order, timers, crash and restart.
// CAF headers before gtest (toolchain.md).
#include "bench/module.hpp"
#include "kernel/cluster.hpp"
#include "kernel/node_kernel.hpp"
#include "kernel/spawn_entity.hpp"
#include "messages/bench_messages.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <tuple>

/// Heap allocations of this test binary, for the message reuse test.
static std::atomic<uint64_t> allocations{0};

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc{};
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using namespace vmss;
const entity_kind sender_kind{"sender"};
const entity_kind receiver_kind{"receiver"};
const entity_kind counter_kind{"counter"};
const entity_kind ticker_kind{"ticker"};

using bench::phold_due;
using bench::phold_job;

/// What the receiving entity saw: (time, source, hops).
using seen = std::tuple<sim_time, entity_id, uint64_t>;

struct log_sink {
  std::vector<seen> received;
  std::vector<sim_time> timers;
};

/// Sends `count` jobs to `target` at start, tagged with hops = 0..count-1,
/// and sets a timer of `delay` to itself.
class sender : public entity {
public:
  sender(caf::actor_config& cfg, node_kernel& k, entity_id id, entity_id target,
         int count)
      : entity(cfg, k, id), target_(target), count_(count) {}

  void on_start() override {
    for (int i = 0; i < count_; ++i)
      send(target_, phold_job{static_cast<uint64_t>(i)});
  }

  caf::behavior make_behavior() override {
    return {[](const phold_due&) {}};
  }

private:
  entity_id target_;
  int count_;
};

/// Logs every job; on start sets timers at 5 ms and 2 ms.
class receiver : public entity {
public:
  receiver(caf::actor_config& cfg, node_kernel& k, entity_id id, log_sink* log)
      : entity(cfg, k, id), log_(log) {}

  void on_start() override {
    after(ms(5), phold_due{5});
    after(ms(2), phold_due{2});
  }

  caf::behavior make_behavior() override {
    return {
        [=](const phold_job& job) {
          log_->received.emplace_back(now(), source(), job.hops);
        },
        [=](const phold_due&) { log_->timers.push_back(now()); },
    };
  }

private:
  log_sink* log_;
};

/// Two senders ("a", "c") and one receiver ("b"); latency depends on the
/// sender so that their messages interleave at equal times.
class order_model final : public model {
public:
  explicit order_model(log_sink* log) : log_(log) {}

  void describe(entity_table& t) override {
    t.add("t/a", sender_kind);
    t.add("t/b", receiver_kind);
    t.add("t/c", sender_kind);
  }
  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(1); }
  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    if (*k.table()[id].kind == receiver_kind)
      spawn_entity<receiver>(sys, k, id, log_);
    else
      spawn_entity<sender>(sys, k, id, k.table().id_of("t/b"), 3);
  }

private:
  constant_latency net_{ms(1)};
  log_sink* log_;
};

run_options options_for(model_factory f) {
  run_options opts;
  opts.model_spec = "test";
  opts.factory = std::move(f);
  opts.messages = &bench::register_bench_messages;
  return opts;
}

TEST(kernel, delivers_in_time_destination_source_sequence_order) {
  log_sink log;
  auto res =
      run_simulation(options_for([&](const std::string&, uint64_t, uint32_t) {
        return std::make_unique<order_model>(&log);
      }));
  ASSERT_EQ(res.error, "");
  // a = id 0, c = id 2; all six arrive at 1 ms: source 0 before source 2,
  // each source's messages in its sequence order.
  std::vector<seen> want{{ms(1), 0, 0}, {ms(1), 0, 1}, {ms(1), 0, 2},
                         {ms(1), 2, 0}, {ms(1), 2, 1}, {ms(1), 2, 2}};
  EXPECT_EQ(log.received, want);
}

TEST(kernel, timers_fire_at_their_time_in_time_order) {
  log_sink log;
  auto res =
      run_simulation(options_for([&](const std::string&, uint64_t, uint32_t) {
        return std::make_unique<order_model>(&log);
      }));
  ASSERT_EQ(res.error, "");
  EXPECT_EQ(log.timers, (std::vector<sim_time>{ms(2), ms(5)}));
  EXPECT_EQ(res.end_t, ms(5));
}

/// Counts ticks from a ticker; `durable` survives a crash, `volatile_`
/// does not. Sets a 50 ms timer at start that a crash must cancel.
struct crash_log {
  int durable = 0;
  std::vector<std::pair<sim_time, int>> ticks; ///< (time, volatile count)
  std::vector<sim_time> timer_fired;
  int starts = 0;
};

class ticker : public entity {
public:
  ticker(caf::actor_config& cfg, node_kernel& k, entity_id id, entity_id to)
      : entity(cfg, k, id), to_(to) {}
  void on_start() override { after(ms(10), phold_due{}); }
  caf::behavior make_behavior() override {
    return {[=](const phold_due&) {
      send(to_, phold_job{});
      if (now() < ms(100))
        after(ms(10), phold_due{});
    }};
  }

private:
  entity_id to_;
};

class counter : public entity {
public:
  counter(caf::actor_config& cfg, node_kernel& k, entity_id id, crash_log* log)
      : entity(cfg, k, id), log_(log) {}
  void on_start() override {
    ++log_->starts;
    after(ms(50), phold_due{});
  }
  void on_crash() override { volatile_ = 0; }
  caf::behavior make_behavior() override {
    return {
        [=](const phold_job&) {
          ++log_->durable;
          log_->ticks.emplace_back(now(), ++volatile_);
        },
        [=](const phold_due&) { log_->timer_fired.push_back(now()); },
    };
  }

private:
  crash_log* log_;
  int volatile_ = 0;
};

class crash_model final : public model {
public:
  explicit crash_model(crash_log* log) : log_(log) {}
  void describe(entity_table& t) override {
    t.add("c/counter", counter_kind);
    t.add("c/ticker", ticker_kind);
  }
  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(1); }
  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    if (*k.table()[id].kind == counter_kind)
      spawn_entity<counter>(sys, k, id, log_);
    else
      spawn_entity<ticker>(sys, k, id, k.table().id_of("c/counter"));
  }
  void inject(node_kernel& k) override {
    auto c = k.table().id_of("c/counter");
    k.inject(ms(35), c, event_kind::crash);
    k.inject(ms(75), c, event_kind::restart);
  }

private:
  constant_latency net_{ms(1)};
  crash_log* log_;
};

TEST(kernel, crash_drops_input_and_timers_and_restart_keeps_durable_state) {
  crash_log log;
  auto res =
      run_simulation(options_for([&](const std::string&, uint64_t, uint32_t) {
        return std::make_unique<crash_model>(&log);
      }));
  ASSERT_EQ(res.error, "");
  // Ticks arrive at 11, 21, ... 101 ms. Up until 35 ms: 11, 21, 31.
  // Down from 35 to 75 ms: 41..71 dropped. Restarted: 81, 91, 101 with
  // the volatile count starting again from 1.
  std::vector<std::pair<sim_time, int>> want{{ms(11), 1}, {ms(21), 2},
                                             {ms(31), 3}, {ms(81), 1},
                                             {ms(91), 2}, {ms(101), 3}};
  EXPECT_EQ(log.ticks, want);
  EXPECT_EQ(log.durable, 6);
  EXPECT_EQ(log.starts, 2);
  // The 50 ms timer set at start died with the crash; the restart's timer
  // fires at 75 + 50 ms.
  EXPECT_EQ(log.timer_fired, (std::vector<sim_time>{ms(125)}));
}

/// What a rally player saw: each heartbeat's fields as received.
struct rally_log {
  int received = 0;
  int wrong = 0; ///< heartbeats whose fields were not the ones sent
  int timers = 0;
};

/// The payload words of rally heartbeat `seq`: every word differs from the
/// previous heartbeat's, so a reused message keeping old contents shows.
bench::payload64 rally_payload(uint32_t seq) {
  bench::payload64 p;
  for (uint64_t i = 0; i < p.words.size(); ++i)
    p.words[i] = (uint64_t{seq} << 8) + i + 1;
  return p;
}

/// Two players send each other heartbeat 0, 1, ... `last`, each checking
/// that every field arrives as sent, and set a timer on each.
class rally_player : public entity {
public:
  rally_player(caf::actor_config& cfg, node_kernel& k, entity_id id,
               entity_id peer, uint32_t last, rally_log* log)
      : entity(cfg, k, id), peer_(peer), last_(last), log_(log) {}

  void on_start() override {
    if (id() == 0)
      send(peer_, bench::heartbeat{id(), 0, rally_payload(0)});
  }

  caf::behavior make_behavior() override {
    return {
        [=](const bench::heartbeat& hb) {
          ++log_->received;
          if (hb.host != source() || hb.seq != expected_ ||
              !(hb.payload == rally_payload(hb.seq)))
            ++log_->wrong;
          expected_ = hb.seq + 2;
          after(us(1), bench::beat_due{});
          if (hb.seq < last_)
            send(peer_,
                 bench::heartbeat{id(), hb.seq + 1, rally_payload(hb.seq + 1)});
        },
        [=](const bench::beat_due&) { ++log_->timers; },
    };
  }

private:
  entity_id peer_;
  uint32_t last_;
  rally_log* log_;
  uint32_t expected_ = id() == 0 ? 1 : 0;
};

class rally_model final : public model {
public:
  rally_model(rally_log* log, uint32_t last) : log_(log), last_(last) {}
  void describe(entity_table& t) override {
    t.add("r/a", sender_kind);
    t.add("r/b", receiver_kind);
  }
  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(1); }
  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    spawn_entity<rally_player>(sys, k, id, 1 - id, last_, log_);
  }

private:
  constant_latency net_{ms(1)};
  rally_log* log_;
  uint32_t last_;
};

/// Runs a rally of heartbeats 0 .. last; returns the heap allocations
/// the whole run made.
uint64_t rally_allocations(uint32_t last, rally_log& log) {
  uint64_t before = allocations.load();
  auto res =
      run_simulation(options_for([&](const std::string&, uint64_t, uint32_t) {
        return std::make_unique<rally_model>(&log, last);
      }));
  uint64_t made = allocations.load() - before;
  EXPECT_EQ(res.error, "");
  return made;
}

TEST(kernel, delivered_messages_are_reused_and_carry_what_was_sent) {
  rally_log short_rally, long_rally;
  uint64_t short_made = rally_allocations(499, short_rally);
  uint64_t long_made = rally_allocations(2499, long_rally);
  EXPECT_EQ(short_rally.received, 500);
  EXPECT_EQ(long_rally.received, 2500);
  EXPECT_EQ(long_rally.timers, 2500);
  EXPECT_EQ(long_rally.wrong, 0);
  // 2,000 more heartbeats and 2,000 more timers: each is made in the
  // storage of one delivered before it, so the longer rally allocates
  // hardly more (a message per event would be 4,000 more).
  EXPECT_LT(long_made, short_made + 400)
      << "short rally: " << short_made << ", long: " << long_made;
}

/// Two entities, "t/a" (id 0) on node 0 and "t/b" (id 1) on node 1.
entity_table two_nodes() {
  entity_table table(2);
  table.add("t/a", sender_kind, 0);
  table.add("t/b", receiver_kind, 1);
  table.finalize();
  return table;
}

TEST(kernel_invariants, a_timer_into_the_past_is_a_broken_invariant) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto table = two_nodes();
  constant_latency net{ms(1)};
  node_kernel k(table, net, kernel_config{});
  EXPECT_DEATH(k.after(0, -1, wire::no_type, caf::message{}),
               "a message or timer never lands in its sender's past");
}

TEST(kernel_invariants, a_send_into_the_past_is_a_broken_invariant) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto table = two_nodes();
  constant_latency net{-1}; // breaks network_model's latency >= 0
  node_kernel k(table, net, kernel_config{});
  EXPECT_DEATH(k.send(0, 0, wire::no_type, caf::message{}),
               "a message or timer never lands in its sender's past");
}

TEST(kernel_invariants, an_event_from_another_node_inside_the_window) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto table = two_nodes();
  constant_latency net{ms(1)};
  node_kernel k(table, net, kernel_config{});
  ASSERT_TRUE(k.run_window(ms(5), nullptr)); // nothing to do up to 5 ms
  auto from_b = [](sim_time t) {
    std::vector<event> events(1);
    events[0].t = t;
    events[0].dst = 0;
    events[0].src = 1;
    return events;
  };
  k.accept(from_b(ms(5))); // at the window's end: fine
  EXPECT_EQ(k.next_time(), ms(5));
  EXPECT_DEATH(k.accept(from_b(ms(4))),
               "an event from another node lands after the window it was "
               "sent in");
}

} // namespace
