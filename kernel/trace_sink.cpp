/// Trace shard writer. The kernel thread copies each record into a 32-byte
/// slot of the current batch (fields go to a side buffer). A full batch is
/// handed to one encoder thread, which builds a ShardBatch Cap'n Proto
/// message (messages/trace.capnp) and appends it packed to the shard file.
/// At most max_in_flight batches wait for or sit in the encoder; beyond that
/// the appender blocks, so memory stays bounded. mark_complete() cuts the
/// current batch and has the encoder flush the file after it: the file then
/// ends at a complete prefix (shard_prefix), readable if the process dies.

#include "kernel/trace_sink.hpp"

#include "kernel/trace_packer.hpp"
#include "messages/trace.capnp.h"

#include <capnp/message.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace vmss::trace {

namespace {

constexpr size_t batch_records = 16384;
constexpr size_t batch_fields = 65536;
constexpr size_t max_in_flight = 2;
constexpr size_t max_names = 65536;
/// A batch is cut once its texts (string values, new event names) reach
/// this, so that it stays within max_batch_words.
constexpr size_t batch_text_bytes = max_batch_words * sizeof(capnp::word) / 4;
constexpr size_t file_buffer_bytes = 1 << 20;
/// First message segment, reused by every batch: 5 words per record plus
/// room for names and fields. Bigger batches spill into malloc'd segments.
constexpr size_t first_segment_words = batch_records * 5 + 64 * 1024;

/// Hot-path copy of one record. Its fields are the next num_fields entries
/// of the batch's side buffer.
struct raw_record {
  int64_t t_ns;
  uint64_t seq;
  uint32_t entity;
  uint32_t src;
  uint32_t sub;
  uint16_t event;
  uint16_t num_fields;
};
static_assert(sizeof(raw_record) == 32, "hot-path record must stay small");

/// Records waiting to be encoded, plus the event names interned since the
/// previous batch.
struct batch {
  std::unique_ptr<raw_record[]> records{new raw_record[batch_records]};
  size_t size = 0;
  /// Side buffer; entries past num_fields are kept to reuse their storage.
  std::vector<field> fields;
  size_t num_fields = 0;
  /// Bytes of the string values in fields and of the names interned since
  /// the previous batch.
  size_t text_bytes = 0;
  std::vector<std::string> new_names;
  /// Set by mark_complete: written and flushed, the file ends a complete
  /// prefix (bytes filled in by the encoder).
  std::optional<shard_prefix> mark;

  /// A batch that only marks a prefix (no records) is not encoded.
  bool encoded() const { return size > 0 || !mark; }

  bool full() const {
    return size == batch_records || num_fields >= batch_fields ||
           text_bytes >= batch_text_bytes;
  }

  void add_fields(const field* src, size_t n) {
    for (size_t i = 0; i < n; ++i, ++num_fields) {
      if (auto* text = std::get_if<std::string>(&src[i].val))
        text_bytes += text->size();
      if (num_fields < fields.size())
        fields[num_fields] = src[i];
      else
        fields.push_back(src[i]);
    }
  }

  void clear() {
    size = 0;
    num_fields = 0;
    text_bytes = 0;
    new_names.clear();
    mark.reset();
  }
};

std::string errno_text() {
  return std::strerror(errno);
}

/// Owns the shard file; used only by the encoder thread (and by close()
/// after the thread has been joined).
class encoder {
public:
  encoder(std::string path, uint32_t node)
      : path_(std::move(path)), node_(node), fd_(open_file(path_)),
        segment_(kj::heapArray<capnp::word>(first_segment_words)) {
    std::memset(segment_.begin(), 0, segment_.size() * sizeof(capnp::word));
  }

