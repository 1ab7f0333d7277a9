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
constexpr const char partition_tag[] = "@partition\t";

std::unique_ptr<model> build_model(const std::string& text, uint64_t seed,
                                   uint32_t nodes,
                                   const topology::partition* partition);

} // namespace

std::string scenario_model_spec(const std::string& label,
                                const std::string& text) {
  return scenario_tag + label + "\n" + text;
}

std::string partitioned_model_spec(const topology::partition& p,
                                   const std::string& spec) {
  return partition_tag + topology::partition_text(p) + "\n" + spec;
}

std::unique_ptr<model> make_any_model(const std::string& text, uint64_t seed,
                                      uint32_t nodes) {
  if (text.rfind(partition_tag, 0) != 0)
    return build_model(text, seed, nodes, nullptr);
  auto eol = text.find('\n');
  auto start = sizeof(partition_tag) - 1;
  auto partition = topology::parse_partition(
      text.substr(start, eol == std::string::npos ? eol : eol - start));
  return build_model(eol == std::string::npos ? "" : text.substr(eol + 1), seed,
                     nodes, &partition);
}

namespace {

/// A model of any kind; `partition` (cluster.conf's rule), when given, is
/// for the region model only.
std::unique_ptr<model> build_model(const std::string& text, uint64_t seed,
                                   uint32_t nodes,
                                   const topology::partition* partition) {
  topology::partition automatic;
  const auto& part = partition ? *partition : automatic;
  if (text.rfind(scenario_tag, 0) == 0) {
    auto eol = text.find('\n');
    auto label =
        text.substr(sizeof(scenario_tag) - 1, eol - (sizeof(scenario_tag) - 1));
    auto slash = label.rfind('/');
    auto in = input::load_scenario_text(
        text.substr(eol + 1), label,
        slash == std::string::npos ? "." : label.substr(0, slash));
    return physical::make_region_model(in, seed, part);
  }
  model_spec spec(text);
  if (partition && spec.name() != "region")
    throw std::invalid_argument(
        partition->source +
        ": cluster.partition: the rule places a region "
        "model's zones (a scenario or --model region), not '" +
        spec.name() + "'");
  if (spec.name() == "pingpong")
    return bench::make_pingpong(spec, nodes);
  if (spec.name() == "heartbeat")
    return bench::make_heartbeat(spec, nodes);
  if (spec.name() == "phold")
    return bench::make_phold(spec, nodes);
  if (spec.name() == "roundtrip")
    return bench::make_roundtrip(spec, nodes);
  if (spec.name() == "region")
    return physical::make_region_model(spec, part);
  throw std::invalid_argument(
      "unknown model '" + spec.name() +
      "' (known: region, pingpong, heartbeat, phold, roundtrip)");
}

} // namespace

std::string self_executable() {
  char buf[PATH_MAX];
  auto n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0)
    throw std::runtime_error("cannot find the vmss-sim executable");
  return std::string(buf, static_cast<size_t>(n));
}

} // namespace vmss
