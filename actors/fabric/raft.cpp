#include "actors/fabric/raft.hpp"

#include "kernel/assert.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <type_traits>

namespace vmss::fabric {

namespace {

/// Heartbeats a leader waits for an InstallSnapshot answer before resending.
constexpr uint32_t snapshot_retry_beats = 4;

template <class Message>
void send(raft_effects& fx, node_id to, Message msg) {
  auto& s = fx.sends.emplace_back();
  s.to = to;
  s.msg.emplace<Message>(std::move(msg));
}

} // namespace

const char* to_string(raft_role r) {
  switch (r) {
  case raft_role::follower:
    return "follower";
  case raft_role::pre_candidate:
    return "pre_candidate";
  case raft_role::candidate:
    return "candidate";
  case raft_role::leader:
    return "leader";
  }
  return "unknown";
}

namespace {

[[noreturn]] void bad_setting(const char* setting, const std::string& reason) {
  throw std::invalid_argument(std::string("raft_config.") + setting + ": " +
                              reason);
}

} // namespace

void validate(const raft_config& c, node_id self) {
  auto self_text = std::to_string(self);
  if (std::count(c.members.begin(), c.members.end(), self) != 1)
    bad_setting("members",
                "must list this replica (" + self_text + ") exactly once");
  std::set<node_id> seen;
  for (auto m : c.members)
    if (!seen.insert(m).second)
      bad_setting("members",
                  "replica " + std::to_string(m) + " is listed twice");
  if (c.election_timeout_min <= 0)
    bad_setting("election_timeout_min",
                "must be positive, not " +
                    format_duration(c.election_timeout_min));
  if (c.election_timeout_max < c.election_timeout_min)
    bad_setting("election_timeout_max",
                format_duration(c.election_timeout_max) +
                    " is below election_timeout_min (" +
                    format_duration(c.election_timeout_min) + ")");
  if (c.heartbeat_period <= 0 || c.heartbeat_period >= c.election_timeout_min)
    bad_setting("heartbeat_period",
                format_duration(c.heartbeat_period) +
                    " must be positive and below election_timeout_min (" +
                    format_duration(c.election_timeout_min) +
                    "), or followers' leases run out between heartbeats");
  if (c.max_entries_per_append == 0)
    bad_setting("max_entries_per_append",
                "must be at least 1 (0 never sends an entry)");
  if (c.snapshot_threshold == 0)
    bad_setting("snapshot_threshold", "must be at least 1");
  if (c.max_uncommitted == 0)
    bad_setting("max_uncommitted",
                "must be at least 1 (0 refuses every proposal)");
}

raft::raft(node_id self, raft_config config, rng& random)
    : self_(self), config_(std::move(config)), random_(&random) {
  validate(config_, self_);
}

void raft::check_invariants() const {
  VMSS_ASSERT(snapshot_.index <= applied_,
              "raft: the snapshot holds applied entries only");
  VMSS_ASSERT(applied_ <= commit_, "raft: applied <= commit");
  VMSS_ASSERT(commit_ <= last_index(), "raft: commit <= last index");
  VMSS_ASSERT(log_.empty() || (log_.front().index == snapshot_.index + 1 &&
                               log_.back().index == last_index()),
              "raft: the log follows the snapshot without a gap");
  VMSS_ASSERT(last_term() <= term_, "raft: no entry is of a future term");
  VMSS_ASSERT(role_ != raft_role::candidate || voted_for_ == self_,
              "raft: a candidate voted for itself");
  VMSS_ASSERT(role_ == raft_role::leader ? leader_ == self_ : peers_.empty(),
              "raft: a leader is its own hint and only a leader tracks "
              "progress");
  for (const auto& [id, p] : peers_)
    VMSS_ASSERT(p.match < p.next && p.next <= last_index() + 1,
                "raft: a follower's match < next <= last index + 1");
}

// --- Log ------------------------------------------------------------------

uint64_t raft::term_at(uint64_t index) const {
  if (index == snapshot_.index)
    return snapshot_.term;
  if (index < snapshot_.index || index > last_index())
    return 0;
  return log_[index - snapshot_.index - 1].term;
}

const raft_entry* raft::entry(uint64_t index) const {
  if (index <= snapshot_.index || index > last_index())
    return nullptr;
  return &log_[index - snapshot_.index - 1];
}

/// Paper §5.4.1: the candidate's log is at least as up to date as ours.
bool raft::log_up_to_date(uint64_t last_index, uint64_t last_term) const {
  return last_term > this->last_term() ||
         (last_term == this->last_term() && last_index >= this->last_index());
}

void raft::truncate_from(uint64_t index) {
  VMSS_ASSERT(index > commit_, "raft: a committed entry is never truncated");
  while (last_index() >= index)
    log_.pop_back();
}

void raft::compact(uint64_t index, std::string data) {
  if (index <= snapshot_.index || index > applied_)
    return;
  auto term = term_at(index);
  while (!log_.empty() && log_.front().index <= index)
    log_.pop_front();
  snapshot_ = raft_snapshot{index, term, std::move(data)};
  check_invariants();
}

void raft::apply_committed(raft_effects& fx) {
  while (applied_ < commit_) {
    ++applied_;
    const auto* e = entry(applied_);
    VMSS_ASSERT(e, "raft: a committed entry is in the log until applied");
    fx.committed.push_back(*e);
  }
  if (applied_ - snapshot_.index >= config_.snapshot_threshold)
    fx.wants_snapshot = true;
}

// --- Lifecycle and timers -------------------------------------------------

raft_effects raft::start() {
  raft_effects fx;
  reset_election_timer(fx);
  check_invariants();
  return fx;
}

raft_effects raft::restart() {
  raft_effects fx;
  role_ = raft_role::follower;
  leader_.reset();
  in_lease_ = false;
  votes_.clear();
  peers_.clear();
  beats_since_check_ = 0;
  heartbeat_generation_ = 0;
  commit_ = applied_ = snapshot_.index;
  fx.restore = snapshot_;
  note_role(fx);
  reset_election_timer(fx);
  check_invariants();
  return fx;
}

void raft::note_role(raft_effects& fx) {
  fx.roles.push_back({role_, term_});
}

void raft::reset_election_timer(raft_effects& fx) {
  election_generation_ = next_generation_++;
  fx.timers.push_back({config_.election_timeout_min,
                       {raft_timer_kind::lease_expired, election_generation_}});
}

void raft::set_heartbeat_timer(raft_effects& fx) {
  heartbeat_generation_ = next_generation_++;
  fx.timers.push_back({config_.heartbeat_period,
                       {raft_timer_kind::heartbeat, heartbeat_generation_}});
}

raft_effects raft::on_timer(const raft_timer& timer) {
  raft_effects fx;
  switch (timer.kind) {
  case raft_timer_kind::lease_expired: {
    if (timer.generation != election_generation_ || role_ == raft_role::leader)
      break;
    in_lease_ = false;
    election_generation_ = next_generation_++;
    auto spread = config_.election_timeout_max - config_.election_timeout_min;
    fx.timers.push_back({random_->uniform(0, spread),
                         {raft_timer_kind::election, election_generation_}});
    break;
  }
  case raft_timer_kind::election:
    if (timer.generation == election_generation_ && role_ != raft_role::leader)
      fx = campaign();
    break;
  case raft_timer_kind::heartbeat:
    if (timer.generation == heartbeat_generation_ && role_ == raft_role::leader)
      on_heartbeat(fx);
    break;
  }
  check_invariants();
  return fx;
}

// --- Roles ----------------------------------------------------------------

void raft::become_follower(uint64_t term, std::optional<node_id> leader,
                           raft_effects& fx) {
  bool changed = role_ != raft_role::follower || term != term_;
  if (term > term_) {
    term_ = term;
    voted_for_.reset();
  }
  role_ = raft_role::follower;
  leader_ = leader;
  in_lease_ = false;
  votes_.clear();
  peers_.clear();
  heartbeat_generation_ = 0;
  if (changed)
    note_role(fx);
  reset_election_timer(fx);
}

raft_effects raft::campaign() {
  raft_effects fx;
  if (role_ == raft_role::leader)
    return fx;
  if (config_.pre_vote)
    become_pre_candidate(fx);
  else
    become_candidate(fx);
  check_invariants();
  return fx;
}

void raft::become_pre_candidate(raft_effects& fx) {
  role_ = raft_role::pre_candidate;
  leader_.reset();
  in_lease_ = false;
  votes_ = {self_};
  note_role(fx);
  reset_election_timer(fx);
  if (votes_.size() >= quorum())
    become_candidate(fx);
  else
    broadcast_votes(true, fx);
}

void raft::become_candidate(raft_effects& fx) {
  role_ = raft_role::candidate;
  ++term_;
  voted_for_ = self_;
  leader_.reset();
  in_lease_ = false;
  votes_ = {self_};
  note_role(fx);
  reset_election_timer(fx);
  if (votes_.size() >= quorum())
    become_leader(fx);
  else
    broadcast_votes(false, fx);
}

void raft::become_leader(raft_effects& fx) {
  role_ = raft_role::leader;
  leader_ = self_;
  in_lease_ = false;
  votes_.clear();
  election_generation_ = 0; // the leader has no election timer
  note_role(fx);
  peers_.clear();
  for (auto m : config_.members)
    if (m != self_)
      peers_[m].next = last_index() + 1;
  beats_since_check_ = 0;
  // A no-op of the new term: commits the entries of earlier terms
  // (paper §5.4.2, thesis §6.4).
  VMSS_ASSERT(voted_for_ == self_ && last_term() <= term_,
              "raft: a leader won its own term's vote, its log of no later "
              "term");
  log_.push_back(raft_entry{term_, last_index() + 1, {}});
  set_heartbeat_timer(fx);
  replicate_all(false, fx);
  maybe_commit(fx);
}

void raft::broadcast_votes(bool pre, raft_effects& fx) {
  for (auto m : config_.members) {
    if (m == self_)
      continue;
    if (pre)
      send(fx, m, pre_vote_request{term_ + 1, last_index(), last_term()});
    else
      send(fx, m, vote_request{term_, last_index(), last_term()});
  }
}

void raft::count_vote(node_id from, bool granted, raft_effects& fx) {
  VMSS_ASSERT(role_ == raft_role::pre_candidate ||
                  role_ == raft_role::candidate,
              "raft: only a campaign counts votes");
  if (!granted)
    return;
  votes_.insert(from);
  if (votes_.size() < quorum())
    return;
  if (role_ == raft_role::pre_candidate)
    become_candidate(fx);
  else if (role_ == raft_role::candidate)
    become_leader(fx);
}

// --- Messages -------------------------------------------------------------

raft_effects raft::step(node_id from, const raft_message& msg) {
  raft_effects fx;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, pre_vote_request>)
          on_pre_vote(from, m, fx);
        else if constexpr (std::is_same_v<T, pre_vote_response>)
          on_pre_vote_response(from, m, fx);
        else if constexpr (std::is_same_v<T, vote_request>)
          on_vote(from, m, fx);
        else if constexpr (std::is_same_v<T, vote_response>)
          on_vote_response(from, m, fx);
        else if constexpr (std::is_same_v<T, append_entries>)
          on_append(from, m, fx);
        else if constexpr (std::is_same_v<T, append_entries_response>)
          on_append_response(from, m, fx);
        else if constexpr (std::is_same_v<T, install_snapshot>)
          on_snapshot(from, m, fx);
        else
          on_snapshot_response(from, m, fx);
      },
      msg);
  check_invariants();
  return fx;
}

