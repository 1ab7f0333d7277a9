/// Sequential shard decoding: batches are read with PackedMessageReader
/// until end of file; names tables grow batch by batch (see
/// messages/trace.capnp); t_ns is un-delta'd per batch.

#include "analysis/shard_cursor.hpp"

#include <kj/exception.h>

#include <algorithm>
#include <stdexcept>

namespace vmss::analysis {

namespace {

constexpr size_t read_buffer_bytes = 1 << 20;

capnp::ReaderOptions reader_options() {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = uint64_t(1) << 32;
  return options;
}

} // namespace

entity_table::entity_table(const trace::manifest& m) {
  size_t bytes = 0;
  for (const auto& e : m.entities)
    bytes += e.path.size();
  arena_.reserve(bytes); // no reallocation below: views stay valid
  std::vector<size_t> kind_of;
  for (const auto& e : m.entities) {
    auto it = std::find(kinds_.begin(), kinds_.end(), e.kind);
    kind_of.push_back(it - kinds_.begin());
    if (it == kinds_.end())
      kinds_.push_back(e.kind);
  }
  entries_.reserve(m.entities.size());
  for (size_t i = 0; i < m.entities.size(); ++i) {
    const char* start = arena_.data() + arena_.size();
    arena_ += m.entities[i].path;
    entries_.push_back(entry{std::string_view(start, m.entities[i].path.size()),
                             kinds_[kind_of[i]]});
  }
}

size_t limited_fd_input::tryRead(void* buffer, size_t min_bytes,
                                 size_t max_bytes) {
  size_t max = static_cast<size_t>(std::min<uint64_t>(max_bytes, left_));
  size_t n = in_.tryRead(buffer, std::min(min_bytes, max), max);
  left_ -= n;
  return n;
}

shard_cursor::shard_cursor(std::string path, const trace::shard_info& shard,
                           const trace::manifest& m,
                           const entity_table& entities, bool verify_counts)
    : path_(std::move(path)), manifest_(m), entities_(entities),
      node_(shard.node), expected_(shard.records),
      verify_counts_(verify_counts), file_(path_), in_(file_.fd(), shard.bytes),
      buffer_(kj::heapArray<kj::byte>(read_buffer_bytes)),
      buffered_(in_, buffer_) {
  rec_.node = node_;
}

shard_cursor::~shard_cursor() = default;

void shard_cursor::fail(const std::string& reason) const {
  throw std::runtime_error(path_ + ": " + reason);
}

bool shard_cursor::advance() {
  try {
    for (;;) {
      while (next_in_batch_ >= batch_records_.size()) {
        if (!load_batch()) {
          check_end();
          return false;
        }
      }
      decode(batch_records_[next_in_batch_++]);
      if (manifest_.readable(rec_.key.t_ns)) {
        ++read_;
        return true;
      }
      ++skipped_;
    }
  } catch (const kj::Exception& e) {
    fail("corrupt or truncated shard (after " + std::to_string(decoded()) +
         " records): " + e.getDescription().cStr());
  }
}

void shard_cursor::check_end() const {
  if (verify_counts_ && decoded() != expected_)
    fail("record count mismatch: shard holds " + std::to_string(decoded()) +
         " records, manifest.json says " + std::to_string(expected_));
}

/// Reads the next ShardBatch; false at a clean end of file.
bool shard_cursor::load_batch() {
  batch_records_ = {};
  message_.reset();
  if (buffered_.tryGetReadBuffer().size() == 0)
    return false;
  message_ =
      std::make_unique<capnp::PackedMessageReader>(buffered_, reader_options());
  auto batch = message_->getRoot<trace::wire::ShardBatch>();
  if (batch.getNode() != node_)
    fail("batch " + std::to_string(batches_) + " is from node " +
         std::to_string(batch.getNode()) + ", manifest.json says node " +
         std::to_string(node_));
  if (batch.getIndex() != batches_)
    fail("batch index " + std::to_string(batch.getIndex()) + " where " +
         std::to_string(batches_) + " was expected");
  ++batches_;
  for (auto name : batch.getNewEventNames())
    event_names_.emplace_back(name.cStr(), name.size());
  for (auto key : batch.getNewFieldKeys())
    field_keys_.emplace_back(key.cStr(), key.size());
  batch_records_ = batch.getRecords();
  next_in_batch_ = 0;
  t_ns_ = batch.getBaseTNs();
  return true;
}

void shard_cursor::decode(trace::wire::Record::Reader r) {
  t_ns_ = static_cast<int64_t>(static_cast<uint64_t>(t_ns_) +
                               static_cast<uint64_t>(r.getDtNs()));
  rec_.key = trace::order_key{t_ns_, r.getEntity(), r.getSrc(), r.getSeq(),
                              r.getSub()};
  if (rec_.key.entity >= entities_.size())
    fail("record " + std::to_string(decoded()) + ": entity id " +
         std::to_string(rec_.key.entity) + " out of range (manifest.json has " +
         std::to_string(entities_.size()) + " entities)");
  const auto& entity = entities_[rec_.key.entity];
  rec_.path = entity.path;
  rec_.kind = entity.kind;
  uint16_t event = r.getEvent();
  if (event >= event_names_.size())
    fail("record " + std::to_string(decoded()) + ": event name id " +
         std::to_string(event) + " not defined");
  rec_.event = event_names_[event];
  decode_fields(r.getFields());
}

void shard_cursor::decode_fields(capnp::List<trace::wire::Field>::Reader in) {
  rec_.fields.resize(in.size());
  for (uint32_t i = 0; i < in.size(); ++i) {
    auto f = in[i];
    trace::field& out = rec_.fields[i];
    if (f.getKey() >= field_keys_.size())
      fail("record " + std::to_string(decoded()) + ": field key id " +
           std::to_string(f.getKey()) + " not defined");
    out.key = field_keys_[f.getKey()];
    auto v = f.getValue();
    switch (v.which()) {
    case trace::wire::Field::Value::INT:
      out.val = v.getInt();
      break;
    case trace::wire::Field::Value::FLOAT:
      out.val = v.getFloat();
      break;
    case trace::wire::Field::Value::BOOL:
      out.val = v.getBool();
      break;
    case trace::wire::Field::Value::TEXT: {
      auto text = v.getText();
      if (auto* s = std::get_if<std::string>(&out.val))
        s->assign(text.cStr(), text.size());
      else
        out.val = std::string(text.cStr(), text.size());
      break;
    }
    default:
      fail("record " + std::to_string(decoded()) +
           ": unknown field value type");
    }
  }
}

std::vector<std::string> shard_cursor::remaining_field_keys() {
  try {
    while (load_batch()) {
    }
  } catch (const kj::Exception& e) {
    fail(std::string("corrupt or truncated shard: ") +
         e.getDescription().cStr());
  }
  return {field_keys_.begin(), field_keys_.end()};
}

} // namespace vmss::analysis
