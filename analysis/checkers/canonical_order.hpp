#pragma once
/// canonical_order: the merged stream is non-decreasing in order_key, each
/// shard's records are strictly increasing, and each shard holds as many
/// records as manifest.json says (of a complete trace).

#include "analysis/checker.hpp"

#include <map>

namespace vmss::analysis {

class canonical_order_checker : public checker {
public:
  std::string name() const override { return "canonical_order"; }
  void start(const trace::manifest& m) override;
  void on_record(const record& r) override;
  violation_list finish() override;

private:
  struct shard_state {
    std::string file;
    uint64_t expected = 0;
    uint64_t seen = 0;
    bool any = false;
    trace::order_key last;
  };

  shard_state& shard_of(uint32_t node);

  std::map<uint32_t, shard_state> shards_; ///< by node
  bool any_ = false;
  trace::order_key last_;
  int64_t last_t_ns_ = 0;
  bool counts_seen_ = true; ///< every record of every shard is streamed
  violation_list violations_;
};

} // namespace vmss::analysis
