#pragma once
/// Shared by the fuzz targets (docs/fuzzing.md): the input as text, and a
/// private scratch directory for the parsers that read a path.
///
/// Every target catches exactly what the command line catches
/// (std::exception: an error message, exit 2). Anything else - a signal, a
/// sanitizer report, another exception type escaping, a hang, memory
/// beyond -rss_limit_mb - is a finding.

#include <cstddef>
#include <cstdint>
#include <string>

namespace vmss::fuzz {

/// The input bytes as a string (may hold NULs and invalid UTF-8).
inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// A directory of this process only, made once with mkdtemp under $TMPDIR
/// (or /tmp) and removed with everything in it at exit.
const std::string& scratch_dir();

/// Writes `size` bytes to scratch_dir()/name (replacing the file) and
/// returns its path. Aborts if the file cannot be written: that is a broken
/// harness, not a finding.
std::string write_scratch(const std::string& name, const uint8_t* data,
                          size_t size);

} // namespace vmss::fuzz
