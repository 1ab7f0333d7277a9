// Progress lines (kernel/progress.hpp): what a line says, and when the
// meter writes one in each mode.

#include "kernel/progress.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <string>

namespace {

using vmss::format_clock;
using vmss::format_progress;
using vmss::progress_meter;
using vmss::progress_mode;
using vmss::progress_sample;

/// Reads what is waiting on `fd` (non-blocking after a write).
std::string drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) {
    out.append(buf, static_cast<size_t>(n));
    if (n < static_cast<ssize_t>(sizeof buf))
      break;
  }
  return out;
}

/// Reads what a terminal's master side shows: until nothing more comes
/// for 200 ms (a pty hands its output over in pieces).
std::string drain_terminal(int fd) {
  std::string out;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 200) > 0) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

struct pipe_fds {
  int fd[2] = {-1, -1};
  pipe_fds() { EXPECT_EQ(::pipe(fd), 0); }
  ~pipe_fds() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
};

progress_sample at(double virtual_s, double wall_s) {
  return {virtual_s, 7200, static_cast<uint64_t>(virtual_s * 1000), wall_s};
}

TEST(progress, clock_is_hours_minutes_seconds) {
  EXPECT_EQ(format_clock(0), "0:00");
  EXPECT_EQ(format_clock(59.9), "0:59");
  EXPECT_EQ(format_clock(750), "12:30");
  EXPECT_EQ(format_clock(7200), "2:00:00");
  EXPECT_EQ(format_clock(3723), "1:02:03");
}

TEST(progress, line_has_virtual_time_share_events_per_second_and_eta) {
  progress_sample s{750, 7200, 1234567, 4};
  EXPECT_EQ(format_progress(s), "progress: virtual 12:30 of 2:00:00 (10.4%), "
                                "1234567 events (308641/s), wall 4 s, ETA "
                                "34 s");
  // ETA: the wall time so far scaled by the virtual time left.
  s = {1800, 7200, 10, 120};
  EXPECT_NE(format_progress(s).find(", ETA 6:00"), std::string::npos)
      << format_progress(s);
}

TEST(progress, unknown_end_has_no_share_and_no_eta) {
  progress_sample s{90, 0, 500, 2};
  EXPECT_EQ(format_progress(s),
            "progress: virtual 1:30, 500 events (250/s), wall 2 s");
}

TEST(progress, plain_lines_come_once_per_interval) {
  pipe_fds p;
  progress_meter meter(progress_mode::automatic, 5, p.fd[1]);
  EXPECT_FALSE(meter.updating()); // a pipe is no terminal
  meter.update(at(10, 1));        // before the first interval: nothing
  meter.update(at(60, 5));
  meter.update(at(70, 7)); // within the interval: nothing
  meter.update(at(120, 10.5));
  meter.finish();
  EXPECT_EQ(drain(p.fd[0]), format_progress(at(60, 5)) + "\n" +
                                format_progress(at(120, 10.5)) + "\n");
}

TEST(progress, quiet_writes_nothing) {
  pipe_fds p;
  progress_meter meter(progress_mode::quiet, 1, p.fd[1]);
  for (int i = 1; i < 20; ++i)
    meter.update(at(i * 10, i));
  meter.finish();
  ::write(p.fd[1], "end", 3);
  EXPECT_EQ(drain(p.fd[0]), "end");
}

TEST(progress, a_terminal_gets_one_line_redrawn_then_cleared) {
  int master = -1, slave = -1;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  {
    progress_meter meter(progress_mode::automatic, 5, slave);
    EXPECT_TRUE(meter.updating());
    meter.update(at(60, 0.6)); // a terminal is redrawn every 0.5 s
    meter.update(at(70, 0.8));
    meter.update(at(80, 1.2));
    meter.finish();
  }
  std::string seen = drain_terminal(master);
  EXPECT_EQ(seen, "\r\x1b[K" + format_progress(at(60, 0.6)) + "\r\x1b[K" +
                      format_progress(at(80, 1.2)) + "\r\x1b[K");
  ::close(slave);
  ::close(master);
}

TEST(progress, forced_plain_lines_on_a_terminal) {
  int master = -1, slave = -1;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  {
    progress_meter meter(progress_mode::plain, 1, slave);
    EXPECT_FALSE(meter.updating());
    meter.update(at(60, 1));
    meter.finish();
  }
  // The terminal turns "\n" into "\r\n" on output (onlcr).
  std::string seen = drain_terminal(master);
  EXPECT_EQ(seen.find('\x1b'), std::string::npos) << seen;
  EXPECT_EQ(seen.rfind(format_progress(at(60, 1)), 0), 0u) << seen;
  ::close(slave);
  ::close(master);
}

} // namespace
