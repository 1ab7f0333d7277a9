// The control port's framing (runners/control_wire.hpp) over a socket pair,
// and the server end to end with a hub whose run side this test plays.

#include "messages/control.pb.h"
#include "runners/control_server.hpp"
#include "runners/control_wire.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

namespace {

using namespace vmss::control;

struct socket_pair {
  int fd[2] = {-1, -1};
  socket_pair() {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0);
    set_io_timeout(fd[0], 2);
    set_io_timeout(fd[1], 2);
  }
  ~socket_pair() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
};

TEST(control_wire, frame_is_big_endian_length_then_body) {
  EXPECT_EQ(frame("abc"), std::string("\0\0\0\3abc", 7));
  EXPECT_EQ(frame(std::string(258, 'x')).substr(0, 4),
            std::string("\0\0\1\2", 4));
}

TEST(control_wire, round_trip) {
  socket_pair p;
  std::string error, body;
  ASSERT_TRUE(write_frame(p.fd[0], "hello", error)) << error;
  ASSERT_TRUE(write_frame(p.fd[0], "", error)) << error;
  ASSERT_TRUE(read_frame(p.fd[1], body, error)) << error;
  EXPECT_EQ(body, "hello");
  ASSERT_TRUE(read_frame(p.fd[1], body, error)) << error;
  EXPECT_EQ(body, "");
}

TEST(control_wire, refuses_frames_over_one_mib) {
  socket_pair p;
  std::string error, body;
  EXPECT_FALSE(
      write_frame(p.fd[0], std::string(max_frame_bytes + 1, 'x'), error));
  EXPECT_NE(error.find("over the limit of 1 MiB"), std::string::npos);
  // A peer that claims more: refused from the length alone.
  std::string head("\0\x10\0\1", 4);
  ASSERT_EQ(::write(p.fd[0], head.data(), 4), 4);
  EXPECT_FALSE(read_frame(p.fd[1], body, error));
  EXPECT_NE(error.find("1048577 bytes is over the limit"), std::string::npos)
      << error;
}

TEST(control_wire, a_torn_frame_is_an_error) {
  socket_pair p;
  std::string error, body;
  auto f = frame("abcdef");
  ASSERT_EQ(::write(p.fd[0], f.data(), 6), 6);
  ::shutdown(p.fd[0], SHUT_WR);
  EXPECT_FALSE(read_frame(p.fd[1], body, error));
  EXPECT_NE(error.find("closed before a whole frame"), std::string::npos);
}

TEST(control_wire, host_port) {
  std::string host;
  uint16_t port = 0;
  split_host_port("127.0.0.1:8080", host, port);
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  split_host_port("[::1]:9", host, port);
  EXPECT_EQ(host, "::1");
  EXPECT_THROW(split_host_port("localhost", host, port), std::invalid_argument);
  EXPECT_THROW(split_host_port("h:0", host, port), std::invalid_argument);
  EXPECT_THROW(split_host_port("h:65536", host, port), std::invalid_argument);
  EXPECT_THROW(split_host_port("h:+1", host, port), std::invalid_argument);
}

/// One request through a real server on a free loopback port.
ControlReply ask(uint16_t port, const std::string& token,
                 std::vector<std::string> words) {
  ControlRequest req;
  req.set_token(token);
  for (auto& w : words)
    req.add_words(w);
  std::string error, body;
  int fd = connect_tcp("127.0.0.1", port, 2, 5, error);
  EXPECT_GE(fd, 0) << error;
  req.SerializeToString(&body);
  EXPECT_TRUE(write_frame(fd, body, error)) << error;
  EXPECT_TRUE(read_frame(fd, body, error)) << error;
  ::close(fd);
  ControlReply reply;
  EXPECT_TRUE(reply.ParseFromString(body));
  return reply;
}

TEST(control_server, hands_requests_to_the_hub_and_answers) {
  vmss::live::hub hub("5ec12e7");
  control_server server(hub, "127.0.0.1", 0);
  ASSERT_GT(server.port(), 0);
  // The run's side: echo the words, say whether the token was right.
  std::atomic<bool> stop{false};
  std::thread run([&] {
    while (!stop) {
      for (auto& p : hub.take()) {
        std::string text;
        for (auto& w : p.words)
          text += "[" + w + "]";
        hub.reply(p.id, {p.token_ok, text});
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  auto ok = ask(server.port(), "5ec12e7", {"scale", "web", "5"});
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.text(), "[scale][web][5]");
  auto refused = ask(server.port(), "bad", {"status"});
  EXPECT_FALSE(refused.ok());
  stop = true;
  run.join();
}

TEST(control_server, a_busy_port_is_an_error) {
  vmss::live::hub hub("aa");
  control_server first(hub, "127.0.0.1", 0);
  EXPECT_THROW(control_server(hub, "127.0.0.1", first.port()),
               std::runtime_error);
  EXPECT_THROW(control_server(hub, "not-an-address", 0), std::runtime_error);
}

TEST(control_server, token_file_is_owner_only_and_never_replaced) {
  std::string dir = ::testing::TempDir() + "vmss-token-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  auto path = write_token_file(dir, "abcdef");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_THROW(write_token_file(dir, "again"), std::runtime_error);
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}

} // namespace
