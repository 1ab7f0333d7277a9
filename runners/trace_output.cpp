#include "runners/trace_output.hpp"

#include "kernel/trace_manifest.hpp"
#include "runners/tell_user.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace vmss {

namespace fs = std::filesystem;

namespace {

/// What is at `path`, without following a symbolic link there.
enum class entry { missing, empty_dir, our_trace, other };

bool is_empty_dir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d)
    return false;
  bool empty = true;
  while (auto* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      empty = false;
  ::closedir(d);
  return empty;
}

entry inspect_target(const std::string& path, std::string& why) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return entry::missing;
    why = std::strerror(errno);
    return entry::other;
  }
  if (S_ISLNK(st.st_mode)) {
    why = "it is a symbolic link";
    return entry::other;
  }
  if (!S_ISDIR(st.st_mode)) {
    why = "it exists and is not a directory";
    return entry::other;
  }
  if (is_empty_dir(path))
    return entry::empty_dir;
  if (trace::is_vmss_trace_dir(path, why))
    return entry::our_trace;
  why = "it is a directory that vmss-sim did not write (" + why + ")";
  return entry::other;
}

/// Deletes the regular files directly inside `dir` and then `dir` itself;
/// never recurses and never follows a link. False if something else was
/// there (it is left, and so is `dir`).
bool remove_flat_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return false;
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return false;
  }
  std::vector<std::string> files;
  bool only_files = true;
  while (auto* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
      continue;
    struct stat st {};
    if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(st.st_mode))
      files.emplace_back(e->d_name);
    else
      only_files = false;
  }
  for (const auto& f : files)
    ::unlinkat(fd, f.c_str(), 0);
  ::closedir(d); // closes fd
  return only_files && ::rmdir(dir.c_str()) == 0;
}

/// renameat2(2) with `flags` (RENAME_NOREPLACE or RENAME_EXCHANGE).
bool rename_with(const std::string& from, const std::string& to,
                 unsigned flags) {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags) == 0;
}

} // namespace

trace_output::trace_output(std::string path, const std::string& option)
    : option_(option), path_(std::move(path)) {
  auto refuse = [&](const std::string& why) {
    throw std::invalid_argument(option_ + " " + path_ + ": " + why +
                                "; give a new path or a trace directory "
                                "that vmss-sim wrote");
  };
  if (path_.empty())
    refuse("empty path");
  fs::path p = fs::path(path_).lexically_normal();
  if (!p.has_filename())
    p = p.parent_path();
  auto name = p.filename().string();
  if (name.empty() || name == "." || name == ".." || p == p.root_path())
    refuse("not a path vmss-sim may replace");
  target_ = p.string();
  std::string why;
  if (inspect_target(target_, why) == entry::other)
    refuse(why);
  fs::path parent = p.parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec)
      refuse("cannot create its parent directory: " + ec.message());
  }
  std::string pattern = target_ + ".vmss-partial-XXXXXX";
  if (!::mkdtemp(pattern.data()))
    refuse(std::string("cannot create a directory beside it: ") +
           std::strerror(errno));
  // mkdtemp makes it 0700; a trace directory is as readable as any other.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(pattern.c_str(), 0777 & ~mask);
  staging_ = pattern;
}

trace_output::~trace_output() {
  if (!staging_.empty() && !kept_ && !remove_flat_dir(staging_))
    tell_user(user_line::warning,
              "left " + staging_ +
                  " (it holds something vmss-sim did not write)");
}

const std::string& trace_output::keep() {
  kept_ = true;
  return staging_;
}

void trace_output::commit() {
  auto fail = [&](const std::string& why) {
    kept_ = true;
    throw std::runtime_error(option_ + " " + path_ + ": " + why +
                             "; the new trace is in " + staging_);
  };
  std::string why;
  switch (inspect_target(target_, why)) {
  case entry::missing:
    if (!rename_with(staging_, target_, RENAME_NOREPLACE))
      fail(std::strerror(errno));
    break;
  case entry::empty_dir:
  case entry::our_trace:
    // Swap atomically: staging_ then holds the previous trace (or the
    // empty directory), which is deleted file by file.
    if (!rename_with(staging_, target_, RENAME_EXCHANGE))
      fail(std::strerror(errno));
    if (!trace::is_vmss_trace_dir(staging_, why) && !is_empty_dir(staging_)) {
      tell_user(user_line::warning, "the previous contents of " + path_ +
                                        " changed during the run; left them "
                                        "in " +
                                        staging_);
      kept_ = true;
    } else if (!remove_flat_dir(staging_)) {
      tell_user(user_line::warning,
                "could not remove the previous trace, now in " + staging_);
      kept_ = true;
    }
    break;
  case entry::other:
    fail("changed during the run: " + why);
  }
  if (!kept_)
    staging_.clear();
}

} // namespace vmss
