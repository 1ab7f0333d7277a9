#pragma once
/// Where a run's trace goes (`run --out DIR`, `bench --trace DIR`).
///
/// vmss-sim runs as root in set-up scripts and CI, so it never deletes what
/// it did not write. The trace is written into a fresh staging directory
/// beside DIR (`DIR.vmss-partial-XXXXXX`, made by mkdtemp) and moved into
/// place only when the run is complete:
///
///   check DIR ──> stage ──run──> commit: DIR := staging (atomic exchange),
///      │                 │                the previous trace is deleted
///      │                 │                file by file
///      │                 └─fails─> abandon: staging removed, DIR untouched
///      │                           keep:    staging left (incomplete trace)
///      └─ refused (DIR exists and is not ours): nothing touched
///
/// DIR may be replaced only if it does not exist, is an empty directory, or
/// is a trace directory that vmss-sim wrote (trace::is_vmss_trace_dir).

#include <string>

namespace vmss {

class trace_output {
public:
  /// Checks that `path` may receive a trace and creates the staging
  /// directory beside it (and any missing parent directories). Throws
  /// std::invalid_argument naming `option` and the reason when `path` may
  /// not be written; nothing has been touched then.
  trace_output(std::string path, const std::string& option);

  /// Removes the staging directory unless it was committed or kept.
  ~trace_output();

  trace_output(const trace_output&) = delete;
  trace_output& operator=(const trace_output&) = delete;

  /// The requested path, as given.
  const std::string& path() const { return path_; }

  /// The directory the run writes into until commit().
  const std::string& staging() const { return staging_; }

  /// Moves the staged trace to path(), replacing what was there (checked
  /// again first). Throws std::runtime_error if it cannot; the staged trace
  /// is then kept and named in the message.
  void commit();

  /// Leaves the staged trace where it is (a run that failed part way):
  /// returns staging().
  const std::string& keep();

private:
  std::string option_;
  std::string path_;    ///< as given
  std::string target_;  ///< normalised: no trailing separator
  std::string staging_; ///< empty once committed
  bool kept_ = false;
};

} // namespace vmss
