#include "actors/physical/control.hpp"

#include "messages/physical_messages.hpp"

#include <caf/all.hpp>

namespace vmss::physical {

caf::behavior control::make_behavior() {
  return {
      [=](const fault_notice& notice) {
        trace(notice.recovered ? "fault_recovered" : "fault_injected",
              {{"fault", notice.fault}, {"target", notice.target}});
      },
  };
}

} // namespace vmss::physical
