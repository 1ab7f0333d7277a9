#pragma once
/// The fabric controller's consensus core: one replica's Raft (Ongaro &
/// Ousterhout 2014, Figure 2; pre-vote and leader leases from Ongaro's
/// thesis §9.6, §6.4) as a pure state machine in the style of etcd-io/raft:
/// feed it a message, a timer or a proposal, it returns the effects (sends,
/// timers, committed entries, role changes) its actor shell carries out. No
/// CAF, no clock: time arrives as timers the core itself asked for.
///
///              timers fire                majority of pre-votes
///  +----------+ ----------> +---------------+ -------------------+
///  | follower |             | pre_candidate | <-- timers fire -+ |
///  +----------+ <---------- +---------------+                  | v
///    ^  ^  ^        (1)                                    +-----------+
///    |  |  +------------------- (1) ---------------------- | candidate |
///    |  |                                                  +-----------+
///    |  |                    majority of votes                   |
///    |  |     +--------+ <---------------------------------------+
///    |  +---- | leader |  (2)
///    |        +--------+
///    +-- restart(), from any role
///
///  (1) an append or snapshot of the current term, or any higher term
///  (2) a higher term; or (check_quorum) no majority heard from within
///      election_timeout_min
///  A new leader appends a no-op of its term (thesis §6.4), then sends
///  heartbeats. Without pre_vote, timers take a follower straight to
///  candidate.
///
/// Timers: after word from a leader (or a vote granted, or a campaign), a
/// follower sets `lease_expired` after election_timeout_min; when it fires
/// the node stops honouring the leader's lease and sets `election` after a
/// random [0, max - min] drawn from its rng; when that fires it campaigns.
/// Setting a timer bumps the generation; a timer of an older generation is
/// stale and ignored.
///
/// Durable (survives restart()): current term, voted-for, log, snapshot.
/// Volatile: role, commit index (relearned from the leader), leader hint,
/// votes and replication progress.

#include "actors/fabric/raft_messages.hpp"
#include "kernel/rng.hpp"
#include "kernel/sim_time.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace vmss::fabric {

/// A replica: its entity id.
using node_id = uint32_t;

/// Defaults for replicas in one region (round trips well under 1 ms); the
/// reasons are in docs/fabric.md ("Consensus core").
struct raft_config {
  std::vector<node_id> members; ///< every replica, this one included (5)
  sim_time election_timeout_min = seconds(1);
  sim_time election_timeout_max = seconds(2);
  sim_time heartbeat_period = ms(250);
  uint32_t max_entries_per_append = 64;
  uint64_t snapshot_threshold = 1024; ///< applied entries kept before compact
  uint64_t max_uncommitted = 4096;    ///< the leader refuses proposals beyond
  bool pre_vote = true;               ///< thesis §9.6
  bool check_quorum = true; ///< a leader not heard by a majority steps down
};

/// Checks a configuration for replica `self`: members list `self` once and
/// no replica twice; 0 < heartbeat_period < election_timeout_min <=
/// election_timeout_max; max_entries_per_append, snapshot_threshold and
/// max_uncommitted at least 1. Throws std::invalid_argument naming the
/// setting and the reason.
void validate(const raft_config& config, node_id self);

enum class raft_role : uint8_t { follower, pre_candidate, candidate, leader };

/// "follower", "pre_candidate", "candidate", "leader".
const char* to_string(raft_role r);

/// The state machine at `index` (term `term`), serialized by its owner.
struct raft_snapshot {
  uint64_t index = 0;
  uint64_t term = 0;
  std::string data;
};

using raft_message =
    std::variant<pre_vote_request, pre_vote_response, vote_request,
                 vote_response, append_entries, append_entries_response,
                 install_snapshot, install_snapshot_response>;

struct raft_send {
  node_id to = 0;
  raft_message msg;
};

struct raft_timer_set {
  sim_time delay = 0;
  raft_timer timer;
};

/// A role change, for the trace. Becoming leader is `leader_elected` in
/// `term`.
struct raft_role_change {
  raft_role role = raft_role::follower;
  uint64_t term = 0;
};

/// What the shell carries out, in this order: install `restore` in the
/// state machine (it replaces it), apply `committed` in order, send, set
/// timers, trace role changes; if `wants_snapshot`, serialize the state
/// machine and call compact() with the last applied index.
struct raft_effects {
  std::vector<raft_send> sends;
  std::vector<raft_timer_set> timers;
  std::optional<raft_snapshot> restore;
  std::vector<raft_entry> committed;
  std::vector<raft_role_change> roles;
  bool wants_snapshot = false;
};

enum class propose_status : uint8_t {
  accepted,
  not_leader, ///< ask `leader_hint` (if known)
  busy,       ///< max_uncommitted entries are waiting for a majority
};

struct propose_result {
  propose_status status = propose_status::not_leader;
  uint64_t index = 0; ///< accepted: where the entry will be, if committed
  uint64_t term = 0;
  std::optional<node_id> leader_hint;
  raft_effects effects;
};

class raft {
public:
  /// Keeps a reference to `random` (the entity's seeded stream). Throws
  /// std::invalid_argument if `config` is bad (validate).
  raft(node_id self, raft_config config, rng& random);

  /// First boot: a follower with no leader; sets the election timers.
  raft_effects start();

