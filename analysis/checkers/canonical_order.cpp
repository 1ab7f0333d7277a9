/// canonical_order checker. The merge emits each shard's records in file
/// order, so per-node ordering in the merged stream is per-shard ordering.

#include "analysis/checkers/canonical_order.hpp"

namespace vmss::analysis {

void canonical_order_checker::start(const trace::manifest& m) {
  // Of an incomplete trace the reader checks the counts itself: they include
  // records after complete_until_ns, which this checker never sees.
  counts_seen_ = m.complete;
  for (const auto& s : m.shards) {
    shard_state& state = shards_[s.node];
    state.file = s.file;
    state.expected = s.records;
  }
}

canonical_order_checker::shard_state&
canonical_order_checker::shard_of(uint32_t node) {
  shard_state& state = shards_[node];
  if (state.file.empty())
    state.file = trace::shard_file_name(node);
  return state;
}

void canonical_order_checker::on_record(const record& r) {
  if (any_ && r.key < last_)
    violations_.add(r, "merged stream goes backwards: " + format_key(r.key) +
                           " after " + format_key(last_));
  any_ = true;
  last_ = r.key;
  last_t_ns_ = r.key.t_ns;
  shard_state& shard = shard_of(r.node);
  if (shard.any && !(shard.last < r.key))
    violations_.add(r, shard.file +
                           " not strictly increasing: " + format_key(r.key) +
                           " after " + format_key(shard.last));
  shard.any = true;
  shard.last = r.key;
  ++shard.seen;
}

violation_list canonical_order_checker::finish() {
  for (const auto& [node, shard] : shards_) {
    if (!counts_seen_ || shard.seen == shard.expected)
      continue;
    violations_.add(violation{last_t_ns_, shard.file,
                              "shard of node " + std::to_string(node) +
                                  " holds " + std::to_string(shard.seen) +
                                  " records, manifest.json says " +
                                  std::to_string(shard.expected)});
  }
  return std::move(violations_);
}

} // namespace vmss::analysis
