#include "actors/physical/vm_lifecycle.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::physical;

/// The end of the current phase; in Creating, with the boot blocks read
/// before its time is over.
vm_step phase_over(vm_lifecycle& vm, rng& r) {
  if (vm.awaits_boot_blocks()) {
    EXPECT_EQ(vm.on(vm_input::hydrated, r).to, vm_state::creating);
  }
  return vm.on(vm_input::phase_done, r);
}

/// Drives a VM from Pending to Healthy; returns the virtual time it took.
sim_time time_to_healthy(vm_lifecycle& vm, rng& r) {
  sim_time t = 0;
  auto step = vm.on(vm_input::placed, r);
  while (vm.state() != vm_state::running) {
    EXPECT_TRUE(step.accepted);
    EXPECT_GT(step.phase_ns, 0);
    t += step.phase_ns;
    step = phase_over(vm, r);
  }
  t += step.phase_ns; // running: extensions, then the first probe is due
  auto due = vm.on(vm_input::phase_done, r);
  EXPECT_TRUE(due.accepted);
  EXPECT_EQ(due.to, vm_state::running);
  EXPECT_EQ(vm.on(vm_input::probe_ok, r).to, vm_state::healthy);
  return t;
}

TEST(vm_lifecycle, follows_the_spec_states_to_healthy) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(1, 2);
  std::vector<vm_state> seen{vm.state()};
  auto step = vm.on(vm_input::placed, r);
  seen.push_back(step.to);
  while (vm.state() != vm_state::running)
    seen.push_back(phase_over(vm, r).to);
  EXPECT_EQ(seen,
            (std::vector<vm_state>{vm_state::pending, vm_state::allocating,
                                   vm_state::creating, vm_state::starting,
                                   vm_state::running}));
}

TEST(vm_lifecycle, healthy_after_about_three_minutes_as_in_layer_6) {
  vm_timings timings;
  sim_time total = 0, lo = sim_time_never, hi = 0;
  const int vms = 200;
  for (int i = 0; i < vms; ++i) {
    vm_lifecycle vm(timings);
    rng r(42, static_cast<uint64_t>(i));
    auto t = time_to_healthy(vm, r);
    total += t;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  // Each phase stays inside its range; the mean is the spec's ~3 minutes.
  EXPECT_GE(lo, seconds(140));
  EXPECT_LE(hi, seconds(197));
  EXPECT_NEAR(to_seconds(total / vms), 169, 6);
}

TEST(vm_lifecycle, an_unhealthy_vm_is_reimaged_after_it_stops) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(3, 4);
  time_to_healthy(vm, r);
  EXPECT_EQ(vm.on(vm_input::probe_failed, r).to, vm_state::unhealthy);
  auto stop = vm.on(vm_input::reimage, r);
  EXPECT_EQ(stop.to, vm_state::stopping);
  EXPECT_GE(stop.phase_ns, timings.stopping.min);
  auto repair = vm.on(vm_input::phase_done, r);
  EXPECT_EQ(repair.to, vm_state::repairing);
  EXPECT_GE(repair.phase_ns, timings.repairing.min);
  EXPECT_EQ(vm.on(vm_input::phase_done, r).to, vm_state::creating);
}

TEST(vm_lifecycle, unhealthy_vm_that_recovers_is_healthy_again) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(5, 6);
  time_to_healthy(vm, r);
  vm.on(vm_input::probe_failed, r);
  EXPECT_EQ(vm.on(vm_input::probe_ok, r).to, vm_state::healthy);
}

TEST(vm_lifecycle, delete_from_any_live_state_and_nothing_after) {
  vm_timings timings;
  rng r(7, 8);
  for (int phases = 0; phases < 4; ++phases) {
    vm_lifecycle vm(timings);
    vm.on(vm_input::placed, r);
    for (int i = 0; i < phases; ++i)
      phase_over(vm, r);
    auto del = vm.on(vm_input::delete_vm, r);
    EXPECT_TRUE(del.accepted);
    EXPECT_EQ(del.to, vm_state::deleting);
    EXPECT_EQ(vm.on(vm_input::phase_done, r).to, vm_state::deleted);
    EXPECT_FALSE(vm.on(vm_input::delete_vm, r).accepted);
    EXPECT_FALSE(vm.on(vm_input::placed, r).accepted);
    EXPECT_FALSE(vm.on(vm_input::phase_done, r).accepted);
  }
}

