#pragma once
/// Calendar queue of timed events (pure, no CAF).
///
/// Time is cut into slots of `slot_width` ns. A ring of `ring_size` buckets
/// holds the slots from the current one up to the horizon; later events wait
/// in a min-heap and move into the ring as it advances. A bucket is sorted
/// once when it becomes current; events pushed into the current slot after
/// that go to a small heap and are merged on pop. Pops come out in Event's
/// `operator<` order, which must order by time first.
///
/// Time never goes back (VMSS_ASSERT): no event is pushed earlier than the
/// last one popped, and no pop is earlier than the one before it.

#include "kernel/assert.hpp"
#include "kernel/sim_time.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace vmss {

template <class Event>
class event_queue {
public:
  explicit event_queue(sim_time slot_width = ms(1), size_t ring_size = 4096)
      : width_(slot_width > 0 ? slot_width : 1), ring_(round_up(ring_size)) {}

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  /// Adds an event; its time must not precede the last popped event's.
  void push(const Event& ev) { push(Event(ev)); }

  /// Adds an event without copying it (one move into its bucket).
  void push(Event&& ev) {
    VMSS_ASSERT(ev.t >= last_t_,
                "an event is never pushed earlier than the last one popped");
    int64_t s = ev.t / width_;
    ++size_;
    if (s == cur_slot_ && active_) {
      late_.push_back(std::move(ev));
      std::push_heap(late_.begin(), late_.end(), greater{});
    } else if (s < cur_slot_ + static_cast<int64_t>(ring_.size())) {
      bucket(s).push_back(std::move(ev));
      ++ring_count_;
    } else {
      far_.push_back(std::move(ev));
      std::push_heap(far_.begin(), far_.end(), greater{});
    }
  }

  /// Time of the earliest event, or sim_time_never. Does not advance the
  /// current slot, so that events earlier than the answer (e.g. from other
  /// nodes) can still be pushed afterwards.
  sim_time next_time() const {
    if (size_ == 0)
      return sim_time_never;
    if (active_ && (pos_ < cur_.size() || !late_.empty()))
      return peek().t;
    int64_t s = next_slot();
    if (s >= cur_slot_ + static_cast<int64_t>(ring_.size()))
      return far_.front().t;
    const auto& bucket = ring_[index(s)];
    return std::min_element(bucket.begin(), bucket.end())->t;
  }

  /// The k-th event after the next one in the current slot's sorted run,
  /// if there is one (a hint for prefetching; ignores late pushes).
  const Event* upcoming(size_t k) const {
    return active_ && pos_ + k < cur_.size() ? &cur_[pos_ + k] : nullptr;
  }

  /// Spent bucket storage kept for reuse (bounded; for tests).
  size_t spare_buckets() const { return spare_.size(); }

  /// Removes and returns the earliest event; the queue must not be empty.
  Event pop() {
    VMSS_ASSERT(size_ > 0, "pop from an empty event queue");
    settle();
    --size_;
    bool from_late =
        !late_.empty() && (pos_ == cur_.size() || late_.front() < cur_[pos_]);
    Event& next = from_late ? late_top() : cur_[pos_++];
    VMSS_ASSERT(next.t >= last_t_,
                "an event popped is never earlier than the one before it");
    last_t_ = next.t;
    // One move out of the queue's storage into the result.
    Event ev(std::move(next));
    if (from_late)
      late_.pop_back();
    return ev;
  }

private:
  struct greater {
    bool operator()(const Event& a, const Event& b) const { return b < a; }
  };

  static size_t round_up(size_t n) {
    size_t p = 1;
    while (p < n)
      p <<= 1;
    return p;
  }

  size_t index(int64_t slot) const {
    return static_cast<size_t>(slot) & (ring_.size() - 1);
  }

  /// The bucket of `slot`, given spare storage if it has none.
  std::vector<Event>& bucket(int64_t slot) {
    auto& b = ring_[index(slot)];
    if (b.capacity() == 0 && !spare_.empty()) {
      b.swap(spare_.back());
      spare_.pop_back();
    }
    return b;
  }

