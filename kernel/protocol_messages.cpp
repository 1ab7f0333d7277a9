#include "kernel/message_family.hpp"
#include "messages/kernel_protocol.hpp"

#include <caf/actor.hpp>

namespace vmss {

void register_kernel_messages(caf::actor_system_config& cfg) {
  cfg.add_message_type<protocol::node_setup>("vmss.node_setup");
  cfg.add_message_type<protocol::window_batch>("vmss.window_batch");
  cfg.add_message_type<protocol::node_status>("vmss.node_status");
  cfg.add_message_type<protocol::final_report>("vmss.final_report");
  cfg.add_message_type<protocol::live_apply>("vmss.live_apply");
  cfg.add_message_type<std::vector<caf::actor>>("vmss.actor_list");
  cfg.add_message_type<std::vector<uint16_t>>("vmss.port_list");
}

} // namespace vmss
