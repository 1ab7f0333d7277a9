#pragma once
// An in-memory network for the Raft core (after etcd's raft_test.go
// `network`): replicas 1..n exchange messages in virtual-time order with a
// per-link delay plus jitter (so messages may be reordered). It can crash
// and restart a replica, isolate it, cut a link, drop messages at random or
// by a predicate. Each replica owns a toy state machine (a digest chained
// over the payloads applied), so that checkers can compare replicas.
//
// Checkers watch from outside, after every step (Raft paper Figure 3):
// Election Safety, Leader Append-Only, Leader Completeness, State Machine
// Safety; log_matching() checks Log Matching on demand. Violations are
// collected in `violations`.

#include "actors/fabric/raft.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace vmss::fabric::testing {

/// The replicated state machine of the tests.
struct toy_state {
  uint64_t index = 0;  ///< last applied
  uint64_t digest = 0; ///< chained over every payload applied, in order

  void apply(const raft_entry& e) {
    index = e.index;
    digest = mix64(digest ^ path_key(e.payload) ^ (e.term << 32));
  }
  std::string serialize() const {
    return std::to_string(index) + " " + std::to_string(digest);
  }
  static toy_state parse(const std::string& s) {
    toy_state t;
    std::istringstream in(s);
    in >> t.index >> t.digest;
    return t;
  }
};

class raft_net {
public:
  struct replica {
    replica(node_id id, const raft_config& cfg, uint64_t seed)
        : random(seed, id), core(id, cfg, random) {}
    rng random;
    raft core;
    toy_state state;
    bool up = true;
    uint64_t incarnation = 0;            ///< timers of an earlier one are lost
    std::map<size_t, uint64_t> received; ///< by raft_message index
  };

  explicit raft_net(uint64_t seed, raft_config cfg = {}, size_t n = 5)
      : random_(seed, 0) {
    for (node_id id = 1; id <= n; ++id)
      cfg.members.push_back(id);
    config_ = cfg;
    for (node_id id = 1; id <= n; ++id) {
      auto& r = replicas_.emplace(id, std::make_unique<replica>(id, cfg, seed))
                    .first->second;
      for (node_id to = 1; to <= n; ++to)
        link_delay_[{id, to}] = random_.uniform(us(100), us(800));
      process(id, r->core.start());
    }
  }

  // --- Driving ---

  sim_time now() const { return now_; }
  raft& node(node_id id) { return replicas_.at(id)->core; }
  replica& at(node_id id) { return *replicas_.at(id); }
  const raft_config& config() const { return config_; }
  std::vector<node_id> ids() const {
    std::vector<node_id> out;
    for (const auto& [id, r] : replicas_)
      out.push_back(id);
    return out;
  }

  /// Delivers one event; false if none is queued.
  bool step() {
    if (queue_.empty())
      return false;
    auto it = queue_.begin();
    now_ = it->first.first;
    auto ev = std::move(it->second);
    queue_.erase(it);
    deliver(ev);
    if (on_step)
      on_step();
    return true;
  }

  void run_until(sim_time t) {
    while (!queue_.empty() && queue_.begin()->first.first <= t)
      step();
    now_ = std::max(now_, t);
  }
  void run_for(sim_time d) { run_until(now_ + d); }

  /// Runs until `pred` holds (checked after each event) or `limit` passes.
  bool run_until_true(const std::function<bool()>& pred, sim_time limit) {
    auto end = now_ + limit;
    while (!pred()) {
      if (queue_.empty() || queue_.begin()->first.first > end) {
        now_ = std::max(now_, end);
        return false;
      }
      step();
    }
    return true;
  }

  propose_result propose(node_id id, std::string payload) {
    auto r = node(id).propose(std::move(payload));
    process(id, std::move(r.effects));
    r.effects = {};
    return r;
  }

  void campaign(node_id id) { process(id, node(id).campaign()); }

  /// How many messages of type T replica `id` received.
  template <class T>
  uint64_t received(node_id id) {
    return at(id).received[raft_message(T{}).index()];
  }

  /// The up replica that is leader in the highest term, if any.
  std::optional<node_id> leader() {
    std::optional<node_id> best;
    for (auto& [id, r] : replicas_)
      if (r->up && r->core.role() == raft_role::leader &&
          (!best || r->core.term() > node(*best).term()))
        best = id;
    return best;
  }

