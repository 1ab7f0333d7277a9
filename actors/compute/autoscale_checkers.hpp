#pragma once
/// Checkers of the autoscale engine (registered with the compute family's
/// checkers, actors/compute/checkers.cpp), over `autoscale_evaluated` and
/// `capacity_changed` (messages/compute_events.hpp). docs/trace-format.md
/// "Checks" and docs/model.md give the rules and their sources.
///   - autoscale_bounds: every capacity_changed whose reason starts with
///     "autoscale:" sets a capacity (`to`) within [minimum, maximum] of the
///     autoscale_evaluated record that caused it: the latest one of that
///     scale set at or before its time (at the same time the merged order
///     may put the orchestrator's record first: changes are judged once
///     the time has moved on; the evaluation's request may also reach the
///     orchestrator through ARM later). A change with no evaluation at or
///     before it is a violation too;
///   - autoscale_cooldown: two successive scale actions of one setting
///     (decision scale_out, scale_in or flapping_reduced, a reduced
///     scale-in) are at least the earlier one's cooldown_s apart.

#include "analysis/checker.hpp"
#include "kernel/sim_time.hpp"

#include <map>
#include <string>
#include <vector>

namespace vmss::compute {

class autoscale_bounds_checker : public analysis::checker {
public:
  std::string name() const override { return "autoscale_bounds"; }
  void on_record(const analysis::record& r) override;
  analysis::violation_list finish() override;

private:
  struct change {
    sim_time t_ns = 0;
    std::string entity;
    std::string scale_set;
    int64_t to = 0;
    std::string reason;
  };
  /// Judges the changes held back (all of one time).
  void judge();
  struct evaluation {
    std::string setting;
    std::string profile;
    int64_t minimum = 0;
    int64_t maximum = 0;
  };
  std::map<std::string, evaluation> latest_; ///< by scale set
  std::vector<change> held_;
  analysis::violation_list violations_;
};

class autoscale_cooldown_checker : public analysis::checker {
public:
  std::string name() const override { return "autoscale_cooldown"; }
  void on_record(const analysis::record& r) override;
  analysis::violation_list finish() override { return std::move(violations_); }

private:
  struct action {
    sim_time t_ns = 0;
    std::string decision;
    int64_t cooldown_s = 0;
  };
  std::map<std::string, action> last_; ///< by setting
  analysis::violation_list violations_;
};

} // namespace vmss::compute
