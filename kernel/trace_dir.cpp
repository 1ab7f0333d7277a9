/// The files of a trace directory: opening them without following symlinks,
/// checking shard sizes against manifest.json, and recognising a directory
/// this program wrote (declared in kernel/trace_manifest.hpp).

#include "kernel/trace_manifest.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace vmss::trace {

namespace {

namespace fs = std::filesystem;

const char* const manifest_name = "manifest.json";

[[noreturn]] void fail_shard(const std::string& dir, size_t i, const char* key,
                             const std::string& reason) {
  throw std::runtime_error((fs::path(dir) / manifest_name).string() +
                           ": field 'shards[" + std::to_string(i) + "]." + key +
                           "': " + reason);
}

} // namespace

void check_shard_files(const std::string& dir, const manifest& m) {
  for (size_t i = 0; i < m.shards.size(); ++i) {
    const shard_info& s = m.shards[i];
    std::string path = (fs::path(dir) / s.file).string();
    uint64_t size = 0;
    try {
      size = trace_file(path).size();
    } catch (const std::runtime_error& e) {
      fail_shard(dir, i, "file", e.what());
    }
    if (m.complete ? size != s.bytes : size < s.bytes)
      fail_shard(dir, i, "bytes",
                 "says " + std::to_string(s.bytes) + ", but " + path +
                     " holds " + (m.complete ? "" : "only ") +
                     std::to_string(size) + " bytes");
  }
}

bool is_vmss_trace_dir(const std::string& dir, std::string& why) {
  std::error_code ec;
  auto type = fs::symlink_status(dir, ec).type();
  if (ec || type != fs::file_type::directory) {
    why = dir + (ec ? ": " + ec.message()
                 : type == fs::file_type::symlink
                     ? ": a symbolic link, not a trace directory"
                     : ": not a directory");
    return false;
  }
  manifest m;
  try {
    m = read_manifest(dir);
  } catch (const std::runtime_error& e) {
    why = std::string("not a vmss-sim trace: ") + e.what();
    return false;
  }
  std::set<std::string> ours{manifest_name};
  for (const auto& s : m.shards)
    ours.insert(s.file);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (ours.count(it->path().filename().string()) == 0) {
      why = it->path().string() + ": not a file of the vmss-sim trace in " +
            dir + " (its manifest.json does not list it)";
      return false;
    }
    if (it->symlink_status(ec).type() != fs::file_type::regular) {
      why = it->path().string() + ": not a regular file";
      return false;
    }
  }
  if (ec) {
    why = dir + ": cannot list: " + ec.message();
    return false;
  }
  return true;
}

const char* file_type_name(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISLNK(mode))
    return "a symbolic link (not followed)";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISSOCK(mode))
    return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  return "not a regular file";
}

trace_file::trace_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw std::runtime_error(path + ": " + file_type_name(st.st_mode) +
                             ", expected a regular file");
  // O_NOFOLLOW and fstat: the same answer if the path changed since lstat.
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd_ < 0)
    throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw std::runtime_error(path + ": not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

trace_file::~trace_file() {
  ::close(fd_);
}

} // namespace vmss::trace