TEST(vm_lifecycle, inputs_that_mean_nothing_are_refused) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(9, 10);
  EXPECT_FALSE(vm.on(vm_input::phase_done, r).accepted); // pending: no timer
  EXPECT_FALSE(vm.on(vm_input::probe_ok, r).accepted);
  EXPECT_FALSE(vm.on(vm_input::restart, r).accepted);
  vm.on(vm_input::placed, r);
  EXPECT_FALSE(vm.on(vm_input::placed, r).accepted);
  EXPECT_EQ(vm.state(), vm_state::allocating);
}

} // namespace

TEST(vm_lifecycle, stop_and_start_boot_again_without_creating) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(7, 8);
  time_to_healthy(vm, r);
  auto stop = vm.on(vm_input::stop, r);
  EXPECT_EQ(stop.to, vm_state::stopping);
  EXPECT_GE(stop.phase_ns, timings.stopping.min);
  EXPECT_EQ(vm.on(vm_input::phase_done, r).to, vm_state::stopped);
  EXPECT_FALSE(vm.on(vm_input::stop, r).accepted);
  auto start = vm.on(vm_input::start, r);
  EXPECT_EQ(start.to, vm_state::starting);
  EXPECT_FALSE(vm.on(vm_input::start, r).accepted);
}

TEST(vm_lifecycle, reimage_creates_the_os_disk_again) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(9, 10);
  EXPECT_FALSE(vm.on(vm_input::reimage, r).accepted); // nothing to reimage
  time_to_healthy(vm, r);
  EXPECT_EQ(vm.on(vm_input::reimage, r).to, vm_state::stopping);
  EXPECT_EQ(vm.on(vm_input::phase_done, r).to, vm_state::repairing);
  auto create = vm.on(vm_input::phase_done, r);
  EXPECT_EQ(create.to, vm_state::creating);
  EXPECT_TRUE(create.hydrate); // the new OS disk's boot blocks, again
  EXPECT_TRUE(vm.awaits_boot_blocks());
}

TEST(vm_lifecycle, power_restored_boots_a_running_vm_and_recreates_a_new_one) {
  vm_timings timings;
  rng r(11, 12);
  vm_lifecycle healthy(timings);
  time_to_healthy(healthy, r);
  auto boot = healthy.on(vm_input::power_restored, r);
  EXPECT_EQ(boot.to, vm_state::starting);
  EXPECT_GE(boot.phase_ns, timings.starting.min);

  vm_lifecycle creating(timings);
  creating.on(vm_input::placed, r);
  creating.on(vm_input::phase_done, r);
  ASSERT_EQ(creating.state(), vm_state::creating);
  creating.on(vm_input::hydrated, r); // lost with the power
  auto again = creating.on(vm_input::power_restored, r);
  EXPECT_TRUE(again.accepted);
  EXPECT_EQ(again.to, vm_state::creating);
  EXPECT_GE(again.phase_ns, timings.creating.min);
  EXPECT_TRUE(again.hydrate);
  EXPECT_TRUE(creating.awaits_boot_blocks());

  vm_lifecycle never_placed(timings);
  EXPECT_FALSE(never_placed.on(vm_input::power_restored, r).accepted);
}

TEST(vm_lifecycle, a_vm_its_host_took_down_is_said_to_have_been_down) {
  vm_timings timings;
  rng r(15, 16);
  vm_lifecycle healthy(timings);
  time_to_healthy(healthy, r);
  EXPECT_TRUE(healthy.on(vm_input::power_restored, r).was_down);

  vm_lifecycle creating(timings); // its restart of Creating is recorded
  creating.on(vm_input::placed, r);
  creating.on(vm_input::phase_done, r);
  auto again = creating.on(vm_input::power_restored, r);
  EXPECT_TRUE(again.was_down);
  EXPECT_EQ(again.from, vm_state::creating);
  EXPECT_EQ(again.to, vm_state::creating);

  vm_lifecycle stopping(timings);
  time_to_healthy(stopping, r);
  stopping.on(vm_input::stop, r);
  auto stopped = stopping.on(vm_input::power_restored, r);
  EXPECT_TRUE(stopped.was_down);
  EXPECT_EQ(stopped.to, vm_state::stopped);
  // A stopped VM was not running: nothing to record.
  auto still = stopping.on(vm_input::power_restored, r);
  EXPECT_FALSE(still.accepted);
  EXPECT_FALSE(still.was_down);
}

