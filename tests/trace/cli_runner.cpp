#include "cli_runner.hpp"

#include "runners/modules.hpp"
#include "runners/trace_command.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

namespace vmss::trace_test {

cli_run run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "vmss-sim");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  CLI::App app{"vmss-sim"};
  add_trace_command(app, all_checkers());
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  cli_run r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    r.code = app.exit(e, out, err);
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

} // namespace vmss::trace_test