/// Thesis §9.6: grant only if we would vote for the sender in `m.term` and
/// we have not heard from a leader within the lease (so a rejoining node
/// cannot unseat a leader that a majority still hears).
void raft::on_pre_vote(node_id from, const pre_vote_request& m,
                       raft_effects& fx) {
  bool grant = m.term > term_ && role_ != raft_role::leader && !in_lease_ &&
               log_up_to_date(m.last_log_index, m.last_log_term);
  send(fx, from, pre_vote_response{grant ? m.term : term_, grant});
}

void raft::on_pre_vote_response(node_id from, const pre_vote_response& m,
                                raft_effects& fx) {
  if (!m.granted && m.term > term_) {
    become_follower(m.term, std::nullopt, fx);
    return;
  }
  if (role_ == raft_role::pre_candidate && m.term == term_ + 1)
    count_vote(from, m.granted, fx);
}

void raft::on_vote(node_id from, const vote_request& m, raft_effects& fx) {
  if (m.term > term_)
    become_follower(m.term, std::nullopt, fx);
  bool grant = m.term == term_ && (!voted_for_ || *voted_for_ == from) &&
               log_up_to_date(m.last_log_index, m.last_log_term);
  if (grant) {
    voted_for_ = from;
    reset_election_timer(fx);
  }
  send(fx, from, vote_response{term_, grant});
}

