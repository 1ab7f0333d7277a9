#pragma once
/// How large a model may be: checked when the model is constructed, before
/// anything is allocated. Entity ids are 32 bits, and every entity actor
/// costs memory (README "Benchmarks": 1.95 KB per entity actor above a
/// 12 MB process baseline for W2; the region preset's 211,000 actors peak
/// at 652 MB, 3.1 KB each with their state). No CAF in here.

#include <cstdint>
#include <string>

namespace vmss {

/// Per-entity costs measured on the benchmarks.
constexpr uint64_t bytes_per_entity_actor = 2048;
constexpr uint64_t bytes_per_region_entity = 3200;
constexpr uint64_t process_baseline_bytes = 12 * 1000 * 1000;

/// The most entities a run may have (entity ids are uint32_t, and the
/// largest value marks "none").
constexpr uint64_t max_entities = 0xfffffffeu;

/// This machine's memory (MemTotal of /proc/meminfo) in bytes; 0 if unknown.
uint64_t machine_memory_bytes();

/// The environment variable that lowers the memory a model may plan for,
/// in whole MB (e.g. on a shared machine, or for the fuzz targets).
constexpr const char* memory_budget_env = "VMSS_MEMORY_BUDGET_MB";

/// Refuses a model of `entities` entities, `bytes_per_entity` each, that
/// does not fit 32-bit entity ids or whose estimate exceeds
/// `memory_bytes` (0: unknown, not checked). Throws std::invalid_argument:
/// "WHAT: N entities would need ≈ X GB; this machine has Y GB" (the words
/// before Y are `memory_name`).
void check_size(const std::string& what, uint64_t entities,
                uint64_t bytes_per_entity, uint64_t memory_bytes,
                const std::string& memory_name = "this machine has");

/// check_size against this machine's memory, or VMSS_MEMORY_BUDGET_MB when
/// that is set and smaller (a malformed value is an std::invalid_argument).
void check_size(const std::string& what, uint64_t entities,
                uint64_t bytes_per_entity);

} // namespace vmss
