#pragma once
/// Reading a trace directory (manifest.json + shard-<node>.capnp files) and
/// streaming its records in canonical order: a k-way merge of the shards by
/// order_key that holds one decoded batch per shard in memory.

#include "kernel/trace_manifest.hpp"
#include "kernel/trace_sink.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vmss::analysis {

class entity_table;

/// One decoded record. The string views point into the reader's manifest
/// and name tables; they stay valid until the streaming call returns.
struct record {
  trace::order_key key;   ///< canonical position; key.entity = entity id
  uint32_t node = 0;      ///< node whose shard holds the record
  std::string_view path;  ///< entity topology path (manifest entity table)
  std::string_view kind;  ///< entity kind (manifest entity table)
  std::string_view event; ///< event name
  std::vector<trace::field> fields;

  int64_t t_ns() const { return key.t_ns; }
  uint32_t entity() const { return key.entity; }
};

/// A copy of a record that owns its strings: for keeping records beyond the
/// streaming call (tests, small traces).
struct owned_record {
  trace::order_key key;
  uint32_t node = 0;
  std::string path;
  std::string kind;
  std::string event;
  std::vector<trace::field> fields;

  explicit owned_record(const record& r)
      : key(r.key), node(r.node), path(r.path), kind(r.kind), event(r.event),
        fields(r.fields) {}
};

/// Called once per record.
using record_callback = std::function<void(const record&)>;

struct read_options {
  /// Throw when a shard's record count differs from the manifest. The
  /// `trace check` runner turns this off and reports it as a violation. On
  /// for an incomplete trace whatever this says: its counts include records
  /// at or after complete_until_ns, which no checker sees.
  bool verify_counts = true;
};

/// A trace directory. Construction reads and validates the manifest and
/// checks every shard file (trace::check_shard_files); streaming decodes the
/// first `bytes` bytes of each shard and yields the records the manifest
/// makes readable (of an incomplete trace: those before complete_until_ns).
/// All errors are std::runtime_error naming the file and the reason.
class trace_reader {
public:
  explicit trace_reader(std::string dir, read_options options = {});

  const std::string& dir() const { return dir_; }
  const trace::manifest& manifest() const { return manifest_; }

  /// Path of shard `index` (of manifest().shards).
  std::string shard_path(size_t index) const;

  /// Streams every record in canonical merged order (order_key, ties by
  /// shard position in the manifest). Returns the number of records.
  uint64_t for_each(const record_callback& on_record) const;

  /// Streams one shard's records in file order.
  uint64_t for_each_in_shard(size_t index,
                             const record_callback& on_record) const;

  /// Every field key used anywhere in the trace, sorted. Reads the shards'
  /// key tables, not their records.
  std::vector<std::string> field_keys() const;

private:
  std::string dir_;
  read_options options_;
  trace::manifest manifest_;
  std::shared_ptr<const entity_table> entities_; ///< decoding copy
};

/// For an incomplete trace, one sentence saying so and up to which virtual
/// time it is read; empty for a complete trace.
std::string incomplete_note(const trace::manifest& m);

} // namespace vmss::analysis
