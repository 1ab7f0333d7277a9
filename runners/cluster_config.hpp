#pragma once
/// Reads cluster.conf (CAF INI syntax: [group], key=value, ';' comments).
/// Unknown groups or keys and bad values are errors naming file:line.
/// Also the strict number parsers that the common options share with it.

#include "kernel/node_launcher.hpp"
#include "topology/partition.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vmss {

/// Node processes and threads a run may ask for.
constexpr uint64_t max_nodes = 64;
constexpr uint64_t max_threads = 64;

/// The range of --node-timeout and cluster.node-timeout, seconds: long
/// enough for a few 200 ms pings, short enough to notice a dead node.
constexpr double node_timeout_min_s = 0.5;
constexpr double node_timeout_max_s = 3600;

/// A [node.K] group: where node process K runs and listens.
struct node_config {
  std::string address = "127.0.0.1";
  uint16_t port = 0; ///< 0: a free port (reported to the peers at join)
  std::optional<uint32_t> threads;
  std::string host; ///< {host} of the launch template; empty: the address
};

struct cluster_config {
  std::string path; ///< the file, absolute
  std::optional<uint32_t> nodes;
  std::optional<uint32_t> threads;
  std::optional<double> node_timeout_s;
  std::optional<uint64_t> seed;
  /// [cluster] secret-file, relative to the file's folder: the run secret
  /// that hand-started node processes prove (see docs/kernel.md).
  std::optional<std::string> secret_file;
  /// [cluster] launch: a command template, or "manual"; unset: local
  /// processes.
  std::optional<std::string> launch;
  /// [cluster] partition and assign (processes left 0: the run sets it).
  std::optional<topology::partition> partition;
  /// [coordinator] address and port.
  std::optional<std::string> coordinator_address;
  std::optional<uint16_t> coordinator_port;
  /// [node.0], [node.1], ... in order; empty: the short form (nodes=N on
  /// this machine over loopback).
  std::vector<node_config> node_list;
  /// [sim] until (a duration, as --until), out and scenario (paths relative
  /// to the file's folder).
  std::optional<std::string> until, out, scenario;

  /// The layout a coordinator runs with (kernel/node_launcher.hpp).
  cluster_layout layout() const;
};

/// Throws std::runtime_error "FILE:LINE: key=value: reason" on a bad line,
/// "FILE: key: reason" on keys that do not fit together.
cluster_config read_cluster_config(const std::string& path);

/// The run secret of a hand-started node process: the environment variable
/// VMSS_RUN_SECRET, else the secret-file of cluster.conf `config` (if not
/// empty). Throws std::runtime_error saying where it looked when there is
/// none or it is malformed.
std::string node_run_secret(const std::string& config);

/// A whole number in [min, max], decimal digits only (no sign, spaces, hex
/// or exponent; kernel/numbers.hpp). Throws std::invalid_argument with the
/// reason: "is not a whole number (decimal digits)" or "is out of range
/// (MIN to MAX)".
uint64_t parse_whole_number(const std::string& text, uint64_t min,
                            uint64_t max);

/// A node timeout in seconds ("10", "2.5"), within [node_timeout_min_s,
/// node_timeout_max_s]. Throws std::invalid_argument with the reason.
double parse_node_timeout(const std::string& text);

} // namespace vmss
