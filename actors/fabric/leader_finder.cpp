#include "actors/fabric/leader_finder.hpp"

#include "kernel/assert.hpp"

#include <algorithm>

namespace vmss::fabric {

leader_finder::leader_finder(std::vector<entity_id> replicas, int64_t patience)
    : replicas_(std::move(replicas)), patience_(patience),
      doubted_at_(replicas_.size(), no_doubt) {
  VMSS_ASSERT(!replicas_.empty(), "a leader finder needs a replica to ask");
  VMSS_ASSERT(patience_ > 0, "a leader finder's patience is positive");
}

size_t leader_finder::index_of(entity_id replica) const {
  return static_cast<size_t>(
      std::find(replicas_.begin(), replicas_.end(), replica) -
      replicas_.begin());
}

bool leader_finder::doubts(size_t i, int64_t now) const {
  return doubted_at_[i] != no_doubt && now - doubted_at_[i] < patience_;
}

bool leader_finder::doubted(entity_id replica, int64_t now) const {
  auto i = index_of(replica);
  return i < replicas_.size() && doubts(i, now);
}

entity_id leader_finder::ask(int64_t now) {
  VMSS_ASSERT(now >= since_, "a leader finder's time never goes back");
  if (now - since_ >= patience_)
    move_on(now);
  return target();
}

void leader_finder::on_answer(int64_t now) {
  since_ = now;
  std::fill(doubted_at_.begin(), doubted_at_.end(), no_doubt);
}

void leader_finder::on_redirect(int64_t now, entity_id from, bool known,
                                entity_id leader) {
  auto sender = index_of(from);
  if (sender == replicas_.size())
    return; // not a replica of this controller
  auto named = known ? index_of(leader) : replicas_.size();
  if (named < replicas_.size() && !doubts(named, now)) {
    target_ = named;
    since_ = now;
    return;
  }
  if (!known)
    doubted_at_[sender] = now;
  if (sender == target_)
    move_on(now); // no help from the target: try another replica now
}

void leader_finder::reset(int64_t now) {
  target_ = 0;
  since_ = now;
  std::fill(doubted_at_.begin(), doubted_at_.end(), no_doubt);
}

void leader_finder::move_on(int64_t now) {
  since_ = now;
  auto n = replicas_.size();
  for (size_t step = 1; step < n; ++step) {
    auto next = (target_ + step) % n;
    if (!doubts(next, now)) {
      target_ = next;
      return;
    }
  }
  // Every other replica knows no leader (an election is under way): ask
  // them all again in turn.
  std::fill(doubted_at_.begin(), doubted_at_.end(), no_doubt);
  target_ = (target_ + 1) % n;
}

} // namespace vmss::fabric
