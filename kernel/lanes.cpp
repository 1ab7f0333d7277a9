#include "kernel/lanes.hpp"

#include <sched.h>

#include <algorithm>
#include <deque>
#include <string_view>
#include <unordered_map>

namespace vmss {

namespace {

/// Waits until `done()`: spinning first (a window's lanes finish within
/// microseconds of each other), then yielding the core, which matters when
/// more threads than cores run. False once `patience` yields have passed
/// without it (0: never give up).
template <class Done>
bool spin_until(Done done, int patience) {
  for (int i = 0; i < 4096; ++i) {
    if (done())
      return true;
    __builtin_ia32_pause();
  }
  for (int i = 0; patience == 0 || i < patience; ++i) {
    if (done())
      return true;
    sched_yield();
  }
  return false;
}

/// A lane's records of one window, with its own event-name ids, until
/// node_lanes::merge_records() appends them to the shard file.
class lane_buffer final : public trace::record_sink {
public:
  struct record {
    trace::order_key key;
    uint16_t event;
    uint32_t first; ///< index of its first field in fields
    uint32_t count;
  };

  uint16_t intern(std::string_view event_name) override {
    auto i = ids_.find(event_name);
    if (i != ids_.end())
      return i->second;
    names_.emplace_back(event_name);
    auto id = static_cast<uint16_t>(names_.size() - 1);
    ids_.emplace(names_.back(), id);
    return id;
  }

  void append(const trace::order_key& key, uint16_t event,
              const trace::field* fields, size_t n) override {
    records_.push_back({key, event, static_cast<uint32_t>(fields_.size()),
                        static_cast<uint32_t>(n)});
    fields_.insert(fields_.end(), fields, fields + n);
  }

  const std::vector<record>& records() const { return records_; }
  const trace::field* fields(const record& r) const {
    return fields_.data() + r.first;
  }

  /// The shard file's id of this buffer's event `id`, interned there when
  /// its first record is appended (as one lane's kernel would).
  uint16_t writer_id(uint16_t id, trace::shard_writer& writer) {
    if (writer_ids_.size() <= id)
      writer_ids_.resize(id + 1, unknown);
    if (writer_ids_[id] == unknown)
      writer_ids_[id] = writer.intern(names_[id]);
    return writer_ids_[id];
  }

  void clear() {
    records_.clear();
    fields_.clear();
  }

private:
  std::deque<std::string> names_; ///< by id; a deque keeps the views valid
  std::unordered_map<std::string_view, uint16_t> ids_;
  static constexpr uint16_t unknown = 0xFFFF;
  std::vector<uint16_t> writer_ids_;
  std::vector<record> records_;
  std::vector<trace::field> fields_;
};

} // namespace

// -- lane_team
// -----------------------------------------------------------------

lane_team::lane_team(size_t n) {
  for (size_t i = 1; i < n; ++i)
    workers_.emplace_back([this, i] { work(i); });
}

lane_team::~lane_team() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    epoch_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_)
    t.join();
}

void lane_team::run(const std::function<void(size_t)>& job) {
  if (workers_.empty()) {
    job(0);
    return;
  }
  job_ = &job;
  pending_.store(workers_.size());
  epoch_.fetch_add(1); // publishes job_
  // A worker counts itself a sleeper before it checks the epoch under the
  // mutex, so either it sees the new epoch or it is counted here.
  if (sleepers_.load() > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }
  job(0);
  auto t0 = std::chrono::steady_clock::now();
  spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; },
             0);
  waited_s_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
}

void lane_team::work(size_t i) {
  uint64_t seen = 0;
  for (;;) {
    auto moved = [&] { return epoch_.load() != seen; };
    if (!spin_until(moved, 256)) {
      std::unique_lock<std::mutex> lock(mutex_);
      ++sleepers_;
      wake_.wait(lock, moved);
      --sleepers_;
    }
    seen = epoch_.load();
    if (stop_)
      return;
    (*job_)(i);
    pending_.fetch_sub(1, std::memory_order_release);
  }
}

// -- node_lanes
// ------------------------------------------------------------------

node_lanes::node_lanes(uint32_t node, uint32_t nodes, uint32_t lanes)
    : node_(node), nodes_(nodes) {
  VMSS_ASSERT(lanes >= 1 && node < nodes, "a process has at least one lane");
  for (uint32_t i = 0; i < lanes; ++i)
    lanes_.push_back(std::make_unique<lane>());
  team_ = std::make_unique<lane_team>(lanes);
}

node_lanes::~node_lanes() = default;

void node_lanes::set_trace(trace::shard_writer* writer) {
  writer_ = writer;
  for (auto& l : lanes_) {
    if (!writer || lanes_.size() == 1) {
      l->buffer.reset();
      l->kernel->set_trace(writer);
      continue;
    }
    l->buffer = std::make_unique<lane_buffer>();
    l->kernel->set_trace(l->buffer.get());
  }
}

void node_lanes::set_observer(const trace_observer* observer) {
  if (lanes_.size() == 1 || !observer || !*observer) {
    for (auto& l : lanes_)
      l->kernel->set_observer(observer);
    return;
  }
  // Lanes run at once: one record at a time, in no fixed order across
  // lanes within a window (each entity's records stay in order).
  locked_observer_ = [this, observer](const observed_record& r) {
    std::lock_guard<std::mutex> lock(observer_mutex_);
    (*observer)(r);
  };
  for (auto& l : lanes_)
    l->kernel->set_observer(&locked_observer_);
}

