#pragma once
// Runs the vmss-sim binary (VMSS_SIM_EXE) from process-level tests and
// reads `key=value` results from its output.

#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>

namespace vmss_test {

using sim_time = long long;

struct outcome {
  int exit_code = -1;
  std::string output; ///< stdout and stderr
  double wall_s = 0;

  /// Value of `key=` in the output's last line that has it.
  std::string value(const std::string& key) const {
    std::smatch m;
    std::string last;
    std::regex re("(^|\\s)" + key + "=(\\S+)");
    auto begin = output.cbegin();
    while (std::regex_search(begin, output.cend(), m, re)) {
      last = m[2];
      begin = m.suffix().first;
    }
    return last;
  }
};

/// Runs the shell command `cmd` (stderr joined to stdout); `on_line` sees
/// each output line as it comes.
template <class OnLine>
outcome run_shell(const std::string& cmd, OnLine on_line) {
  outcome out;
  auto t0 = std::chrono::steady_clock::now();
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe)
    return out;
  char buf[4096];
  while (fgets(buf, sizeof(buf), pipe)) {
    out.output += buf;
    on_line(std::string(buf));
  }
  int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  return out;
}

/// Runs vmss-sim with `args`; `on_line` sees each output line as it comes.
template <class OnLine>
outcome run_sim(const std::string& args, OnLine on_line) {
  return run_shell(std::string(VMSS_SIM_EXE) + " " + args, on_line);
}

inline outcome run_sim(const std::string& args) {
  return run_sim(args, [](const std::string&) {});
}

/// Runs vmss-sim with `args` in the working directory `cwd` (a path
/// without a single quote), so that relative paths in `args` start there.
inline outcome run_sim_in(const std::string& cwd, const std::string& args) {
  return run_shell("cd '" + cwd + "' && " + VMSS_SIM_EXE + " " + args,
                   [](const std::string&) {});
}

/// A path named `name` inside this process's scratch directory (the same
/// path for the same name); nothing is created there.
inline std::string tmp_dir(const std::string& name) {
  static scratch dir; // this test process's own, removed when it exits
  return dir.at("vmss-" + name);
}

} // namespace vmss_test
