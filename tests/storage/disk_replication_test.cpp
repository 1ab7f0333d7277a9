// Quorum rules of managed-disk replication, driven through the pure cores
// (disk_replication on each storage server, disk_client on the VM) over an
// in-memory network with the region's latencies.

#include "storage_net.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace {

using namespace vmss;
using namespace vmss::storage;
using vmss::storage::testing::storage_net;

constexpr auto ok = disk_outcome_kind::ok;
constexpr auto failed = disk_outcome_kind::failed;

std::vector<disk_note> notes_of(const storage_net& net, disk_event e) {
  std::vector<disk_note> out;
  for (const auto& n : net.notes)
    if (n.event == e)
      out.push_back(n);
  return out;
}

TEST(disk_replication, write_acked_after_all_3_replicas_in_about_5_ms) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(0, 0);
  auto client = net.client(disk);
  auto view = client.view();
  auto r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, ok);
  EXPECT_GE(r.elapsed, ms(4) + us(500));
  EXPECT_LE(r.elapsed, ms(5) + us(500));
  for (auto id : view) {
    const auto* rec = net.server(id).find(disk);
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ(rec->version, 1u) << "every replica wrote the block";
    EXPECT_EQ(rec->members, view);
  }
  EXPECT_TRUE(net.notes.empty());
}

TEST(disk_replication, read_served_by_the_primary_in_about_2_ms) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(1, 1);
  auto client = net.client(disk);
  auto view = client.view();
  // With both secondaries cut off a read still succeeds: it is the
  // primary's alone.
  net.silent = {view[1], view[2]};
  auto r = net.io(client, disk, disk_op::read);
  EXPECT_EQ(r.kind, ok);
  EXPECT_GE(r.elapsed, ms(1) + us(800));
  EXPECT_LE(r.elapsed, ms(2) + us(200));
  EXPECT_TRUE(net.notes.empty());
}

TEST(disk_replication, hydrate_returns_the_bytes_at_the_disks_rate) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(0, 1);
  auto client = net.client(disk);
  auto r = net.io(client, disk, disk_op::hydrate);
  EXPECT_EQ(r.kind, ok);
  // 2 GB at a P4's 25 MiB/s (76.3 s), plus a read and the network.
  EXPECT_GE(r.elapsed, ms(76294));
  EXPECT_LE(r.elapsed, ms(76294) + ms(3));
}

/// A region whose zone 1 has 40 VMs, so that several disks share a primary.
struct contention : ::testing::Test {
  static topology::region wide() {
    auto r = vmss::storage::testing::test_region();
    r.hosts_per_rack = 40;
    return r;
  }
  storage_net net{disk_redundancy::lrs, wide()};
  uint64_t gb2 = 2'000'000'000;

  /// The disks of zone 1 whose primary is the busiest server (4 of them).
  std::vector<uint64_t> sharing_a_primary() {
    std::map<entity_id, std::vector<uint64_t>> by_primary;
    for (uint32_t h = 0; h < 40; ++h) {
      auto disk = net.disk_of(0, h);
      by_primary[net.directory().initial(disk).front()].push_back(disk);
    }
    std::vector<uint64_t> best;
    for (auto& [server, disks] : by_primary)
      if (disks.size() > best.size())
        best = disks;
    return best;
  }
  /// How long the primary of `disk` says a hydration arriving at `now`
  /// takes (its io_done timer).
  sim_time hydrate(uint64_t disk, sim_time now) {
    auto primary = net.directory().initial(disk).front();
    auto fx =
        net.server(primary).on_io(static_cast<entity_id>(disk),
                                  {disk, 1, disk_op::hydrate, gb2, {}}, now);
    EXPECT_EQ(fx.timers.size(), 1u);
    return fx.timers.empty() ? 0 : fx.timers.front().delay;
  }
  sim_time alone() const {
    return net.params.read_service + 76'293'945'312; // 2 GB at 25 MiB/s
  }
};

