/// Fuzz target: trace shards. The input is the file shard-0.capnp of a
/// trace directory whose manifest.json (written with the project's writer)
/// lists that one shard, its size and a few entities; every `vmss-sim trace`
/// command's reading of it runs: digest, export (JSON lines and CSV),
/// summary and the built-in checkers.

#include "actors/fabric/checkers.hpp"
#include "actors/physical/checkers.hpp"
#include "analysis/checker.hpp"
#include "analysis/digest.hpp"
#include "analysis/export.hpp"
#include "analysis/summary.hpp"
#include "analysis/trace_reader.hpp"
#include "fuzz_support.hpp"
#include "kernel/trace_manifest.hpp"

#include <exception>
#include <sstream>

using namespace vmss;

namespace {

/// The manifest of one shard (its `bytes` is set per input).
trace::manifest& fuzz_manifest() {
  static trace::manifest m = [] {
    trace::manifest m;
    m.scenario = "fuzz";
    m.end_t_ns = 1'000'000'000;
    m.events = 3;
    const std::string host = "westeurope/z1/r1/h1";
    m.entities = {{"westeurope/control", "control", 0},
                  {host, "host_agent", 0},
                  {host + "/vm0", "vm", 0},
                  {host + "/fc", "fc_replica", 0},
                  {"westeurope/z1/r1/tor", "tor_switch", 0}};
    m.shards = {{0, "shard-0.capnp", 3, 0}};
    return m;
  }();
  return m;
}

/// The trace directory scratch_dir(): the input as its shard, and a
/// manifest whose `bytes` matches it (readers refuse any other size).
const std::string& write_trace(const uint8_t* data, size_t size) {
  const std::string& dir = fuzz::scratch_dir();
  fuzz::write_scratch("shard-0.capnp", data, size);
  fuzz_manifest().shards[0].bytes = size;
  trace::write_manifest(dir, fuzz_manifest());
  return dir;
}

/// Runs one trace command's reading; a std::exception is its error exit.
template <class Command>
void run(Command&& command) {
  try {
    command();
  } catch (const std::exception&) {
    // A rejected shard: the command prints the message and exits 2.
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& dir = write_trace(data, size);
  run([&] { analysis::trace_digest(dir); });
  run([&] {
    analysis::trace_reader reader(dir);
    std::ostringstream out;
    analysis::export_jsonl(reader, out);
    analysis::export_csv(reader, out);
  });
  run([&] {
    analysis::trace_reader reader(dir);
    std::ostringstream out;
    analysis::print_summary(analysis::summarize(reader), out);
  });
  run([&] {
    // The checkers vmss-sim trace check runs (runners/modules.cpp).
    auto checkers = analysis::core_checkers();
    physical::register_checkers(checkers);
    fabric::register_checkers(checkers);
    for (const auto& result :
         analysis::run_checkers(dir, checkers.create_all()))
      for (const auto& v : result.violations.kept())
        v.to_string();
  });
  return 0;
}
