#pragma once
/// Invariant checkers over a trace (`vmss-sim trace check DIR`). A checker
/// watches the merged record stream from outside the simulation and reports
/// violations at the end. New checkers: implement `checker` in the family
/// whose events it reads and add one line to that family's
/// register_checkers (docs/layout.md).

#include "analysis/trace_reader.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vmss::analysis {

/// One broken invariant: when, where and what.
struct violation {
  int64_t t_ns = 0;
  std::string entity; ///< entity path (or the shard file for shard-level)
  std::string what;

  /// "t_ns=<t> entity=<path>: <what>"
  std::string to_string() const;
};

/// The violations of one checker: the first `capacity` kept in full, all
/// counted (a broken trace can violate an invariant millions of times).
class violation_list {
public:
  explicit violation_list(size_t capacity = 1000) : capacity_(capacity) {}

  void add(violation v);
  void add(const record& r, std::string what);

  uint64_t total() const { return total_; }
  bool empty() const { return total_ == 0; }
  const std::vector<violation>& kept() const { return kept_; }

private:
  size_t capacity_;
  uint64_t total_ = 0;
  std::vector<violation> kept_;
};

/// "(t_ns=…, entity=…, src=…, seq=…, sub=…)" for messages.
std::string format_key(const trace::order_key& key);

class checker {
public:
  virtual ~checker() = default;

  /// Stable name, printed as `check <name>: …`.
  virtual std::string name() const = 0;

  /// Called once before the first record.
  virtual void start(const trace::manifest& m) { (void)m; }

  /// Called once per record, in canonical merged order.
  virtual void on_record(const record& r) = 0;

  /// Called once after the last record.
  virtual violation_list finish() = 0;
};

using checker_factory = std::function<std::unique_ptr<checker>()>;

/// Named checker factories, in registration order.
class checker_registry {
public:
  void add(std::string name, checker_factory make);

  template <class Checker>
  void add() {
    add(Checker().name(), [] { return std::make_unique<Checker>(); });
  }

  std::vector<std::string> names() const;
  std::vector<std::unique_ptr<checker>> create_all() const;

private:
  std::vector<std::pair<std::string, checker_factory>> entries_;
};

/// The checkers that know no role family (canonical order, crash
/// silence); runners/modules.cpp adds every family's.
checker_registry core_checkers();

struct check_result {
  std::string name;
  uint64_t records = 0; ///< records the checker saw
  violation_list violations;

  bool ok() const { return violations.empty(); }
};

/// Streams the merged trace of `reader` once through all `checkers`;
/// unreadable input throws std::runtime_error.
std::vector<check_result>
run_checkers(const trace_reader& reader,
             std::vector<std::unique_ptr<checker>> checkers);

/// The same over the trace in `dir`, read without verifying shard record
/// counts (canonical_order reports them; see read_options).
std::vector<check_result>
run_checkers(const std::string& dir,
             std::vector<std::unique_ptr<checker>> checkers);

} // namespace vmss::analysis
