// The scale-set orchestrator's core (actors/compute/orchestrator_core.hpp):
// scale out and overprovisioning, scale in by policy and protection,
// draining, zone failures, instance actions and the planners' orders.
// Pure: no CAF.

#include "actors/compute/orchestrator_core.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vmss::compute {
namespace {

using physical::app_health;
using physical::vm_op;
using physical::vm_state;

constexpr const char* set_name = "web";

set_model make_model(uint32_t capacity, std::vector<uint32_t> zones) {
  set_model m;
  m.name = set_name;
  m.capacity = capacity;
  m.sku = "Standard_B2s";
  m.vcpus = 2;
  m.ram_gb = 4;
  m.zones = std::move(zones);
  m.overprovision = false;
  m.fault_domains = 1;
  m.health = health_source::extension;
  m.profile = 11;
  return m;
}

template <class T>
std::vector<T> reports_of(const orchestrator_effects& e) {
  std::vector<T> out;
  for (const auto& r : e.reports)
    if (auto* x = std::get_if<T>(&r))
      out.push_back(*x);
  return out;
}

/// The last view reported for `id`.
std::optional<view_report> view_of(const orchestrator_effects& e, uint32_t id) {
  std::optional<view_report> out;
  for (const auto& v : reports_of<view_report>(e))
    if (v.view.id == id)
      out = v;
  return out;
}

std::vector<uint32_t> ids_of(const std::vector<fabric::fc_allocate>& a) {
  std::vector<uint32_t> out;
  for (const auto& x : a)
    out.push_back(x.instance);
  return out;
}

struct harness {
  orchestrator_params params;
  orchestrator_core core{params};
  sim_time now = seconds(1);
  /// host of each placed instance (host = 10 * (id + 1) unless given).
  std::map<uint32_t, uint32_t> hosts;

  harness() {
    params.host_rack = [](uint32_t host) { return host / 10; };
  }

  orchestrator_effects model(uint32_t version, const set_model& m) {
    now += seconds(1);
    return core.on_model(now, version, m);
  }
  orchestrator_effects allocated(uint32_t id, uint32_t host = 0) {
    now += seconds(1);
    if (host == 0)
      host = 10 * (id + 1);
    hosts[id] = host;
    return core.on_allocated(now, {set_name, id, true, host, ""});
  }
  orchestrator_effects refused(uint32_t id, const std::string& why) {
    now += seconds(1);
    return core.on_allocated(now, {set_name, id, false, 0, why});
  }
  orchestrator_effects status(uint32_t id, vm_state s,
                              app_health h = app_health::none) {
    now += seconds(1);
    return core.on_status(now, {set_name, id, 1000 + id, hosts.at(id), s, h});
  }
  orchestrator_effects healthy(uint32_t id) {
    return status(id, vm_state::healthy, app_health::healthy);
  }
  orchestrator_effects operated(uint32_t id, vm_op op, bool ok = true) {
    now += seconds(1);
    return core.on_operated(now, {set_name, id, op, ok, ok ? "" : "no"});
  }
  orchestrator_effects request(instance_action a, std::vector<uint32_t> ids) {
    arm_request r;
    r.scale_set = set_name;
    r.op = arm_op::instance_action;
    r.action = a;
    r.instances = std::move(ids);
    now += seconds(1);
    return core.on_request(now, r);
  }
  orchestrator_effects protect(std::vector<uint32_t> ids, bool in,
                               bool actions) {
    arm_request r;
    r.scale_set = set_name;
    r.op = arm_op::set_protection;
    r.instances = std::move(ids);
    r.protect_from_scale_in = in;
    r.protect_from_scale_set_actions = actions;
    now += seconds(1);
    return core.on_request(now, r);
  }
  orchestrator_effects act(order_kind k, uint32_t id,
                           const std::string& reason) {
    now += seconds(1);
    return core.act(now, order{k, id, reason});
  }
  /// Creates the set (version 1) and brings every instance up healthy, on
  /// hosts[id] if given.
  void create(const set_model& m, std::map<uint32_t, uint32_t> on = {}) {
    auto e = model(1, m);
    for (auto id : ids_of(e.allocations)) {
      allocated(id, on.count(id) ? on[id] : 0);
      healthy(id);
    }
  }
};

// ---------------------------------------------------------------------------
// Scale out and overprovisioning.

TEST(orchestrator_core, scale_out_two_to_three_allocates_in_least_used_zone) {
  harness h;
  auto m = make_model(2, {0, 1, 2});
  auto e = h.model(1, m);
  ASSERT_EQ(e.allocations.size(), 2u);
  EXPECT_EQ(e.allocations[0].zone, 0);
  EXPECT_EQ(e.allocations[1].zone, 1);
  EXPECT_EQ(e.wake, h.now + h.params.loop); // the loop starts
  for (uint32_t id : {0u, 1u}) {
    h.allocated(id);
    h.healthy(id);
  }
  m.capacity = 3;
  e = h.model(2, m);
  ASSERT_EQ(e.allocations.size(), 1u);
  const auto& a = e.allocations[0];
  EXPECT_EQ(a.instance, 2u); // highest ever + 1
  EXPECT_EQ(a.zone, 2);      // the zone with none yet
  EXPECT_EQ(a.vcpus, 2u);
  EXPECT_EQ(a.ram_gb, 4u);
  EXPECT_EQ(a.fault_domains, 1u);
  auto caps = reports_of<capacity_report>(e);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_EQ(caps[0].from, 2u);
  EXPECT_EQ(caps[0].to, 3u);
  EXPECT_EQ(caps[0].reason, "request");
  auto ops = reports_of<operation_report>(e);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].operation, "create");
  EXPECT_EQ(ops[0].reason, "scale_out");
  EXPECT_EQ(view_of(e, 2)->provisioning_state, "Creating");
}

