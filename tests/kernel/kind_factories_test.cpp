#include "kernel/kind_factories.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;

const entity_kind made{"made"};
const entity_kind forgotten{"forgotten"};

void no_actor(caf::actor_system&, node_kernel&, entity_id) {
}

TEST(kind_factories, a_kind_described_without_a_factory_is_found_before_a_run) {
  kind_factories f;
  f.add(made, &no_actor);
  entity_table table;
  table.add("a/x", made);
  table.finalize();
  EXPECT_NO_THROW(f.check(table));
  table = entity_table();
  table.add("a/x", made);
  table.add("a/y", forgotten);
  table.finalize();
  try {
    f.check(table);
    FAIL() << "expected an error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "entity a/y: kind forgotten has no factory");
  }
}

TEST(kind_factories, a_kind_has_one_factory) {
  kind_factories f;
  f.add(made, &no_actor);
  EXPECT_THROW(f.add(made, &no_actor), std::logic_error);
}

TEST(entity_kind, kinds_are_equal_only_to_themselves) {
  const entity_kind same_name{"made"};
  EXPECT_TRUE(made == made);
  EXPECT_FALSE(made == same_name); // one declaration per kind
}

} // namespace