TEST(vm_lifecycle, restart_stops_then_starts_without_creating) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(17, 18);
  EXPECT_FALSE(vm.on(vm_input::restart, r).accepted);
  time_to_healthy(vm, r);
  auto stop = vm.on(vm_input::restart, r);
  EXPECT_EQ(stop.to, vm_state::stopping);
  EXPECT_FALSE(stop.start_next);
  auto stopped = vm.on(vm_input::phase_done, r);
  EXPECT_EQ(stopped.to, vm_state::stopped);
  EXPECT_TRUE(stopped.start_next);
  auto start = vm.on(vm_input::start, r);
  EXPECT_EQ(start.to, vm_state::starting);
  EXPECT_FALSE(start.hydrate); // host and disks kept
  // A plain stop afterwards stays stopped.
  phase_over(vm, r);
  vm.on(vm_input::phase_done, r);
  vm.on(vm_input::probe_ok, r);
  vm.on(vm_input::stop, r);
  EXPECT_FALSE(vm.on(vm_input::phase_done, r).start_next);
  EXPECT_EQ(vm.state(), vm_state::stopped);
}

TEST(vm_lifecycle, a_host_power_loss_during_a_restart_boots_the_vm) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(19, 20);
  time_to_healthy(vm, r);
  vm.on(vm_input::restart, r);
  auto boot = vm.on(vm_input::power_restored, r);
  EXPECT_TRUE(boot.was_down);
  EXPECT_EQ(boot.to, vm_state::starting);
}

TEST(vm_lifecycle, delete_during_a_restart_forgets_the_start) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(21, 22);
  time_to_healthy(vm, r);
  vm.on(vm_input::restart, r);
  EXPECT_EQ(vm.on(vm_input::delete_vm, r).to, vm_state::deleting);
  auto gone = vm.on(vm_input::phase_done, r);
  EXPECT_EQ(gone.to, vm_state::deleted);
  EXPECT_FALSE(gone.start_next);
}

