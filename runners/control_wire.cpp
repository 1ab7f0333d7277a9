#include "runners/control_wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vmss::control {

namespace {

bool write_all(int fd, const char* data, size_t n, std::string& error) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      error = std::string("cannot send: ") +
              (errno == EAGAIN || errno == EWOULDBLOCK ? "timed out"
                                                       : std::strerror(errno));
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, char* data, size_t n, std::string& error) {
  while (n > 0) {
    ssize_t r = ::recv(fd, data, n, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r == 0) {
      error = "the connection closed before a whole frame came";
      return false;
    }
    if (r < 0) {
      error = std::string("cannot receive: ") +
              (errno == EAGAIN || errno == EWOULDBLOCK ? "timed out"
                                                       : std::strerror(errno));
      return false;
    }
    data += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

} // namespace

std::string frame(const std::string& body) {
  auto n = static_cast<uint32_t>(body.size());
  std::string out(4, '\0');
  out[0] = static_cast<char>(n >> 24);
  out[1] = static_cast<char>(n >> 16);
  out[2] = static_cast<char>(n >> 8);
  out[3] = static_cast<char>(n);
  return out + body;
}

bool write_frame(int fd, const std::string& body, std::string& error) {
  if (body.size() > max_frame_bytes) {
    error = "a frame of " + std::to_string(body.size()) +
            " bytes is over the limit of 1 MiB";
    return false;
  }
  auto bytes = frame(body);
  return write_all(fd, bytes.data(), bytes.size(), error);
}

bool read_frame(int fd, std::string& body, std::string& error) {
  unsigned char head[4];
  if (!read_all(fd, reinterpret_cast<char*>(head), 4, error))
    return false;
  uint32_t n = (uint32_t{head[0]} << 24) | (uint32_t{head[1]} << 16) |
               (uint32_t{head[2]} << 8) | uint32_t{head[3]};
  if (n > max_frame_bytes) {
    error =
        "a frame of " + std::to_string(n) + " bytes is over the limit of 1 MiB";
    return false;
  }
  body.assign(n, '\0');
  return read_all(fd, body.data(), n, error);
}

void split_host_port(const std::string& text, std::string& host,
                     uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument("expected HOST:PORT");
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("port '" + digits + "': expected 1 to 65535");
  unsigned long p = std::stoul(digits);
  if (p < 1 || p > 65535)
    throw std::invalid_argument("port '" + digits + "': expected 1 to 65535");
  port = static_cast<uint16_t>(p);
}

void set_io_timeout(int fd, double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - tv.tv_sec) * 1e6);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

namespace {

/// Connects `fd` (non-blocking meanwhile) within `timeout_s`.
bool connect_within(int fd, const sockaddr* addr, socklen_t len,
                    double timeout_s, std::string& error) {
  int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, addr, len);
  if (rc < 0 && errno != EINPROGRESS) {
    error = std::strerror(errno);
    return false;
  }
  if (rc < 0) {
    pollfd p{fd, POLLOUT, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout_s * 1000));
    if (ready <= 0) {
      error = ready == 0 ? "timed out" : std::strerror(errno);
      return false;
    }
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len);
    if (so_error != 0) {
      error = std::strerror(so_error);
      return false;
    }
  }
  ::fcntl(fd, F_SETFL, flags);
  return true;
}

} // namespace

int connect_tcp(const std::string& host, uint16_t port, double timeout_s,
                double io_timeout_s, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc =
      ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    error = std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (auto* a = found; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    if (connect_within(fd, a->ai_addr, a->ai_addrlen, timeout_s, error))
      break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd >= 0)
    set_io_timeout(fd, io_timeout_s);
  return fd;
}

} // namespace vmss::control