  /// Encodes one batch as a ShardBatch message and appends it packed.
  void write(const batch& b) {
    intern_keys(b);
    // Reusing a zeroed first segment avoids page faults on fresh memory;
    // the builder re-zeroes what it used when destroyed.
    capnp::MallocMessageBuilder msg(segment_.asPtr());
    auto root = msg.initRoot<wire::ShardBatch>();
    root.setNode(node_);
    root.setIndex(next_index_++);
    root.setBaseTNs(b.size > 0 ? b.records[0].t_ns : 0);
    set_texts(root.initNewEventNames(b.new_names.size()), b.new_names);
    set_texts(root.initNewFieldKeys(new_keys_.size()), new_keys_);
    new_keys_.clear();
    set_records(root.initRecords(b.size), b);
    // Same bytes as capnp::writePackedMessage, ~3x cheaper (trace_packer).
    auto segments = msg.getSegmentsForOutput();
    check_size(segments);
    reserve(packed_size_bound(segments));
    used_ = pack_message(segments, packed_.get() + used_) - packed_.get();
    if (used_ >= file_buffer_bytes)
      flush();
  }

  /// Writes buffered bytes to the file.
  void flush() {
    const uint8_t* p = packed_.get();
    size_t left = used_;
    while (left > 0) {
      ssize_t n = ::write(fd_.get(), p, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw std::runtime_error(path_ +
                                 ": cannot write trace shard: " + errno_text());
      p += n;
      left -= static_cast<size_t>(n);
    }
    written_ += used_;
    used_ = 0;
  }

  const std::string& path() const { return path_; }
  /// Bytes written to the file so far (flushed).
  uint64_t written() const { return written_; }

private:
  /// Refuses a batch beyond the format's bounds, which readers enforce.
  void check_size(
      kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) const {
    uint64_t words = segments.size() / 2 + 1; // segment table
    for (auto segment : segments)
      words += segment.size();
    if (words > max_batch_words || segments.size() > max_batch_segments)
      throw std::runtime_error(
          path_ + ": trace batch " + std::to_string(next_index_ - 1) +
          " takes " + std::to_string(words) + " words in " +
          std::to_string(segments.size()) + " segments, more than a shard " +
          "batch may hold (" + std::to_string(max_batch_words) + " words, " +
          std::to_string(max_batch_segments) + " segments): its records " +
          "carry too much text");
  }

  /// Makes room for `more` bytes after the used part (never zero-fills).
  void reserve(size_t more) {
    if (used_ + more <= capacity_)
      return;
    capacity_ = std::max(2 * capacity_, used_ + more);
    std::unique_ptr<uint8_t[]> bigger(new uint8_t[capacity_]);
    if (used_ > 0)
      std::memcpy(bigger.get(), packed_.get(), used_);
    packed_ = std::move(bigger);
  }

  static kj::AutoCloseFd open_file(const std::string& path) {
    int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      throw std::runtime_error(path +
                               ": cannot create trace shard: " + errno_text());
    return kj::AutoCloseFd(fd);
  }

  template <class List>
  static void set_texts(List list, const std::vector<std::string>& texts) {
    for (size_t i = 0; i < texts.size(); ++i)
      list.set(i, capnp::Text::Reader(texts[i].data(), texts[i].size()));
  }

  /// Assigns key ids to this batch's fields; new keys go to new_keys_.
  void intern_keys(const batch& b) {
    key_ids_.resize(b.num_fields);
    for (size_t i = 0; i < b.num_fields; ++i) {
      const std::string& key = b.fields[i].key;
      auto it = key_table_.find(key);
      if (it == key_table_.end()) {
        if (key_table_.size() >= max_names)
          throw std::runtime_error(path_ + ": more than 65536 field keys");
        auto id = static_cast<uint16_t>(key_table_.size());
        it = key_table_.emplace(key, id).first;
        new_keys_.push_back(key);
      }
      key_ids_[i] = it->second;
    }
  }

  void set_records(capnp::List<wire::Record>::Builder out, const batch& b) {
    int64_t prev_t_ns = b.size > 0 ? b.records[0].t_ns : 0;
    size_t next_field = 0;
    for (size_t i = 0; i < b.size; ++i) {
      const raw_record& in = b.records[i];
      auto r = out[i];
      // Wrapping difference: exact round trip even for extreme times.
      r.setDtNs(static_cast<int64_t>(static_cast<uint64_t>(in.t_ns) -
                                     static_cast<uint64_t>(prev_t_ns)));
      prev_t_ns = in.t_ns;
      r.setEntity(in.entity);
      r.setSrc(in.src);
      r.setSeq(in.seq);
      r.setSub(in.sub);
      r.setEvent(in.event);
      if (in.num_fields > 0) {
        set_fields(r.initFields(in.num_fields), b, next_field);
        next_field += in.num_fields;
      }
    }
  }

  void set_fields(capnp::List<wire::Field>::Builder out, const batch& b,
                  size_t first) {
    for (size_t j = 0; j < out.size(); ++j) {
      const field& f = b.fields[first + j];
      auto w = out[j];
      w.setKey(key_ids_[first + j]);
      auto v = w.initValue();
      if (auto* i = std::get_if<int64_t>(&f.val))
        v.setInt(*i);
      else if (auto* d = std::get_if<double>(&f.val))
        v.setFloat(*d);
      else if (auto* flag = std::get_if<bool>(&f.val))
        v.setBool(*flag);
      else {
        const auto& s = std::get<std::string>(f.val);
        v.setText(capnp::Text::Reader(s.data(), s.size()));
      }
    }
  }

  std::string path_;
  uint32_t node_;
  kj::AutoCloseFd fd_;
  kj::Array<capnp::word> segment_;
  std::unique_ptr<uint8_t[]> packed_; ///< packed batches not yet written
  size_t used_ = 0;
  size_t capacity_ = 0;
  uint64_t written_ = 0;
  uint32_t next_index_ = 0;
  std::unordered_map<std::string, uint16_t> key_table_;
  std::vector<std::string> new_keys_;
  std::vector<uint16_t> key_ids_;
};

std::string kj_text(const kj::Exception& e) {
  return std::string(e.getDescription().cStr());
}

} // namespace

std::string shard_file_name(uint32_t node) {
  return "shard-" + std::to_string(node) + ".capnp";
}

struct shard_writer::impl {
  impl(const std::string& dir, uint32_t node)
      : enc(make_path(dir, node), node), current(std::make_unique<batch>()) {
    thread = std::thread([this] { run(); });
  }

