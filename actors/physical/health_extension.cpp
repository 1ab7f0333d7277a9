#include "actors/physical/health_extension.hpp"

#include "kernel/assert.hpp"

namespace vmss::physical {

health_extension::health_extension(const compute::extension_health& settings)
    : settings_(settings) {
  VMSS_ASSERT(settings_.interval > 0 && settings_.probes > 0,
              "the reader filled the extension's interval and probes");
}

void health_extension::start(sim_time now) {
  running_ = true;
  started_ = now;
  honour_grace_ = settings_.rich && settings_.grace > 0;
  previous_ = app_health::none;
  consecutive_ = 0;
  committed_ = app_health::none;
}

void health_extension::stop() {
  running_ = false;
  committed_ = app_health::none;
}

app_health health_extension::observe(app_answer answer) const {
  switch (answer) {
  case app_answer::healthy:
    return app_health::healthy;
  case app_answer::unhealthy:
    return app_health::unhealthy;
  case app_answer::none:
    break;
  }
  return settings_.rich && !settings_.tcp ? app_health::unknown
                                          : app_health::unhealthy;
}

app_health health_extension::after_grace() const {
  return settings_.tcp ? app_health::unhealthy : app_health::unknown;
}

bool health_extension::on_probe(app_answer answer, sim_time now) {
  VMSS_ASSERT(running_, "only a running extension probes");
  auto before = committed_;
  auto state = observe(answer);
  if (state == previous_) {
    ++consecutive_;
  } else {
    previous_ = state;
    consecutive_ = 1;
  }
  if (honour_grace_) {
    if (now - started_ >= settings_.grace) { // no steady state in time
      honour_grace_ = false;
      state = previous_ = after_grace();
      consecutive_ = 1;
      committed_ = app_health::none;
    } else if (consecutive_ == settings_.probes && state != after_grace()) {
      honour_grace_ = false; // settled within the grace period
    } else {
      state = app_health::initializing;
    }
  }
  if (consecutive_ == settings_.probes || committed_ == app_health::none) {
    committed_ = state;
    if (consecutive_ == settings_.probes)
      consecutive_ = 0;
  }
  return committed_ != before;
}

} // namespace vmss::physical
