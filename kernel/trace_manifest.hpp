#pragma once
/// The manifest of a trace directory (DIR/manifest.json): what ran, the
/// entity table that record entity ids index into, and the shards.

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::trace {

struct entity_info {
  std::string path; ///< topology path, e.g. "westeurope/z2/r07/h13/vm4"
  std::string kind; ///< entity kind, e.g. "host_agent"
  uint32_t node = 0;
};

struct shard_info {
  uint32_t node = 0;
  std::string file; ///< relative to the trace directory
  uint64_t records = 0;
  uint64_t bytes = 0;
};

struct manifest {
  int format_version = 1;
  std::string scenario;
  uint64_t seed = 0;
  uint32_t nodes = 1;
  int64_t lookahead_ns = 0;
  int64_t end_t_ns = 0;
  uint64_t events = 0;
  std::vector<entity_info> entities; ///< indexed by entity id
  std::vector<shard_info> shards;
};

/// Writes DIR/manifest.json. Throws std::runtime_error naming the path.
void write_manifest(const std::string& dir, const manifest& m);

/// Reads DIR/manifest.json. Throws std::runtime_error naming the file, the
/// field and the reason on malformed input.
manifest read_manifest(const std::string& dir);

} // namespace vmss::trace
