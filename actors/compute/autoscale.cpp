#include "actors/compute/autoscale.hpp"

#include "messages/compute_events.hpp"
#include "messages/compute_kinds.hpp"

#include <caf/all.hpp>

namespace vmss::compute {

autoscale::autoscale(caf::actor_config& cfg, node_kernel& k, entity_id id,
                     const autoscale_shell_params* params)
    : entity(cfg, k, id), params_(params), core_(params->core) {
}

void autoscale::on_start() {
  // The first evaluation one period after the start (our choice).
  after(params_->period, autoscale_due{++seq_});
}

void autoscale::begin() {
  profile_ = core_.profile_at(now());
  capacity_ = -1;
  send(kernel_.table().id_of(arm_path(params_->region)),
       capacity_query{seq_, core_.scale_set()});
}

void autoscale::on_capacity(const capacity_answer& a) {
  capacity_ = a.capacity;
  auto specs = core_.metrics(profile_);
  const auto monitor = monitor_path(params_->region);
  if (a.capacity < 0 || specs.empty() || !kernel_.table().contains(monitor)) {
    // Nothing to ask (no set, no rules) or no monitor in the run: the
    // rules' metrics are missing.
    decide(std::vector<rule_reading>(specs.size()));
    return;
  }
  // The evaluation's own number (seq_ has moved on to the next timer).
  send(kernel_.table().id_of(monitor),
       metric_query{a.seq, core_.scale_set(), std::move(specs),
                    static_cast<uint32_t>(a.capacity)});
}

void autoscale::decide(const std::vector<rule_reading>& readings) {
  auto e = core_.evaluate(now(), profile_, capacity_, readings);
  const auto& set = core_.scale_set();
  const auto& name = core_.setting();
  if (e.forecast)
    trace(events::autoscale_forecast,
          {name, set, e.forecast->mode,
           static_cast<int64_t>(e.forecast->for_time / seconds(1)),
           e.forecast->value});
  trace(events::autoscale_evaluated,
        {name, set, e.profile, std::string(to_string(e.decision)), e.capacity,
         e.new_capacity, static_cast<int64_t>(e.minimum),
         static_cast<int64_t>(e.maximum), e.rule,
         static_cast<int64_t>(e.cooldown / seconds(1)), e.metrics});
  if (!e.acts())
    return;
  arm_request r;
  r.id = next_request_++;
  r.scale_set = set;
  r.op = arm_op::set_capacity;
  r.capacity = e.new_capacity;
  r.reason = e.reason;
  send(kernel_.table().id_of(arm_path(params_->region)), std::move(r));
  if (e.notice)
    trace(events::autoscale_notification,
          {name, set, e.notice->operation, e.capacity, e.new_capacity,
           e.notice->emails, e.notice->webhooks});
}

caf::behavior autoscale::make_behavior() {
  return {
      [=](const autoscale_due& due) {
        if (due.seq != seq_)
          return;
        begin();
        after(params_->period, autoscale_due{++seq_});
      },
      [=](const capacity_answer& a) {
        if (a.seq + 1 == seq_)
          on_capacity(a);
      },
      [=](const metric_values& v) {
        if (v.seq + 1 != seq_)
          return;
        std::vector<rule_reading> readings(core_.metrics(profile_).size());
        for (size_t i = 0; i < readings.size() && i < v.values.size(); ++i)
          readings[i] = {i < v.present.size() && v.present[i] != 0,
                         v.values[i]};
        decide(readings);
      },
  };
}

} // namespace vmss::compute
