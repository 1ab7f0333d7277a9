#include "topology/entity_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace vmss {

void entity_table::add(std::string path, const entity_kind& kind,
                       uint32_t node) {
  entries_.push_back({std::move(path), &kind, node});
}

void entity_table::finalize() {
  std::sort(entries_.begin(), entries_.end(),
            [](const entity_entry& a, const entity_entry& b) {
              return a.path < b.path;
            });
  index_.clear();
  index_.reserve(entries_.size());
  for (entity_id i = 0; i < entries_.size(); ++i) {
    if (!index_.emplace(entries_[i].path, i).second)
      throw std::invalid_argument("duplicate entity path: " + entries_[i].path);
    if (entries_[i].node >= num_nodes_)
      throw std::invalid_argument("entity " + entries_[i].path +
                                  " placed on node " +
                                  std::to_string(entries_[i].node) + " of " +
                                  std::to_string(num_nodes_));
  }
}
entity_id entity_table::id_of(const std::string& path) const {
  auto i = index_.find(path);
  if (i == index_.end())
    throw std::out_of_range("unknown entity: " + path);
  return i->second;
}

} // namespace vmss
