/// Fuzz target: a trace directory's manifest.json (trace::read_manifest),
/// then the entity table every trace command packs from it. Shard files
/// named by the input are never opened or looked at: the paths are the
/// input's, not ours (trace_shard_fuzz reads shards).

#include "analysis/shard_cursor.hpp"
#include "fuzz_support.hpp"
#include "kernel/trace_manifest.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::write_scratch("manifest.json", data, size);
  try {
    auto m = trace::read_manifest(fuzz::scratch_dir());
    analysis::entity_table entities(m);
    for (uint32_t id = 0; id < entities.size(); ++id)
      if (entities[id].path != m.entities[id].path ||
          entities[id].kind != m.entities[id].kind)
        __builtin_trap(); // the packed table must match the manifest
  } catch (const std::exception&) {
    // A rejected manifest: the command prints the message and exits 2.
  }
  return 0;
}
