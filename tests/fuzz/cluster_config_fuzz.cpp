/// Fuzz target: cluster.conf (vmss::read_cluster_config, which reads a
/// path: the input is written to the scratch directory first).

#include "fuzz_support.hpp"
#include "runners/cluster_config.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = fuzz::write_scratch("cluster.conf", data, size);
  try {
    read_cluster_config(path);
  } catch (const std::exception&) {
    // A rejected file: the command prints the message and exits 2.
  }
  return 0;
}
