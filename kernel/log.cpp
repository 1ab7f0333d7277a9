#include "kernel/log.hpp"

#include "kernel/assert.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <memory>
#include <stdexcept>

namespace vmss::logging {

namespace {

constexpr const char* names[] = {"trace", "debug", "info",
                                 "warn",  "error", "off"};

spdlog::level::level_enum to_spdlog(level l) {
  switch (l) {
  case level::trace:
    return spdlog::level::trace;
  case level::debug:
    return spdlog::level::debug;
  case level::info:
    return spdlog::level::info;
  case level::warn:
    return spdlog::level::warn;
  case level::error:
    return spdlog::level::err;
  case level::off:
    break;
  }
  return spdlog::level::off;
}

/// Puts the level's marker before each line (kernel/log.hpp). spdlog's
/// pattern formatter would read the local time for every line.
class line_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    append(dest, marker(msg.level));
    append(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    append(dest, "\n");
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<line_formatter>();
  }

private:
  static void append(spdlog::memory_buf_t& dest, std::string_view s) {
    dest.append(s.data(), s.data() + s.size());
  }

  static std::string_view marker(spdlog::level::level_enum l) {
    switch (l) {
    case spdlog::level::trace:
      return "# trace: ";
    case spdlog::level::debug:
      return "# debug: ";
    case spdlog::level::info:
      return "# ";
    case spdlog::level::warn:
      return "warning: ";
    default:
      return "error: ";
    }
  }
};

/// One logger for the process, not in spdlog's registry: stderr, unbuffered
/// (each line is flushed as a whole, so that lines of threads and of node
/// processes sharing the terminal never interleave within a line).
spdlog::logger& logger() {
  static const auto instance = [] {
    auto l = std::make_unique<spdlog::logger>(
        "vmss", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_formatter(std::make_unique<line_formatter>());
    l->set_level(spdlog::level::trace); // the threshold filters first
    return l;
  }();
  return *instance;
}

} // namespace

const char* const level_names = "trace, debug, info, warn, error, off";

namespace detail {

std::atomic<int> threshold{static_cast<int>(default_level)};

void write(level l, std::string_view context, std::string_view message) {
  VMSS_ASSERT(l != level::off, "a line is never written at level off");
  std::string payload;
  if (!context.empty())
    payload.append("[").append(context).append("] ");
  payload.append(message);
  logger().log(spdlog::source_loc{}, to_spdlog(l),
               spdlog::string_view_t(payload.data(), payload.size()));
}

} // namespace detail

level parse_level(const std::string& text) {
  for (int i = 0; i <= static_cast<int>(level::off); ++i)
    if (text == names[i])
      return static_cast<level>(i);
  throw std::invalid_argument(std::string("must be one of ") + level_names);
}

const char* name(level l) {
  return names[static_cast<int>(l)];
}

void set_level(level l) {
  detail::threshold.store(static_cast<int>(l), std::memory_order_relaxed);
}

level current_level() {
  return static_cast<level>(detail::threshold.load(std::memory_order_relaxed));
}

std::string at(sim_time t, std::string_view path) {
  return fmt::format("{:.6f}s {}", to_seconds(t), path);
}

} // namespace vmss::logging