TEST(vm_lifecycle, reimaging_a_running_vm_takes_about_220_s_as_in_layer_6) {
  // Spec Layer 6 "Instance Update Flow": stop (T+12..45 s), new OS disk
  // (T+50..115 s), boot (T+115..145 s), extensions, healthy at T+220 s.
  vm_timings timings;
  sim_time total = 0, lo = sim_time_never, hi = 0;
  const int vms = 200;
  for (int i = 0; i < vms; ++i) {
    vm_lifecycle vm(timings);
    rng r(43, static_cast<uint64_t>(i));
    time_to_healthy(vm, r);
    auto step = vm.on(vm_input::reimage, r);
    sim_time t = 0;
    while (vm.state() != vm_state::running) {
      t += step.phase_ns;
      step = phase_over(vm, r);
    }
    t += step.phase_ns; // extensions, then the first probe
    total += t;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  EXPECT_GE(lo, seconds(170));
  EXPECT_LE(hi, seconds(240));
  EXPECT_NEAR(to_seconds(total / vms), 205, 8);
}

TEST(vm_lifecycle, deleted_is_final) {
  vm_timings timings;
  vm_lifecycle vm(timings);
  rng r(13, 14);
  time_to_healthy(vm, r);
  EXPECT_EQ(vm.on(vm_input::delete_vm, r).to, vm_state::deleting);
  EXPECT_EQ(vm.on(vm_input::phase_done, r).to, vm_state::deleted);
  for (auto in : {vm_input::start, vm_input::stop, vm_input::reimage,
                  vm_input::delete_vm, vm_input::power_restored})
    EXPECT_FALSE(vm.on(in, r).accepted) << to_string(in);
}

namespace {

/// A VM just entered Creating (its boot blocks asked for).
vm_lifecycle creating_vm(const vm_timings& timings, rng& r) {
  vm_lifecycle vm(timings);
  vm.on(vm_input::placed, r);
  auto create = vm.on(vm_input::phase_done, r);
  EXPECT_EQ(create.to, vm_state::creating);
  EXPECT_TRUE(create.hydrate);
  EXPECT_FALSE(create.retry_hydration);
  return vm;
}

TEST(vm_lifecycle_creating, boot_blocks_first_then_its_time_ends_creating) {
  vm_timings timings;
  rng r(21, 1);
  auto vm = creating_vm(timings, r);
  auto in = vm.on(vm_input::hydrated, r);
  EXPECT_TRUE(in.accepted);
  EXPECT_EQ(in.to, vm_state::creating); // its time is not over yet
  EXPECT_EQ(in.phase_ns, 0);
  EXPECT_FALSE(vm.awaits_boot_blocks());
  auto done = vm.on(vm_input::phase_done, r);
  EXPECT_EQ(done.to, vm_state::starting);
  EXPECT_GE(done.phase_ns, timings.starting.min);
  EXPECT_LE(done.phase_ns, timings.starting.max);
  EXPECT_FALSE(done.hydrate);
}

TEST(vm_lifecycle_creating, its_time_first_then_the_boot_blocks_end_creating) {
  vm_timings timings;
  rng r(21, 2);
  auto vm = creating_vm(timings, r);
  auto wait = vm.on(vm_input::phase_done, r);
  EXPECT_TRUE(wait.accepted);
  EXPECT_EQ(wait.to, vm_state::creating); // waits for the data
  EXPECT_EQ(wait.phase_ns, 0);
  EXPECT_TRUE(wait.hydrate); // read them unless a read is in flight
  EXPECT_TRUE(vm.awaits_boot_blocks());
  auto done = vm.on(vm_input::hydrated, r);
  EXPECT_EQ(done.from, vm_state::creating);
  EXPECT_EQ(done.to, vm_state::starting);
  EXPECT_GE(done.phase_ns, timings.starting.min);
}

TEST(vm_lifecycle_creating, a_failed_read_before_the_time_is_over_waits) {
  vm_timings timings;
  rng r(21, 3);
  auto vm = creating_vm(timings, r);
  auto failed = vm.on(vm_input::hydration_failed, r);
  EXPECT_TRUE(failed.accepted);
  EXPECT_EQ(failed.to, vm_state::creating);
  EXPECT_FALSE(failed.retry_hydration); // Creating's own timer comes first
  EXPECT_FALSE(failed.hydrate);
  auto due = vm.on(vm_input::phase_done, r);
  EXPECT_EQ(due.to, vm_state::creating);
  EXPECT_TRUE(due.hydrate); // the time is over: read again
  EXPECT_EQ(vm.on(vm_input::hydrated, r).to, vm_state::starting);
}

TEST(vm_lifecycle_creating, a_failed_read_after_the_time_is_over_retries) {
  vm_timings timings;
  rng r(21, 4);
  auto vm = creating_vm(timings, r);
  vm.on(vm_input::phase_done, r);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto failed = vm.on(vm_input::hydration_failed, r);
    EXPECT_EQ(failed.to, vm_state::creating);
    EXPECT_TRUE(failed.retry_hydration);
    auto retry = vm.on(vm_input::phase_done, r); // the retry timer
    EXPECT_EQ(retry.to, vm_state::creating);
    EXPECT_TRUE(retry.hydrate);
  }
  EXPECT_EQ(vm.on(vm_input::hydrated, r).to, vm_state::starting);
}

TEST(vm_lifecycle_creating, a_read_ending_outside_creating_means_nothing) {
  vm_timings timings;
  rng r(21, 5);
  auto vm = creating_vm(timings, r);
  EXPECT_EQ(vm.on(vm_input::delete_vm, r).to, vm_state::deleting);
  EXPECT_FALSE(vm.awaits_boot_blocks());
  EXPECT_FALSE(vm.on(vm_input::hydrated, r).accepted);
  EXPECT_FALSE(vm.on(vm_input::hydration_failed, r).accepted);
  EXPECT_EQ(vm.state(), vm_state::deleting);

  vm_lifecycle pending(timings);
  EXPECT_FALSE(pending.on(vm_input::hydrated, r).accepted);
  EXPECT_EQ(pending.state(), vm_state::pending);
}

TEST(vm_lifecycle_creating, boot_blocks_read_twice_is_a_broken_invariant) {
  vm_timings timings;
  rng r(21, 6);
  auto vm = creating_vm(timings, r);
  vm.on(vm_input::hydrated, r);
  EXPECT_DEATH(vm.on(vm_input::hydrated, r),
               "the boot blocks come in once per Creating");
}

} // namespace
