#pragma once
/// Where the processes of a multi-node run listen and how the coordinator
/// starts its node processes (docs/cli.md, "cluster.conf"): on this
/// machine with posix_spawn, or through a command template such as
/// `ssh {host} vmss-sim node ...` or `srun ...`. No CAF in this header.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vmss {

/// Where one node process runs and listens.
struct node_place {
  std::string address = "127.0.0.1"; ///< it listens here; peers dial it
  uint16_t port = 0;                 ///< 0: a free port
  std::string host;                  ///< {host} of the launch template
};

/// The layout of a multi-node run (cluster.conf).
struct cluster_layout {
  std::string coordinator_address = "127.0.0.1"; ///< it listens here
  uint16_t coordinator_port = 0;                 ///< 0: a free port
  /// By node; empty: every node on this machine over loopback.
  std::vector<node_place> nodes;
  /// Empty: local node processes; `manual`: none (started by hand);
  /// otherwise a command template run by /bin/sh -c for each node.
  std::string launch;
  /// Absolute path of cluster.conf ({config}; local nodes get --config).
  std::string config;
};

/// The launch template value that starts no node process.
inline constexpr const char* launch_manual = "manual";

/// The placeholders of a launch template, documented in docs/cli.md.
inline const std::vector<std::string>& launch_placeholders() {
  static const std::vector<std::string> names{
      "host",        "node",   "address", "port",     "threads",
      "coordinator", "config", "exe",     "log_level"};
  return names;
}

/// `text` as one shell word: bare when it holds only safe characters,
/// else in single quotes.
std::string shell_quote(const std::string& text);

/// Replaces each {NAME} of `tmpl` by values.at(NAME), shell-quoted.
/// Throws std::invalid_argument naming an unknown or unterminated
/// placeholder.
std::string expand_launch(const std::string& tmpl,
                          const std::map<std::string, std::string>& values);

/// What a node process is started with.
struct launch_request {
  std::string executable;  ///< this vmss-sim binary ({exe})
  std::string coordinator; ///< ADDR:PORT ({coordinator})
  uint32_t nodes = 0;
  uint32_t threads = 1;
  std::string log_level;
  std::string secret; ///< hex; only ever in the child's environment
};

/// The node processes a coordinator started. Each gets the run secret in
/// its environment only, as VMSS_RUN_SECRET (a command line is visible to
/// every user in `ps`); a template's shell passes its environment on.
class node_launcher {
public:
  explicit node_launcher(cluster_layout layout) : layout_(std::move(layout)) {}
  ~node_launcher() { stop(true); }
  node_launcher(const node_launcher&) = delete;
  node_launcher& operator=(const node_launcher&) = delete;

  /// Starts every node; false with `error` set when one cannot start.
  bool start(const launch_request& req, std::string& error);

  /// Waits for the nodes to exit (up to 5 s), then kills what is left; a
  /// template's process group is killed as a whole.
  void stop(bool kill_now);

  /// The command line of node k (argv), for tests and diagnostics.
  std::vector<std::string> command(const launch_request& req, uint32_t k) const;

private:
  cluster_layout layout_;
  std::vector<pid_t> pids_;
  bool groups_ = false; ///< each child leads its own process group
};

} // namespace vmss
