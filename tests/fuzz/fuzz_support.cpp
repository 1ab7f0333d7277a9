#include "fuzz_support.hpp"

#include "kernel/size_budget.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace vmss::fuzz {

namespace {

/// A model that fits this machine can still take many seconds to build
/// under the sanitizers (a 50-zone region did): the targets plan for at
/// most 128 MB, so that such inputs are refused as too large instead.
const bool memory_budget_set = ::setenv(memory_budget_env, "128", 0) == 0;

std::string make_scratch_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/vmss-fuzz-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    std::perror("fuzz: mkdtemp");
    std::abort();
  }
  return buf.data();
}

void remove_scratch_dir() {
  std::error_code ec; // nothing left to report to at exit
  std::filesystem::remove_all(scratch_dir(), ec);
}

} // namespace

const std::string& scratch_dir() {
  // Never destroyed: the exit handler that removes the directory runs
  // after the destructors of statics made before it was registered.
  static const std::string& dir = []() -> const std::string& {
    auto* made = new std::string(make_scratch_dir());
    std::atexit(remove_scratch_dir);
    return *made;
  }();
  return dir;
}

std::string write_scratch(const std::string& name, const uint8_t* data,
                          size_t size) {
  auto path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data),
            static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::perror(("fuzz: cannot write " + path).c_str());
    std::abort();
  }
  return path;
}

} // namespace vmss::fuzz