void raft::on_vote_response(node_id from, const vote_response& m,
                            raft_effects& fx) {
  if (m.term > term_)
    become_follower(m.term, std::nullopt, fx);
  else if (m.term == term_ && role_ == raft_role::candidate)
    count_vote(from, m.granted, fx);
}

/// A message of the current leader (append or snapshot) at term `term`:
/// follow it, renew its lease. False if the message is from an old term.
bool raft::check_term(node_id from, uint64_t term, bool from_leader,
                      raft_effects& fx) {
  if (term < term_)
    return false;
  if (term > term_ || role_ != raft_role::follower)
    become_follower(term, std::nullopt, fx);
  else
    reset_election_timer(fx);
  if (from_leader) {
    leader_ = from;
    in_lease_ = true;
  }
  return true;
}

/// Where the leader may retry after a refused append at `rejected_index`:
/// the first index of our term there, never at or below the commit index
/// (those entries match the leader's).
uint64_t raft::conflict_hint(uint64_t rejected_index) const {
  auto t = term_at(rejected_index);
  auto index = rejected_index;
  while (index > snapshot_.index + 1 && term_at(index - 1) == t)
    --index;
  return std::max(index, commit_ + 1);
}

void raft::on_append(node_id from, const append_entries& m, raft_effects& fx) {
  append_entries_response r{term_, false, 0, m.prev_log_index, 0};
  if (!check_term(from, m.term, true, fx)) {
    send(fx, from, r);
    return;
  }
  r.term = term_;
  if (m.prev_log_index > last_index()) {
    r.hint_index = last_index() + 1;
    send(fx, from, r);
    return;
  }
  if (m.prev_log_index >= snapshot_.index &&
      term_at(m.prev_log_index) != m.prev_log_term) {
    r.hint_index = conflict_hint(m.prev_log_index);
    send(fx, from, r);
    return;
  }
  for (const auto& e : m.entries) {
    if (e.index <= snapshot_.index)
      continue; // committed, so equal (Log Matching)
    if (e.index <= last_index()) {
      if (term_at(e.index) == e.term)
        continue;
      truncate_from(e.index);
    }
    log_.push_back(e);
  }
  auto match = m.prev_log_index + m.entries.size();
  VMSS_ASSERT(match <= last_index(),
              "raft: what a follower acknowledges is in its log");
  auto commit = std::min(m.leader_commit, match);
  if (commit > commit_) {
    commit_ = commit;
    apply_committed(fx);
  }
  r.success = true;
  r.match_index = match;
  send(fx, from, r);
}

