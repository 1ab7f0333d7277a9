#include "kernel/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace vmss::detail {

void assertion_failed(const char* file, int line, const char* condition,
                      const char* what) {
  std::fprintf(stderr, "vmss-sim: internal error: %s:%d: %s (%s)\n", file, line,
               what, condition);
  std::fflush(stderr);
  std::abort();
}

} // namespace vmss::detail