TEST(orchestrator_core, created_instance_becomes_succeeded_and_joins_pools) {
  harness h;
  auto m = make_model(1, {});
  m.pools = {{"lb", "backend"}, {"lb", "admin"}};
  auto e = h.model(1, m);
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(e.allocations[0].zone, -1); // regional
  h.allocated(0);
  e = h.status(0, vm_state::creating);
  ASSERT_EQ(e.lb.size(), 2u); // the NIC is in the pools from creation
  EXPECT_TRUE(e.lb[0].msg.join);
  EXPECT_EQ(e.lb[0].msg.vm, 1000u);
  EXPECT_EQ(e.lb[1].msg.pool, "admin");
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Creating");
  EXPECT_EQ(view_of(e, 0)->power_state, "starting");
  e = h.status(0, vm_state::running, app_health::initializing);
  EXPECT_TRUE(e.lb.empty()); // joined once
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Succeeded");
  EXPECT_EQ(view_of(e, 0)->power_state, "running");
  EXPECT_EQ(h.core.instances().at(0).changed_at, h.now);
  EXPECT_EQ(h.core.instances().at(0).work, instance_work::none);
}

TEST(orchestrator_core, overprovision_keeps_first_healthy_and_deletes_rest) {
  harness h;
  auto m = make_model(3, {});
  m.overprovision = true;
  auto e = h.model(1, m);
  // ceil(3 * 1.2) = 4.
  ASSERT_EQ(ids_of(e.allocations), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_TRUE(h.core.instances().at(3).extra);
  for (uint32_t id : {0u, 1u, 2u, 3u})
    h.allocated(id);
  h.healthy(0);
  h.healthy(3); // the extra is faster than instance 2
  e = h.healthy(1);
  // The first three healthy are kept; the slowest (2) goes.
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 2u);
  EXPECT_EQ(e.operations[0].op, vm_op::delete_vm);
  auto ops = reports_of<operation_report>(e);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].reason, "overprovision");
  EXPECT_FALSE(h.core.instances().at(3).extra);
  h.operated(2, vm_op::delete_vm);
  e = h.status(2, vm_state::deleted);
  EXPECT_EQ(view_of(e, 2)->provisioning_state, "Deleted");
  EXPECT_TRUE(e.allocations.empty());

  // 3 -> 5: ceil(2 * 1.2) = 3 created, the first 2 healthy kept.
  m.capacity = 5;
  e = h.model(2, m);
  ASSERT_EQ(ids_of(e.allocations), (std::vector<uint32_t>{4, 5, 6}));
  EXPECT_TRUE(h.core.instances().at(6).extra);
  EXPECT_TRUE(e.operations.empty());
  for (uint32_t id : {4u, 5u, 6u})
    h.allocated(id);
  e = h.healthy(6);
  EXPECT_TRUE(e.operations.empty());
  EXPECT_FALSE(h.core.instances().at(6).extra);
  EXPECT_TRUE(h.core.instances().at(5).extra); // now the slowest
  e = h.healthy(4);
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 5u);
  EXPECT_TRUE(e.allocations.empty()); // extras never count to capacity
  EXPECT_TRUE(reports_of<capacity_report>(e).empty());
  e = h.status(5, vm_state::deleted);
  EXPECT_EQ(view_of(e, 5)->provisioning_state, "Deleted");
  EXPECT_EQ(h.core.instances().size(), 5u);
}

