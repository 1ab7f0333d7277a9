/// Fuzz target: scenario files, read as `vmss-sim validate FILE` reads them
/// (input::load_scenario_file: the JSON reader, the checks, a topology
/// file next to it: topo.json in the scratch directory), then the first
/// fault processes of an accepted scenario expanded over a few targets.

#include "fuzz_support.hpp"
#include "input/fault_process.hpp"
#include "input/scenario.hpp"

#include <exception>

using namespace vmss;

namespace {

const uint8_t topology_file[] = R"({"region": "westeurope", "zones": 2,
  "racks_per_zone": 1, "hosts_per_rack": 2, "fc_replica_sites": ["z1"]})";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::write_scratch("topo.json", topology_file, sizeof topology_file - 1);
  auto path = fuzz::write_scratch("scenario.json", data, size);
  try {
    auto s = input::load_scenario_file(path);
    const std::vector<std::string> targets{
        "westeurope/z1/r1/h1", "westeurope/z1/r1/h2", "westeurope/z2/r1/h1"};
    int processes = std::min(s.spec.fault_processes_size(), 4);
    for (int i = 0; i < processes; ++i)
      input::expand_fault_process(s.spec.fault_processes(i),
                                  static_cast<size_t>(i), targets,
                                  s.spec.seed(), s.spec.duration_ns());
  } catch (const std::exception&) {
    // A rejected file: the command prints the message and exits 2.
  }
  return 0;
}
