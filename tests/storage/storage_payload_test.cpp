#include "messages/storage_payload.hpp"
#include "runners/modules.hpp"

#include <caf/actor_system_config.hpp>
#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::storage;

template <class T>
uint64_t payload(T msg) {
  return storage_payload_bytes(wire::id_of<T>, caf::make_message(msg));
}

TEST(storage_messages, bulk_messages_carry_their_bytes_others_none) {
  caf::actor_system_config cfg;
  register_family_messages(cfg);
  EXPECT_EQ(payload(disk_data{7, 1, 2'000'000'000}), 2'000'000'000u);
  EXPECT_EQ(payload(disk_copy{7, 3, 0, 0, 30'000'000'000, {1, 2, 3}}),
            30'000'000'000u);
  EXPECT_EQ(payload(disk_io{7, 1, disk_op::hydrate, 2'000'000'000, {}}), 0u);
  EXPECT_EQ(payload(disk_replicated{7, 3, true, 1, {1, 2}}), 0u);
}

} // namespace