void raft::on_snapshot(node_id from, const install_snapshot& m,
                       raft_effects& fx) {
  if (!check_term(from, m.term, true, fx)) {
    send(fx, from, install_snapshot_response{term_, 0});
    return;
  }
  auto index = m.last_included_index;
  if (index <= commit_) {
    send(fx, from, install_snapshot_response{term_, commit_});
    return;
  }
  if (term_at(index) == m.last_included_term) {
    while (!log_.empty() && log_.front().index <= index)
      log_.pop_front(); // the rest follows the snapshot: keep it
  } else {
    log_.clear();
  }
  snapshot_ = raft_snapshot{index, m.last_included_term, m.data};
  commit_ = applied_ = index;
  fx.restore = snapshot_;
  send(fx, from, install_snapshot_response{term_, index});
}

// --- Leader ---------------------------------------------------------------

propose_result raft::propose(std::string payload) {
  propose_result r;
  r.leader_hint = leader_;
  if (role_ != raft_role::leader) {
    r.status = propose_status::not_leader;
    return r;
  }
  if (last_index() - commit_ >= config_.max_uncommitted) {
    r.status = propose_status::busy;
    return r;
  }
  r.status = propose_status::accepted;
  r.index = last_index() + 1;
  r.term = term_;
  log_.push_back(raft_entry{term_, r.index, std::move(payload)});
  replicate_all(false, r.effects);
  maybe_commit(r.effects);
  check_invariants();
  return r;
}

void raft::on_heartbeat(raft_effects& fx) {
  set_heartbeat_timer(fx);
  if (config_.check_quorum && ++beats_since_check_ * config_.heartbeat_period >=
                                  config_.election_timeout_min) {
    beats_since_check_ = 0;
    size_t heard = 1;
    for (auto& [id, p] : peers_) {
      heard += p.recent_active ? 1 : 0;
      p.recent_active = false;
    }
    if (heard < quorum()) {
      become_follower(term_, std::nullopt, fx);
      return;
    }
  }
  replicate_all(true, fx);
}