  static std::string make_path(const std::string& dir, uint32_t node) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw std::runtime_error(
          dir + ": cannot create trace directory: " + ec.message());
    return (std::filesystem::path(dir) / shard_file_name(node)).string();
  }

  // --- kernel thread --------------------------------------------------
  encoder enc; ///< touched by the kernel thread only after join
  std::unique_ptr<batch> current;
  std::deque<std::string> names; ///< stable storage for name_ids keys
  std::unordered_map<std::string_view, uint16_t> name_ids;
  size_t names_sent = 0;
  uint64_t batches_handed = 0;
  uint64_t records = 0;
  bool closed = false;
  shard_stats stats;

  // --- shared, guarded by mu ------------------------------------------
  std::mutex mu;
  std::condition_variable work_cv;  ///< encoder waits for batches
  std::condition_variable space_cv; ///< appender waits for a free slot
  std::deque<std::unique_ptr<batch>> queue;
  std::vector<std::unique_ptr<batch>> spare;
  size_t in_flight = 0;
  bool stop = false;
  std::exception_ptr error;
  shard_prefix prefix; ///< the last complete prefix written

  std::thread thread;

  /// Attaches pending names and queues the current batch; blocks while
  /// max_in_flight batches are already queued or being encoded.
  void hand_off(bool last) {
    // Names travel with the next batch that is encoded.
    bool encoded = current->encoded();
    for (; encoded && names_sent < names.size(); ++names_sent)
      current->new_names.push_back(names[names_sent]);
    std::unique_lock<std::mutex> lock(mu);
    space_cv.wait(lock, [this] { return in_flight < max_in_flight; });
    if (error) {
      current->clear(); // the shard is broken; keep the batch usable
      std::rethrow_exception(error);
    }
    queue.push_back(std::move(current));
    ++in_flight;
    batches_handed += encoded ? 1 : 0;
    if (!last)
      current = take_spare();
    lock.unlock();
    work_cv.notify_one();
  }

  std::unique_ptr<batch> take_spare() {
    if (spare.empty())
      return std::make_unique<batch>();
    auto b = std::move(spare.back());
    spare.pop_back();
    return b;
  }

