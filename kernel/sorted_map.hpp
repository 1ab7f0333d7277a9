#pragma once
/// A map kept as one sorted vector of (key, value): the subset of std::map
/// that hot actor state needs (operator[], find, count, clear, iteration in
/// key order), with lookups that walk contiguous memory instead of a tree
/// of scattered nodes. Inserting a new key moves the entries after it, so
/// it suits maps whose keys are mostly known early (e.g. a leader's hosts).
/// Iterators and references are invalidated by insertion. No CAF.

#include <algorithm>
#include <utility>
#include <vector>

namespace vmss {

template <class Key, class Value>
class sorted_map {
public:
  using value_type = std::pair<Key, Value>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

  /// The value of `key`, value-initialised first if it is new.
  Value& operator[](const Key& key) {
    auto i = lower(key);
    if (i == entries_.end() || i->first != key)
      i = entries_.insert(i, value_type{key, Value{}});
    return i->second;
  }

  iterator find(const Key& key) {
    auto i = lower(key);
    return i != entries_.end() && i->first == key ? i : entries_.end();
  }
  const_iterator find(const Key& key) const {
    auto i = lower(key);
    return i != entries_.end() && i->first == key ? i : entries_.end();
  }
  size_t count(const Key& key) const { return find(key) != end() ? 1 : 0; }

private:
  iterator lower(const Key& key) {
    return std::lower_bound(
        entries_.begin(), entries_.end(), key,
        [](const value_type& e, const Key& k) { return e.first < k; });
  }
  const_iterator lower(const Key& key) const {
    return std::lower_bound(
        entries_.begin(), entries_.end(), key,
        [](const value_type& e, const Key& k) { return e.first < k; });
  }

  std::vector<value_type> entries_;
};

} // namespace vmss