bool node_lanes::run_window(sim_time end, caf::execution_unit* ctx) {
  if (lanes_.size() == 1)
    return lanes_.front()->kernel->run_window(end, ctx);
  // Every lane runs its window, even an idle one: run_window also sets the
  // window end that its lookahead checks and accept() use.
  struct window {
    sim_time end;
    caf::execution_unit* ctx;
  } w{end, ctx};
  // Two pointers: small enough for std::function to hold without a heap
  // allocation per window.
  team_->run(
      [this, &w](size_t i) { lanes_[i]->kernel->run_window(w.end, w.ctx); });
  exchange();
  if (writer_)
    merge_records();
  return error().empty();
}

void node_lanes::exchange() {
  outbox_min_ = sim_time_never;
  for (auto& from : lanes_) {
    auto& k = *from->kernel;
    outbox_min_ = std::min(outbox_min_, k.outbox_min_time());
    for (size_t i = 0; i < lanes_.size(); ++i) {
      auto& events = k.outbox_to(shard(i));
      if (events.empty())
        continue;
      lanes_[i]->kernel->accept(std::move(events));
      events.clear();
    }
  }
}

void node_lanes::merge_records() {
  std::vector<lane_buffer*> buffers;
  std::vector<size_t> next(lanes_.size(), 0);
  for (auto& l : lanes_)
    buffers.push_back(static_cast<lane_buffer*>(l->buffer.get()));
  for (;;) {
    lane_buffer* best = nullptr;
    size_t best_i = 0;
    for (size_t i = 0; i < buffers.size(); ++i) {
      const auto& recs = buffers[i]->records();
      if (next[i] < recs.size() &&
          (!best || recs[next[i]].key < best->records()[next[best_i]].key)) {
        best = buffers[i];
        best_i = i;
      }
    }
    if (!best)
      break;
    const auto& r = best->records()[next[best_i]++];
    writer_->append(r.key, best->writer_id(r.event, *writer_), best->fields(r),
                    r.count);
  }
  for (auto* b : buffers)
    b->clear();
}

sim_time node_lanes::next_time() {
  sim_time t = sim_time_never;
  for (auto& l : lanes_)
    t = std::min(t, l->kernel->next_time());
  return t;
}

sim_time node_lanes::outbox_min_time() const {
  if (lanes_.size() == 1)
    return lanes_.front()->kernel->outbox_min_time();
  return outbox_min_;
}

void node_lanes::take_outbox(uint32_t node, std::vector<event>& out) {
  for (auto& l : lanes_) {
    for (uint32_t s = node; s < shards(); s += nodes_) {
      auto& events = l->kernel->outbox_to(s);
      std::move(events.begin(), events.end(), std::back_inserter(out));
      events.clear();
    }
  }
}

void node_lanes::clear_outbox() {
  for (auto& l : lanes_)
    l->kernel->clear_outbox();
  outbox_min_ = sim_time_never;
}

void node_lanes::accept(std::vector<event>&& events) {
  if (lanes_.size() == 1) {
    lanes_.front()->kernel->accept(std::move(events));
    return;
  }
  std::vector<std::vector<event>> by_lane(lanes_.size());
  const auto& table = lanes_.front()->table;
  for (auto& ev : events) {
    uint32_t s = ev.dst < table.size() ? table[ev.dst].node : node_;
    // A shard of another process: the lane's accept() refuses it.
    size_t lane = s % nodes_ == node_ ? s / nodes_ : 0;
    by_lane[lane].push_back(std::move(ev));
  }
  for (size_t i = 0; i < lanes_.size(); ++i)
    if (!by_lane[i].empty())
      lanes_[i]->kernel->accept(std::move(by_lane[i]));
}

void node_lanes::fail(std::string message) {
  lanes_.front()->kernel->fail(std::move(message));
}

const std::string& node_lanes::error() const {
  for (auto& l : lanes_)
    if (!l->kernel->error().empty())
      return l->kernel->error();
  return lanes_.front()->kernel->error();
}

node_stats node_lanes::stats() const {
  node_stats total;
  for (auto& l : lanes_) {
    const auto& s = l->kernel->stats();
    total.events += s.events;
    total.last_t = std::max(total.last_t, s.last_t);
  }
  return total;
}

std::vector<node_kernel::entity_digest> node_lanes::delivery_digests() const {
  std::vector<node_kernel::entity_digest> all;
  for (auto& l : lanes_) {
    auto d = l->kernel->delivery_digests();
    all.insert(all.end(), d.begin(), d.end());
  }
  return all;
}

void node_lanes::finish(model_report& out) {
  for (auto& l : lanes_) {
    l->kernel->finish();
    model_report mr;
    l->sim->report(*l->kernel, mr);
    for (const auto& [name, value] : mr.counters)
      out.counters[name] += value;
    out.failures.insert(out.failures.end(), mr.failures.begin(),
                        mr.failures.end());
  }
}

void node_lanes::apply_live(sim_time t, const std::string& command,
                            const std::string& refusal) {
  for (auto& l : lanes_)
    l->sim->apply_live(*l->kernel, t, command, refusal);
}

} // namespace vmss
