#include "actors/control/control_actor.hpp"

#include "messages/control_events.hpp"
#include "messages/control_messages.hpp"
#include "messages/physical_messages.hpp"

#include <caf/all.hpp>

namespace vmss::control {

caf::behavior control_actor::make_behavior() {
  return {
      [=](const physical::fault_notice& notice) {
        trace(notice.recovered ? events::fault_recovered
                               : events::fault_injected,
              {notice.fault, notice.target});
      },
      [=](const control_command_notice& c) {
        trace(events::control_command, {c.command, c.accepted, c.reason});
      },
  };
}

} // namespace vmss::control
