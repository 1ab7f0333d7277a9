#pragma once
/// Progress of a long run on stderr (no CAF): one line updated in place
/// when stderr is a terminal, a plain line every interval when it is not,
/// nothing when quiet. Wall time paces the lines only; no result reads it.

#include <cstdint>
#include <string>

namespace vmss {

enum class progress_mode {
  automatic, ///< updating line on a terminal, plain lines otherwise
  plain,     ///< plain lines even on a terminal (`--progress`)
  quiet,     ///< nothing (`--quiet`)
};

/// Where a run is: the slowest node's virtual time, the run's end when
/// known (end_s <= 0: unknown), the events delivered so far over all
/// nodes, and the wall seconds since the run started.
struct progress_sample {
  double virtual_s = 0;
  double end_s = 0;
  uint64_t events = 0;
  double wall_s = 0;
};

/// `1:02:03` (h:mm:ss), `2:03` (m:ss) under an hour; seconds rounded down.
std::string format_clock(double seconds);

/// `progress: virtual 12:30 of 2:00:00 (10.4%), 1234567 events (250000/s),
/// wall 3 s, ETA 26 s` (the end, % and ETA only when the end is known and
/// some virtual time has passed).
std::string format_progress(const progress_sample& s);

class progress_meter {
public:
  /// `fd` is where the lines go (stderr); a terminal there makes the
  /// automatic mode update one line.
  progress_meter(progress_mode mode, double interval_s, int fd = 2);

  /// Prints `s` if the mode and the time since the last line allow.
  void update(const progress_sample& s);

  /// Ends the updating line (clears it) so that later output starts on
  /// a clean line; no-op for plain lines.
  void finish();

  bool updating() const { return updating_; }

private:
  void write(const std::string& text);

  progress_mode mode_;
  double interval_s_;
  int fd_;
  bool updating_ = false; ///< a terminal line updated in place
  bool drawn_ = false;    ///< an updating line is on screen
  double last_wall_s_ = 0;
};

} // namespace vmss
