#pragma once
/// Azure Monitor's autoscale engine for one autoscale setting, as a pure
/// core (Microsoft.Insights/autoscaleSettings; docs/model.md, "Load,
/// autoscale and regions (issue 12)", "Autoscale engine", lists each rule
/// with its source). Its shell (autoscale.hpp) asks ARM for the set's
/// capacity and the monitor for the active profile's metrics every period,
/// and feeds the answers to evaluate(). No CAF.
///
///   profile_at(now): fixedDate (first that holds now) > recurrence (the
///   latest start at or before now) > the profile without a schedule
///        |
///   evaluate(now, profile, capacity, readings)
///     disabled? ------------------------------------------> disabled
///     capacity < 0 ---------------------------------------> no_target
///     outside [minimum, maximum] -------------------------> clamp
///     a reading missing: capacity < default --------------> default
///     any scale-out rule fires (largest count) --+
///     else all scale-in rules fire (smallest) ---+--> in cooldown? cooldown
///                        scale-in: flapping? reduce or skip
///                                   --> scale_out / scale_in /
///                                       flapping_reduced / flapping_skipped
///     predictive Enabled, nothing reactive: the forecast per instance
///     fires a Percentage CPU scale-out rule ---------------> scale_out

#include "input/azure/autoscale.hpp"
#include "input/time_zone.hpp"
#include "kernel/sim_time.hpp"
#include "messages/metrics.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace vmss::compute {

struct autoscale_params {
  input::azure::autoscale_setting setting;
  /// UTC seconds at virtual time 0 (the scenario's startTime).
  int64_t start_utc_seconds = input::default_start_utc_seconds;
};

enum class autoscale_decision : uint8_t {
  none,
  scale_out,
  scale_in,
  clamp,
  default_capacity, ///< "default"
  cooldown,
  flapping_skipped,
  flapping_reduced,
  disabled,
  no_target,
};

/// The names autoscale_evaluated's `decision` field takes: "none",
/// "scale_out", ..., "default", ...
const char* to_string(autoscale_decision d);

/// A rule's metric as the monitor answered it.
struct rule_reading {
  bool present = false;
  double value = 0;
};

/// The e-mails and webhooks of the setting's notifications (operation
/// Scale), for autoscale_notification.
struct autoscale_notice {
  std::string operation; ///< "Scale Out" or "Scale In" (Azure's webhook)
  std::string emails;    ///< "a@x.com,b@x.com,subscription administrators"
  std::string webhooks;  ///< the serviceUris, ","-joined
};

/// predictiveAutoscalePolicy's forecast of the set's total Percentage CPU
/// (Azure: the sum over the instances) at `for_time`.
struct autoscale_forecast_value {
  std::string mode; ///< "ForecastOnly" or "Enabled"
  sim_time for_time = 0;
  double value = 0;
};

struct autoscale_evaluation {
  autoscale_decision decision = autoscale_decision::none;
  std::string profile;
  int64_t capacity = 0;
  int64_t new_capacity = 0;
  int32_t minimum = 0, maximum = 0;
  /// The rule that decided ("rules[0]"), "" when none.
  std::string rule;
  /// The cooldown the action starts (0 without one).
  sim_time cooldown = 0;
  /// "rules[0] Percentage CPU=78.25;rules[1] Percentage CPU=missing".
  std::string metrics;
  /// capacity_changed's reason: "autoscale:SETTING/PROFILE/rules[N]",
  /// ".../clamp", ".../default", ".../predictive".
  std::string reason;
  /// A scale action: ARM is to set new_capacity.
  bool acts() const { return new_capacity != capacity && capacity >= 0; }
  /// Set when acts() and the setting has notifications.
  std::optional<autoscale_notice> notice;
  /// Set when predictive autoscale is on and has 7 days of history.
  std::optional<autoscale_forecast_value> forecast;
};

class autoscale_core {
public:
  /// Throws std::invalid_argument when a schedule names an unknown time
  /// zone or a fixedDate is not a date-time (the reader refuses both).
  explicit autoscale_core(const autoscale_params& params);
  ~autoscale_core();

  const std::string& setting() const { return params_->setting.name; }
  /// The scale set targetResourceUri names.
  const std::string& scale_set() const { return scale_set_; }

  /// Index of the profile in force at `now` (-1: the setting has none).
  int profile_at(sim_time now) const;
  /// What the monitor is asked for `profile`: one spec per rule, in order.
  std::vector<metric_spec> metrics(int profile) const;

  /// One evaluation with `profile` (profile_at when the query went out),
  /// the set's `capacity` (-1: no such set) and one reading per rule.
  autoscale_evaluation evaluate(sim_time now, int profile, int64_t capacity,
                                const std::vector<rule_reading>& readings);

private:
  struct schedule;
  struct sample {
    sim_time at;
    double total_cpu;
  };
  int64_t utc(sim_time now) const;
  sim_time latest_start(const schedule& s, int64_t utc_seconds) const;
  void decide(sim_time now, int profile, const std::vector<rule_reading>& r,
              autoscale_evaluation& out) const;
  void record(sim_time now, int profile, int64_t capacity,
              const std::vector<rule_reading>& r, autoscale_evaluation& out);
  autoscale_notice notice(const autoscale_evaluation& e) const;

  const autoscale_params* params_;
  std::string scale_set_;
  std::vector<schedule> schedules_; ///< one per profile
  /// One cooldown for both directions, set by the last rule's action.
  sim_time cooldown_until_ = 0;
  /// Total Percentage CPU per evaluation, bounded to one week ahead of
  /// the look-ahead; `first_sample_` says how long the history is.
  std::deque<sample> history_;
  sim_time first_sample_ = sim_time_never;
};

} // namespace vmss::compute
