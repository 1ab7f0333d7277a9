#pragma once
/// Which node process, and which shard, runs each zone (docs/cli.md,
/// "cluster.conf"). A rule maps every zone to a node process p of P; with
/// L lanes a process (P * L shards, shard s in process s % P, lane s / P),
/// the zones of p go round-robin, in (region, zone) order, to its shards
/// p, p + P, p + 2P, ...

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vmss::topology {

enum class partition_rule {
  by_zone,      ///< node_of(region, regions, zone, P): today's automatic rule
  by_region,    ///< region r on process r % P
  explicit_map, ///< `assign`: a region or one of its zones to a process
};

struct partition {
  partition_rule rule = partition_rule::by_zone;
  /// Node processes P. 0: not given; every shard is a process of its own
  /// (one lane each) and by_zone is node_of(region, regions, zone, shards).
  uint32_t processes = 0;
  /// explicit_map: "REGION" or "REGION/ZONE" (the zone as in paths, "z2")
  /// and its process; a zone's own entry wins over its region's.
  std::vector<std::pair<std::string, uint32_t>> assign;
  /// Names the origin in errors ("cluster.conf: cluster.assign: ...").
  std::string source = "partition";

  bool operator==(const partition& o) const {
    return rule == o.rule && processes == o.processes && assign == o.assign &&
           source == o.source;
  }
};

/// "by-zone", "by-region", "explicit".
const char* rule_name(partition_rule rule);
/// The rule named `name`; throws std::invalid_argument listing the names.
partition_rule parse_rule(const std::string& name);

/// One line that parse_partition reads back (a model spec carries it to
/// every node process): "by-region 3 SOURCE\tREGION=K\tREGION/ZONE=K...".
std::string partition_text(const partition& p);
/// Throws std::invalid_argument on a malformed text.
partition parse_partition(const std::string& text);

/// The shard of every zone: result[r][z] for the regions whose zones'
/// paths ("westeurope/z1") are zones[r][z], on `shards` shards. Throws
/// std::invalid_argument "SOURCE: cluster.assign: reason" when an explicit
/// map leaves a zone without a process or names a region or zone the
/// world does not have, and when `shards` is not a multiple of the
/// processes.
std::vector<std::vector<uint32_t>>
zone_shards(const partition& p,
            const std::vector<std::vector<std::string>>& zones,
            uint32_t shards);

} // namespace vmss::topology
