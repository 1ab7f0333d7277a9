#pragma once
/// The manifest of a trace directory (DIR/manifest.json): what ran, the
/// entity table that record entity ids index into, and the shards; and the
/// checks that a directory is a trace this program wrote.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vmss::trace {

struct entity_info {
  std::string path; ///< topology path, e.g. "westeurope/z2/r07/h13/vm4"
  std::string kind; ///< entity kind, e.g. "host_agent"
  uint32_t node = 0;
};

struct shard_info {
  uint32_t node = 0;
  std::string file; ///< shard_file_name(node), inside the trace directory
  uint64_t records = 0;
  uint64_t bytes = 0; ///< file size; of an incomplete trace: readable prefix
};

struct manifest {
  int format_version = 1;
  std::string scenario;
  uint64_t seed = 0;
  uint32_t nodes = 1;
  int64_t lookahead_ns = 0;
  int64_t end_t_ns = 0;
  uint64_t events = 0;
  std::vector<entity_info> entities; ///< indexed by entity id
  std::vector<shard_info> shards;    ///< one per node, any order
  /// False when a node process failed during the run. Then every shard holds
  /// every record with t_ns < complete_until_ns, in whole batches within its
  /// first `bytes` bytes (`records` counts the records of those batches); the
  /// file may be longer (a torn tail). Readers read only that prefix.
  bool complete = true;
  int64_t complete_until_ns = 0; ///< meaningful only when !complete

  /// Whether readers take a record at `t_ns`.
  bool readable(int64_t t_ns) const {
    return complete || t_ns < complete_until_ns;
  }
};

/// Writes DIR/manifest.json. Throws std::runtime_error naming the path.
void write_manifest(const std::string& dir, const manifest& m);

/// Reads and validates DIR/manifest.json (a regular file, not a symlink).
/// Throws std::runtime_error "<file>: field '<json path>': <reason>" (or
/// "<file>: <reason>" for the file as a whole) on malformed input: JSON
/// nested deeper than 64 levels, a missing or ill-typed field, a value out
/// of range, no shard for a node or two for one, a shard file other than
/// shard_file_name(node), an entity with an empty, duplicate or
/// control-character path, a kind not made of [a-z0-9_], or a node >= nodes.
manifest read_manifest(const std::string& dir);

/// Checks every shard file that `m` (read from DIR) lists: a regular file,
/// not a symlink, whose size equals `bytes` (complete trace) or is at least
/// `bytes` (incomplete trace). Throws std::runtime_error naming the manifest
/// field or the shard file and the reason.
void check_shard_files(const std::string& dir, const manifest& m);

/// True only if `dir` is a directory (not a symlink) holding a manifest.json
/// that read_manifest accepts and nothing else but shard files that manifest
/// lists, each a regular file (listed shards may be missing). Otherwise
/// false, and `why` says what is not ours.
bool is_vmss_trace_dir(const std::string& dir, std::string& why);

/// What a file that is not a regular one is, from its lstat mode, for
/// messages: "a directory", "a symbolic link (not followed)", "a FIFO", ...
const char* file_type_name(mode_t mode);

/// A file of a trace directory opened read-only: without following a
/// symlink, and only if it is a regular file (a FIFO or a device would block
/// or never end). Closes the descriptor.
class trace_file {
public:
  /// Throws std::runtime_error naming `path` and the reason.
  explicit trace_file(const std::string& path);
  ~trace_file();
  trace_file(const trace_file&) = delete;
  trace_file& operator=(const trace_file&) = delete;

  int fd() const { return fd_; }
  uint64_t size() const { return size_; }

private:
  int fd_ = -1;
  uint64_t size_ = 0;
};

} // namespace vmss::trace
