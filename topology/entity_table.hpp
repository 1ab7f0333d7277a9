#pragma once
/// The table of every entity in a run: topology path, kind and owning node.
/// Ids are positions in path order, so they depend only on the topology,
/// never on spawn order or on which node hosts an entity.

#include "topology/entity_kind.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace vmss {

using entity_id = uint32_t;

struct entity_entry {
  std::string path;
  const entity_kind* kind = nullptr;
  uint32_t node = 0; ///< the node process that runs it
};

class entity_table {
public:
  explicit entity_table(uint32_t num_nodes = 1) : num_nodes_(num_nodes) {}

  /// Adds an entity owned by `node` (< num_nodes()); call finalize() once
  /// all are added.
  void add(std::string path, const entity_kind& kind, uint32_t node = 0);

  /// Sorts by path and assigns ids. Throws std::invalid_argument naming the
  /// path on a duplicate or an out-of-range node.
  void finalize();

  size_t size() const { return entries_.size(); }
  const entity_entry& operator[](entity_id id) const { return entries_[id]; }
  const std::vector<entity_entry>& entries() const { return entries_; }

  /// Id of a path; throws std::out_of_range naming the path if unknown.
  entity_id id_of(const std::string& path) const;

  bool contains(const std::string& path) const {
    return index_.count(path) != 0;
  }

  uint32_t num_nodes() const { return num_nodes_; }

private:
  std::vector<entity_entry> entries_;
  std::unordered_map<std::string, entity_id> index_;
  uint32_t num_nodes_ = 1;
};

} // namespace vmss
