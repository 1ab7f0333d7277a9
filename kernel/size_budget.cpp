#include "kernel/size_budget.hpp"

#include "kernel/numbers.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace vmss {

namespace {

std::string gigabytes(long double bytes) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1Lf GB", bytes / 1e9L);
  return buf;
}

} // namespace

uint64_t machine_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  uint64_t kb = 0;
  while (in >> key >> kb >> unit)
    if (key == "MemTotal:")
      return kb * 1024;
  return 0;
}

void check_size(const std::string& what, uint64_t entities,
                uint64_t bytes_per_entity, uint64_t memory_bytes,
                const std::string& memory_name) {
  auto need = static_cast<long double>(entities) * bytes_per_entity +
              process_baseline_bytes;
  auto count = std::to_string(entities) + " entities";
  if (memory_bytes != 0 && need > memory_bytes)
    throw std::invalid_argument(what + ": " + count + " would need ≈ " +
                                gigabytes(need) + "; " + memory_name + " " +
                                gigabytes(memory_bytes));
  if (entities > max_entities)
    throw std::invalid_argument(what + ": " + count +
                                " do not fit 32-bit "
                                "entity ids (at most " +
                                std::to_string(max_entities) + ")");
}

void check_size(const std::string& what, uint64_t entities,
                uint64_t bytes_per_entity) {
  const char* budget = std::getenv(memory_budget_env);
  if (!budget) {
    check_size(what, entities, bytes_per_entity, machine_memory_bytes());
    return;
  }
  uint64_t mb = 0;
  std::string why;
  if (!parse_uint(budget, 1, UINT64_MAX / 1000000, mb, &why))
    throw std::invalid_argument(std::string(memory_budget_env) + "=" + budget +
                                ": " + why);
  uint64_t machine = machine_memory_bytes();
  uint64_t bytes = mb * 1000000;
  if (machine != 0 && machine < bytes)
    check_size(what, entities, bytes_per_entity, machine);
  else
    check_size(what, entities, bytes_per_entity, bytes,
               std::string(memory_budget_env) + " allows");
}

} // namespace vmss
