#pragma once
// A scratch directory of its own (mkdtemp under the test temp dir), removed
// with the object; tests never point vmss-sim anywhere else.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace vmss_test {

class scratch {
public:
  scratch() {
    std::string pattern = ::testing::TempDir() + "vmss-test-XXXXXX";
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec); // our own mkdtemp directory
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;

  /// `name` inside the scratch directory.
  std::string at(const std::string& name) const { return dir_ + "/" + name; }

  /// Writes `text` to `name` and returns its path.
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(at(name)) << text;
    return at(name);
  }

  /// Names directly inside the scratch directory, sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  std::string dir_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace vmss_test