TEST(orchestrator_core, flexible_never_overprovisions) {
  harness h;
  auto m = make_model(3, {0, 1, 2});
  m.mode = orchestration_mode::flexible;
  m.overprovision = true;
  auto e = h.model(1, m);
  EXPECT_EQ(e.allocations.size(), 3u);
  for (const auto& [id, i] : h.core.instances())
    EXPECT_FALSE(i.extra) << id;
}

// ---------------------------------------------------------------------------
// Scale in.

TEST(orchestrator_core, default_scale_in_balances_zones_then_fds_then_id) {
  harness h;
  auto m = make_model(5, {0, 1});
  m.fault_domains = 5;
  // Zone 0 gets 0, 2, 4; zone 1 gets 1, 3. Racks = host / 10: instances
  // 0 and 2 share fault domain 1, instance 4 is alone in fault domain 2.
  h.create(m, {{0, 10}, {2, 11}, {4, 20}, {1, 30}, {3, 40}});
  EXPECT_EQ(h.core.instances().at(0).fault_domain, 1u);
  EXPECT_EQ(h.core.instances().at(4).fault_domain, 2u);
  m.capacity = 4;
  auto e = h.model(2, m);
  // Zone 0 has most; its fullest fault domain is 1: the highest id there.
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 2u);
  EXPECT_EQ(reports_of<operation_report>(e)[0].reason, "scale_in");
  m.capacity = 3;
  e = h.model(3, m);
  // Zones 2 / 2, fault domains one each: the highest id.
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 4u);
}

TEST(orchestrator_core, newest_vm_balances_zones_first) {
  harness h;
  auto m = make_model(7, {0, 1, 2});
  m.scale_in = scale_in_rule::newest_vm;
  h.create(m); // zone 0: 0, 3, 6; zone 1: 1, 4; zone 2: 2, 5
  m.capacity = 6;
  auto e = h.model(2, m);
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 6u);
  m.capacity = 5;
  e = h.model(3, m); // balanced: the newest of the set
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 5u);
}

TEST(orchestrator_core, oldest_vm_balances_zones_first) {
  harness h;
  auto m = make_model(7, {0, 1, 2});
  m.scale_in = scale_in_rule::oldest_vm;
  h.create(m);
  m.capacity = 6;
  auto e = h.model(2, m);
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 0u); // the oldest of zone 0
  m.capacity = 5;
  e = h.model(3, m); // balanced: the oldest of the set
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 1u);
}

