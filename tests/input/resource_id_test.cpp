// Azure resource ids (input/azure/resource_id.hpp): taken apart, compared
// ignoring letter case, and refused with the form they should have.

#include "input/azure/resource_id.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss::input::azure;

TEST(resource_id, parses_a_scale_set_id) {
  resource_id id;
  ASSERT_TRUE(
      parse_resource_id("/subscriptions/1234/resourceGroups/shop-rg/providers/"
                        "Microsoft.Compute/virtualMachineScaleSets/web",
                        id));
  EXPECT_EQ(id.subscription, "1234");
  EXPECT_EQ(id.resource_group, "shop-rg");
  EXPECT_EQ(id.type, "Microsoft.Compute/virtualMachineScaleSets");
  EXPECT_EQ(id.name, "web");
  EXPECT_TRUE(is_of_type(id, "microsoft.compute/VIRTUALMACHINESCALESETS"));
  EXPECT_FALSE(is_of_type(id, "Microsoft.Network/loadBalancers"));
}

TEST(resource_id, keywords_match_in_any_case) {
  resource_id id;
  ASSERT_TRUE(parse_resource_id("/Subscriptions/s/resourcegroups/g/PROVIDERS/"
                                "Microsoft.Insights/autoscalesettings/a",
                                id));
  EXPECT_EQ(id.resource_group, "g");
  EXPECT_EQ(id.type, "Microsoft.Insights/autoscalesettings");
}

TEST(resource_id, child_resources_join_types_and_names) {
  resource_id id;
  ASSERT_TRUE(parse_resource_id(
      "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/"
      "loadBalancers/lb/backendAddressPools/pool",
      id));
  EXPECT_EQ(id.type, "Microsoft.Network/loadBalancers/backendAddressPools");
  EXPECT_EQ(id.name, "lb/pool");
}

TEST(resource_id, subscription_level_resources_have_no_group) {
  resource_id id;
  ASSERT_TRUE(parse_resource_id(
      "/subscriptions/s/providers/Microsoft.Network/trafficManagerProfiles/tm",
      id));
  EXPECT_EQ(id.resource_group, "");
  EXPECT_EQ(id.name, "tm");
}

TEST(resource_id, refuses_other_forms_saying_why) {
  resource_id id;
  std::string why;
  for (const char* bad :
       {"", "web", "subscriptions/s/resourceGroups/g/providers/A.B/t/n",
        "/subscriptions/s/resourceGroups/g/providers/A.B/t",
        "/subscriptions/s/resourceGroups/g/providers/A.B/t/n/",
        "/subscriptions/s/resourceGroups/g/providers/A.B/t/n/c",
        "/subscriptions/s/resourceGroups/g",
        "/subscriptions//providers/A.B/t/n",
        "/subs/s/resourceGroups/g/providers/A.B/t/n",
        "/subscriptions/s/resourceGroups/g/vendors/A.B/t/n"})
    EXPECT_FALSE(parse_resource_id(bad, id, &why)) << bad;
  parse_resource_id("web", id, &why);
  EXPECT_EQ(why, "is not a resource id (/subscriptions/{id}/resourceGroups/"
                 "{group}/providers/{namespace}/{type}/{name})");
}

TEST(resource_id, resource_group_names_follow_azures_rules) {
  resource_id id;
  std::string why;
  auto with_group = [](const std::string& g) {
    return "/subscriptions/s/resourceGroups/" + g +
           "/providers/Microsoft.Compute/virtualMachineScaleSets/web";
  };
  EXPECT_TRUE(parse_resource_id(with_group(std::string(90, 'g')), id, &why));
  EXPECT_FALSE(parse_resource_id(with_group(std::string(91, 'g')), id, &why));
  EXPECT_FALSE(parse_resource_id(with_group("shop."), id, &why));
  EXPECT_EQ(why, "names the resource group shop., which is not a valid name "
                 "(at most 90 characters, not ending in a period)");
}

TEST(resource_id, same_resource_ignores_letter_case) {
  resource_id a, b, c;
  ASSERT_TRUE(parse_resource_id("/subscriptions/S/resourceGroups/Shop/"
                                "providers/Microsoft.Compute/"
                                "virtualMachineScaleSets/Web",
                                a));
  ASSERT_TRUE(parse_resource_id("/subscriptions/s/resourcegroups/shop/"
                                "providers/microsoft.compute/"
                                "virtualmachinescalesets/web",
                                b));
  ASSERT_TRUE(parse_resource_id("/subscriptions/s/resourceGroups/shop/"
                                "providers/Microsoft.Compute/"
                                "virtualMachineScaleSets/api",
                                c));
  EXPECT_TRUE(same_resource(a, b));
  EXPECT_FALSE(same_resource(a, c));
}

} // namespace
