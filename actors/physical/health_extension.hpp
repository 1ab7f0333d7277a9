#pragma once
/// The Application Health extension inside a scale set's VM (Azure's
/// ApplicationHealthLinux / ApplicationHealthWindows), as a pure core: it
/// probes the application every `interval` and commits a health state,
/// the way the extension's own loop does (Azure/applicationhealth-
/// extension-linux, main/cmds.go; docs/model.md "Application Health
/// extension"):
///
///   an answer ----> observed state (rich http: Healthy / Unhealthy /
///                   Unknown for no answer; rich tcp and binary: Healthy /
///                   Unhealthy)
///   the first probe commits at once; afterwards a state seen `probes`
///   times in a row (numberOfProbes) is committed.
///
///   rich states only, from start():
///     Initializing --(the same Healthy or Unhealthy `probes` times in a
///                     row, within the grace period)--> that state
///     Initializing --(grace period over)--> Unknown (http) / Unhealthy (tcp)
///
/// Binary states have no Initializing and no Unknown. No CAF.

#include "kernel/sim_time.hpp"
#include "messages/compute_model.hpp"
#include "messages/vm_vocabulary.hpp"

#include <cstdint>

namespace vmss::physical {

/// What one probe of the application got.
enum class app_answer : uint8_t {
  healthy,   ///< HTTP 2xx with Healthy (binary: 200), or a TCP handshake
  unhealthy, ///< the application answered, but not healthy
  none,      ///< no answer (the application is down)
};

class health_extension {
public:
  explicit health_extension(const compute::extension_health& settings);

  /// The extension starts (the VM's extensions are done): nothing
  /// committed yet; a rich extension's grace period begins.
  void start(sim_time now);
  /// The extension stops with its VM: it reports nothing (none).
  void stop();
  bool running() const { return running_; }

  /// One probe's answer at `now`; true when the committed state changed.
  bool on_probe(app_answer answer, sim_time now);

  /// The committed state: none before the first probe and when stopped.
  app_health state() const { return committed_; }
  sim_time interval() const { return settings_.interval; }

private:
  app_health observe(app_answer answer) const;
  /// What a rich extension's grace period ends in without a steady state.
  app_health after_grace() const;

  compute::extension_health settings_;
  bool running_ = false;
  sim_time started_ = 0;
  bool honour_grace_ = false;
  app_health previous_ = app_health::none; ///< the last observed state
  uint32_t consecutive_ = 0;               ///< times in a row it was seen
  app_health committed_ = app_health::none;
};

} // namespace vmss::physical