TEST(orchestrator_core, scale_in_skips_protected_and_reports_shortfall) {
  harness h;
  auto m = make_model(4, {});
  h.create(m);
  auto e = h.protect({3}, true, false);
  EXPECT_TRUE(view_of(e, 3)->view.protect_from_scale_in);
  h.protect({2}, true, true);
  m.capacity = 3;
  e = h.model(2, m);
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 1u); // 3 and 2 are protected
  m.capacity = 0;
  e = h.model(3, m);
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 0u);
  auto refused = reports_of<refused_report>(e);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].action, "scale_in");
  EXPECT_NE(refused[0].reason.find("ScaleInBlocked: 2 more"),
            std::string::npos);
  e = h.core.on_tick(h.now + seconds(30)); // reported once
  EXPECT_TRUE(reports_of<refused_report>(e).empty());
  EXPECT_TRUE(e.operations.empty());
}

TEST(orchestrator_core, scale_in_drains_through_the_load_balancer_first) {
  harness h;
  auto m = make_model(2, {});
  m.pools = {{"lb", "backend"}};
  h.create(m);
  m.capacity = 1;
  auto e = h.model(2, m);
  EXPECT_TRUE(e.operations.empty());
  ASSERT_EQ(e.lb.size(), 1u);
  EXPECT_EQ(e.lb[0].load_balancer, "lb");
  EXPECT_FALSE(e.lb[0].msg.join);
  EXPECT_EQ(e.lb[0].msg.instance, 1u);
  EXPECT_EQ(e.lb[0].msg.vm, 1001u);
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Deleting");
  EXPECT_EQ(h.core.instances().at(1).work, instance_work::draining);
  e = h.core.on_drained(h.now, {set_name, 1});
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::delete_vm);
  h.operated(1, vm_op::delete_vm);
  e = h.status(1, vm_state::deleting);
  EXPECT_EQ(view_of(e, 1)->power_state, "stopping");
  e = h.status(1, vm_state::deleted);
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Deleted");
  EXPECT_EQ(h.core.instances().count(1), 0u);
  EXPECT_TRUE(e.allocations.empty());
}

// ---------------------------------------------------------------------------
// Zone failures.

TEST(orchestrator_core, best_effort_tries_another_zone_until_two_refuse) {
  harness h;
  auto m = make_model(3, {0, 1, 2});
  h.model(1, m);
  auto e = h.refused(0, "zone 0: no host with room");
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(e.allocations[0].instance, 0u);
  EXPECT_EQ(e.allocations[0].zone, 1);
  ASSERT_EQ(reports_of<refused_report>(e).size(), 1u);
  EXPECT_EQ(reports_of<refused_report>(e)[0].reason,
            "zone 0: no host with room");
  // A second zone down blocks scaling until the next tick.
  e = h.refused(2, "zone 2: no host with room");
  EXPECT_TRUE(e.allocations.empty());
  EXPECT_EQ(view_of(e, 2)->provisioning_state, "Failed");
  e = h.core.on_tick(h.now + seconds(30));
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(e.allocations[0].instance, 2u);
  EXPECT_EQ(e.wake, h.now + seconds(30) + h.params.loop);
}

TEST(orchestrator_core, strict_zone_balance_keeps_the_zone_and_retries) {
  harness h;
  auto m = make_model(3, {0, 1, 2});
  m.zone_balance = true;
  h.model(1, m);
  auto e = h.refused(1, "zone 1: no host with room");
  EXPECT_TRUE(e.allocations.empty());
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Failed");
  EXPECT_EQ(reports_of<refused_report>(e).size(), 1u);
  e = h.core.on_tick(h.now + seconds(30));
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(e.allocations[0].zone, 1);
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Creating");
  h.allocated(1);
  e = h.healthy(1);
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Succeeded");
}

TEST(orchestrator_core, regional_set_retries_on_the_next_tick) {
  harness h;
  h.model(1, make_model(1, {}));
  auto e = h.refused(0, "no host with room");
  EXPECT_TRUE(e.allocations.empty());
  e = h.core.on_tick(h.now + seconds(30));
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(e.allocations[0].zone, -1);
  EXPECT_EQ(reports_of<operation_report>(e)[0].operation, "create");
}

// ---------------------------------------------------------------------------
// Instance-level requests.

