#pragma once
/// Helpers for trace tests: a scratch directory per test and a one-call
/// writer of small hand-made traces (shard_writer + write_manifest).

#include "kernel/trace_manifest.hpp"
#include "kernel/trace_sink.hpp"

#include <functional>
#include <string>
#include <vector>

namespace vmss::trace_test {

/// One record to write: which node's shard, key, event, fields.
struct test_record {
  uint32_t node = 0;
  trace::order_key key;
  std::string event;
  std::vector<trace::field> fields;
};

/// A fresh empty directory unique to the running test.
std::string scratch_dir(const std::string& suffix = "");

/// Entities e0..e<n-1> of kind "vm" (paths "r/h<i>"), on node i % nodes.
std::vector<trace::entity_info> make_entities(size_t n, uint32_t nodes = 1);

/// Writes every record to its node's shard (in the given order) and a
/// manifest with the true per-shard counts. Returns the manifest.
trace::manifest write_trace(const std::string& dir,
                            const std::vector<trace::entity_info>& entities,
                            const std::vector<test_record>& records,
                            uint32_t nodes = 1);

/// Key shortcut: (t_ns, entity, src = 0, seq, sub = 0).
trace::order_key key(int64_t t_ns, uint32_t entity, uint64_t seq = 0);

/// Expects `fn` to throw std::runtime_error mentioning every part.
void expect_error(const std::function<void()>& fn,
                  const std::vector<std::string>& parts);

/// Writes `text` to `path` (replacing it).
void write_text(const std::string& path, const std::string& text);

/// Marks the trace in `dir` incomplete up to `until_ns` and appends `tail`
/// (a torn batch) to every shard, as a run whose node died would leave it.
void make_incomplete(const std::string& dir, int64_t until_ns,
                     const std::string& tail = std::string(37, '\x5a'));

} // namespace vmss::trace_test
