#pragma once
/// Reads cluster.conf (CAF INI syntax: [group], key=value, ';' comments).
/// Unknown groups or keys and bad values are errors naming file:line.

#include <cstdint>
#include <optional>
#include <string>

namespace vmss {

struct cluster_config {
  std::optional<uint32_t> nodes;
  std::optional<uint32_t> threads;
  std::optional<double> node_timeout_s;
  std::optional<uint64_t> seed;
};

/// Throws std::runtime_error "FILE:LINE: key: reason" on bad input.
cluster_config read_cluster_config(const std::string& path);

} // namespace vmss
