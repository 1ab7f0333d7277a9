#pragma once
/// Checkers of the fabric controller (registered by actors/fabric/module.cpp):
///   - single_leader: at most one `leader_elected` per term (Raft's
///     Election Safety);
///   - committed_stable: every replica applies the same command at each
///     log index (`fc_applied`: index, term, command) — a committed entry
///     never changes (State Machine Safety);
///   - vm_one_host: a scale set's VM is on one host at a time: placed
///     (`placement`) again only after it was deleted (`vm_operation` op
///     delete), and moved by service healing (`vm_healed`) only from the
///     host it is on. (A VM on a host marked down, `vm_lost`, stays there.)

#include "analysis/checker.hpp"

#include <map>
#include <set>
#include <string>

namespace vmss::fabric {

using analysis::checker;
using analysis::record;
using analysis::violation_list;

class single_leader_checker : public checker {
public:
  std::string name() const override { return "single_leader"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  std::map<std::pair<std::string, int64_t>, std::string>
      leader_of_term_; ///< by region and term
  violation_list violations_;
};

class committed_stable_checker : public checker {
public:
  std::string name() const override { return "committed_stable"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  /// By region and index.
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, std::string>>
      entries_;
  violation_list violations_;
};

class vm_one_host_checker : public checker {
public:
  std::string name() const override { return "vm_one_host"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  std::map<std::string, std::string> host_of_; ///< VM -> host
  violation_list violations_;
};

/// Adds the checkers above.
void register_checkers(analysis::checker_registry& r);

} // namespace vmss::fabric
