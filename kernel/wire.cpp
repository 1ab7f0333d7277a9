#include "kernel/wire.hpp"

#include "messages/batch.capnp.h"

#include <caf/deserializer.hpp>
#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>

namespace vmss::wire {

registry& registry::instance() {
  static registry reg;
  return reg;
}

namespace {

/// A deserializer that invents a deterministic value for every field, so a
/// round-trip test can cover each registered type without hand-made samples.
class filling_source final : public caf::deserializer {
public:
  explicit filling_source(uint64_t variant) : counter_(variant * 7919 + 1) {}

  caf::error begin_object(uint16_t&, std::string&) override { return {}; }
  caf::error end_object() override { return {}; }
  caf::error begin_sequence(size_t& size) override {
    size = 2;
    return {};
  }
  caf::error end_sequence() override { return {}; }
  caf::error apply_raw(size_t num_bytes, void* data) override {
    auto* bytes = static_cast<uint8_t*>(data);
    for (size_t i = 0; i < num_bytes; ++i)
      bytes[i] = static_cast<uint8_t>(next() | 1);
    return {};
  }

protected:
  caf::error apply_impl(int8_t& x) override { return set(x); }
  caf::error apply_impl(uint8_t& x) override { return set(x); }
  caf::error apply_impl(int16_t& x) override { return set(x); }
  caf::error apply_impl(uint16_t& x) override { return set(x); }
  caf::error apply_impl(int32_t& x) override { return set(x); }
  caf::error apply_impl(uint32_t& x) override { return set(x); }
  caf::error apply_impl(int64_t& x) override { return set(x); }
  caf::error apply_impl(uint64_t& x) override { return set(x); }
  caf::error apply_impl(float& x) override { return set(x); }
  caf::error apply_impl(double& x) override { return set(x); }
  caf::error apply_impl(long double& x) override { return set(x); }
  caf::error apply_impl(std::string& x) override {
    x = "s" + std::to_string(next());
    return {};
  }
  caf::error apply_impl(std::u16string& x) override {
    x = u"u16";
    return {};
  }
  caf::error apply_impl(std::u32string& x) override {
    x = U"u32";
    return {};
  }

private:
  uint64_t next() { return counter_++; }

  template <class T>
  caf::error set(T& x) {
    x = static_cast<T>(next() % 100 + 1);
    return {};
  }

  uint64_t counter_;
};

} // namespace

caf::message sample_of_impl(uint64_t variant,
                            caf::message (*make)(caf::deserializer&)) {
  filling_source src{variant};
  return make(src);
}

std::vector<char> encode_batch(uint32_t from_node,
                               const std::vector<event>& events) {
  capnp::MallocMessageBuilder builder;
  auto batch = builder.initRoot<EventBatch>();
  batch.setFromNode(from_node);
  auto list = batch.initEvents(static_cast<unsigned>(events.size()));
  std::vector<char> payloads;
  payloads.reserve(events.size() * 80);
  auto& reg = registry::instance();
  for (unsigned i = 0; i < events.size(); ++i) {
    const auto& ev = events[i];
    auto out = list[i];
    out.setTNs(ev.t);
    out.setDst(ev.dst);
    out.setSrc(ev.src);
    out.setSeq(ev.seq);
    out.setType(ev.type);
    out.setTo(ev.kind == event_kind::transit ? ev.to : ev.dst);
    size_t before = payloads.size();
    reg.at(ev.type).encode(ev.msg, payloads);
    out.setPayloadSize(static_cast<uint32_t>(payloads.size() - before));
  }
  batch.setPayloads(capnp::Data::Reader(
      reinterpret_cast<const kj::byte*>(payloads.data()), payloads.size()));
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return std::vector<char>(bytes.begin(), bytes.end());
}

void decode_batch(const std::vector<char>& blob, std::vector<event>& out) {
  if (blob.size() % sizeof(capnp::word) != 0)
    throw std::runtime_error(
        "event batch: size is not a whole number of words");
  kj::Array<capnp::word> words =
      kj::heapArray<capnp::word>(blob.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), blob.data(), blob.size());
  capnp::ReaderOptions options;
  options.traversalLimitInWords = uint64_t{1} << 40;
  capnp::FlatArrayMessageReader reader(words, options);
  auto batch = reader.getRoot<EventBatch>();
  auto payloads = batch.getPayloads();
  auto& reg = registry::instance();
  caf::binary_deserializer in{nullptr,
                              reinterpret_cast<const char*>(payloads.begin()),
                              payloads.size()};
  for (auto ev : batch.getEvents()) {
    event e;
    e.t = ev.getTNs();
    e.dst = ev.getDst();
    e.src = ev.getSrc();
    e.seq = ev.getSeq();
    e.type = ev.getType();
    e.kind = event_kind::message;
    if (ev.getTo() != e.dst) {
      e.kind = event_kind::transit;
      e.to = ev.getTo();
    }
    e.msg = reg.at(e.type).decode(in);
    out.push_back(std::move(e));
  }
  if (in.remaining() != 0)
    throw std::runtime_error("event batch: payload bytes left over");
}

} // namespace vmss::wire
