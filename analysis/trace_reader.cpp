/// Trace directory reading and the canonical k-way merge.

#include "analysis/trace_reader.hpp"

#include "analysis/shard_cursor.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <queue>
#include <set>
#include <sstream>
#include <stdexcept>

namespace vmss::analysis {

namespace {

namespace fs = std::filesystem;

void check_directory(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec))
    throw std::runtime_error(dir + ": trace directory does not exist");
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error(dir + ": not a directory");
}

} // namespace

trace_reader::trace_reader(std::string dir, read_options options)
    : dir_(std::move(dir)), options_(options) {
  check_directory(dir_);
  manifest_ = trace::read_manifest(dir_);
  trace::check_shard_files(dir_, manifest_);
  options_.verify_counts = options_.verify_counts || !manifest_.complete;
  entities_ = std::make_shared<const entity_table>(manifest_);
}

std::string trace_reader::shard_path(size_t index) const {
  return (fs::path(dir_) / manifest_.shards.at(index).file).string();
}

uint64_t
trace_reader::for_each_in_shard(size_t index,
                                const record_callback& on_record) const {
  shard_cursor cursor(shard_path(index), manifest_.shards.at(index), manifest_,
                      *entities_, options_.verify_counts);
  while (cursor.advance())
    on_record(cursor.current());
  return cursor.records_read();
}

uint64_t trace_reader::for_each(const record_callback& on_record) const {
  std::vector<std::unique_ptr<shard_cursor>> cursors;
  for (size_t i = 0; i < manifest_.shards.size(); ++i)
    cursors.push_back(std::make_unique<shard_cursor>(
        shard_path(i), manifest_.shards[i], manifest_, *entities_,
        options_.verify_counts));
  // Min-heap of cursor indices by (current key, index).
  auto later = [&cursors](size_t a, size_t b) {
    const auto& ka = cursors[a]->current().key;
    const auto& kb = cursors[b]->current().key;
    if (kb < ka)
      return true;
    if (ka < kb)
      return false;
    return a > b;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heads(
      later);
  for (size_t i = 0; i < cursors.size(); ++i)
    if (cursors[i]->advance())
      heads.push(i);
  uint64_t count = 0;
  while (!heads.empty()) {
    size_t i = heads.top();
    heads.pop();
    on_record(cursors[i]->current());
    ++count;
    if (cursors[i]->advance())
      heads.push(i);
  }
  return count;
}

std::vector<std::string> trace_reader::field_keys() const {
  std::set<std::string> keys;
  for (size_t i = 0; i < manifest_.shards.size(); ++i) {
    shard_cursor cursor(shard_path(i), manifest_.shards[i], manifest_,
                        *entities_, false);
    for (auto& key : cursor.remaining_field_keys())
      keys.insert(std::move(key));
  }
  return {keys.begin(), keys.end()};
}

std::string incomplete_note(const trace::manifest& m) {
  if (m.complete)
    return {};
  std::ostringstream note;
  note << "incomplete trace (a node process failed during the run): only "
          "the records before t_ns="
       << m.complete_until_ns << " ("
       << static_cast<double>(m.complete_until_ns) / 1e9
       << " virtual s) are read";
  return note.str();
}

} // namespace vmss::analysis
