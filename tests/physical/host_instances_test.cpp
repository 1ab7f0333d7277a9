// The host agent's record of its scale-set VMs (actors/physical/
// host_instances.*): which slot runs which instance, an instance placed
// again while its old copy is still being deleted, what the host lists to
// the fabric controller, and the orchestrator each status goes to (only if
// the run has one, looked up once per scale set).

#include "actors/physical/host_instances.hpp"

#include "messages/compute_kinds.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss::physical;

TEST(host_instances, slots_hold_instances_until_deleted) {
  host_instances held;
  held.add("web", 0, 20);
  held.add("web", 1, 21);
  EXPECT_EQ(held.slot_of("web", 0), 20u);
  EXPECT_FALSE(held.slot_of("web", 2).has_value());
  ASSERT_NE(held.in(21), nullptr);
  EXPECT_EQ(held.in(21)->instance, 1u);
  EXPECT_EQ(held.in(22), nullptr); // free, or another tenant's
  held.remove(20);
  EXPECT_FALSE(held.slot_of("web", 0).has_value());
  EXPECT_EQ(held.inventory(), (host_inventory{{{"web", 1}}}));
}

TEST(host_instances, an_instance_being_deleted_can_come_back_elsewhere) {
  host_instances held;
  held.add("web", 0, 20);
  held.deleting(20);
  // Not listed (the leader need not delete it again), not addressable...
  EXPECT_FALSE(held.slot_of("web", 0).has_value());
  EXPECT_TRUE(held.inventory().vms.empty());
  // ...but its status still names the instance until it is deleted.
  ASSERT_NE(held.in(20), nullptr);
  // Service healing brings it back to this host: a new slot.
  held.add("web", 0, 23);
  EXPECT_EQ(held.slot_of("web", 0), 23u);
  held.remove(20);
  EXPECT_EQ(held.slot_of("web", 0), 23u);
  EXPECT_EQ(held.inventory(), (host_inventory{{{"web", 0}}}));
}

TEST(host_instances, statuses_go_to_the_sets_orchestrator_if_there_is_one) {
  vmss::entity_table table;
  table.add("westeurope/z1/r1/h1", vmss::compute::kinds::orchestrator);
  table.add(vmss::compute::orchestrator_path("westeurope", "web"),
            vmss::compute::kinds::orchestrator);
  table.finalize();
  host_instances held;
  auto web = held.orchestrator_of("web", "westeurope", table);
  ASSERT_TRUE(web.has_value());
  EXPECT_EQ(table[*web].path, "westeurope/vmss/web");
  EXPECT_FALSE(held.orchestrator_of("api", "westeurope", table).has_value());
  EXPECT_EQ(region_of("westeurope/z1/r1/h1"), "westeurope");
  EXPECT_EQ(region_of("solo"), "solo");
}

} // namespace
