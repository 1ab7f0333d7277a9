/// crash_silence checker (state diagram in the header).

#include "analysis/checkers/crash_silence.hpp"

#include "analysis/record_fields.hpp"
#include "kernel/kernel_events.hpp"

namespace vmss::analysis {

void crash_silence_checker::on_record(const record& r) {
  auto it = down_since_.find(r.entity());
  bool down = it != down_since_.end();
  if (is(r, kernel_events::entity_crashed)) {
    if (down)
      violations_.add(r, "entity_crashed while already down (crashed at "
                         "t_ns=" +
                             std::to_string(it->second) + ")");
    else
      down_since_.emplace(r.entity(), r.t_ns());
  } else if (is(r, kernel_events::entity_restarted)) {
    if (down)
      down_since_.erase(it);
  } else if (down && !is(r, kernel_events::dropped_while_down)) {
    violations_.add(r, "record '" + std::string(r.event) +
                           "' from a crashed entity (crashed at t_ns=" +
                           std::to_string(it->second) + ")");
  }
}

violation_list crash_silence_checker::finish() {
  return std::move(violations_);
}

} // namespace vmss::analysis
