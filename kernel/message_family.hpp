#pragma once
/// How a role family registers its simulation messages (in its module, e.g.
/// actors/fabric/module.cpp): each type with an index fixed within the
/// family, known to CAF and to the kernel's wire registry under the id
/// family * 256 + index. Indices are never reused or renumbered: a new
/// message takes the next free index of its family, and a removed one
/// leaves a gap. Include only in a module's registration file (CAF).

#include "kernel/wire.hpp"

#include <caf/actor_system_config.hpp>

#include <cstdint>
#include <string>

namespace vmss {

class message_family {
public:
  /// `number` is the family's fixed wire number (docs/layout.md lists them;
  /// 0 is the kernel's own protocol, which has no wire ids).
  message_family(caf::actor_system_config& cfg, uint8_t number,
                 std::string name)
      : cfg_(cfg), number_(number), name_(std::move(name)) {}

  /// Registers T as "vmss.<family>.<name>" with wire id number * 256 +
  /// index.
  template <class T>
  void add(uint8_t index, const char* name) {
    auto full = "vmss." + name_ + "." + name;
    cfg_.add_message_type<T>(full);
    wire::registry::instance().add<T>(
        static_cast<wire::type_id>(uint32_t{number_} << 8 | index), full);
  }

private:
  caf::actor_system_config& cfg_;
  uint8_t number_;
  std::string name_;
};

/// Registers the kernel's own protocol (the window messages between
/// processes); every process calls it before the families'.
void register_kernel_messages(caf::actor_system_config& cfg);

} // namespace vmss
