#pragma once
/// A run's live region state (analysis/live_state) wired to the run: seeded
/// with the model's entity table, fed by the run's record observer, its
/// snapshot the `region` member of `ctl status`; and, for `run --view`, the
/// live view's server on the run's hub (docs/live-view.md).

#include "analysis/live_state.hpp"
#include "runners/live_view.hpp"

#include <memory>
#include <string>

namespace vmss {

class model;
struct run_options;

class live_region {
public:
  /// Seeds the state with every entity of `sim` (one table for `nodes`).
  live_region(model& sim, uint32_t nodes);

  /// Sets opts.observer (feeds the state) and opts.live_status (its
  /// snapshot).
  void attach(run_options& opts);

  /// Starts the live view on opts.live's hub; prints `# view URL` on
  /// stderr. Throws std::runtime_error when it cannot listen.
  void serve(run_options& opts, const live::view_options& where);

  analysis::live_state& state() { return state_; }

private:
  analysis::live_state state_;
  std::unique_ptr<live::view_server> view_;
};

/// The recovery that ends fault `fault` (actors/physical/faults), empty for
/// a name that is no fault or a recovery.
std::string recovery_of_fault(const std::string& fault);

} // namespace vmss
