#pragma once
/// `vmss-sim trace …` driven in-process through CLI11, as main would run
/// it, with stdout and stderr captured.

#include <string>
#include <vector>

namespace vmss::trace_test {

struct cli_run {
  int code = 0;
  std::string out;
  std::string err;
};

/// Parses `args` (after "vmss-sim") with the `trace` command and every
/// family's checkers; a ParseError (incl. RuntimeError) becomes the exit
/// code.
cli_run run_cli(std::vector<std::string> args);

/// The last line of `text`, without its newline.
std::string last_line(const std::string& text);

} // namespace vmss::trace_test
