#pragma once
/// The lines a command prints on stderr for its user: `error: …` when it
/// refuses its input or fails (exit 2 or 1, docs/cli.md), `warning: …`
/// about its input or its output paths, and `# …` notes on what it left
/// behind. They belong to the command's
/// output, like its result lines on stdout, so every --log-level prints
/// them; diagnostics go through kernel/log.hpp instead. This is the one
/// place that writes std::cerr (tests redirect it to read the lines).

#include <iostream>
#include <string_view>

namespace vmss {

enum class user_line { error, warning, note };

/// Prints "error: TEXT", "warning: TEXT" or "# TEXT" after what stdout
/// holds so far.
inline void tell_user(user_line kind, std::string_view text) {
  static constexpr const char* markers[] = {"error: ", "warning: ", "# "};
  std::cout.flush();
  std::cerr << markers[static_cast<int>(kind)] << text << std::endl;
}

} // namespace vmss
