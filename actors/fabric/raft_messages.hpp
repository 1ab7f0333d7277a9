#pragma once
/// Messages of the fabric controller's consensus core (actors/fabric/raft.*):
/// Raft (Ongaro & Ousterhout 2014, "In Search of an Understandable Consensus
/// Algorithm", Figure 2) with pre-vote (Ongaro's thesis §9.6) and
/// InstallSnapshot (§7 of the paper). The sender is the message's source
/// entity; no message names it. Registered in messages/registry.cpp.

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::fabric {

/// One log entry: an opaque command (the fabric controller's serialized
/// request) at `index`, created by the leader of `term`.
struct raft_entry {
  uint64_t term = 0;
  uint64_t index = 0;
  std::string payload;
  friend bool operator==(const raft_entry& a, const raft_entry& b) {
    return a.term == b.term && a.index == b.index && a.payload == b.payload;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, raft_entry& x) {
  return f(caf::meta::type_name("raft_entry"), x.term, x.index, x.payload);
}

/// Pre-vote (thesis §9.6): "would you vote for me in `term`?" Sent with the
/// sender's term + 1, which neither side adopts.
struct pre_vote_request {
  uint64_t term = 0; ///< the term the sender would campaign in
  uint64_t last_log_index = 0;
  uint64_t last_log_term = 0;
  friend bool operator==(const pre_vote_request& a, const pre_vote_request& b) {
    return a.term == b.term && a.last_log_index == b.last_log_index &&
           a.last_log_term == b.last_log_term;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pre_vote_request& x) {
  return f(caf::meta::type_name("pre_vote_request"), x.term, x.last_log_index,
           x.last_log_term);
}

/// The answer to pre_vote_request. `term`: the request's term if granted,
/// else the voter's current term.
struct pre_vote_response {
  uint64_t term = 0;
  bool granted = false;
  friend bool operator==(const pre_vote_response& a,
                         const pre_vote_response& b) {
    return a.term == b.term && a.granted == b.granted;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pre_vote_response& x) {
  return f(caf::meta::type_name("pre_vote_response"), x.term, x.granted);
}

/// RequestVote (paper §5.2, §5.4.1).
struct vote_request {
  uint64_t term = 0;
  uint64_t last_log_index = 0;
  uint64_t last_log_term = 0;
  friend bool operator==(const vote_request& a, const vote_request& b) {
    return a.term == b.term && a.last_log_index == b.last_log_index &&
           a.last_log_term == b.last_log_term;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vote_request& x) {
  return f(caf::meta::type_name("vote_request"), x.term, x.last_log_index,
           x.last_log_term);
}

/// The answer to vote_request, with the voter's current term.
struct vote_response {
  uint64_t term = 0;
  bool granted = false;
  friend bool operator==(const vote_response& a, const vote_response& b) {
    return a.term == b.term && a.granted == b.granted;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vote_response& x) {
  return f(caf::meta::type_name("vote_response"), x.term, x.granted);
}

/// AppendEntries (paper §5.3): entries after `prev_log_index`; empty as a
/// heartbeat.
struct append_entries {
  uint64_t term = 0;
  uint64_t prev_log_index = 0;
  uint64_t prev_log_term = 0;
  std::vector<raft_entry> entries;
  uint64_t leader_commit = 0;
  friend bool operator==(const append_entries& a, const append_entries& b) {
    return a.term == b.term && a.prev_log_index == b.prev_log_index &&
           a.prev_log_term == b.prev_log_term && a.entries == b.entries &&
           a.leader_commit == b.leader_commit;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_entries& x) {
  return f(caf::meta::type_name("append_entries"), x.term, x.prev_log_index,
           x.prev_log_term, x.entries, x.leader_commit);
}

/// The answer to append_entries. Accepted: the follower's log matches the
/// leader's up to `match_index`. Refused (consistency check failed at
/// `rejected_index`, the request's prev_log_index): `hint_index` is where
/// the leader may retry (fast back-off, paper §5.3 end).
struct append_entries_response {
  uint64_t term = 0;
  bool success = false;
  uint64_t match_index = 0;
  uint64_t rejected_index = 0;
  uint64_t hint_index = 0;
  friend bool operator==(const append_entries_response& a,
                         const append_entries_response& b) {
    return a.term == b.term && a.success == b.success &&
           a.match_index == b.match_index &&
           a.rejected_index == b.rejected_index && a.hint_index == b.hint_index;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        append_entries_response& x) {
  return f(caf::meta::type_name("append_entries_response"), x.term, x.success,
           x.match_index, x.rejected_index, x.hint_index);
}

/// InstallSnapshot (paper §7), in one message: the leader's state machine at
/// `last_included_index`, for a follower whose next entry was compacted.
struct install_snapshot {
  uint64_t term = 0;
  uint64_t last_included_index = 0;
  uint64_t last_included_term = 0;
  std::string data;
  friend bool operator==(const install_snapshot& a, const install_snapshot& b) {
    return a.term == b.term && a.last_included_index == b.last_included_index &&
           a.last_included_term == b.last_included_term && a.data == b.data;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, install_snapshot& x) {
  return f(caf::meta::type_name("install_snapshot"), x.term,
           x.last_included_index, x.last_included_term, x.data);
}

/// The answer to install_snapshot: the follower now matches the leader up
/// to `match_index`.
struct install_snapshot_response {
  uint64_t term = 0;
  uint64_t match_index = 0;
  friend bool operator==(const install_snapshot_response& a,
                         const install_snapshot_response& b) {
    return a.term == b.term && a.match_index == b.match_index;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        install_snapshot_response& x) {
  return f(caf::meta::type_name("install_snapshot_response"), x.term,
           x.match_index);
}

enum class raft_timer_kind : uint8_t {
  lease_expired, ///< election_timeout_min without word from a leader
  election,      ///< the randomized rest of the election timeout
  heartbeat,     ///< the leader's heartbeat period
};

/// Timer of the consensus core, sent by the shell to itself. A timer whose
/// `generation` is not the core's current one for its kind is stale.
struct raft_timer {
  raft_timer_kind kind = raft_timer_kind::election;
  uint64_t generation = 0;
  friend bool operator==(const raft_timer& a, const raft_timer& b) {
    return a.kind == b.kind && a.generation == b.generation;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, raft_timer& x) {
  return f(caf::meta::type_name("raft_timer"), x.kind, x.generation);
}

} // namespace vmss::fabric
