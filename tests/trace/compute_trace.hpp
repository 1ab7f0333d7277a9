#pragma once
/// Small hand-made traces of a scale set for the compute family's checkers
/// and `trace instances`: records of the declared compute, physical and
/// network events, each with its declared fields in order.

#include "analysis/checker.hpp"
#include "kernel/trace_event.hpp"
#include "kernel/trace_sink.hpp"
#include "trace_fixture.hpp"

#include <initializer_list>
#include <string>
#include <vector>

namespace vmss::trace_test {

/// What one instance_view record says (defaults: a healthy instance of
/// "web" in zone 1, fault and update domain 0, on model version 1).
struct view_spec {
  int64_t id = 0;
  std::string provisioning = "Succeeded";
  std::string power = "running";
  std::string health = "Healthy";
  int64_t zone = 0;
  int64_t fault_domain = 0;
  int64_t update_domain = 0;
  bool latest_model = true;
  bool protect_from_scale_in = false;
  bool protect_from_scale_set_actions = false;
  int64_t model_version = 1;
  std::string scale_set = "web";
};

/// Entities: 0 the orchestrator of "web" (r/web/orchestrator), 1 a VM slot
/// (r/z1/h1/vm0), 2 the control entity (r/control). Keys are unique: every
/// record takes the next sequence number.
class compute_trace {
public:
  /// A record of `def` at `t_ns` from `entity` with one value per declared
  /// field, in order.
  compute_trace& add(int64_t t_ns, uint32_t entity, const trace::event_def& def,
                     std::initializer_list<trace::value> values);

  compute_trace& view(int64_t t_ns, const view_spec& v);
  compute_trace& capacity(int64_t t_ns, int64_t from, int64_t to,
                          const std::string& set = "web");
  compute_trace& operation(int64_t t_ns, int64_t id, const std::string& op,
                           const std::string& reason,
                           const std::string& set = "web");
  compute_trace& repair(int64_t t_ns, int64_t id, const std::string& phase,
                        const std::string& set = "web");
  compute_trace& batch(int64_t t_ns, int64_t batch,
                       const std::string& instances, int64_t max_percent,
                       const std::string& set = "web");
  compute_trace& service(int64_t t_ns, const std::string& state,
                         const std::string& set = "web");
  compute_trace& vm_state(int64_t t_ns, int64_t id, const std::string& state,
                          const std::string& set = "web");
  compute_trace& fault(int64_t t_ns);
  /// A record of no family at `t_ns`: the trace's end time.
  compute_trace& end(int64_t t_ns);

  /// Writes the trace into a fresh scratch directory; returns it.
  std::string write(const std::string& suffix = "") const;

private:
  std::vector<test_record> records_;
};

/// Runs one checker of type `Checker` over `t`.
template <class Checker>
analysis::check_result run_checker(const compute_trace& t) {
  std::vector<std::unique_ptr<analysis::checker>> checkers;
  checkers.push_back(std::make_unique<Checker>());
  return analysis::run_checkers(t.write(), std::move(checkers)).at(0);
}

/// t seconds in nanoseconds.
constexpr int64_t s(int64_t t) {
  return t * 1'000'000'000;
}

} // namespace vmss::trace_test
