// sorted_map: the std::map subset hot actor state uses, in key order.
#include "kernel/sorted_map.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using vmss::sorted_map;

TEST(sorted_map, behaves_as_std_map_for_its_operations) {
  sorted_map<uint32_t, int> flat;
  std::map<uint32_t, int> tree;
  // Keys in a scrambled order, some repeated.
  for (uint32_t i = 0; i < 500; ++i) {
    uint32_t key = (i * 7919u) % 211u;
    flat[key] += static_cast<int>(i);
    tree[key] += static_cast<int>(i);
  }
  ASSERT_EQ(flat.size(), tree.size());
  std::vector<std::pair<uint32_t, int>> a(flat.begin(), flat.end());
  std::vector<std::pair<uint32_t, int>> b(tree.begin(), tree.end());
  EXPECT_EQ(a, b); // same contents, iterated in key order
  for (uint32_t key = 0; key < 230; ++key) {
    EXPECT_EQ(flat.count(key), tree.count(key)) << key;
    auto i = flat.find(key);
    auto j = tree.find(key);
    ASSERT_EQ(i == flat.end(), j == tree.end()) << key;
    if (i != flat.end())
      EXPECT_EQ(i->second, j->second);
  }
  const auto& constant = flat;
  EXPECT_EQ(constant.find(1000), constant.end());
  flat.clear();
  EXPECT_TRUE(flat.empty());
  EXPECT_EQ(flat.find(0), flat.end());
}

TEST(sorted_map, new_keys_start_value_initialised) {
  sorted_map<int, std::string> m;
  EXPECT_EQ(m[3], "");
  m[1] = "one";
  m[3] = "three";
  EXPECT_EQ(m.find(1)->second, "one");
  EXPECT_EQ(m.begin()->first, 1);
  EXPECT_EQ(m.size(), 2u);
}

} // namespace