  std::vector<node_id> leaders() {
    std::vector<node_id> out;
    for (auto& [id, r] : replicas_)
      if (r->up && r->core.role() == raft_role::leader)
        out.push_back(id);
    return out;
  }

  // --- Faults ---

  void crash(node_id id) {
    auto& r = at(id);
    r.up = false;
    ++r.incarnation;
    leader_watch_.erase(id);
  }
  void restart(node_id id) {
    auto& r = at(id);
    r.up = true;
    process(id, r.core.restart());
  }
  void isolate(node_id id) { isolated_.insert(id); }
  void cut(node_id a, node_id b) { cuts_.insert(link(a, b)); }
  /// Cuts every link between `side` and the rest.
  void partition(const std::set<node_id>& side) {
    for (auto a : side)
      for (const auto& [b, r] : replicas_)
        if (side.count(b) == 0)
          cut(a, b);
  }
  void heal() {
    isolated_.clear();
    cuts_.clear();
  }
  void set_delay(node_id from, node_id to, sim_time d) {
    link_delay_[{from, to}] = d;
  }

  uint32_t drop_permille = 0;
  sim_time jitter = us(300);
  bool auto_compact = true;
  /// Sees every message sent: may change it, or return false to drop it.
  std::function<bool(node_id from, node_id to, raft_message&)> intercept;
  std::function<void()> on_step;

  // --- Checkers ---

  std::vector<std::string> violations;
  std::map<uint64_t, node_id> leader_of_term;
  std::map<uint64_t, sim_time> elected_at;  ///< by term
  std::map<uint64_t, raft_entry> committed; ///< by index, as first applied
  std::map<uint64_t, uint64_t> digest_at;   ///< state digest after index
  uint64_t trace_digest = 0;                ///< of every delivery, in order

  /// Log Matching: if two logs hold an entry with the same index and term,
  /// they are identical up to it. Checked on every pair of up replicas.
  void check_log_matching() {
    for (auto& [a, ra] : replicas_)
      for (auto& [b, rb] : replicas_)
        if (a < b)
          log_matching(ra->core, rb->core);
  }

private:
  using key = std::pair<sim_time, uint64_t>;
  struct event {
    node_id from = 0;
    node_id to = 0;
    std::variant<raft_message, raft_timer> what;
    uint64_t incarnation = 0;
  };

  static std::pair<node_id, node_id> link(node_id a, node_id b) {
    return {std::min(a, b), std::max(a, b)};
  }
  bool link_up(node_id a, node_id b) const {
    return isolated_.count(a) == 0 && isolated_.count(b) == 0 &&
           cuts_.count(link(a, b)) == 0;
  }

  void fail(const std::string& what) {
    violations.push_back("t=" + std::to_string(to_seconds(now_)) + "s " + what);
  }

  void deliver(const event& ev) {
    auto& r = at(ev.to);
    if (!r.up)
      return;
    raft_effects fx;
    if (auto* t = std::get_if<raft_timer>(&ev.what)) {
      if (ev.incarnation != r.incarnation)
        return;
      fx = r.core.on_timer(*t);
    } else {
      if (!link_up(ev.from, ev.to))
        return;
      const auto& m = std::get<raft_message>(ev.what);
      ++r.received[m.index()];
      fx = r.core.step(ev.from, m);
    }
    trace_digest = mix64(trace_digest ^ static_cast<uint64_t>(now_) ^
                         (uint64_t{ev.from} << 40) ^ (uint64_t{ev.to} << 48) ^
                         (ev.what.index() << 56));
    process(ev.to, std::move(fx));
  }

  void send(node_id from, node_id to, raft_message msg) {
    if (!link_up(from, to))
      return;
    if (intercept && !intercept(from, to, msg))
      return;
    if (drop_permille > 0 && random_.below(1000) < drop_permille)
      return;
    auto delay = link_delay_[{from, to}] + random_.uniform(0, jitter);
    queue_.emplace(key{now_ + delay, seq_++},
                   event{from, to, std::move(msg), 0});
  }

