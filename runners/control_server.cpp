#include "runners/control_server.hpp"

#include "messages/control.pb.h"
#include "runners/control_wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vmss::control {

namespace {

/// A listening socket on address:port (IPv4 or IPv6 literal).
int listen_on(const std::string& address, uint16_t port) {
  sockaddr_storage storage{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
  } else {
    throw std::runtime_error("--control-bind " + address +
                             ": not an IPv4 or IPv6 address");
  }
  int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw std::runtime_error(std::string("cannot open a socket: ") +
                             std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), len) != 0 ||
      ::listen(fd, 16) != 0) {
    int err = errno;
    ::close(fd);
    throw std::runtime_error("--control " + std::to_string(port) +
                             ": cannot "
                             "listen on " +
                             address + ": " + std::strerror(err));
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage storage{};
  socklen_t len = sizeof storage;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &len);
  if (storage.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
}

} // namespace

control_server::control_server(live::hub& hub, const std::string& bind_address,
                               uint16_t port)
    : hub_(hub), address_(bind_address) {
  listen_fd_ = listen_on(bind_address, port);
  port_ = bound_port(listen_fd_);
  if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(std::string("cannot make a pipe: ") +
                             std::strerror(errno));
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

control_server::~control_server() {
  hub_.close("the control port closed"); // no client waits on a dead run
  char byte = 1;
  (void)!::write(stop_pipe_[1], &byte, 1);
  acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& c : connections_)
      ::shutdown(c.fd, SHUT_RDWR); // a client still sending
  }
  for (auto& c : connections_)
    c.worker.join();
  for (auto& c : connections_)
    ::close(c.fd);
  ::close(listen_fd_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

void control_server::reap() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto i = connections_.begin(); i != connections_.end();) {
    if (!i->done) {
      ++i;
      continue;
    }
    i->worker.join();
    ::close(i->fd);
    i = connections_.erase(i);
  }
}

void control_server::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    int ready = ::poll(fds, 2, 1000);
    if (ready < 0 && errno != EINTR)
      return;
    if (fds[1].revents != 0)
      return;
    reap();
    if (ready <= 0 || (fds[0].revents & POLLIN) == 0)
      continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    std::lock_guard<std::mutex> lock(mutex_);
    if (connections_.size() >= static_cast<size_t>(max_connections)) {
      ::close(fd); // bounded: the client sees the connection close
      continue;
    }
    set_io_timeout(fd, io_timeout_s);
    auto& c = connections_.emplace_back();
    c.fd = fd;
    c.worker = std::thread([this, &c] {
      serve(c);
      c.done = true;
    });
  }
}

void control_server::serve(connection& c) {
  std::string body, error;
  if (!read_frame(c.fd, body, error))
    return;
  vmss::control::ControlRequest request;
  vmss::control::ControlReply reply;
  if (!request.ParseFromString(body)) {
    reply.set_ok(false);
    reply.set_text("the request is not a ControlRequest");
  } else {
    std::vector<std::string> words(request.words().begin(),
                                   request.words().end());
    auto a = hub_.submit(request.token(), std::move(words), answer_timeout_s);
    reply.set_ok(a.ok);
    reply.set_text(a.text);
  }
  std::string out;
  reply.SerializeToString(&out);
  write_frame(c.fd, out, error);
}

std::string write_token_file(const std::string& dir, const std::string& token) {
  auto path = dir + "/control-token";
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(
        path + ": cannot create the token file: " + std::strerror(errno));
  auto text = token + "\n";
  bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) ==
                                           static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok)
    throw std::runtime_error(path + ": cannot write the token file");
  return path;
}

} // namespace vmss::control
