/// Fuzz target: model specs ("NAME key=value ...", `run --model`,
/// `bench --model`): vmss::model_spec and every model factory, through
/// make_any_model as the runners call it. Only the model is built (options
/// read and checked, the region's layout); its entities are not listed,
/// which is where a run's size is paid.

#include "fuzz_support.hpp"
#include "runners/commands.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto m = make_any_model(fuzz::text_of(data, size), 1, 3);
    m->lookahead();
    m->describe_run();
  } catch (const std::exception&) {
    // A rejected spec: the run prints the message and exits.
  }
  return 0;
}
