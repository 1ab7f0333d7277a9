#include "compute_trace.hpp"

#include "kernel/assert.hpp"
#include "messages/compute_events.hpp"
#include "messages/control_events.hpp"
#include "messages/physical_events.hpp"

#include <algorithm>

namespace vmss::trace_test {

namespace events = compute::events;

namespace {

constexpr uint32_t orchestrator = 0;
constexpr uint32_t vm_slot = 1;
constexpr uint32_t control = 2;

} // namespace

compute_trace& compute_trace::add(int64_t t_ns, uint32_t entity,
                                  const trace::event_def& def,
                                  std::initializer_list<trace::value> values) {
  VMSS_ASSERT(values.size() == def.count, "one value per declared field");
  test_record r{
      0, key(t_ns, entity, records_.size()), std::string(def.name), {}};
  size_t i = 0;
  for (const auto& v : values)
    r.fields.push_back(trace::field{std::string(def.fields[i++]), v});
  records_.push_back(std::move(r));
  return *this;
}

compute_trace& compute_trace::view(int64_t t_ns, const view_spec& v) {
  return add(t_ns, orchestrator, events::instance_view,
             {v.scale_set, v.id, v.zone, v.fault_domain, v.update_domain,
              v.latest_model, v.provisioning, v.power, v.health,
              v.protect_from_scale_in, v.protect_from_scale_set_actions,
              v.model_version});
}

compute_trace& compute_trace::capacity(int64_t t_ns, int64_t from, int64_t to,
                                       const std::string& set) {
  return add(t_ns, orchestrator, events::capacity_changed,
             {set, from, to, std::string("request")});
}

compute_trace& compute_trace::operation(int64_t t_ns, int64_t id,
                                        const std::string& op,
                                        const std::string& reason,
                                        const std::string& set) {
  return add(t_ns, orchestrator, events::instance_operation,
             {set, id, op, reason});
}

compute_trace& compute_trace::repair(int64_t t_ns, int64_t id,
                                     const std::string& phase,
                                     const std::string& set) {
  return add(t_ns, orchestrator, events::repair,
             {set, id, std::string("Replace"), phase});
}

compute_trace& compute_trace::batch(int64_t t_ns, int64_t batch,
                                    const std::string& instances,
                                    int64_t max_percent,
                                    const std::string& set) {
  return add(t_ns, orchestrator, events::upgrade_batch,
             {set, batch, instances, max_percent});
}

compute_trace& compute_trace::service(int64_t t_ns, const std::string& state,
                                      const std::string& set) {
  return add(
      t_ns, orchestrator, events::service_state,
      {set, std::string("AutomaticRepairs"), state, std::string("test")});
}

compute_trace& compute_trace::vm_state(int64_t t_ns, int64_t id,
                                       const std::string& state,
                                       const std::string& set) {
  return add(t_ns, vm_slot, physical::events::vm_state,
             {state, id, set, std::string("test")});
}

compute_trace& compute_trace::fault(int64_t t_ns) {
  return add(t_ns, control, vmss::control::events::fault_injected,
             {std::string("host_crash"), std::string("r/z1/h1")});
}

compute_trace& compute_trace::end(int64_t t_ns) {
  records_.push_back(
      test_record{0, key(t_ns, control, records_.size()), "tick", {}});
  return *this;
}

std::string compute_trace::write(const std::string& suffix) const {
  auto sorted = records_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
  auto dir = scratch_dir(suffix);
  write_trace(dir,
              {{"r/web/orchestrator", "orchestrator", 0},
               {"r/z1/h1/vm0", "vm", 0},
               {"r/control", "control", 0}},
              sorted);
  return dir;
}

} // namespace vmss::trace_test
