// The ARM front door's core (actors/compute/arm_core.cpp): every rule that
// accepts or refuses a request, model versions, and that a refused request
// leaves the model and its version as they were (docs/model.md, "ARM front
// door").

#include "actors/compute/arm_core.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::compute;

/// A zone-redundant Uniform set of 3 (one placement group, max spreading).
set_model web() {
  set_model m;
  m.name = "web";
  m.capacity = 3;
  m.sku = "Standard_B2s";
  m.vcpus = 2;
  m.ram_gb = 4;
  m.zones = {0, 1, 2};
  m.fault_domains = 1;
  m.profile = 0x1111;
  return m;
}

/// An ARM core over `models`, with models[0] put as "web".
struct front_door {
  arm_params params;
  arm_core arm{params};
  uint32_t next_id = 1;

  explicit front_door(std::vector<set_model> models, bool create = true) {
    params.models = std::move(models);
    if (create) {
      EXPECT_TRUE(put(0).accepted);
    }
  }
  arm_request request(arm_op op) {
    arm_request r;
    r.id = next_id++;
    r.scale_set = "web";
    r.op = op;
    return r;
  }
  arm_answer put(uint32_t model) {
    auto r = request(arm_op::put_model);
    r.model = model;
    return arm.on_request(r);
  }
  arm_answer capacity(int64_t count) {
    auto r = request(arm_op::set_capacity);
    r.capacity = count;
    return arm.on_request(r);
  }
  arm_answer action(instance_action a, std::vector<uint32_t> instances) {
    auto r = request(arm_op::instance_action);
    r.action = a;
    r.instances = std::move(instances);
    return arm.on_request(r);
  }
  arm_answer protect(std::vector<uint32_t> instances, bool scale_in,
                     bool scale_set_actions) {
    auto r = request(arm_op::set_protection);
    r.instances = std::move(instances);
    r.protect_from_scale_in = scale_in;
    r.protect_from_scale_set_actions = scale_set_actions;
    return arm.on_request(r);
  }
  arm_answer service_state(bool running) {
    auto r = request(arm_op::set_service_state);
    r.running = running;
    return arm.on_request(r);
  }
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

/// `answer` is a refusal with Azure's `code`, and the set's model and
/// version are what they were (`before`, `version`): never half-applied.
void expect_refused(const front_door& d, const arm_answer& answer,
                    const std::string& code, const set_model& before,
                    uint32_t version) {
  EXPECT_FALSE(answer.accepted);
  EXPECT_FALSE(answer.forward);
  EXPECT_FALSE(answer.changed.has_value());
  EXPECT_TRUE(starts_with(answer.reason, code + ": ")) << answer.reason;
  EXPECT_EQ(d.arm.version("web"), version);
  const auto* now = d.arm.model("web");
  ASSERT_NE(now, nullptr);
  EXPECT_EQ(now->capacity, before.capacity);
  EXPECT_EQ(now->mode, before.mode);
  EXPECT_EQ(now->fault_domains, before.fault_domains);
  EXPECT_EQ(now->single_placement_group, before.single_placement_group);
  EXPECT_EQ(now->zones, before.zones);
  EXPECT_EQ(now->repairs.enabled, before.repairs.enabled);
  EXPECT_EQ(now->repairs.action, before.repairs.action);
  EXPECT_EQ(now->profile, before.profile);
}

void expect_new_version(const front_door& d, const arm_answer& answer,
                        uint32_t version) {
  EXPECT_TRUE(answer.accepted) << answer.reason;
  EXPECT_TRUE(answer.reason.empty());
  EXPECT_FALSE(answer.forward);
  ASSERT_TRUE(answer.changed.has_value());
  EXPECT_EQ(answer.changed->version, version);
  EXPECT_EQ(d.arm.version("web"), version);
}

TEST(arm_core, a_patch_without_capacity_keeps_the_capacity_the_set_has) {
  // The timeline's and ctl's `update` is a PATCH: a set scaled to 8 (by
  // autoscale, say) stays at 8 when the patch changes only the image.
  auto image = web();
  image.profile = 0x2222;
  front_door d({web(), image});
  expect_new_version(d, d.capacity(8), 2);
  auto r = d.request(arm_op::put_model);
  r.model = 1;
  r.keep_capacity = true;
  auto a = d.arm.on_request(r);
  expect_new_version(d, a, 3);
  EXPECT_EQ(d.arm.model("web")->capacity, 8u);
  EXPECT_EQ(d.arm.model("web")->profile, 0x2222u);
  // A PUT (or a patch that names sku.capacity) sets the model's capacity.
  expect_new_version(d, d.put(0), 4);
  EXPECT_EQ(d.arm.model("web")->capacity, 3u);
}

TEST(arm_core, first_put_creates_the_set_at_version_1) {
  front_door d({web()}, false);
  EXPECT_EQ(d.arm.model("web"), nullptr);
  EXPECT_EQ(d.arm.version("web"), 0u);
  auto a = d.put(0);
  expect_new_version(d, a, 1);
  EXPECT_EQ(a.changed->model.name, "web");
  EXPECT_EQ(a.changed->model.capacity, 3u);
  ASSERT_NE(d.arm.model("web"), nullptr);
  EXPECT_EQ(d.arm.model("web")->profile, 0x1111u);
  EXPECT_EQ(d.arm.model("api"), nullptr);
}

TEST(arm_core, a_put_names_its_set_in_the_url) {
  auto m = web();
  m.name = "from-the-body";
  front_door d({m});
  EXPECT_EQ(d.arm.model("web")->name, "web");
  EXPECT_EQ(d.arm.model("from-the-body"), nullptr);
}

TEST(arm_core, every_other_request_needs_the_set) {
  front_door d({web()}, false);
  std::vector<arm_answer> answers = {
      d.capacity(5), d.action(instance_action::restart, {}),
      d.protect({0}, true, false),
      d.arm.on_request(d.request(arm_op::cancel_upgrade)),
      d.service_state(false)};
  for (const auto& a : answers) {
    EXPECT_FALSE(a.accepted);
    EXPECT_FALSE(a.forward);
    EXPECT_FALSE(a.changed.has_value());
    EXPECT_EQ(a.reason, "ResourceNotFound: The Resource "
                        "'Microsoft.Compute/virtualMachineScaleSets/web' "
                        "under resource group 'vmss-sim' was not found.");
  }
  EXPECT_EQ(d.arm.model("web"), nullptr);
  EXPECT_EQ(d.arm.version("web"), 0u);
}

TEST(arm_core, identical_put_is_accepted_without_a_new_version) {
  front_door d({web(), web()});
  auto a = d.put(1);
  EXPECT_TRUE(a.accepted);
  EXPECT_FALSE(a.changed.has_value());
  EXPECT_FALSE(a.forward);
  EXPECT_EQ(d.arm.version("web"), 1u);
}

TEST(arm_core, a_changed_model_is_a_new_version) {
  auto image = web();
  image.profile = 0x2222;
  auto resized = image;
  resized.sku = "Standard_D2s_v3";
  resized.ram_gb = 8;
  front_door d({web(), image, resized, web()});
  expect_new_version(d, d.put(1), 2);
  EXPECT_EQ(d.arm.model("web")->profile, 0x2222u);
  expect_new_version(d, d.put(2), 3);
  EXPECT_EQ(d.arm.model("web")->sku, "Standard_D2s_v3");
  // Back to the first body: a change again, not a rollback of versions.
  auto a = d.put(3);
  expect_new_version(d, a, 4);
  EXPECT_EQ(a.changed->model.profile, 0x1111u);
}

TEST(arm_core, orchestration_mode_is_set_at_creation) {
  auto flexible = web();
  flexible.mode = orchestration_mode::flexible;
  flexible.overprovision = false;
  flexible.single_placement_group = false;
  front_door d({web(), flexible});
  auto a = d.put(1);
  expect_refused(d, a, "PropertyChangeNotAllowed", web(), 1);
  EXPECT_TRUE(starts_with(a.reason, "PropertyChangeNotAllowed: Changing "
                                    "property 'orchestrationMode' is not "
                                    "allowed."))
      << a.reason;
}

TEST(arm_core, fault_domain_count_is_set_at_creation) {
  auto five = web();
  five.fault_domains = 5;
  front_door d({web(), five});
  auto a = d.put(1);
  expect_refused(d, a, "PropertyChangeNotAllowed", web(), 1);
  EXPECT_TRUE(starts_with(a.reason,
                          "PropertyChangeNotAllowed: Changing property "
                          "'platformFaultDomainCount' is not allowed. (1 -> "
                          "5"))
      << a.reason;
}

TEST(arm_core, single_placement_group_true_to_false_only) {
  auto several = web();
  several.single_placement_group = false;
  front_door d({web(), several, web()});
  expect_new_version(d, d.put(1), 2);
  EXPECT_FALSE(d.arm.model("web")->single_placement_group);
  auto a = d.put(2);
  expect_refused(d, a, "PropertyChangeNotAllowed", several, 2);
  EXPECT_NE(a.reason.find("'singlePlacementGroup'"), std::string::npos);
}

TEST(arm_core, zones_can_be_added_not_removed) {
  auto regional = web();
  regional.zones = {};
  regional.fault_domains = 1;
  auto one = regional;
  one.zones = {1};
  auto two = regional;
  two.zones = {0, 1};
  auto other = regional;
  other.zones = {2};
  front_door d({regional, one, two, other, regional});
  expect_new_version(d, d.put(1), 2); // regional -> zone 2
  expect_new_version(d, d.put(2), 3); // zone 2 -> zones 1 and 2
  auto replaced = d.put(3);           // zones 1, 2 -> zone 3
  expect_refused(d, replaced, "PropertyChangeNotAllowed", two, 3);
  EXPECT_NE(replaced.reason.find("Changing property 'zones'"),
            std::string::npos);
  EXPECT_NE(replaced.reason.find("the set has 1, 2, the update has 3"),
            std::string::npos)
      << replaced.reason;
  auto back = d.put(4); // zonal -> regional
  expect_refused(d, back, "PropertyChangeNotAllowed", two, 3);
  EXPECT_NE(back.reason.find("none (regional)"), std::string::npos);
}

TEST(arm_core, repair_action_changes_only_while_repairs_are_off) {
  auto replace_on = web();
  replace_on.repairs.enabled = true;
  auto reimage_on = replace_on;
  reimage_on.repairs.action = repair_action::reimage;
  auto reimage_off = reimage_on;
  reimage_off.repairs.enabled = false;
  auto restart_off = reimage_off;
  restart_off.repairs.action = repair_action::restart;
  front_door d({replace_on, reimage_on, web(), reimage_on, restart_off});
  auto a = d.put(1);
  expect_refused(d, a, "OperationNotAllowed", replace_on, 1);
  EXPECT_NE(a.reason.find("'automaticRepairsPolicy.repairAction' (Replace "
                          "-> Reimage)"),
            std::string::npos)
      << a.reason;
  expect_new_version(d, d.put(2), 2); // disable
  expect_new_version(d, d.put(3), 3); // enable with the new action
  EXPECT_EQ(d.arm.model("web")->repairs.action, repair_action::reimage);
  // Disabling with another action at once is allowed: nothing is repaired.
  expect_new_version(d, d.put(4), 4);
}

TEST(arm_core, a_put_beyond_one_placement_group_is_refused) {
  auto big = web();
  big.capacity = 101;
  front_door d({big}, false);
  auto a = d.put(0);
  EXPECT_FALSE(a.accepted);
  EXPECT_TRUE(starts_with(a.reason,
                          "OperationNotAllowed: Unable to create or update "
                          "VirtualMachineScaleSet 'web' as it exceeds the "
                          "total limit of '100' Virtual Machine instances."))
      << a.reason;
  EXPECT_EQ(d.arm.model("web"), nullptr); // not created
  EXPECT_EQ(d.arm.version("web"), 0u);
}

TEST(arm_core, an_update_beyond_one_placement_group_is_refused) {
  auto big = web();
  big.capacity = 101;
  big.profile = 0x2222;
  front_door d({web(), big});
  expect_refused(d, d.put(1), "OperationNotAllowed", web(), 1);
}

TEST(arm_core, capacity_patch) {
  front_door d({web()});
  auto a = d.capacity(100);
  expect_new_version(d, a, 2);
  EXPECT_EQ(a.changed->model.capacity, 100u);
  EXPECT_EQ(a.changed->model.profile, 0x1111u); // nothing else changes
  EXPECT_EQ(a.changed->model.zones, web().zones);
  EXPECT_EQ(d.arm.model("web")->capacity, 100u);
  auto same = d.capacity(100);
  EXPECT_TRUE(same.accepted);
  EXPECT_FALSE(same.changed.has_value());
  EXPECT_EQ(d.arm.version("web"), 2u);
  expect_new_version(d, d.capacity(0), 3);
}

TEST(arm_core, capacity_limits) {
  front_door d({web()});
  auto over = d.capacity(101);
  expect_refused(d, over, "OperationNotAllowed", web(), 1);
  EXPECT_NE(over.reason.find("'100'"), std::string::npos);
  auto negative = d.capacity(-1);
  expect_refused(d, negative, "InvalidParameter", web(), 1);
  EXPECT_NE(negative.reason.find("sku.capacity"), std::string::npos);
  expect_refused(d, d.capacity(1001), "InvalidParameter", web(), 1);
}

TEST(arm_core, several_placement_groups_hold_1000) {
  auto large = web();
  large.single_placement_group = false;
  front_door d({large});
  expect_new_version(d, d.capacity(1000), 2);
  auto before = *d.arm.model("web");
  expect_refused(d, d.capacity(1001), "InvalidParameter", before, 2);
}

TEST(arm_core, a_set_without_sku_cannot_be_given_instances) {
  auto flexible = web();
  flexible.mode = orchestration_mode::flexible;
  flexible.sku.clear();
  flexible.vcpus = 0;
  flexible.ram_gb = 0;
  flexible.capacity = 0;
  flexible.single_placement_group = false;
  front_door d({flexible});
  auto a = d.capacity(2);
  expect_refused(d, a, "InvalidParameter", flexible, 1);
  EXPECT_NE(a.reason.find("'sku'"), std::string::npos);
  auto zero = d.capacity(0);
  EXPECT_TRUE(zero.accepted);
  EXPECT_FALSE(zero.changed.has_value());
}

TEST(arm_core, instance_actions_are_forwarded) {
  front_door d({web()});
  for (auto act : {instance_action::delete_vm, instance_action::reimage,
                   instance_action::restart, instance_action::start,
                   instance_action::power_off, instance_action::deallocate,
                   instance_action::upgrade}) {
    auto a = d.action(act, {0, 2});
    EXPECT_TRUE(a.accepted) << to_string(act) << ": " << a.reason;
    EXPECT_TRUE(a.forward);
    EXPECT_FALSE(a.changed.has_value()); // the orchestrator acts
  }
  EXPECT_EQ(d.arm.version("web"), 1u);
  EXPECT_EQ(d.arm.model("web")->capacity, 3u);
}

TEST(arm_core, empty_instance_list_means_all_except_for_delete_and_upgrade) {
  front_door d({web()});
  for (auto act : {instance_action::reimage, instance_action::restart,
                   instance_action::start, instance_action::power_off,
                   instance_action::deallocate}) {
    auto a = d.action(act, {});
    EXPECT_TRUE(a.accepted) << to_string(act) << ": " << a.reason;
    EXPECT_TRUE(a.forward);
  }
  for (auto act : {instance_action::delete_vm, instance_action::upgrade}) {
    auto a = d.action(act, {});
    expect_refused(d, a, "InvalidParameter", web(), 1);
    EXPECT_TRUE(starts_with(a.reason, "InvalidParameter: Required parameter "
                                      "'instanceIds' is missing (null)."))
        << a.reason;
  }
}

TEST(arm_core, an_instance_listed_twice_is_refused) {
  front_door d({web()});
  auto a = d.action(instance_action::restart, {1, 4, 1});
  expect_refused(d, a, "InvalidParameter", web(), 1);
  EXPECT_NE(a.reason.find("instance 1 is listed twice"), std::string::npos);
  expect_refused(d, d.protect({2, 2}, true, false), "InvalidParameter", web(),
                 1);
}

TEST(arm_core, protection_policy) {
  front_door d({web()});
  for (auto [in, actions] : {std::pair{true, false}, std::pair{true, true},
                             std::pair{false, false}}) {
    auto a = d.protect({1}, in, actions);
    EXPECT_TRUE(a.accepted) << a.reason;
    EXPECT_TRUE(a.forward);
    EXPECT_FALSE(a.changed.has_value());
  }
  auto a = d.protect({1}, false, true);
  expect_refused(d, a, "InvalidParameter", web(), 1);
  EXPECT_NE(a.reason.find("protectFromScaleIn cannot be false"),
            std::string::npos);
  expect_refused(d, d.protect({}, true, false), "InvalidParameter", web(), 1);
}

TEST(arm_core, service_state_needs_automatic_repairs) {
  auto repaired = web();
  repaired.repairs.enabled = true;
  front_door d({web(), repaired});
  auto a = d.service_state(false);
  expect_refused(d, a, "OperationNotAllowed", web(), 1);
  EXPECT_NE(a.reason.find("automaticRepairsPolicy.enabled is false"),
            std::string::npos);
  expect_new_version(d, d.put(1), 2);
  for (bool running : {false, true}) {
    auto ok = d.service_state(running);
    EXPECT_TRUE(ok.accepted) << ok.reason;
    EXPECT_TRUE(ok.forward);
    EXPECT_FALSE(ok.changed.has_value());
  }
}

TEST(arm_core, cancel_upgrade_is_forwarded) {
  front_door d({web()});
  auto a = d.arm.on_request(d.request(arm_op::cancel_upgrade));
  EXPECT_TRUE(a.accepted);
  EXPECT_TRUE(a.forward);
  EXPECT_FALSE(a.changed.has_value());
}

TEST(arm_core, sets_are_independent) {
  auto api = web();
  api.name = "api";
  front_door d({web(), api});
  auto r = d.request(arm_op::put_model);
  r.scale_set = "api";
  r.model = 1;
  EXPECT_EQ(d.arm.on_request(r).changed->version, 1u);
  expect_new_version(d, d.capacity(9), 2);
  EXPECT_EQ(d.arm.version("api"), 1u);
  EXPECT_EQ(d.arm.model("api")->capacity, 3u);
}

} // namespace

