/// The built-in checkers. Adding a checker is one line below.

#include "analysis/checker.hpp"
#include "analysis/checkers/canonical_order.hpp"
#include "analysis/checkers/crash_silence.hpp"
#include "analysis/checkers/fabric.hpp"

namespace vmss::analysis {

namespace {

checker_registry make_builtin_checkers() {
  checker_registry r;
  r.add<canonical_order_checker>();
  r.add<crash_silence_checker>();
  r.add<single_leader_checker>();
  r.add<committed_stable_checker>();
  r.add<ram_committed_checker>();
  r.add<vm_one_host_checker>();
  return r;
}

} // namespace

const checker_registry& builtin_checkers() {
  static const checker_registry registry = make_builtin_checkers();
  return registry;
}

} // namespace vmss::analysis
