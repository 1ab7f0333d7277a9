// A TOR switch's links: bulk data queues first in, first out at the link's
// speed; each direction and each port is its own queue.

#include "actors/physical/tor_links.hpp"

#include <gtest/gtest.h>

namespace {

using namespace vmss;
using namespace vmss::physical;

TEST(tor_links, bulk_data_takes_its_serialisation_time_and_queues_fifo) {
  // 2 x 100 Gbps uplinks: 25 bytes a ns; a 25 Gbps port: 3.125 bytes a ns.
  tor_links links(4, 25, 2, 100, 3);
  EXPECT_EQ(links.uplink_in(0, 25'000'000'000), seconds(1));
  // A second transfer arriving half-way waits for the first, then takes
  // its own second.
  EXPECT_EQ(links.uplink_in(ms(500), 25'000'000'000), ms(1500));
  // The other direction and the ports are separate queues.
  EXPECT_EQ(links.uplink_out(ms(500), 25'000'000'000), seconds(1));
  EXPECT_EQ(links.port_down(0, 2, 3'125'000'000), seconds(1));
  EXPECT_EQ(links.port_down(0, 3, 3'125'000'000), seconds(1));
  EXPECT_EQ(links.port_down(0, 2, 3'125'000'000), seconds(2));
  // An idle link serves at once.
  EXPECT_EQ(links.uplink_in(seconds(10), 25), 1);
}

TEST(tor_links, power_loss_empties_the_queues_but_keeps_zone_links) {
  tor_links links(4, 25, 2, 100, 3);
  links.uplink_in(0, 25'000'000'000);
  links.set_zone_link(2, {true, ms(5), 10});
  links.reset_queues();
  EXPECT_EQ(links.uplink_in(0, 25), 1);
  EXPECT_TRUE(links.to_zone(2).partitioned);
  EXPECT_EQ(links.to_zone(2).extra_latency, ms(5));
  EXPECT_FALSE(links.to_zone(1).partitioned);
}

} // namespace