TEST_F(contention, up_to_4_hydrations_of_a_server_run_at_the_disks_rate) {
  auto disks = sharing_a_primary();
  ASSERT_GE(disks.size(), 2u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(hydrate(disks[i % disks.size()], 0), alone(), ms(1)) << i;
  // The fifth waits for the server's share: 5 x 2 GB at 100 MiB/s.
  auto fifth = hydrate(disks[4 % disks.size()], 0);
  EXPECT_GT(fifth, alone() + seconds(15));
  EXPECT_NEAR(fifth, net.params.read_service + ms(95367), ms(1));
}

TEST_F(contention, concurrent_hydrations_slow_down_but_stay_bounded) {
  auto disks = sharing_a_primary();
  ASSERT_GE(disks.size(), 2u);
  // Twenty at once on one server (its disks asked again): each no
  // faster than alone, the n-th no slower than alone or n x 2 GB at the
  // share, whichever is longer.
  sim_time last = 0;
  for (size_t n = 1; n <= 20; ++n) {
    auto t = hydrate(disks[n % disks.size()], 0);
    EXPECT_GE(t, alone());
    EXPECT_GE(t, last) << "first come, first served";
    auto share = net.params.read_service + static_cast<sim_time>(n) * ms(19074);
    EXPECT_LE(t, std::max(alone(), share)) << n;
    last = t;
  }
  EXPECT_GT(last, 4 * alone()) << "twenty share what four would use";
}

TEST_F(contention, hydrations_on_other_servers_or_later_do_not_wait) {
  auto disks = sharing_a_primary();
  auto primary = net.directory().initial(disks[0]).front();
  for (size_t i = 0; i < 5; ++i)
    hydrate(disks[i % disks.size()], 0);
  // A disk of another primary is not slowed down.
  for (uint32_t h = 0; h < 40; ++h) {
    auto disk = net.disk_of(0, h);
    if (net.directory().initial(disk).front() != primary) {
      EXPECT_NEAR(hydrate(disk, 0), alone(), ms(1));
      break;
    }
  }
  // Once the queue has drained, a new one runs at the disk's rate again.
  EXPECT_NEAR(hydrate(disks[0], seconds(200)), alone(), ms(1));
  // A crash empties the queue.
  for (size_t i = 0; i < 5; ++i)
    hydrate(disks[i % disks.size()], seconds(300));
  net.server(primary).crash();
  EXPECT_NEAR(hydrate(disks[0], seconds(300)), alone(), ms(1));
}

TEST(disk_replication, one_silent_replica_degrades_then_rereplicates) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(2, 0);
  auto client = net.client(disk);
  auto view = client.view();
  net.silent = {view[2]};
  auto r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, ok);
  EXPECT_GE(r.elapsed, net.params.replicate_timeout);
  auto degraded = notes_of(net, disk_event::degraded);
  ASSERT_EQ(degraded.size(), 1u);
  EXPECT_EQ(degraded[0].replica, view[2]);
  EXPECT_EQ(client.view(), (std::vector<entity_id>{view[0], view[1]}));

  // The 30 GB copy at 1 GB/s takes 30 s.
  net.run_until(net.now() + seconds(29));
  EXPECT_TRUE(notes_of(net, disk_event::rereplicated).empty());
  net.run_until(net.now() + seconds(2));
  auto added = notes_of(net, disk_event::rereplicated);
  ASSERT_EQ(added.size(), 1u);
  const auto* rec = net.server(view[0]).find(disk);
  ASSERT_EQ(rec->members.size(), 3u);
  EXPECT_EQ(rec->members[2], added[0].replica);
  // The newcomer is in the lost replica's fault domain, same cluster.
  auto lost = topology::locate(net.region(), net.table()[view[2]].path);
  auto added_at =
      topology::locate(net.region(), net.table()[added[0].replica].path);
  EXPECT_EQ(added_at.rack, lost.rack);
  EXPECT_EQ(added_at.host % 3, lost.host % 3);
  EXPECT_NE(added_at.host, lost.host);

  // Back to 3 of 3: the next write takes the normal time and reaches it.
  r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, ok);
  EXPECT_LE(r.elapsed, ms(5) + us(500));
  EXPECT_EQ(net.server(added[0].replica).find(disk)->version, 2u);
}

TEST(disk_replication, two_silent_replicas_make_the_disk_unavailable) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(0, 0);
  auto client = net.client(disk);
  auto view = client.view();
  net.silent = {view[1], view[2]};
  auto r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, failed);
  EXPECT_EQ(r.reason, disk_failure::quorum_lost);
  ASSERT_EQ(notes_of(net, disk_event::unavailable).size(), 1u);
  EXPECT_EQ(notes_of(net, disk_event::degraded).size(), 2u);
  EXPECT_TRUE(net.server(view[0]).find(disk)->unavailable);
  // The next I/O fails at once; no re-replication was started.
  r = net.io(client, disk, disk_op::read);
  EXPECT_EQ(r.kind, failed);
  EXPECT_EQ(r.reason, disk_failure::quorum_lost);
  EXPECT_LT(r.elapsed, ms(1));
  net.run_until(net.now() + seconds(200));
  EXPECT_TRUE(notes_of(net, disk_event::rereplicated).empty());
}