void raft::replicate_all(bool heartbeat, raft_effects& fx) {
  for (auto m : config_.members)
    if (m != self_)
      send_append(m, heartbeat, fx);
}

/// Sends `to` the entries from its next index (or the snapshot, if they
/// were compacted). Unless `heartbeat`, only when nothing is in flight.
void raft::send_append(node_id to, bool heartbeat, raft_effects& fx) {
  auto& p = peers_[to];
  if (!heartbeat && p.in_flight)
    return;
  if (p.next <= snapshot_.index) {
    if (p.in_flight && p.snapshot_wait > 0) {
      --p.snapshot_wait; // keep the lease while the snapshot travels
      send(fx, to,
           append_entries{term_, snapshot_.index, snapshot_.term, {}, commit_});
      return;
    }
    send_snapshot(to, p, fx);
    return;
  }
  append_entries m{term_, p.next - 1, term_at(p.next - 1), {}, commit_};
  auto last =
      std::min(last_index(), p.next + config_.max_entries_per_append - 1);
  for (auto i = p.next; i <= last; ++i)
    m.entries.push_back(*entry(i));
  p.in_flight = p.in_flight || !m.entries.empty();
  p.commit_sent = commit_;
  send(fx, to, std::move(m));
}

void raft::send_snapshot(node_id to, progress& p, raft_effects& fx) {
  p.in_flight = true;
  p.snapshot_wait = snapshot_retry_beats;
  send(
      fx, to,
      install_snapshot{term_, snapshot_.index, snapshot_.term, snapshot_.data});
}

/// Paper §5.4.2: only an entry of the current term is committed by
/// counting replicas; earlier ones are committed with it.
void raft::maybe_commit(raft_effects& fx) {
  if (role_ != raft_role::leader)
    return;
  std::vector<uint64_t> match{last_index()};
  for (const auto& [id, p] : peers_)
    match.push_back(p.match);
  std::sort(match.begin(), match.end(), std::greater<>());
  auto n = match[quorum() - 1];
  VMSS_ASSERT(n <= last_index(), "raft: a majority matches within the log");
  if (n <= commit_ || term_at(n) != term_)
    return;
  commit_ = n;
  apply_committed(fx);
  replicate_all(false, fx); // tell idle followers the new commit index
}

void raft::on_append_response(node_id from, const append_entries_response& m,
                              raft_effects& fx) {
  if (m.term > term_) {
    become_follower(m.term, std::nullopt, fx);
    return;
  }
  auto it = peers_.find(from);
  if (m.term < term_ || role_ != raft_role::leader || it == peers_.end())
    return;
  auto& p = it->second;
  p.recent_active = true;
  if (m.success) {
    p.match = std::max(p.match, m.match_index);
    p.next = std::max(p.next, p.match + 1);
    p.in_flight = false;
    maybe_commit(fx);
    send_more(from, p, fx);
    return;
  }
  if (m.rejected_index + 1 != p.next)
    return; // stale: we already moved on
  p.next = std::max(p.match + 1, std::min(p.next - 1, m.hint_index));
  p.in_flight = false;
  send_append(from, false, fx);
}

void raft::on_snapshot_response(node_id from,
                                const install_snapshot_response& m,
                                raft_effects& fx) {
  if (m.term > term_) {
    become_follower(m.term, std::nullopt, fx);
    return;
  }
  auto it = peers_.find(from);
  if (m.term < term_ || role_ != raft_role::leader || it == peers_.end())
    return;
  auto& p = it->second;
  p.recent_active = true;
  p.match = std::max(p.match, m.match_index);
  p.next = std::max(p.next, p.match + 1);
  p.in_flight = false;
  p.snapshot_wait = 0;
  maybe_commit(fx);
  send_more(from, p, fx);
}

/// After an answer: sends what `to` lacks, or else the new commit index.
void raft::send_more(node_id to, const progress& p, raft_effects& fx) {
  if (role_ == raft_role::leader &&
      (p.next <= last_index() || p.commit_sent < commit_))
    send_append(to, false, fx);
}

} // namespace vmss::fabric