  /// Crash and restart: keeps the durable state, drops the rest. The
  /// effects always carry `restore`, the replica's own snapshot (index 0:
  /// an empty state machine); committed entries after it are applied again
  /// as the commit index is relearned.
  raft_effects restart();

  /// A message from replica `from`.
  raft_effects step(node_id from, const raft_message& msg);

  /// A timer this core asked for; stale ones do nothing.
  raft_effects on_timer(const raft_timer& timer);

  /// Leader only: appends `payload` to the log.
  propose_result propose(std::string payload);

  /// Starts a pre-vote (or vote) now, as if the election timer had fired.
  raft_effects campaign();

  /// The owner's snapshot of its state machine after applying `index`:
  /// entries up to `index` are dropped. Ignored unless the snapshot index
  /// < index <= last applied.
  void compact(uint64_t index, std::string data);

  node_id id() const { return self_; }
  raft_role role() const { return role_; }
  uint64_t term() const { return term_; }
  std::optional<node_id> voted_for() const { return voted_for_; }
  std::optional<node_id> leader_hint() const { return leader_; }
  uint64_t commit_index() const { return commit_; }
  uint64_t last_index() const { return snapshot_.index + log_.size(); }
  uint64_t last_term() const { return term_at(last_index()); }
  const raft_snapshot& snapshot() const { return snapshot_; }
  /// Entries held in memory (after the snapshot).
  size_t log_size() const { return log_.size(); }
  /// The entry at `index`, or nullptr if compacted or beyond the log.
  const raft_entry* entry(uint64_t index) const;
  /// The term of the entry at `index`; 0 if unknown (compacted, beyond).
  uint64_t term_at(uint64_t index) const;
  const raft_config& config() const { return config_; }

private:
  /// The leader's view of one follower (paper Figure 2: nextIndex,
  /// matchIndex).
  struct progress {
    uint64_t next = 1;
    uint64_t match = 0;
    bool in_flight = false;     ///< entries sent, no answer yet
    bool recent_active = true;  ///< answered since the last quorum check
    uint32_t snapshot_wait = 0; ///< heartbeats before resending a snapshot
    uint64_t commit_sent = 0;   ///< the commit index last sent
  };

  size_t quorum() const { return config_.members.size() / 2 + 1; }
  /// Asserts what holds between steps: snapshot index <= applied <= commit
  /// <= last index, a gapless log after the snapshot of no future term, a
  /// leader that is its own leader hint and tracks progress within its log,
  /// a candidate that voted for itself.
  void check_invariants() const;
  bool log_up_to_date(uint64_t last_index, uint64_t last_term) const;
  void note_role(raft_effects& fx);

  void become_follower(uint64_t term, std::optional<node_id> leader,
                       raft_effects& fx);
  void become_pre_candidate(raft_effects& fx);
  void become_candidate(raft_effects& fx);
  void become_leader(raft_effects& fx);
  void broadcast_votes(bool pre, raft_effects& fx);
  void count_vote(node_id from, bool granted, raft_effects& fx);

  void reset_election_timer(raft_effects& fx);
  void set_heartbeat_timer(raft_effects& fx);
  void on_heartbeat(raft_effects& fx);

  void send_append(node_id to, bool heartbeat, raft_effects& fx);
  void send_snapshot(node_id to, progress& p, raft_effects& fx);
  void send_more(node_id to, const progress& p, raft_effects& fx);
  void replicate_all(bool heartbeat, raft_effects& fx);
  void maybe_commit(raft_effects& fx);
  void apply_committed(raft_effects& fx);

  bool check_term(node_id from, uint64_t term, bool from_leader,
                  raft_effects& fx);
  void on_pre_vote(node_id from, const pre_vote_request& m, raft_effects& fx);
  void on_pre_vote_response(node_id from, const pre_vote_response& m,
                            raft_effects& fx);
  void on_vote(node_id from, const vote_request& m, raft_effects& fx);
  void on_vote_response(node_id from, const vote_response& m, raft_effects& fx);
  void on_append(node_id from, const append_entries& m, raft_effects& fx);
  void on_append_response(node_id from, const append_entries_response& m,
                          raft_effects& fx);
  void on_snapshot(node_id from, const install_snapshot& m, raft_effects& fx);
  void on_snapshot_response(node_id from, const install_snapshot_response& m,
                            raft_effects& fx);
  uint64_t conflict_hint(uint64_t rejected_index) const;
  void truncate_from(uint64_t index);

  node_id self_;
  raft_config config_;
  rng* random_;

  // Durable.
  uint64_t term_ = 0;
  std::optional<node_id> voted_for_;
  raft_snapshot snapshot_;     ///< entries up to snapshot_.index
  std::deque<raft_entry> log_; ///< entries snapshot_.index + 1 ...

  // Volatile.
  raft_role role_ = raft_role::follower;
  std::optional<node_id> leader_;
  bool in_lease_ = false; ///< heard from the leader within the lease
  uint64_t commit_ = 0;
  uint64_t applied_ = 0;
  std::set<node_id> votes_; ///< granted (pre-)votes of this campaign
  std::map<node_id, progress> peers_;
  uint32_t beats_since_check_ = 0;
  uint64_t next_generation_ = 1; ///< never reused, even across restarts
  uint64_t election_generation_ = 0;
  uint64_t heartbeat_generation_ = 0;
};

} // namespace vmss::fabric