  void process(node_id id, raft_effects fx) {
    auto& r = at(id);
    for (const auto& change : fx.roles)
      if (change.role == raft_role::leader)
        on_elected(id, change.term);
    if (fx.restore)
      restore(id, *fx.restore);
    for (const auto& e : fx.committed)
      apply(id, e);
    if (fx.wants_snapshot && auto_compact)
      r.core.compact(r.state.index, r.state.serialize());
    for (auto& s : fx.sends)
      send(id, s.to, std::move(s.msg));
    for (const auto& t : fx.timers)
      queue_.emplace(key{now_ + t.delay, seq_++},
                     event{id, id, t.timer, r.incarnation});
    check_append_only(id);
  }

  /// Election Safety and Leader Completeness.
  void on_elected(node_id id, uint64_t term) {
    auto [it, fresh] = leader_of_term.emplace(term, id);
    if (!fresh && it->second != id)
      fail("election safety: term " + std::to_string(term) + " has leaders " +
           std::to_string(it->second) + " and " + std::to_string(id));
    elected_at.emplace(term, now_);
    const auto& core = node(id);
    for (const auto& [index, e] : committed)
      if (index > core.snapshot().index && core.term_at(index) != e.term)
        fail("leader completeness: leader " + std::to_string(id) + " of term " +
             std::to_string(term) + " lacks committed entry " +
             std::to_string(index));
  }

  /// State Machine Safety: every replica applies the same entry at each
  /// index, in index order.
  void apply(node_id id, const raft_entry& e) {
    auto& st = at(id).state;
    if (e.index != st.index + 1)
      fail("replica " + std::to_string(id) + " applied " +
           std::to_string(e.index) + " after " + std::to_string(st.index));
    auto [it, fresh] = committed.emplace(e.index, e);
    if (!fresh && !(it->second == e))
      fail("state machine safety: index " + std::to_string(e.index) +
           " applied with different entries");
    st.apply(e);
    auto [d, first] = digest_at.emplace(e.index, st.digest);
    if (!first && d->second != st.digest)
      fail("state machine safety: replica " + std::to_string(id) +
           " diverged at " + std::to_string(e.index));
  }

  void restore(node_id id, const raft_snapshot& s) {
    auto& st = at(id).state;
    st = s.index == 0 ? toy_state{} : toy_state::parse(s.data);
    if (st.index != s.index)
      fail("snapshot index mismatch");
    auto it = digest_at.find(s.index);
    if (s.index > 0 && it != digest_at.end() && it->second != st.digest)
      fail("snapshot of replica " + std::to_string(id) + " diverges");
  }

  /// Leader Append-Only: while leader, a replica never overwrites or
  /// deletes its entries.
  void check_append_only(node_id id) {
    const auto& core = node(id);
    if (core.role() != raft_role::leader) {
      leader_watch_.erase(id);
      return;
    }
    auto it = leader_watch_.find(id);
    if (it != leader_watch_.end() && it->second.term == core.term()) {
      const auto& w = it->second;
      if (core.last_index() < w.last_index ||
          (w.last_index > core.snapshot().index &&
           core.term_at(w.last_index) != w.last_term))
        fail("leader append-only: leader " + std::to_string(id) +
             " changed its log");
    }
    leader_watch_[id] = {core.term(), core.last_index(), core.last_term()};
  }

  void log_matching(const raft& a, const raft& b) {
    auto lo = std::max(a.snapshot().index, b.snapshot().index) + 1;
    auto hi = std::min(a.last_index(), b.last_index());
    bool matched = false; // an equal (index, term) seen above
    for (auto i = hi; i >= lo; --i) {
      const auto* x = a.entry(i);
      const auto* y = b.entry(i);
      matched = matched || x->term == y->term;
      if (matched && !(*x == *y))
        fail("log matching: replicas " + std::to_string(a.id()) + " and " +
             std::to_string(b.id()) + " differ at " + std::to_string(i));
    }
  }

  struct leader_view {
    uint64_t term = 0;
    uint64_t last_index = 0;
    uint64_t last_term = 0;
  };

  rng random_;
  raft_config config_;
  std::map<node_id, std::unique_ptr<replica>> replicas_;
  std::map<std::pair<node_id, node_id>, sim_time> link_delay_;
  std::set<node_id> isolated_;
  std::set<std::pair<node_id, node_id>> cuts_;
  std::map<key, event> queue_;
  std::map<node_id, leader_view> leader_watch_;
  uint64_t seq_ = 0;
  sim_time now_ = 0;
};

} // namespace vmss::fabric::testing