  // --- encoder thread -------------------------------------------------
  void run() {
    for (;;) {
      std::unique_ptr<batch> b;
      {
        std::unique_lock<std::mutex> lock(mu);
        work_cv.wait(lock, [this] { return !queue.empty() || stop; });
        if (queue.empty())
          return;
        b = std::move(queue.front());
        queue.pop_front();
      }
      std::exception_ptr failure = encode(*b);
      b->clear();
      {
        std::lock_guard<std::mutex> lock(mu);
        if (failure && !error)
          error = failure;
        --in_flight;
        spare.push_back(std::move(b));
      }
      space_cv.notify_one();
    }
  }

  /// Encodes one batch unless an earlier one failed; returns the failure.
  std::exception_ptr encode(const batch& b) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (error)
        return nullptr;
    }
    try {
      if (b.encoded())
        enc.write(b);
      if (b.mark) {
        enc.flush();
        std::lock_guard<std::mutex> lock(mu);
        prefix = *b.mark;
        prefix.bytes = enc.written();
      }
      return nullptr;
    } catch (const kj::Exception& e) {
      return std::make_exception_ptr(std::runtime_error(
          enc.path() + ": cannot encode trace batch: " + kj_text(e)));
    } catch (...) {
      return std::current_exception();
    }
  }

  shard_stats finish() {
    if (closed)
      return stats;
    closed = true;
    bool names_pending = names_sent < names.size();
    std::exception_ptr failure;
    try {
      if (current->size > 0 || names_pending || batches_handed == 0)
        hand_off(true);
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    work_cv.notify_one();
    thread.join();
    if (failure)
      std::rethrow_exception(failure);
    if (error)
      std::rethrow_exception(error);
    return flush_and_stat();
  }

  shard_stats flush_and_stat() {
    enc.flush();
    std::error_code ec;
    auto size = std::filesystem::file_size(enc.path(), ec);
    if (ec)
      throw std::runtime_error(enc.path() +
                               ": cannot stat trace shard: " + ec.message());
    stats = shard_stats{records, size};
    return stats;
  }
};

shard_writer::shard_writer(const std::string& dir, uint32_t node)
    : impl_(std::make_unique<impl>(dir, node)) {
}

shard_writer::~shard_writer() {
  try {
    impl_->finish();
  } catch (...) {
    // Destructors must not throw; call close() to see errors.
  }
}

uint16_t shard_writer::intern(std::string_view event_name) {
  impl& d = *impl_;
  auto it = d.name_ids.find(event_name);
  if (it != d.name_ids.end())
    return it->second;
  if (d.names.size() >= max_names)
    throw std::length_error("trace: more than 65536 event names");
  d.names.emplace_back(event_name);
  d.current->text_bytes += event_name.size(); // the name travels with it
  auto id = static_cast<uint16_t>(d.names.size() - 1);
  d.name_ids.emplace(std::string_view(d.names.back()), id);
  return id;
}

void shard_writer::append(const order_key& key, uint16_t event,
                          const field* fields, size_t num_fields) {
  impl& d = *impl_;
  if (d.closed)
    throw std::logic_error("trace: append after close");
  if (event >= d.names.size())
    throw std::out_of_range("trace: event id " + std::to_string(event) +
                            " was not interned");
  if (num_fields > 0xffff)
    throw std::length_error("trace: more than 65535 fields in one record");
  batch& b = *d.current;
  b.records[b.size++] = raw_record{key.t_ns,
                                   key.seq,
                                   key.entity,
                                   key.src,
                                   key.sub,
                                   event,
                                   static_cast<uint16_t>(num_fields)};
  if (num_fields > 0)
    b.add_fields(fields, num_fields);
  ++d.records;
  if (b.full())
    d.hand_off(false);
}

void shard_writer::mark_complete(int64_t until_ns) {
  impl& d = *impl_;
  if (d.closed)
    throw std::logic_error("trace: mark_complete after close");
  d.current->mark = shard_prefix{until_ns, d.records, 0};
  d.hand_off(false);
}

shard_prefix shard_writer::complete_prefix() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->prefix;
}

shard_stats shard_writer::close() {
  return impl_->finish();
}

} // namespace vmss::trace
