#include "actors/physical/vm_load.hpp"

#include "kernel/sim_time.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::physical;

network::vm_serve batch(sim_time tick, uint32_t requests, uint32_t cpu_us) {
  return {1, static_cast<uint64_t>(tick), requests, cpu_us, 500, 2000};
}

TEST(vm_load, an_up_application_answers_within_capacity) {
  vm_load load(2);
  auto out = load.serve(batch(0, 100, 1000), true); // 0.1 s of 2 s
  EXPECT_EQ(out.ok, 100u);
  EXPECT_EQ(out.failed, 0u);
  // M/M/1 at rho 0.05: 1000 / 0.95.
  EXPECT_EQ(out.latency_us, 1053u);
}

TEST(vm_load, an_application_down_fails_every_request_without_cpu) {
  vm_load load(1);
  auto out = load.serve(batch(0, 40, 1000), false);
  EXPECT_EQ(out.ok, 0u);
  EXPECT_EQ(out.failed, 40u);
  auto m = load.end_minute(seconds(60));
  EXPECT_EQ(m.cpu_percent, 0);
  EXPECT_EQ(m.bytes_in, 40 * 500);
  EXPECT_EQ(m.bytes_out, 0);
}

TEST(vm_load, requests_beyond_the_ticks_vcpu_time_fail) {
  vm_load load(2); // 2 000 000 us per tick
  auto first = load.serve(batch(0, 1500, 1000), true);
  EXPECT_EQ(first.ok, 1500u);
  auto second = load.serve(batch(0, 1000, 1000), true); // 500 left
  EXPECT_EQ(second.ok, 500u);
  EXPECT_EQ(second.failed, 500u);
  // Full: rho capped at 0.99, the delay at 100 x the service time.
  EXPECT_EQ(second.latency_us, 100000u);
  // The next tick has its CPU again: no queue carries over.
  auto next = load.serve(batch(seconds(1), 1000, 1000), true);
  EXPECT_EQ(next.ok, 1000u);
  EXPECT_EQ(next.failed, 0u);
}

TEST(vm_load, percentage_cpu_is_used_time_over_the_minutes_vcpu_time) {
  vm_load load(4);               // 240 s of CPU in a minute
  for (int t = 60; t < 120; ++t) // 0.6 s of CPU a second: 36 s in all
    load.serve(batch(seconds(t), 600, 1000), true);
  auto m = load.end_minute(seconds(120));
  EXPECT_EQ(m.grain_start, seconds(60));
  EXPECT_DOUBLE_EQ(m.cpu_percent, 15.0);
  EXPECT_DOUBLE_EQ(m.bytes_in, 60.0 * 600 * 500);
  EXPECT_DOUBLE_EQ(m.bytes_out, 60.0 * 600 * 2000);
  auto idle = load.end_minute(seconds(180));
  EXPECT_EQ(idle.grain_start, seconds(120));
  EXPECT_EQ(idle.cpu_percent, 0);
  EXPECT_EQ(idle.bytes_in, 0);
}

TEST(vm_load, samples_start_with_serving_at_the_minutes_end_and_stop) {
  vm_load load(1);
  EXPECT_FALSE(load.sampling()); // never served: no samples
  load.serve(batch(seconds(75), 10, 1000), true);
  EXPECT_EQ(load.start_sampling(seconds(75) + ms(3)), seconds(45) - ms(3));
  EXPECT_EQ(load.start_sampling(seconds(76)), std::nullopt); // already on
  EXPECT_TRUE(load.sampling());
  load.serve(batch(seconds(130), 60, 1000), true);
  load.stop(); // the VM stopped: its partial minute is dropped
  EXPECT_FALSE(load.sampling());
  load.serve(batch(seconds(200), 30, 1000), true);
  EXPECT_EQ(load.start_sampling(seconds(200)), seconds(40));
  auto m = load.end_minute(seconds(240));
  EXPECT_EQ(m.grain_start, seconds(180));
  EXPECT_DOUBLE_EQ(m.cpu_percent, 100.0 * 30 * 1000 / 60e6);
}

} // namespace
