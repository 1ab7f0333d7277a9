/// The checkers of analysis itself, which know no role family: the
/// families add theirs in their modules (actors/<family>/module.cpp).

#include "analysis/checker.hpp"
#include "analysis/checkers/canonical_order.hpp"
#include "analysis/checkers/crash_silence.hpp"

namespace vmss::analysis {

checker_registry core_checkers() {
  checker_registry r;
  r.add<canonical_order_checker>();
  r.add<crash_silence_checker>();
  return r;
}

} // namespace vmss::analysis
