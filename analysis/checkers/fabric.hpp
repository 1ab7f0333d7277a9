#pragma once
/// Checkers of the fabric controller and of host capacity (issue 4):
///   - single_leader: at most one `leader_elected` per term (Raft's
///     Election Safety);
///   - committed_stable: every replica applies the same command at each
///     log index (`fc_applied`: index, term, command) — a committed entry
///     never changes (State Machine Safety);
///   - ram_committed: a host agent's RAM accounting stays consistent: its
///     reservations (`tenants_placed`, `vm_admitted`, `capacity_released`)
///     plus the free RAM it reports add up to the same usable total, never
///     more;
///   - vm_one_host: a scale set's VM is placed (`placement`) again only
///     after it was lost (`vm_lost`).

#include "analysis/checker.hpp"

#include <map>
#include <set>
#include <string>

namespace vmss::analysis {

class single_leader_checker : public checker {
public:
  std::string name() const override { return "single_leader"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  std::map<int64_t, std::string> leader_of_term_;
  violation_list violations_;
};

class committed_stable_checker : public checker {
public:
  std::string name() const override { return "committed_stable"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  std::map<int64_t, std::pair<int64_t, std::string>> entries_; ///< by index
  violation_list violations_;
};

class ram_committed_checker : public checker {
public:
  std::string name() const override { return "ram_committed"; }
  void on_record(const record& r) override;
  violation_list finish() override { return std::move(violations_); }

private:
  struct host {
    int64_t reserved = 0;
    int64_t usable = -1;                ///< learnt from the first report
    std::map<std::string, int64_t> vms; ///< admitted VM -> GB
  };
  void check(const record& r, host& h, int64_t free_gb);
  std::map<uint32_t, host> hosts_;
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

} // namespace vmss::analysis