TEST(orchestrator_core, delete_request_reduces_capacity_despite_protection) {
  harness h;
  auto m = make_model(3, {});
  h.create(m);
  h.protect({1}, true, true);
  auto e = h.request(instance_action::delete_vm, {1});
  auto caps = reports_of<capacity_report>(e);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_EQ(caps[0].from, 3u);
  EXPECT_EQ(caps[0].to, 2u);
  EXPECT_EQ(caps[0].reason, "instance_delete");
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 1u);
  EXPECT_TRUE(e.allocations.empty()); // no replacement
  e = h.request(instance_action::reimage, {1});
  ASSERT_EQ(reports_of<refused_report>(e).size(), 1u);
  EXPECT_NE(reports_of<refused_report>(e)[0].reason.find("OperationNotAllowed"),
            std::string::npos);
}

TEST(orchestrator_core, unknown_instance_refuses_the_whole_request) {
  harness h;
  h.create(make_model(2, {}));
  auto e = h.request(instance_action::restart, {0, 7});
  EXPECT_TRUE(e.operations.empty());
  auto refused = reports_of<refused_report>(e);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].instance, 7u);
  EXPECT_EQ(refused[0].action, "restart");
  EXPECT_EQ(refused[0].reason,
            "InvalidParameter: The provided instanceId 7 is not an active "
            "Virtual Machine Scale Set VM instanceId.");
}

TEST(orchestrator_core, reimage_and_restart_run_to_completion) {
  harness h;
  h.create(make_model(2, {}));
  auto e = h.request(instance_action::reimage, {0});
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::reimage);
  EXPECT_EQ(reports_of<operation_report>(e)[0].reason, "request");
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Updating");
  e = h.request(instance_action::restart, {0});
  EXPECT_TRUE(e.operations.empty()); // busy
  EXPECT_NE(reports_of<refused_report>(e)[0].reason.find("in progress"),
            std::string::npos);
  h.status(0, vm_state::healthy, app_health::healthy); // not acted on yet
  EXPECT_EQ(h.core.instances().at(0).work, instance_work::reimaging);
  h.status(0, vm_state::repairing);
  h.operated(0, vm_op::reimage);
  e = h.healthy(0);
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Succeeded");
  EXPECT_EQ(h.core.instances().at(0).changed_at, h.now);
  e = h.request(instance_action::restart, {1});
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::restart);
}

TEST(orchestrator_core, power_off_deallocate_and_start) {
  harness h;
  h.create(make_model(1, {}));
  auto e = h.request(instance_action::power_off, {0});
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::stop);
  h.operated(0, vm_op::stop);
  e = h.status(0, vm_state::stopped);
  EXPECT_EQ(view_of(e, 0)->power_state, "stopped");
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Succeeded");
  e = h.request(instance_action::restart, {0});
  EXPECT_EQ(reports_of<refused_report>(e).size(), 1u);
  e = h.request(instance_action::deallocate, {0});
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::delete_vm); // frees the host
  EXPECT_EQ(reports_of<operation_report>(e)[0].operation, "deallocate");
  EXPECT_EQ(view_of(e, 0)->power_state, "deallocating");
  h.operated(0, vm_op::delete_vm);
  e = h.status(0, vm_state::deleted);
  EXPECT_EQ(view_of(e, 0)->power_state, "deallocated");
  ASSERT_EQ(h.core.instances().count(0), 1u); // the record stays
  EXPECT_TRUE(h.core.instances().at(0).deallocated);
  EXPECT_TRUE(e.allocations.empty()); // still counts toward capacity
  e = h.request(instance_action::start, {0});
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(reports_of<operation_report>(e)[0].operation, "start");
  h.allocated(0, 77);
  e = h.healthy(0);
  EXPECT_EQ(view_of(e, 0)->power_state, "running");
  EXPECT_EQ(view_of(e, 0)->view.host, 77u);
  EXPECT_FALSE(h.core.instances().at(0).deallocated);
}

TEST(orchestrator_core, whole_set_action_skips_scale_set_action_protection) {
  harness h;
  h.create(make_model(3, {}));
  h.protect({1}, true, true);
  auto e = h.request(instance_action::restart, {});
  ASSERT_EQ(e.operations.size(), 2u);
  EXPECT_EQ(e.operations[0].instance, 0u);
  EXPECT_EQ(e.operations[1].instance, 2u);
}

