#include "actors/physical/region_model.hpp"
#include "bench/workloads.hpp"
#include "input/scenario.hpp"
#include "runners/commands.hpp"

#include <unistd.h>

#include <climits>
#include <stdexcept>

namespace vmss {

namespace {

constexpr const char scenario_tag[] = "@scenario\t";

} // namespace

std::string scenario_model_spec(const std::string& label,
                                const std::string& text) {
  return scenario_tag + label + "\n" + text;
}

std::unique_ptr<model> make_any_model(const std::string& text, uint64_t seed,
                                      uint32_t nodes) {
  if (text.rfind(scenario_tag, 0) == 0) {
    auto eol = text.find('\n');
    auto label =
        text.substr(sizeof(scenario_tag) - 1, eol - (sizeof(scenario_tag) - 1));
    auto slash = label.rfind('/');
    auto in = input::load_scenario_text(
        text.substr(eol + 1), label,
        slash == std::string::npos ? "." : label.substr(0, slash));
    return physical::make_region_model(in, seed);
  }
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
