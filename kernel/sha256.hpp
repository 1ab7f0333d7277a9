#pragma once
/// SHA-256 (OpenSSL) as lowercase hex.

#include <cstddef>
#include <memory>
#include <string>

namespace vmss {

class sha256 {
public:
  sha256();
  ~sha256();
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;

  void update(const void* data, size_t size);
  /// Finishes and returns 64 lowercase hex characters.
  std::string hex();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace vmss