TEST(orchestrator_core, protection_from_actions_needs_scale_in_protection) {
  harness h;
  h.create(make_model(1, {}));
  auto e = h.protect({0}, false, true);
  auto refused = reports_of<refused_report>(e);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].action, "setProtection");
  EXPECT_EQ(refused[0].reason.rfind("InvalidParameter", 0), 0u);
  EXPECT_FALSE(h.core.instances().at(0).protect_from_scale_set_actions);
}

TEST(orchestrator_core, profile_change_and_manual_upgrade) {
  harness h;
  auto m = make_model(2, {});
  h.create(m);
  m.profile = 12;
  auto e = h.model(2, m);
  EXPECT_TRUE(e.operations.empty()); // upgrades are the planners'
  ASSERT_TRUE(view_of(e, 0));
  EXPECT_FALSE(view_of(e, 0)->latest_model);
  EXPECT_FALSE(view_of(e, 1)->latest_model);
  m.capacity = 3;
  e = h.model(3, m);
  EXPECT_EQ(h.core.instances().at(2).profile, 12u); // new: the latest
  EXPECT_TRUE(view_of(e, 2)->latest_model);
  e = h.request(instance_action::upgrade, {0});
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::reimage);
  h.operated(0, vm_op::reimage);
  h.status(0, vm_state::repairing);
  e = h.healthy(0);
  EXPECT_TRUE(view_of(e, 0)->latest_model);
  EXPECT_EQ(h.core.instances().at(0).model_version, 3u);
}

TEST(orchestrator_core, a_rollback_reimages_back_to_the_previous_model) {
  harness h;
  auto m = make_model(2, {});
  h.create(m); // profile 11, version 1
  EXPECT_TRUE(h.act(order_kind::reimage_to_previous, 0, "rollback")
                  .operations.empty()); // no earlier model yet
  m.profile = 12;
  h.model(2, m);
  auto e = h.act(order_kind::reimage_to_latest, 0, "upgrade");
  ASSERT_EQ(e.operations.size(), 1u);
  h.operated(0, vm_op::reimage);
  h.status(0, vm_state::repairing);
  h.healthy(0);
  ASSERT_EQ(h.core.instances().at(0).profile, 12u);
  // Instance 1 is still on the previous model: nothing to roll back.
  EXPECT_TRUE(
      h.act(order_kind::reimage_to_previous, 1, "rollback").operations.empty());
  e = h.act(order_kind::reimage_to_previous, 0, "rollback");
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::reimage);
  auto ops = reports_of<operation_report>(e);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].reason, "rollback");
  h.operated(0, vm_op::reimage);
  h.status(0, vm_state::repairing);
  e = h.healthy(0);
  EXPECT_EQ(h.core.instances().at(0).profile, 11u);
  EXPECT_EQ(h.core.instances().at(0).model_version, 1u);
  ASSERT_TRUE(view_of(e, 0));
  EXPECT_FALSE(view_of(e, 0)->latest_model);
}

TEST(orchestrator_core, no_extensions_on_extras_keeps_first_provisioned) {
  harness h;
  auto m = make_model(2, {});
  m.overprovision = true;
  m.no_extensions_on_overprovisioned = true;
  auto e = h.model(1, m);
  ASSERT_EQ(e.allocations.size(), 3u); // ceil(2 * 1.2) = 3
  for (uint32_t id : {0u, 1u, 2u})
    h.allocated(id);
  h.status(2, vm_state::running); // no extension has reported yet
  e = h.status(0, vm_state::running);
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 1u);
  EXPECT_EQ(reports_of<operation_report>(e)[0].reason, "overprovision");
}