  /// Moves the late heap's earliest event to its back and returns it there
  /// (the caller pops it).
  Event& late_top() {
    std::pop_heap(late_.begin(), late_.end(), greater{});
    return late_.back();
  }

  const Event& peek() const {
    if (!late_.empty() && (pos_ == cur_.size() || late_.front() < cur_[pos_]))
      return late_.front();
    return cur_[pos_];
  }

  /// Makes the current slot hold the earliest event; false when empty.
  bool settle() {
    if (size_ == 0)
      return false;
    if (active_ && (pos_ < cur_.size() || !late_.empty()))
      return true;
    cur_.clear();
    pos_ = 0;
    int64_t next = next_slot();
    cur_slot_ = next;
    pull_far();
    // Take the bucket's storage and keep the spent one as a spare for the
    // next bucket that fills, so that storage is reused, yet idle buckets
    // do not each keep the capacity of the busiest slot.
    if (cur_.capacity() > 0 && spare_.size() < max_spares)
      spare_.push_back(std::move(cur_));
    cur_ = std::move(ring_[index(cur_slot_)]);
    ring_[index(cur_slot_)] = std::vector<Event>();
    ring_count_ -= cur_.size();
    sort_bucket(cur_);
    active_ = true;
    return true;
  }

  /// Buckets often fill as a few already sorted runs (e.g. timers set long
  /// ago, then messages sent just before): merge those, sort the rest.
  static void sort_bucket(std::vector<Event>& v) {
    constexpr size_t max_runs = 8;
    size_t starts[max_runs];
    size_t runs = 1;
    starts[0] = 0;
    for (size_t i = 1; i < v.size(); ++i) {
      if (!(v[i] < v[i - 1]))
        continue;
      if (runs == max_runs) {
        std::sort(v.begin(), v.end());
        return;
      }
      starts[runs++] = i;
    }
    for (size_t r = 1; r < runs; ++r) {
      size_t end = r + 1 < runs ? starts[r + 1] : v.size();
      std::inplace_merge(v.begin(), v.begin() + starts[r], v.begin() + end);
    }
  }

  /// First non-empty slot after the current one (the current one is spent).
  int64_t next_slot() const {
    int64_t first = active_ ? cur_slot_ + 1 : cur_slot_;
    if (ring_count_ > 0) {
      int64_t end = cur_slot_ + static_cast<int64_t>(ring_.size());
      for (int64_t s = first; s < end; ++s)
        if (!ring_[index(s)].empty())
          return s;
    }
    return far_.front().t / width_;
  }

  /// Moves waiting events that are now within the ring's horizon into it.
  void pull_far() {
    int64_t horizon = cur_slot_ + static_cast<int64_t>(ring_.size());
    while (!far_.empty() && far_.front().t / width_ < horizon) {
      std::pop_heap(far_.begin(), far_.end(), greater{});
      int64_t s = far_.back().t / width_;
      bucket(s).push_back(std::move(far_.back()));
      ++ring_count_;
      far_.pop_back();
    }
  }

  sim_time width_;
  std::vector<std::vector<Event>> ring_;
  std::vector<Event> far_;  ///< min-heap of events beyond the horizon
  std::vector<Event> cur_;  ///< the current slot, sorted
  std::vector<Event> late_; ///< min-heap of pushes into the current slot
  /// Emptied storage, for reuse; at most max_spares are kept, so that a
  /// run whose buckets fill from the far heap does not pile them up.
  std::vector<std::vector<Event>> spare_;
  static constexpr size_t max_spares = 64;
  size_t pos_ = 0;
  int64_t cur_slot_ = 0;
  /// Time of the last event popped (virtual time starts at 0).
  sim_time last_t_ = 0;
  bool active_ = false;
  size_t size_ = 0;
  size_t ring_count_ = 0;
};

} // namespace vmss
