#include "kernel/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vmss {

namespace {

/// Terminal lines are redrawn at most this often.
constexpr double terminal_interval_s = 0.5;

std::string format_seconds(double s) {
  if (s < 60)
    return std::to_string(static_cast<int64_t>(s)) + " s";
  return format_clock(s);
}

} // namespace

std::string format_clock(double seconds) {
  auto total = static_cast<int64_t>(std::max(0.0, std::floor(seconds)));
  int64_t h = total / 3600, m = total / 60 % 60, s = total % 60;
  char buf[48];
  if (h > 0)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld",
                  static_cast<long long>(h), static_cast<long long>(m),
                  static_cast<long long>(s));
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(m),
                  static_cast<long long>(s));
  return buf;
}

std::string format_progress(const progress_sample& s) {
  std::string line = "progress: virtual " + format_clock(s.virtual_s);
  bool known_end = s.end_s > 0;
  if (known_end) {
    char pct[32];
    std::snprintf(pct, sizeof pct, " (%.1f%%)",
                  std::min(100.0, 100.0 * s.virtual_s / s.end_s));
    line += " of " + format_clock(s.end_s) + pct;
  }
  auto rate = s.wall_s > 0 ? static_cast<uint64_t>(s.events / s.wall_s) : 0;
  line += ", " + std::to_string(s.events) + " events (" + std::to_string(rate) +
          "/s), wall " + format_seconds(s.wall_s);
  if (known_end && s.virtual_s > 0) {
    double left = std::max(0.0, s.end_s - s.virtual_s);
    line += ", ETA " + format_seconds(s.wall_s * left / s.virtual_s);
  }
  return line;
}

progress_meter::progress_meter(progress_mode mode, double interval_s, int fd)
    : mode_(mode), interval_s_(interval_s), fd_(fd),
      updating_(mode == progress_mode::automatic && ::isatty(fd) == 1) {
}

void progress_meter::write(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd_, text.data() + done, text.size() - done);
    if (n <= 0)
      return; // stderr gone: progress is not worth failing the run
    done += static_cast<size_t>(n);
  }
}

void progress_meter::update(const progress_sample& s) {
  if (mode_ == progress_mode::quiet)
    return;
  double every =
      updating_ ? std::min(terminal_interval_s, interval_s_) : interval_s_;
  if (s.wall_s - last_wall_s_ < every)
    return;
  last_wall_s_ = s.wall_s;
  if (updating_) {
    // Carriage return, then clear to the end of the line (ECMA-48 EL).
    write("\r\x1b[K" + format_progress(s));
    drawn_ = true;
  } else {
    write(format_progress(s) + "\n");
  }
}

void progress_meter::finish() {
  if (drawn_)
    write("\r\x1b[K");
  drawn_ = false;
}

} // namespace vmss
