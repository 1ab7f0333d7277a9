#include "actors/physical/region_model.hpp"
#include "bench/workloads.hpp"
#include "runners/commands.hpp"

#include <unistd.h>

#include <climits>
#include <stdexcept>

namespace vmss {

std::unique_ptr<model> make_any_model(const std::string& text,
                                      uint64_t /*seed*/, uint32_t nodes) {
  model_spec spec(text);
  if (spec.name() == "pingpong")
    return bench::make_pingpong(spec, nodes);
  if (spec.name() == "heartbeat")
    return bench::make_heartbeat(spec, nodes);
  if (spec.name() == "phold")
    return bench::make_phold(spec, nodes);
  if (spec.name() == "roundtrip")
    return bench::make_roundtrip(spec, nodes);
  if (spec.name() == "region")
    return physical::make_region_model(spec);
  throw std::invalid_argument(
      "unknown model '" + spec.name() +
      "' (known: region, pingpong, heartbeat, phold, roundtrip)");
}

std::string self_executable() {
  char buf[PATH_MAX];
  auto n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0)
    throw std::runtime_error("cannot find the vmss-sim executable");
  return std::string(buf, static_cast<size_t>(n));
}

} // namespace vmss
