/// The `trace` subcommand: a thin shell over analysis/.

#include "runners/trace_command.hpp"
#include "runners/trace_support.hpp"

#include "analysis/checker.hpp"
#include "analysis/chrome_export.hpp"
#include "analysis/digest.hpp"
#include "analysis/export.hpp"
#include "analysis/record_filter.hpp"
#include "analysis/report.hpp"
#include "analysis/summary.hpp"
#include "analysis/trace_reader.hpp"
#include "kernel/sim_time.hpp"

#include <CLI/CLI.hpp>

#include <ext/stdio_filebuf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace vmss {

namespace {

using namespace vmss::analysis;
using namespace vmss::trace_cli;

constexpr size_t violations_shown = 20;

void add_digest(CLI::App& trace) {
  auto dir = std::make_shared<std::string>();
  CLI::App* sub = add_dir_command(
      trace, "digest",
      "Print the canonical SHA-256 digest of a trace: records in canonical "
      "order, node not included (docs/trace-format.md). Last stdout line: "
      "digest=<64 hex>",
      *dir);
  sub->footer(exit_footer);
  sub->callback([dir] {
    guarded([&] {
      // Digest before printing: no partial line.
      auto digest = trace_digest(open_trace(*dir));
      std::cout << "digest=" << digest << std::endl;
    });
  });
}

struct export_options {
  std::string dir;
  std::string format = "jsonl";
  std::string output = "-";
  std::string from;
  std::string to;
  std::vector<std::string> filters;
  std::string max_mb = "200";
};

constexpr double bytes_per_mb = 1e6;

/// --max-mb as bytes: a decimal number of MB (10^6 bytes), above 0 and at
/// most 10^6.
uint64_t max_part_bytes(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double mb = std::strtod(begin, &end);
  bool digits_only = !text.empty() &&
                     text.find_first_not_of("0123456789.") == std::string::npos;
  if (!digits_only || end != begin + text.size() || errno != 0 || !(mb > 0) ||
      mb > 1e6)
    throw std::invalid_argument("--max-mb '" + text +
                                "': expected a number of MB above 0 and at "
                                "most 1000000 (e.g. 200 or 0.5)");
  return static_cast<uint64_t>(mb * bytes_per_mb);
}

void write_export(const trace_reader& reader, const std::string& format,
                  std::ostream& out, const record_filter& filter) {
  if (format == "jsonl")
    export_jsonl(reader, out, filter);
  else
    export_csv(reader, out, filter);
}

/// Returns the permission bits for the export file: those of an existing
/// regular file at `path`, else 0666 less the umask. Refuses any other
/// existing file type: export never replaces a directory, a symlink (nor
/// what it points to), a device, a FIFO or a socket.
mode_t output_mode(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw std::runtime_error("-o " + path + ": " +
                               trace::file_type_name(st.st_mode) +
                               "; export replaces only a regular file");
    return st.st_mode & 0777; // never set-id bits on what we write
  }
  if (errno != ENOENT)
    throw std::runtime_error("-o " + path + ": " + std::strerror(errno));
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

/// A new file with a unique name beside `path` (mkstemp), removed by the
/// destructor unless committed by renaming it to `path`.
class temp_output {
public:
  explicit temp_output(const std::string& path) : path_(path) {
    std::filesystem::path target(path);
    if (target.filename().empty())
      throw std::runtime_error("-o " + path + ": not a file name");
    name_ = (target.parent_path() /
             ("." + target.filename().string() + ".partial-XXXXXX"))
                .string();
    fd_ = ::mkstemp(name_.data());
    if (fd_ < 0)
      throw std::runtime_error("-o " + path + ": cannot create a file " +
                               name_ + ": " + std::strerror(errno));
  }
  ~temp_output() {
    out_.reset();
    buf_.reset();
    if (fd_ >= 0)
      ::close(fd_);
    if (!committed_)
      ::unlink(name_.c_str());
  }
  temp_output(const temp_output&) = delete;
  temp_output& operator=(const temp_output&) = delete;

  /// The stream onto the temporary file (opened on first use).
  std::ostream& stream() {
    if (!buf_) {
      buf_ =
          std::make_unique<__gnu_cxx::stdio_filebuf<char>>(fd_, std::ios::out);
      fd_ = -1; // buf_ owns and closes it
      out_ = std::make_unique<std::ostream>(buf_.get());
    }
    return *out_;
  }

