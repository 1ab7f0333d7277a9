#pragma once
/// crash_silence: between `entity_crashed` and `entity_restarted` the only
/// records an entity may emit are `dropped_while_down`; a second
/// `entity_crashed` before a restart is a violation too. A restart of an
/// entity that is not down is accepted (initial starts may log it).
///
///   up --entity_crashed--> down --entity_restarted--> up
///   down: dropped_while_down ok; anything else (incl. entity_crashed) FAIL

#include "analysis/checker.hpp"

#include <unordered_map>

namespace vmss::analysis {

class crash_silence_checker : public checker {
public:
  std::string name() const override { return "crash_silence"; }
  void on_record(const record& r) override;
  violation_list finish() override;

private:
  std::unordered_map<uint32_t, int64_t> down_since_; ///< entity → crash t_ns
  violation_list violations_;
};

} // namespace vmss::analysis
