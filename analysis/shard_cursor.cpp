/// Sequential shard decoding: each packed batch's segment table is read and
/// checked against the format's bounds (trace::max_batch_words) and the bytes
/// left before its words are unpacked into a reused buffer, which a
/// FlatArrayMessageReader reads with a traversal limit of the message's own
/// size (so no pointer can make a batch yield more than it holds); names
/// tables grow batch by batch (see messages/trace.capnp); t_ns is un-delta'd
/// per batch.

#include "analysis/shard_cursor.hpp"

#include <capnp/any.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace vmss::analysis {

namespace {

constexpr size_t read_buffer_bytes = 1 << 20;

/// Packing turns 2 bytes (a zero tag and a run count of 255) into at most
/// 256 words: n packed bytes never unpack to more than 128 n words.
constexpr uint64_t max_words_per_packed_byte = 128;

/// Each object of a well-formed batch is read once, so the message's size
/// bounds what reading it may traverse: a list of zero-size structs (which
/// capnp charges one word per element) cannot claim more elements than that.
capnp::ReaderOptions reader_options(size_t message_words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = message_words;
  return options;
}

std::string describe_struct(size_t data_bytes, size_t pointers) {
  return std::to_string(data_bytes) + " data bytes and " +
         std::to_string(pointers) + (pointers == 1 ? " pointer" : " pointers");
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
    corrupt(e.getDescription().cStr());
  }
}

void shard_cursor::corrupt(const std::string& reason) const {
  fail("corrupt or truncated shard (after " + std::to_string(decoded()) +
       " records): " + reason);
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
  auto words = read_message();
  message_.emplace(words, reader_options(words.size()));
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
  check_element_size<trace::wire::Record>(batch_records_, [this] {
    return "batch " + std::to_string(batches_ - 1) + ": records";
  });
  next_in_batch_ = 0;
  t_ns_ = batch.getBaseTNs();
  return true;
}

/// Unpacks the next message (segment table and segments) into words_ after
/// checking that its table claims no more than a batch may hold and than the
/// packed bytes left can unpack to; the words are allocated only then.
kj::ArrayPtr<const capnp::word> shard_cursor::read_message() {
  const uint64_t bytes_left = buffered_.tryGetReadBuffer().size() + in_.left();
  capnp::_::PackedInputStream packed(buffered_);
  uint32_t table[trace::max_batch_segments + 2];
  packed.read(table, sizeof(capnp::word));
  const uint64_t segments = uint64_t{table[0]} + 1;
  const std::string batch = "batch " + std::to_string(batches_);
  if (segments > trace::max_batch_segments)
    corrupt(batch + " claims " + std::to_string(segments) +
            " segments, more than the " +
            std::to_string(trace::max_batch_segments) + " a batch may have");
  const size_t table_words = static_cast<size_t>(segments / 2 + 1);
  if (table_words > 1)
    packed.read(table + 2, (table_words - 1) * sizeof(capnp::word));
  uint64_t words = table_words;
  for (size_t i = 0; i < segments; ++i)
    words += table[i + 1];
  if (words > trace::max_batch_words)
    corrupt(batch + " claims " + std::to_string(words) +
            " words, more than the " + std::to_string(trace::max_batch_words) +
            " a batch may have");
  if (words > bytes_left * max_words_per_packed_byte)
    corrupt(batch + " claims " + std::to_string(words) + " words, more than " +
            "the " + std::to_string(bytes_left) + " bytes left can unpack to " +
            "(" + std::to_string(bytes_left * max_words_per_packed_byte) + ")");
  if (words_.size() < words)
    words_ = kj::heapArray<capnp::word>(std::min<uint64_t>(
        std::max<uint64_t>(words, 2 * words_.size()), trace::max_batch_words));
  std::memcpy(words_.begin(), table, table_words * sizeof(capnp::word));
  if (words > table_words)
    packed.read(words_.begin() + table_words,
                (words - table_words) * sizeof(capnp::word));
  return words_.slice(0, words);
}

template <class T, class What>
void shard_cursor::check_element_size(typename capnp::List<T>::Reader list,
                                      const What& what) const {
  if (list.size() == 0)
    return;
  capnp::AnyStruct::Reader first(list[0]);
  const size_t data_bytes = first.getDataSection().size();
  const size_t pointers = first.getPointerSection().size();
  constexpr size_t min_data_bytes =
      T::_capnpPrivate::dataWordSize * sizeof(capnp::word);
  constexpr size_t min_pointers = T::_capnpPrivate::pointerCount;
  if (data_bytes < min_data_bytes || pointers < min_pointers)
    corrupt(what() + " are structs of " +
            describe_struct(data_bytes, pointers) + ", smaller than the " +
            describe_struct(min_data_bytes, min_pointers) + " the writer uses");
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
  check_element_size<trace::wire::Field>(in, [this] {
    return "record " + std::to_string(decoded()) + ": fields";
  });
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
    corrupt(e.getDescription().cStr());
  }
  return {field_keys_.begin(), field_keys_.end()};
}

} // namespace vmss::analysis