TEST(disk_replication, silent_primary_fails_over_to_the_next_replica) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(1, 0);
  auto client = net.client(disk);
  auto view = client.view();
  net.silent = {view[0]};
  auto r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, ok);
  EXPECT_GE(r.elapsed, net.client_params.io_timeout);
  EXPECT_LE(r.elapsed, net.client_params.io_timeout + ms(6));
  EXPECT_EQ(client.view(), (std::vector<entity_id>{view[1], view[2]}));
  auto degraded = notes_of(net, disk_event::degraded);
  ASSERT_EQ(degraded.size(), 1u);
  EXPECT_EQ(degraded[0].replica, view[0]);
  // The new primary restores 3 replicas, then serves at normal speed.
  net.run_until(net.now() + seconds(31));
  EXPECT_EQ(net.server(view[1]).find(disk)->members.size(), 3u);
  r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, ok);
  EXPECT_LE(r.elapsed, ms(5) + us(500));
}

TEST(disk_replication, deposed_primary_is_refused_and_redirects_the_client) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(1, 0);
  auto first = net.client(disk);
  auto view = first.view();
  net.silent = {view[0]};
  ASSERT_EQ(net.io(first, disk, disk_op::write).kind, ok);
  // The old primary comes back believing it still leads; a client with the
  // initial view (a reimaged VM) writes there.
  net.silent.clear();
  auto fresh = net.client(disk);
  auto r = net.io(fresh, disk, disk_op::write);
  EXPECT_EQ(r.kind, ok);
  EXPECT_EQ(fresh.view().front(), view[1]);
  EXPECT_EQ(net.server(view[0]).find(disk)->members.front(), view[1]);
}

TEST(disk_replication, client_gives_up_when_no_replica_answers) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(0, 1);
  auto client = net.client(disk);
  auto view = client.view();
  net.silent = {view.begin(), view.end()};
  auto r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, failed);
  EXPECT_EQ(r.reason, disk_failure::no_answer);
  EXPECT_EQ(r.elapsed, 3 * net.client_params.io_timeout);
  EXPECT_FALSE(client.busy());
}

TEST(disk_replication, slow_disk_makes_writes_and_reads_slower) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(2, 1);
  auto client = net.client(disk);
  auto view = client.view();
  auto normal = net.io(client, disk, disk_op::write).elapsed;
  net.server(view[0]).set_slowness(4000);
  auto slow = net.io(client, disk, disk_op::write);
  EXPECT_EQ(slow.kind, ok);
  // Only the primary's own write is 4 times longer: + 3 x 2.3 ms.
  EXPECT_EQ(slow.elapsed - normal, 3 * net.params.write_service);
  auto read = net.io(client, disk, disk_op::read);
  EXPECT_EQ(read.elapsed - net.params.read_service,
            us(300) + 3 * net.params.read_service);
  EXPECT_TRUE(net.notes.empty());
}

TEST(disk_replication, zrs_write_crosses_zones_and_rereplicates_in_the_zone) {
  storage_net net(disk_redundancy::zrs);
  auto disk = net.disk_of(0, 0);
  auto client = net.client(disk);
  auto view = client.view();
  auto r = net.io(client, disk, disk_op::write);
  EXPECT_EQ(r.kind, ok);
  EXPECT_GT(r.elapsed, ms(6)); // two cross-zone hops
  net.silent = {view[1]};
  ASSERT_EQ(net.io(client, disk, disk_op::write).kind, ok);
  net.run_until(net.now() + seconds(31));
  auto added = notes_of(net, disk_event::rereplicated);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(
      topology::locate(net.region(), net.table()[added[0].replica].path).zone,
      topology::locate(net.region(), net.table()[view[1]].path).zone);
}

TEST(disk_replication, crash_keeps_membership_and_restart_resumes_the_copy) {
  storage_net net(disk_redundancy::lrs);
  auto disk = net.disk_of(0, 0);
  auto client = net.client(disk);
  auto view = client.view();
  net.silent = {view[2]};
  ASSERT_EQ(net.io(client, disk, disk_op::write).kind, ok);
  auto& primary = net.server(view[0]);
  primary.crash(); // the copy in flight is forgotten
  net.run_until(net.now() + seconds(200));
  EXPECT_TRUE(notes_of(net, disk_event::rereplicated).empty());
  EXPECT_EQ(primary.find(disk)->members.size(), 2u) << "membership durable";
  auto fx = primary.restart();
  ASSERT_EQ(fx.sends.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<disk_copy>(fx.sends[0].msg));
  EXPECT_EQ(std::get<disk_copy>(fx.sends[0].msg).bytes, net.params.disk_bytes);
}

} // namespace
