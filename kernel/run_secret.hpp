#pragma once
/// Who may join a run. Every run has a secret: 256 random bits from the OS
/// (getrandom), or the contents of cluster.conf's secret-file. The
/// coordinator hands it to the node processes it starts in the environment
/// variable VMSS_RUN_SECRET (never on a command line); a hand-started node
/// reads that variable or the secret-file. The secret itself never crosses
/// the network: each role proves it with its token, HMAC-SHA256(secret,
/// role), carried in every protocol message and compared in constant time.
/// No CAF in this header.

#include <cstdint>
#include <string>
#include <vector>

namespace vmss {

/// Environment variable that carries the run secret (hex) to node processes.
inline constexpr const char* run_secret_env = "VMSS_RUN_SECRET";

/// A fresh secret from the OS: 64 hex digits (256 bits). Throws
/// std::runtime_error if the OS has no randomness to give.
std::string generate_run_secret();

/// Checks a secret's text: 32 to 128 hex digits (128 to 512 bits), spaces
/// and line ends around it ignored. Returns it trimmed and in lower case;
/// throws std::invalid_argument with the reason.
std::string check_run_secret(const std::string& text);

/// Reads a secret file. It must be a regular file (not a symlink) owned by
/// this user and closed to group and others (chmod 600). Throws
/// std::runtime_error "PATH: reason".
std::string read_run_secret_file(const std::string& path);

/// The tokens of one run: the coordinator's and each node's.
class run_tokens {
public:
  run_tokens() = default;
  /// Throws std::invalid_argument if `secret` fails check_run_secret.
  run_tokens(const std::string& secret, uint32_t nodes);

  const std::string& coordinator() const { return coordinator_; }
  /// Node k's token; k < nodes.
  const std::string& node(uint32_t k) const { return nodes_.at(k); }

  /// Whether `token` is node k's (false for k out of range).
  bool proves_node(uint32_t k, const std::string& token) const;
  bool proves_coordinator(const std::string& token) const;

private:
  std::string coordinator_;
  std::vector<std::string> nodes_;
};

} // namespace vmss