TEST(orchestrator_core, delete_while_placing_waits_for_the_answer) {
  harness h;
  auto m = make_model(2, {});
  h.model(1, m);
  auto e = h.request(instance_action::delete_vm, {1});
  EXPECT_TRUE(e.operations.empty()); // nothing placed to delete yet
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Deleting");
  EXPECT_EQ(reports_of<capacity_report>(e)[0].to, 1u);
  e = h.allocated(1);
  ASSERT_EQ(e.operations.size(), 1u); // no VM left behind on the host
  EXPECT_EQ(e.operations[0].op, vm_op::delete_vm);
  e = h.allocated(1); // a repeated answer
  EXPECT_TRUE(e.operations.empty());
  EXPECT_TRUE(e.reports.empty());
}

TEST(orchestrator_core, refused_operation_fails_the_instance) {
  harness h;
  h.create(make_model(1, {}));
  h.request(instance_action::reimage, {0});
  auto e = h.operated(0, vm_op::reimage, false);
  auto refused = reports_of<refused_report>(e);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].action, "reimage");
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Failed");
  EXPECT_EQ(h.core.instances().at(0).work, instance_work::none);
  e = h.operated(0, vm_op::reimage, true); // no longer waited for
  EXPECT_TRUE(e.reports.empty());
  e = h.request(instance_action::restart, {0});
  ASSERT_EQ(e.operations.size(), 1u); // a new operation is allowed
}

TEST(orchestrator_core, protection_refused_on_an_instance_being_deleted) {
  harness h;
  auto m = make_model(2, {});
  h.create(m);
  h.request(instance_action::delete_vm, {1});
  auto e = h.protect({1}, true, false);
  auto refused = reports_of<refused_report>(e);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].reason.rfind("OperationNotAllowed", 0), 0u);
  EXPECT_FALSE(h.core.instances().at(1).protect_from_scale_in);
}

// ---------------------------------------------------------------------------
// The planners' orders.

TEST(orchestrator_core, replace_deletes_and_creates_a_new_instance) {
  harness h;
  auto m = make_model(3, {0, 1, 2});
  h.create(m);
  auto e = h.act(order_kind::replace, 1, "repair");
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::delete_vm);
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(e.allocations[0].instance, 3u); // a new instance id
  EXPECT_EQ(e.allocations[0].zone, 1);      // in the zone it replaces
  for (const auto& op : reports_of<operation_report>(e))
    EXPECT_EQ(op.reason, "repair");
  EXPECT_TRUE(reports_of<capacity_report>(e).empty());
}

TEST(orchestrator_core, orders_refused_when_busy_gone_or_protected) {
  harness h;
  h.create(make_model(3, {}));
  h.protect({2}, true, true);
  EXPECT_TRUE(h.act(order_kind::reimage, 9, "repair").reports.empty());
  EXPECT_TRUE(h.act(order_kind::restart, 2, "repair").reports.empty());
  auto e = h.act(order_kind::reimage_to_latest, 0, "upgrade");
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(reports_of<operation_report>(e)[0].reason, "upgrade");
  e = h.act(order_kind::restart, 0, "repair"); // busy
  EXPECT_TRUE(e.operations.empty());
  EXPECT_TRUE(e.reports.empty());
  e = h.act(order_kind::restart, 1, "repair");
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].op, vm_op::restart);
}

TEST(orchestrator_core, surge_then_delete_keeps_capacity) {
  harness h;
  auto m = make_model(2, {});
  h.create(m);
  auto e = h.act(order_kind::create_surge, 0, "upgrade");
  ASSERT_EQ(e.allocations.size(), 1u);
  EXPECT_EQ(e.allocations[0].instance, 2u);
  EXPECT_TRUE(e.operations.empty()); // no scale-in of the surplus
  h.allocated(2);
  h.healthy(2);
  e = h.act(order_kind::delete_instance, 0, "upgrade");
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 0u);
  EXPECT_TRUE(e.allocations.empty());
  e = h.core.on_tick(h.now + seconds(30));
  EXPECT_TRUE(e.allocations.empty());
  EXPECT_TRUE(e.operations.empty());
}

// ---------------------------------------------------------------------------
// Host failures and the probe.

