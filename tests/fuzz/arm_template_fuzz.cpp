/// Fuzz target: ARM deployment templates expanded as `vmss-sim validate`
/// expands them (input::arm::expand): the input is a template, optionally
/// followed by a line "---" and a parameters file; a fixed --param is given
/// too. Every expression of the template goes through the expression
/// language, so this also fuzzes the evaluator with a template's scope
/// (parameters, variables, copy loops, user-defined functions).

#include "fuzz_support.hpp"
#include "input/arm/template.hpp"

#include <exception>

using namespace vmss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = fuzz::text_of(data, size);
  std::string parameters;
  if (auto split = text.find("\n---\n"); split != std::string::npos) {
    parameters = text.substr(split + 5);
    text.resize(split);
  }
  try {
    std::vector<input::diagnostic> errors;
    auto tmpl = input::parse_json(text, errors);
    if (!errors.empty())
      return 0;
    input::arm::deployment_inputs in;
    if (!parameters.empty()) {
      in.file = input::parse_json(parameters, errors);
      if (!errors.empty())
        return 0;
      in.file_label = "parameters.json";
    }
    in.given = {{"count", "3"}};
    input::read_report report;
    input::arm::is_template(tmpl);
    input::arm::is_parameters_file(in.file);
    input::arm::expand(tmpl, in, report);
  } catch (const std::exception&) {
    // A rejected input: the command prints the message and exits 2.
  }
  return 0;
}
