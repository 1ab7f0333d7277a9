#include "topology/partition.hpp"

#include "kernel/numbers.hpp"
#include "topology/world_network.hpp"

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace vmss::topology {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(text);
  while (std::getline(in, field, sep))
    out.push_back(field);
  return out;
}

/// The process of every zone under `p`'s rule, on `procs` processes.
std::vector<std::vector<uint32_t>>
zone_processes(const partition& p,
               const std::vector<std::vector<std::string>>& zones,
               uint32_t procs) {
  auto regions = static_cast<uint32_t>(zones.size());
  std::map<std::string, uint32_t> map(p.assign.begin(), p.assign.end());
  std::set<std::string> used;
  auto where = p.source + ": cluster.assign: ";
  std::vector<std::vector<uint32_t>> out(regions);
  for (uint32_t r = 0; r < regions; ++r)
    for (uint32_t z = 0; z < zones[r].size(); ++z) {
      const auto& zone = zones[r][z];
      uint32_t proc = 0;
      if (p.rule == partition_rule::by_zone) {
        proc = node_of(r, regions, z, procs);
      } else if (p.rule == partition_rule::by_region) {
        proc = r % procs;
      } else {
        auto region = zone.substr(0, zone.find('/'));
        auto i = map.find(zone);
        if (i == map.end())
          i = map.find(region);
        if (i == map.end())
          throw std::invalid_argument(where + "zone " + zone +
                                      " has no node (give " + region +
                                      "=K or " + zone + "=K)");
        used.insert(i->first);
        proc = i->second;
      }
      out[r].push_back(proc);
    }
  for (const auto& [key, proc] : p.assign) {
    if (used.count(key) == 0)
      throw std::invalid_argument(where + key +
                                  ": no such region or zone in the model's "
                                  "world (or every zone of it has its own "
                                  "entry)");
    if (proc >= procs)
      throw std::invalid_argument(where + key + "=" + std::to_string(proc) +
                                  ": the run has " + std::to_string(procs) +
                                  " node processes");
  }
  return out;
}

} // namespace

const char* rule_name(partition_rule rule) {
  switch (rule) {
  case partition_rule::by_zone:
    return "by-zone";
  case partition_rule::by_region:
    return "by-region";
  case partition_rule::explicit_map:
    return "explicit";
  }
  return "?";
}

partition_rule parse_rule(const std::string& name) {
  for (auto rule : {partition_rule::by_zone, partition_rule::by_region,
                    partition_rule::explicit_map})
    if (name == rule_name(rule))
      return rule;
  throw std::invalid_argument("unknown rule (known: by-zone, by-region, "
                              "explicit)");
}

std::string partition_text(const partition& p) {
  std::string out = std::string(rule_name(p.rule)) + "\t" +
                    std::to_string(p.processes) + "\t" + p.source;
  for (const auto& [key, proc] : p.assign)
    out += "\t" + key + "=" + std::to_string(proc);
  return out;
}

partition parse_partition(const std::string& text) {
  auto fields = split(text, '\t');
  if (fields.size() < 3)
    throw std::invalid_argument("partition '" + text +
                                "': expected RULE, processes and source");
  partition p;
  p.rule = parse_rule(fields[0]);
  uint64_t procs = 0;
  if (!parse_uint(fields[1], 0, UINT32_MAX, procs))
    throw std::invalid_argument("partition '" + text + "': bad process count");
  p.processes = static_cast<uint32_t>(procs);
  p.source = fields[2];
  for (size_t i = 3; i < fields.size(); ++i) {
    auto eq = fields[i].rfind('=');
    uint64_t proc = 0;
    if (eq == std::string::npos ||
        !parse_uint(fields[i].substr(eq + 1), 0, UINT32_MAX, proc))
      throw std::invalid_argument("partition '" + text + "': bad entry '" +
                                  fields[i] + "'");
    p.assign.emplace_back(fields[i].substr(0, eq), static_cast<uint32_t>(proc));
  }
  return p;
}

std::vector<std::vector<uint32_t>>
zone_shards(const partition& p,
            const std::vector<std::vector<std::string>>& zones,
            uint32_t shards) {
  shards = std::max<uint32_t>(shards, 1);
  uint32_t procs = p.processes == 0 ? shards : p.processes;
  if (shards % procs != 0)
    throw std::invalid_argument(p.source + ": " + std::to_string(shards) +
                                " shards are not a whole number of lanes on " +
                                std::to_string(procs) + " node processes");
  uint32_t lanes = shards / procs;
  auto out = zone_processes(p, zones, procs);
  std::vector<uint32_t> taken(procs, 0); // zones given to each process
  for (auto& region : out)
    for (auto& proc : region)
      proc += procs * (taken[proc]++ % lanes);
  return out;
}

} // namespace vmss::topology
