// Progress on stderr and the closing hints (docs/cli.md "Progress"):
// plain lines when stderr is not a terminal, one redrawn line when it is,
// nothing with --quiet; stdout is the same in every case.

#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <string>

namespace {

using vmss_test::read_file;
using vmss_test::scratch;

/// A run of scenarios/faults-tour.json (300 virtual seconds, well under a
/// wall second): bad options and --quiet.
std::string tour_run(const scratch& dir, const std::string& interval = "10ms") {
  return std::string("run ") + VMSS_SOURCE_DIR +
         "/scenarios/faults-tour.json --out " + dir.at("t") +
         " --progress-interval " + interval;
}

/// A run of the built-in default scenario (two virtual hours, a few wall
/// seconds): long enough for progress lines every 10 ms of wall time (the
/// coordinator samples every 200 ms).
std::string default_run(const scratch& dir) {
  return "run --out " + dir.at("t") + " --progress-interval 10ms";
}

struct streams {
  int exit_code = -1;
  std::string out, err;
};

streams run_apart(const scratch& dir, const std::string& args) {
  std::string cmd = std::string(VMSS_SIM_EXE) + " " + args + " >" +
                    dir.at("stdout") + " 2>" + dir.at("stderr");
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1,
          read_file(dir.at("stdout")), read_file(dir.at("stderr"))};
}

std::string without_wall_clock(const std::string& text) {
  static const std::regex wall("wall_s=\\S+");
  return std::regex_replace(text, wall, "wall_s=?");
}

const std::regex plain_line("(^|\\n)progress: virtual [0-9:]+ of 2:00:00 "
                            "\\(\\d+\\.\\d%\\), \\d+ events \\(\\d+/s\\), "
                            "wall [^,\\n]+, ETA [^\\n]+\\n");

TEST(progress, plain_lines_when_stderr_is_no_terminal) {
  scratch dir;
  auto r = run_apart(dir, default_run(dir));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, plain_line)) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("progress:"), std::string::npos) << r.out;
  // Where to look next, after the run.
  EXPECT_NE(r.err.find("# trace dir: " + dir.at("t") + "\n"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("# next: vmss-sim trace report " + dir.at("t") +
                       " -o report.html\n"),
            std::string::npos)
      << r.err;
}

TEST(progress, quiet_prints_nothing_on_stderr_and_the_same_stdout) {
  scratch dir;
  auto loud = run_apart(dir, tour_run(dir));
  auto quiet = run_apart(dir, tour_run(dir) + " --quiet");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(without_wall_clock(quiet.out), without_wall_clock(loud.out));
}

TEST(progress, a_bad_interval_or_progress_with_quiet_is_refused) {
  scratch dir;
  auto r = run_apart(dir, tour_run(dir, "5"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: --progress-interval 5: ", 0), 0u) << r.err;
  r = run_apart(dir, tour_run(dir, "1ms"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be from 10ms to 1h"), std::string::npos) << r.err;
  r = run_apart(dir, tour_run(dir) + " --progress --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

/// Runs vmss-sim with stderr on a pseudo-terminal (stdout to a file);
/// returns what the terminal showed.
std::string run_on_terminal(const scratch& dir, const std::string& args,
                            int& exit_code) {
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    int out =
        ::open(dir.at("stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    std::string cmd = std::string(VMSS_SIM_EXE) + " " + args;
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string seen;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0)
      seen.append(buf, static_cast<size_t>(n));
    else if (n < 0 && errno == EINTR)
      continue;
    else
      break; // EIO: the child closed the terminal
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return seen;
}

TEST(progress, a_terminal_sees_one_line_redrawn_in_place) {
  scratch dir;
  int code = -1;
  auto seen = run_on_terminal(dir, default_run(dir), code);
  ASSERT_EQ(code, 0) << seen;
  EXPECT_NE(seen.find("\r\x1b[Kprogress: virtual "), std::string::npos) << seen;
  // No plain progress line: each is redrawn, then cleared before the hints.
  EXPECT_EQ(seen.find("\nprogress:"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\r\x1b[K# trace dir: "), std::string::npos) << seen;
  EXPECT_NE(read_file(dir.at("stdout")).find("\ndigest="), std::string::npos);
  // --progress forces plain lines on a terminal too.
  seen = run_on_terminal(dir, default_run(dir) + " --progress", code);
  ASSERT_EQ(code, 0) << seen;
  EXPECT_EQ(seen.find('\x1b'), std::string::npos) << seen;
  EXPECT_NE(seen.find("progress: virtual "), std::string::npos) << seen;
}

} // namespace
