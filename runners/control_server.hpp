#pragma once
/// The control port of `vmss-sim run --control PORT`: a thread that accepts
/// TCP connections, reads one ControlRequest frame from each
/// (messages/control.proto, runners/control_wire.hpp), hands its words and
/// token to the run's hub (kernel/live_hub.hpp) and writes the ControlReply.
/// At most max_connections clients are served at once; a client that sends
/// nothing within io_timeout_s is dropped. No CAF in this header.

#include "kernel/live_hub.hpp"

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace vmss::control {

class control_server {
public:
  static constexpr int max_connections = 8;
  static constexpr double io_timeout_s = 5;
  /// How long a client waits for the run (a paused run still answers).
  static constexpr double answer_timeout_s = 30;

  /// Listens on `bind_address`:`port` (port 0: a free one). Throws
  /// std::runtime_error naming the address on failure.
  control_server(live::hub& hub, const std::string& bind_address,
                 uint16_t port);
  /// Stops accepting, ends open connections and joins every thread.
  ~control_server();

  control_server(const control_server&) = delete;
  control_server& operator=(const control_server&) = delete;

  const std::string& address() const { return address_; }
  uint16_t port() const { return port_; }

private:
  struct connection {
    int fd = -1;
    std::thread worker;
    std::atomic<bool> done{false};
  };

  void accept_loop();
  void serve(connection& c);
  /// Joins the workers whose connection ended.
  void reap();

  live::hub& hub_;
  std::string address_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::mutex mutex_;
  std::list<connection> connections_;
  std::thread acceptor_;
};

/// Writes `token` to DIR/control-token, created for this user only (0600;
/// an existing file is refused). Returns the path; throws
/// std::runtime_error naming it.
std::string write_token_file(const std::string& dir, const std::string& token);

} // namespace vmss::control
