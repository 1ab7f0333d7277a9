#include "actors/physical/control.hpp"

#include "messages/physical_events.hpp"

#include "messages/physical_messages.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

caf::behavior control::make_behavior() {
  return {
      [=](const fault_notice& notice) {
        trace(notice.recovered ? events::fault_recovered
                               : events::fault_injected,
              {notice.fault, notice.target});
      },
  };
}

} // namespace vmss::physical
