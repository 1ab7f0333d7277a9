#pragma once
/// The control port's framing (messages/control.proto): each message is a
/// 4-byte big-endian length, then that many bytes of the serialized
/// protobuf message. Frames over max_frame_bytes are refused before anything
/// is allocated. Blocking POSIX sockets; no CAF, no protobuf in this header.

#include <cstddef>
#include <cstdint>
#include <string>

namespace vmss::control {

/// The largest frame body either side accepts: 1 MiB.
constexpr size_t max_frame_bytes = size_t{1} << 20;

/// The frame of `body`: its length (big-endian, 4 bytes), then the body.
std::string frame(const std::string& body);

/// Writes the frame of `body` to `fd`. False with `error` set on failure
/// (including a body over max_frame_bytes).
bool write_frame(int fd, const std::string& body, std::string& error);

/// Reads one frame's body from `fd` into `body`. False with `error` set on
/// end of stream, a read error or time-out, or a length over
/// max_frame_bytes.
bool read_frame(int fd, std::string& body, std::string& error);

/// HOST:PORT (PORT 1-65535; HOST may be [v6]); throws std::invalid_argument
/// with the reason.
void split_host_port(const std::string& text, std::string& host,
                     uint16_t& port);

/// Connects a TCP socket to host:port, giving up after `timeout_s`; -1 with
/// `error` set on failure. Reads and writes on it time out after
/// `io_timeout_s`.
int connect_tcp(const std::string& host, uint16_t port, double timeout_s,
                double io_timeout_s, std::string& error);

/// Sets read and write time-outs of `fd`.
void set_io_timeout(int fd, double seconds);

} // namespace vmss::control
