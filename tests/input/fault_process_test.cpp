// Random fault processes expanded into concrete faults
// (input/fault_process.hpp): deterministic from the seed, independent of
// the other targets, and drawn from the distributions asked for.

#include "input/fault_process.hpp"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace vmss;
using namespace vmss::input;
namespace sc = vmss::scenario;

sc::FaultProcess process(sim_time mtbf, sc::Repair::Distribution d, sim_time a,
                         sim_time b = 0) {
  sc::FaultProcess p;
  p.set_fault(sc::host_crash);
  p.set_targets("westeurope");
  p.set_mtbf_ns(mtbf);
  auto* r = p.mutable_repair();
  r->set_distribution(d);
  if (d == sc::Repair::uniform) {
    r->set_min_ns(a);
    r->set_max_ns(b);
  } else {
    r->set_mean_ns(a);
  }
  return p;
}

std::vector<std::string> hosts(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back("westeurope/z1/r1/h" + std::to_string(i));
  return out;
}

bool same(const std::vector<fault_occurrence>& a,
          const std::vector<fault_occurrence>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.fail_at == y.fail_at && x.recover_at == y.recover_at &&
               x.target == y.target;
      });
}

TEST(fault_process, same_seed_same_plan_other_seed_other_plan) {
  auto p = process(seconds(600), sc::Repair::exponential, seconds(60));
  auto a = expand_fault_process(p, 0, hosts(20), 7, seconds(3600));
  auto b = expand_fault_process(p, 0, hosts(20), 7, seconds(3600));
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(same(a, b));
  EXPECT_FALSE(
      same(a, expand_fault_process(p, 0, hosts(20), 8, seconds(3600))));
  // Another process on the same targets draws its own faults.
  EXPECT_FALSE(
      same(a, expand_fault_process(p, 1, hosts(20), 7, seconds(3600))));
}

TEST(fault_process, a_target_s_faults_do_not_depend_on_the_others) {
  auto p = process(seconds(600), sc::Repair::fixed, seconds(60));
  auto all = expand_fault_process(p, 0, hosts(20), 3, seconds(3600));
  auto target = hosts(20)[7];
  auto alone = expand_fault_process(p, 0, {target}, 3, seconds(3600));
  std::vector<fault_occurrence> mine;
  for (const auto& f : all)
    if (f.target == target)
      mine.push_back(f);
  EXPECT_TRUE(same(mine, alone));
}

TEST(fault_process, faults_are_sorted_and_each_recovers_before_the_next) {
  auto p = process(seconds(60), sc::Repair::exponential, seconds(30));
  p.set_from_ns(seconds(100));
  p.set_until_ns(seconds(2000));
  auto plan = expand_fault_process(p, 0, hosts(10), 1, seconds(3000));
  std::map<std::string, sim_time> up_since;
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& f = plan[i];
    if (i > 0) {
      EXPECT_LE(plan[i - 1].fail_at, f.fail_at);
    }
    EXPECT_GE(f.fail_at, seconds(100));
    EXPECT_LT(f.fail_at, seconds(2000));
    EXPECT_GT(f.recover_at, f.fail_at);
    auto& since = up_since.try_emplace(f.target, seconds(100)).first->second;
    EXPECT_GE(f.fail_at, since) << f.target;
    since = f.recover_at;
  }
}

TEST(fault_process, the_mean_up_time_is_the_mtbf) {
  sim_time mtbf = seconds(3600);
  auto p = process(mtbf, sc::Repair::fixed, seconds(1));
  auto targets = hosts(200);
  auto plan = expand_fault_process(p, 0, targets, 11, seconds(100 * 3600));
  std::map<std::string, sim_time> up_since;
  double total = 0;
  for (const auto& f : plan) {
    auto& since = up_since[f.target];
    total += static_cast<double>(f.fail_at - since);
    since = f.recover_at;
  }
  ASSERT_GT(plan.size(), 15000u); // about 200 x 100
  double mean = total / static_cast<double>(plan.size());
  EXPECT_NEAR(mean / static_cast<double>(mtbf), 1.0, 0.05);
}

TEST(fault_process, uniform_repairs_lie_within_min_and_max) {
  auto p = process(seconds(60), sc::Repair::uniform, seconds(10), seconds(20));
  auto plan = expand_fault_process(p, 0, hosts(50), 5, seconds(36000));
  ASSERT_GT(plan.size(), 1000u);
  sim_time lo = sim_time_never, hi = 0;
  for (const auto& f : plan) {
    lo = std::min(lo, f.recover_at - f.fail_at);
    hi = std::max(hi, f.recover_at - f.fail_at);
  }
  EXPECT_GE(lo, seconds(10));
  EXPECT_LE(hi, seconds(20));
  EXPECT_LT(lo, seconds(11)); // the whole range is drawn
  EXPECT_GT(hi, seconds(19));
}

TEST(fault_process, too_many_faults_are_refused) {
  auto p = process(1, sc::Repair::fixed, 1);
  EXPECT_THROW(expand_fault_process(p, 0, hosts(2), 1, seconds(1)),
               std::invalid_argument);
}

TEST(fault_process, a_repair_beyond_the_largest_time_never_ends) {
  auto p = process(seconds(1), sc::Repair::fixed, sim_time_never - 1);
  auto plan = expand_fault_process(p, 0, hosts(1), 1, seconds(3600));
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].recover_at, sim_time_never);
}

} // namespace
