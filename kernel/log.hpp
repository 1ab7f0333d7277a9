#pragma once
/// Diagnostic lines on stderr, through spdlog; stdout keeps only the result
/// lines that scripts read (docs/cli.md). No CAF and no spdlog here.
///
/// A line is its level's marker, an optional [context] and the message:
///
///     error: node 1 lost its coordinator; stopping
///     warning: the coordinator refused hello from node 7: ...
///     # coordinator 127.0.0.1:40123 pid 4711
///     # debug: [12.345678s westeurope/z1/r00/h01] ...
///
/// The marker comes first, as in the commands' own `error:` and `warning:`
/// lines (runners/tell_user.hpp), so that `error:` starts the line of an
/// error and `#` the line of a note whatever the context. Lines about the
/// simulation carry the virtual time and the entity (logging::at); lines of the
/// process plumbing name their node in the message. A line below the level
/// costs one relaxed atomic load and a comparison: its arguments are not
/// formatted (pass what is at hand, not what must be computed). Logging reads
/// nothing back, so it cannot change a run, its trace or its digests.

#include "kernel/sim_time.hpp"

#include <fmt/format.h>

#include <atomic>
#include <string>
#include <string_view>
#include <utility>

namespace vmss::logging {

enum class level : int { trace, debug, info, warn, error, off };

/// The level of a run that is given none: every line vmss-sim printed
/// before it had levels (notes, warnings, errors).
constexpr level default_level = level::info;

/// The names parse_level accepts, for help texts and errors:
/// "trace, debug, info, warn, error, off".
extern const char* const level_names;

/// The level named `text` (one of level_names, lower case); throws
/// std::invalid_argument naming the allowed names.
level parse_level(const std::string& text);

/// The name of `l`, as parse_level reads it.
const char* name(level l);

/// Lines below `l` are dropped from now on (`off`: every line).
void set_level(level l);
level current_level();

namespace detail {
extern std::atomic<int> threshold;
void write(level l, std::string_view context, std::string_view message);
} // namespace detail

/// Whether a line at level `l` is printed.
inline bool enabled(level l) {
  return static_cast<int>(l) >=
         detail::threshold.load(std::memory_order_relaxed);
}

/// The context of a line about entity `path` at virtual time `t`:
/// "12.345678s PATH".
std::string at(sim_time t, std::string_view path);

/// A line at level `l`; the arguments are formatted only when it is printed.
template <class... Ts>
void line(level l, fmt::format_string<Ts...> format, Ts&&... args) {
  if (enabled(l))
    detail::write(l, {}, fmt::format(format, std::forward<Ts>(args)...));
}

/// A line about entity `path` at virtual time `t`.
template <class... Ts>
void line_at(level l, sim_time t, std::string_view path,
             fmt::format_string<Ts...> format, Ts&&... args) {
  if (enabled(l))
    detail::write(l, at(t, path),
                  fmt::format(format, std::forward<Ts>(args)...));
}

template <class... Ts>
void debug(fmt::format_string<Ts...> format, Ts&&... args) {
  line(level::debug, format, std::forward<Ts>(args)...);
}

template <class... Ts>
void info(fmt::format_string<Ts...> format, Ts&&... args) {
  line(level::info, format, std::forward<Ts>(args)...);
}

template <class... Ts>
void warn(fmt::format_string<Ts...> format, Ts&&... args) {
  line(level::warn, format, std::forward<Ts>(args)...);
}

template <class... Ts>
void error(fmt::format_string<Ts...> format, Ts&&... args) {
  line(level::error, format, std::forward<Ts>(args)...);
}

} // namespace vmss::logging