  /// Flushes, sets `mode`, syncs, closes and renames onto the path.
  void commit(mode_t mode) {
    std::ostream& out = stream();
    out.flush();
    if (!out || ::fchmod(buf_->fd(), mode) != 0 || ::fsync(buf_->fd()) != 0 ||
        buf_->close() == nullptr)
      throw std::runtime_error(name_ +
                               ": write failed: " + std::strerror(errno));
    if (std::rename(name_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("-o " + path_ + ": cannot rename " + name_ +
                               " to it: " + std::strerror(errno));
    committed_ = true;
  }

  /// Writes everything through `body(std::ostream&)`, then renames.
  template <class Body>
  void write_and_commit(mode_t mode, Body&& body) {
    body(stream());
    commit(mode);
  }

private:
  std::string path_;
  std::string name_;
  int fd_ = -1;
  bool committed_ = false;
  std::unique_ptr<__gnu_cxx::stdio_filebuf<char>> buf_;
  std::unique_ptr<std::ostream> out_;
};

/// Refuses an output that is a file of the trace being read.
void refuse_own_file(const trace_reader& reader, const std::string& output) {
  std::vector<std::string> files{reader.dir() + "/manifest.json"};
  for (size_t i = 0; i < reader.manifest().shards.size(); ++i)
    files.push_back(reader.shard_path(i));
  for (const auto& file : files) {
    std::error_code ec;
    if (std::filesystem::equivalent(output, file, ec))
      throw std::runtime_error("-o " + output + ": is " + file +
                               " of the trace being exported");
  }
}

/// Part `index` of a chrome export to FILE: FILE, then FILE.1, FILE.2, ...
std::string part_path(const std::string& output, size_t index) {
  return index == 0 ? output : output + "." + std::to_string(index);
}

/// Tells on stderr how a chrome export was split.
void tell_parts(const export_options& o, const chrome_result& result) {
  if (result.parts.size() < 2)
    return;
  std::string text = "chrome export split by virtual time into " +
                     std::to_string(result.parts.size()) +
                     " parts of at most " + o.max_mb +
                     " MB, each a complete trace:";
  for (size_t i = 0; i < result.parts.size(); ++i) {
    const auto& p = result.parts[i];
    char span[64];
    std::snprintf(span, sizeof span, " [%.3f s, %.3f s) ",
                  to_seconds(p.from_ns), to_seconds(p.to_ns));
    text += "\n  " + part_path(o.output, i) + span + std::to_string(p.bytes) +
            " bytes";
  }
  tell_user(user_line::note, text);
}

/// To stdout: one part whatever --max-mb says.
void run_chrome(const export_options& o, const trace_reader& reader,
                chrome_options options) {
  if (o.output == "-") {
    options.max_part_bytes = 0;
    export_chrome(reader, options,
                  [&](size_t) -> std::ostream& { return std::cout; });
    return;
  }
  std::vector<std::unique_ptr<temp_output>> parts;
  std::vector<mode_t> modes;
  auto open = [&](size_t index) -> std::ostream& {
    std::string path = part_path(o.output, index);
    modes.push_back(output_mode(path));
    refuse_own_file(reader, path);
    parts.push_back(std::make_unique<temp_output>(path));
    return parts.back()->stream();
  };
  chrome_result result = export_chrome(reader, options, open);
  for (size_t i = 0; i < parts.size(); ++i)
    parts[i]->commit(modes[i]);
  tell_parts(o, result);
}

void run_export(const export_options& o) {
  uint64_t max_bytes = max_part_bytes(o.max_mb);
  record_filter filter = make_record_filter(o.from, o.to, o.filters);
  if (o.format == "chrome") {
    if (o.output != "-")
      output_mode(o.output); // refuses before reading the trace
    run_chrome(o, open_trace(o.dir), {filter, max_bytes});
    return;
  }
  if (o.output == "-") {
    write_export(open_trace(o.dir), o.format, std::cout, filter);
    return;
  }
  mode_t mode = output_mode(o.output); // refuses before reading the trace
  trace_reader reader = open_trace(o.dir);
  refuse_own_file(reader, o.output);
  temp_output temp(o.output);
  temp.write_and_commit(mode, [&](std::ostream& out) {
    write_export(reader, o.format, out, filter);
  });
}

void add_export(CLI::App& trace) {
  auto o = std::make_shared<export_options>();
  CLI::App* sub = add_dir_command(
      trace, "export",
      "Export the records in canonical order. jsonl: one object per line "
      "with t_ns,node,entity,kind,event then one key per field. csv: the "
      "same base columns, then one column per field key (sorted union). "
      "chrome: Trace Event Format JSON for ui.perfetto.dev "
      "(docs/trace-format.md, \"Chrome trace\")",
      o->dir);
  sub->add_option("-f,--format", o->format, "Output format (default jsonl)")
      ->check(CLI::IsMember({"jsonl", "csv", "chrome"}));
  sub->add_option("--from", o->from,
                  "Only records at or after this virtual time (a duration "
                  "from the start: 90s, 33m, 1.5h); chrome opens the slices "
                  "in force then");
  sub->add_option("--to", o->to,
                  "Only records before this virtual time (a duration); "
                  "chrome closes its slices there");
  sub->add_option("--filter", o->filters,
                  "Only these records (repeatable, lists add up): "
                  "event=NAME[,NAME...] (event names) or "
                  "path=PREFIX[,PREFIX...] (an entity path or one of its "
                  "ancestors: path=westeurope/z1); both kinds must match");
  sub->add_option("--max-mb", o->max_mb,
                  "chrome with -o FILE: split into FILE, FILE.1, FILE.2 ... "
                  "by virtual time so that no part exceeds this many MB "
                  "(10^6 bytes; default 200; stdout is never split)");
  sub->add_option("-o,--output", o->output,
                  "Output file ('-' or absent: stdout). Written beside it "
                  "under a temporary name and renamed when complete; an "
                  "existing FILE must be a regular file");
  sub->footer(exit_footer);
  sub->callback([o] { guarded([&] { run_export(*o); }); });
}

struct report_command_options {
  std::string dir;
  std::string output;
};

/// `trace report`: written like an export file (temporary name, renamed
/// when complete; only a regular file is replaced).
void run_report(const report_command_options& o) {
  mode_t mode = output_mode(o.output); // refuses before reading the trace
  trace_reader reader = open_trace(o.dir);
  refuse_own_file(reader, o.output);
  temp_output temp(o.output);
  temp.write_and_commit(mode,
                        [&](std::ostream& out) { write_report(reader, out); });
}

void add_report(CLI::App& trace) {
  auto o = std::make_shared<report_command_options>();
  CLI::App* sub = add_dir_command(
      trace, "report",
      "Write one self-contained HTML page of the run (no network needed to "
      "open it): a header (scenario, seed, virtual duration, digest, "
      "events), SVG charts of instances by state, healthy backends vs "
      "desired capacity, requests, success rate, latency, the fabric "
      "controller leader and CPU, with every fault marked, and tables "
      "(docs/report.md)",
      o->dir);
  sub->add_option("-o,--output", o->output,
                  "The HTML file to write (required). Written beside it "
                  "under a temporary name and renamed when complete; an "
                  "existing FILE must be a regular file")
      ->required();
  sub->footer(exit_footer);
  sub->callback([o] { guarded([&] { run_report(*o); }); });
}

struct check_options {
  std::string dir;
  std::vector<std::string> only;
  const checker_registry* checkers = nullptr;
};

std::vector<std::unique_ptr<checker>>
select_checkers(const checker_registry& registry,
                const std::vector<std::string>& only) {
  auto all = registry.create_all();
  if (only.empty())
    return all;
  std::vector<std::unique_ptr<checker>> chosen;
  for (auto& c : all)
    for (const auto& name : only)
      if (c->name() == name)
        chosen.push_back(std::move(c));
  return chosen;
}

void print_result(const check_result& r) {
  if (r.ok()) {
    std::cout << "check " << r.name << ": ok (" << r.records << " records)\n";
    return;
  }
  std::cout << "check " << r.name << ": FAIL " << r.violations.total()
            << " violations\n";
  const auto& kept = r.violations.kept();
  for (size_t i = 0; i < kept.size() && i < violations_shown; ++i)
    std::cout << "  " << kept[i].to_string() << '\n';
  if (r.violations.total() > violations_shown)
    std::cout << "  ... " << r.violations.total() - violations_shown
              << " more\n";
}

void run_check(const check_options& o) {
  bool all_ok = true;
  guarded([&] {
    auto results = run_checkers(open_trace(o.dir, read_options{false}),
                                select_checkers(*o.checkers, o.only));
    for (const auto& r : results) {
      print_result(r);
      all_ok = all_ok && r.ok();
    }
    std::cout.flush();
  });
  if (!all_ok)
    throw CLI::RuntimeError(exit_checks_failed);
}

void add_check(CLI::App& trace, const checker_registry& checkers) {
  auto o = std::make_shared<check_options>();
  CLI::App* sub = add_dir_command(
      trace, "check",
      "Run the invariant checkers over the merged trace. Prints "
      "'check <name>: ok (<N> records)' or 'check <name>: FAIL <k> "
      "violations' and up to 20 violations per checker",
      o->dir);
  std::string names;
  o->checkers = &checkers;
  for (const auto& name : checkers.names())
    names += (names.empty() ? "" : ", ") + name;
  sub->add_option("--only", o->only,
                  "Run only these checkers (repeatable): " + names)
      ->check(CLI::IsMember(checkers.names()));
  sub->footer("Exit status: 0 all checks hold, 1 a check failed, 2 error "
              "(message on stderr starting with 'error: ').");
  sub->callback([o] { run_check(*o); });
}

void add_summary(CLI::App& trace) {
  auto dir = std::make_shared<std::string>();
  CLI::App* sub = add_dir_command(
      trace, "summary",
      "Summarise a trace: scenario, seed, nodes/shards, records, records "
      "per event, entities per kind, virtual time span",
      *dir);
  sub->footer(exit_footer);
  sub->callback([dir] {
    guarded([&] {
      print_summary(summarize(open_trace(*dir)), std::cout);
      std::cout.flush();
    });
  });
}

} // namespace

void add_trace_command(CLI::App& root,
                       const analysis::checker_registry& checkers) {
  CLI::App* trace = root.add_subcommand(
      "trace", "Inspect a trace directory written by `run`, `node` or "
               "`bench --trace`");
  trace->require_subcommand(1);
  add_digest(*trace);
  add_export(*trace);
  add_check(*trace, checkers);
  add_summary(*trace);
  add_instances(*trace);
  add_report(*trace);
}

} // namespace vmss
