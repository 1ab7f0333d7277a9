#pragma once
// Decodes the first bytes of a trace shard file, message by message (for
// tests of complete prefixes).

#include "messages/trace.capnp.h"

#include <capnp/serialize-packed.h>
#include <kj/io.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_support {

struct prefix_contents {
  uint64_t records = 0;
  uint64_t messages = 0;
  uint64_t event_names = 0;
  int64_t max_t_ns = INT64_MIN;
  /// Time of the first record after the prefix, if a whole message follows.
  int64_t next_t_ns = INT64_MAX;
};

/// Decodes the ShardBatch messages in the first `bytes` bytes of `path`;
/// throws if they are not whole messages.
inline prefix_contents read_prefix(const std::string& path, uint64_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> data((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  if (bytes > data.size())
    throw std::runtime_error(path + ": shorter than the prefix");
  prefix_contents out;
  auto batch_times = [](vmss::trace::wire::ShardBatch::Reader b, auto on_time) {
    int64_t t = b.getBaseTNs();
    for (auto r : b.getRecords()) {
      t += r.getDtNs();
      on_time(t);
    }
  };
  kj::ArrayInputStream prefix(
      kj::arrayPtr(reinterpret_cast<const kj::byte*>(data.data()),
                   static_cast<size_t>(bytes)));
  while (prefix.tryGetReadBuffer().size() > 0) {
    capnp::PackedMessageReader msg(prefix);
    auto b = msg.getRoot<vmss::trace::wire::ShardBatch>();
    ++out.messages;
    out.records += b.getRecords().size();
    out.event_names += b.getNewEventNames().size();
    batch_times(b,
                [&](int64_t t) { out.max_t_ns = std::max(out.max_t_ns, t); });
  }
  // The message after the prefix, when the file holds all of it.
  if (bytes < data.size()) {
    try {
      kj::ArrayInputStream rest(
          kj::arrayPtr(reinterpret_cast<const kj::byte*>(data.data()) + bytes,
                       data.size() - static_cast<size_t>(bytes)));
      capnp::PackedMessageReader msg(rest);
      auto b = msg.getRoot<vmss::trace::wire::ShardBatch>();
      if (b.getRecords().size() > 0)
        batch_times(
            b, [&](int64_t t) { out.next_t_ns = std::min(out.next_t_ns, t); });
    } catch (const kj::Exception&) {
      // cut off by the process's death: nothing to compare
    }
  }
  return out;
}

} // namespace test_support
