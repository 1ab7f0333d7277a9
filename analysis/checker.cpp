/// Checker framework: violation bookkeeping, registry, single-pass runner.

#include "analysis/checker.hpp"

#include <stdexcept>

namespace vmss::analysis {

std::string violation::to_string() const {
  return "t_ns=" + std::to_string(t_ns) + " entity=" + entity + ": " + what;
}

void violation_list::add(violation v) {
  ++total_;
  if (kept_.size() < capacity_)
    kept_.push_back(std::move(v));
}

void violation_list::add(const record& r, std::string what) {
  ++total_;
  if (kept_.size() < capacity_)
    kept_.push_back(violation{r.t_ns(), std::string(r.path), std::move(what)});
}

std::string format_key(const trace::order_key& key) {
  return "(t_ns=" + std::to_string(key.t_ns) +
         ", entity=" + std::to_string(key.entity) +
         ", src=" + std::to_string(key.src) +
         ", seq=" + std::to_string(key.seq) +
         ", sub=" + std::to_string(key.sub) + ")";
}

void checker_registry::add(std::string name, checker_factory make) {
  for (const auto& entry : entries_)
    if (entry.first == name)
      throw std::logic_error("checker '" + name + "' registered twice");
  entries_.emplace_back(std::move(name), std::move(make));
}

std::vector<std::string> checker_registry::names() const {
  std::vector<std::string> out;
  for (const auto& entry : entries_)
    out.push_back(entry.first);
  return out;
}

std::vector<std::unique_ptr<checker>> checker_registry::create_all() const {
  std::vector<std::unique_ptr<checker>> out;
  for (const auto& entry : entries_)
    out.push_back(entry.second());
  return out;
}

std::vector<check_result>
run_checkers(const trace_reader& reader,
             std::vector<std::unique_ptr<checker>> checkers) {
  for (auto& c : checkers)
    c->start(reader.manifest());
  uint64_t records = reader.for_each([&checkers](const record& r) {
    for (auto& c : checkers)
      c->on_record(r);
  });
  std::vector<check_result> results;
  for (auto& c : checkers)
    results.push_back(check_result{c->name(), records, c->finish()});
  return results;
}

std::vector<check_result>
run_checkers(const std::string& dir,
             std::vector<std::unique_ptr<checker>> checkers) {
  return run_checkers(trace_reader(dir, read_options{false}),
                      std::move(checkers));
}

} // namespace vmss::analysis