namespace {

TEST(arm_core, instance_deletes_lower_the_model_capacity) {
  // Without it a later PATCH back to 3 would look unchanged and do nothing.
  front_door d({web()});
  d.arm.on_capacity("web", 2);
  EXPECT_EQ(d.arm.model("web")->capacity, 2u);
  EXPECT_EQ(d.arm.version("web"), 1u);
  auto back = d.capacity(3);
  ASSERT_TRUE(back.accepted);
  ASSERT_TRUE(back.changed);
  EXPECT_EQ(back.changed->version, 2u);
  EXPECT_EQ(back.changed->model.capacity, 3u);
}

TEST(arm_core, a_capacity_change_carries_the_requests_reason) {
  front_door d({web()}, false);
  d.put(0);
  auto a = d.capacity(4);
  ASSERT_TRUE(a.changed);
  EXPECT_EQ(a.changed->reason, "request");
  auto r = d.request(arm_op::set_capacity);
  r.capacity = 5;
  r.reason = "autoscale:web-autoscale/base/rules[0]";
  a = d.arm.on_request(r);
  ASSERT_TRUE(a.changed);
  EXPECT_EQ(a.changed->reason, "autoscale:web-autoscale/base/rules[0]");
  EXPECT_EQ(d.arm.model("web")->capacity, 5u);
}

} // namespace
