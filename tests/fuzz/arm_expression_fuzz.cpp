/// Fuzz target: ARM template expressions (input/arm/expression.hpp): the
/// input is one JSON string of a template, read as ARM reads it
/// (arm::evaluate_string: parsed when "[...]", then evaluated) in a scope
/// with a few parameters, variables, a copy loop and a user function.

#include "fuzz_support.hpp"
#include "input/arm/expression.hpp"

#include <exception>

using namespace vmss::input::arm;

namespace {

class fuzz_scope : public scope {
public:
  value parameter(const std::string& name) override {
    if (name == "count")
      return 3;
    if (name == "tags")
      return {{"env", "prod"}, {"zones", {"1", "2"}}};
    throw expression_error("parameters: no parameter '" + name + "'");
  }
  value variable(const std::string& name) override {
    if (name == "prefix")
      return "vmss";
    throw expression_error("variables: no variable '" + name + "'");
  }
  int64_t copy_index(const std::string& loop) override {
    if (loop.empty() || loop == "disks")
      return 2;
    throw expression_error("copyIndex: no loop '" + loop + "'");
  }
  value call_user_function(const std::string&, const std::string&,
                           const std::vector<value>& args) override {
    return args.empty() ? value() : args[0];
  }
  value resource_group() override {
    return {{"id", "/subscriptions/s/resourceGroups/g"},
            {"name", "g"},
            {"location", "westeurope"}};
  }
  value subscription() override {
    return {{"id", "/subscriptions/s"}, {"subscriptionId", "s"}};
  }
  value deployment() override { return {{"name", "d"}}; }
  void not_modelled(const std::string&) override {}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = vmss::fuzz::text_of(data, size);
  fuzz_scope s;
  try {
    auto v = evaluate_string(text, s);
    (void)v.dump(-1, ' ', false, value::error_handler_t::replace);
  } catch (const std::exception&) {
    // A rejected expression: the template's path and the message, exit 2.
  }
  return 0;
}
