#include "runners/modules.hpp"

#include "actors/compute/module.hpp"
#include "actors/control/module.hpp"
#include "actors/fabric/module.hpp"
#include "actors/network/module.hpp"
#include "actors/physical/module.hpp"
#include "actors/storage/module.hpp"
#include "analysis/checker.hpp"
#include "bench/module.hpp"
#include "kernel/message_family.hpp"

#include <set>
#include <stdexcept>
#include <string>

namespace vmss {

namespace {

/// Two families with one wire number, kind or event name are a bug.
void check_unique(const std::vector<const family_module*>& list) {
  std::set<unsigned> numbers;
  std::set<std::string_view> kinds, events;
  for (const auto* m : list) {
    if (!numbers.insert(m->wire_number).second)
      throw std::logic_error(std::string("family ") + m->name +
                             " reuses wire number " +
                             std::to_string(m->wire_number));
    for (const auto* k : m->kinds)
      if (!kinds.insert(k->name).second)
        throw std::logic_error(std::string("family ") + m->name +
                               " declares kind " + std::string(k->name) +
                               " again");
    for (const auto* e : m->events)
      if (!events.insert(e->name).second)
        throw std::logic_error(std::string("family ") + m->name +
                               " declares trace event " + std::string(e->name) +
                               " again");
  }
}

} // namespace

const std::vector<const family_module*>& modules() {
  static const std::vector<const family_module*> list = [] {
    std::vector<const family_module*> out{
        &bench::module(),  &physical::module(), &storage::module(),
        &fabric::module(), &compute::module(),  &network::module(),
        &control::module()};
    check_unique(out);
    return out;
  }();
  return list;
}

void register_family_messages(caf::actor_system_config& cfg) {
  for (const auto* m : modules()) {
    message_family family(cfg, m->wire_number, m->name);
    m->register_messages(family);
  }
}

const analysis::checker_registry& all_checkers() {
  static const analysis::checker_registry registry = [] {
    auto r = analysis::core_checkers();
    for (const auto* m : modules())
      if (m->register_checkers)
        m->register_checkers(r);
    return r;
  }();
  return registry;
}

} // namespace vmss