TEST(orchestrator_core, lost_then_moved_instance_creates_again_and_rejoins) {
  harness h;
  auto m = make_model(1, {});
  m.pools = {{"lb", "backend"}};
  h.create(m);
  auto e = h.core.on_lost(h.now, {set_name, 0, 10});
  EXPECT_EQ(view_of(e, 0)->power_state, "unknown");
  EXPECT_FALSE(is_healthy(h.core.instances().at(0), m.health));
  EXPECT_TRUE(e.allocations.empty()); // kept: service healing moves it
  e = h.core.on_moved(h.now, {set_name, 0, 55});
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Creating");
  EXPECT_EQ(view_of(e, 0)->view.host, 55u);
  h.hosts[0] = 10;
  EXPECT_TRUE(h.healthy(0).reports.empty()); // the old host: ignored
  h.hosts[0] = 55;
  e = h.healthy(0);
  ASSERT_EQ(e.lb.size(), 1u);
  EXPECT_TRUE(e.lb[0].msg.join);
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Succeeded");
}

TEST(orchestrator_core, probe_health_decides_for_probe_sets) {
  harness h;
  auto m = make_model(1, {});
  m.overprovision = true;
  m.health = health_source::load_balancer_probe;
  m.probe = "http";
  auto e = h.model(1, m);
  ASSERT_EQ(e.allocations.size(), 2u); // ceil(1 * 1.2) = 2
  for (uint32_t id : {0u, 1u}) {
    h.allocated(id);
    h.status(id, vm_state::running);
  }
  e = h.core.on_backend_health(h.now, {set_name, 1, "other", true});
  EXPECT_TRUE(e.operations.empty()); // not the set's probe
  e = h.core.on_backend_health(h.now, {set_name, 1, "http", true});
  ASSERT_EQ(e.operations.size(), 1u);
  EXPECT_EQ(e.operations[0].instance, 0u); // 1 was up first
}

TEST(orchestrator_core, capacity_changed_takes_the_models_reason) {
  harness h;
  auto m = make_model(2, {0, 1, 2});
  h.model(1, m);
  m.capacity = 3;
  h.now += seconds(1);
  auto e =
      h.core.on_model(h.now, 2, m, "autoscale:web-autoscale/base/rules[0]");
  auto caps = reports_of<capacity_report>(e);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_EQ(caps[0].reason, "autoscale:web-autoscale/base/rules[0]");
}

TEST(orchestrator_core, extension_failure_fails_provisioning_until_restore) {
  harness h;
  h.create(make_model(3, {}));
  h.now += seconds(1);
  auto e = h.core.on_extension(h.now, 1, false, true);
  ASSERT_TRUE(view_of(e, 1));
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Failed");
  EXPECT_FALSE(view_of(e, 0)); // only the instance named
  EXPECT_TRUE(h.core.instances().at(1).extension_failed);
  EXPECT_EQ(h.core.instances().at(1).changed_at, h.now);
  // A restart keeps the failed extensions; a reimage provisions them again.
  h.request(instance_action::restart, {1});
  h.status(1, vm_state::starting);
  h.operated(1, vm_op::restart);
  e = h.healthy(1);
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Failed");
  h.request(instance_action::reimage, {1});
  h.status(1, vm_state::repairing);
  h.operated(1, vm_op::reimage);
  e = h.healthy(1);
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Succeeded");
  EXPECT_FALSE(h.core.instances().at(1).extension_failed);
  // The whole set: every idle placed instance, then restored.
  h.request(instance_action::restart, {2}); // busy: left as it is
  h.now += seconds(1);
  e = h.core.on_extension(h.now, 0, true, true);
  EXPECT_TRUE(h.core.instances().at(0).extension_failed);
  EXPECT_TRUE(h.core.instances().at(1).extension_failed);
  EXPECT_FALSE(h.core.instances().at(2).extension_failed);
  h.now += seconds(1);
  e = h.core.on_extension(h.now, 0, true, false);
  EXPECT_EQ(view_of(e, 0)->provisioning_state, "Succeeded");
  EXPECT_EQ(view_of(e, 1)->provisioning_state, "Succeeded");
}

} // namespace
} // namespace vmss::compute
