#pragma once
/// How a host agent or the scale-set client finds the fabric controller's
/// leader, as a pure core (no CAF, no clock): the shell says when it is
/// about to ask and what came back, the core says whom to ask.
///
///           answer (ack, result): contact, doubts forgotten
///          +-----------------------------+
///          v                             |
///   +-------------+  redirect{known, L},  |   redirect{known, L}, L not
///   | ask target  | -- L not doubted ---->+-> target = L (contact)
///   +-------------+
///      |       |
///      |       +-- redirect{unknown} from the target, or naming a doubted
///      |           replica: the target is no help; move on now
///      +-- `patience` without contact: the target is gone; move on
///
/// Moving on takes the next replica (in the shell's order) that has not
/// said, since the last contact, that it knows no leader (doubted); when
/// every replica is doubted the doubts are forgotten. A doubt also expires
/// after `patience`: a replica that knew no leader may have won the
/// election since, and the others then name it. A redirect that does
/// not know the leader is not contact: a replica cut off with its zone
/// keeps answering so, and a finder that took that for contact would never
/// try the replicas that elected a new leader.
///
/// Time is the shell's own measure of progress, in the unit of `patience`:
/// the host agent counts the heartbeats it has sent (patience: `missed`
/// beats), the client uses virtual time (patience: its retry period).

#include "topology/entity_table.hpp"

#include <cstdint>
#include <vector>

namespace vmss::fabric {

class leader_finder {
public:
  /// `replicas`: the fabric controller's replicas, at least one; the
  /// first is asked first.
  leader_finder(std::vector<entity_id> replicas, int64_t patience);

  /// The replica believed to lead.
  entity_id target() const { return replicas_[target_]; }

  /// The replica to ask at `now`; moves on first if the target has had
  /// `patience` without contact.
  entity_id ask(int64_t now);

  /// A reply only the leader gives (a heartbeat acknowledgement, a result).
  void on_answer(int64_t now);

  /// `from` answered fc_redirect{known, leader}.
  void on_redirect(int64_t now, entity_id from, bool known, entity_id leader);

  /// Forgets everything (a crash): the first replica, from `now`.
  void reset(int64_t now);

  /// Whether `replica` said it knows no leader since the last contact, less
  /// than `patience` ago at `now` (a doubt expires: the replica may have
  /// won the election since).
  bool doubted(entity_id replica, int64_t now) const;

private:
  /// Index of `replica` in replicas_, or replicas_.size().
  size_t index_of(entity_id replica) const;
  void move_on(int64_t now);

  std::vector<entity_id> replicas_;
  int64_t patience_;
  size_t target_ = 0;
  int64_t since_ = 0; ///< the last contact, or when target_ was chosen
  /// When each replica said it knows no leader; no_doubt if it did not
  /// since the last contact.
  static constexpr int64_t no_doubt = INT64_MIN;
  std::vector<int64_t> doubted_at_;
  bool doubts(size_t i, int64_t now) const;
};

} // namespace vmss::fabric
