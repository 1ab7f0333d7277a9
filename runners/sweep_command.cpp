/// `vmss-sim sweep SCENARIO --seeds A-B [-j N] [--out DIR] [--keep-traces]`:
/// runs the scenario once per seed as child processes (`vmss-sim run`), N
/// at a time, checks each trace as `trace check` does, reads its run
/// metrics (analysis/run_metrics.hpp) and aggregates them
/// (runners/sweep_summary.hpp). Wall time is read only to report how long
/// the sweep took, never for a result.

#include "analysis/checker.hpp"
#include "analysis/run_metrics.hpp"
#include "kernel/numbers.hpp"
#include "kernel/trace_manifest.hpp"
#include "runners/commands.hpp"
#include "runners/modules.hpp"
#include "runners/scenario_file.hpp"
#include "runners/sweep_summary.hpp"
#include "runners/tell_user.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

extern char** environ;

namespace vmss {

namespace {

namespace fs = std::filesystem;
using sweep::seed_result;

/// The most seeds one sweep runs, and the most runs at a time.
constexpr uint64_t max_seeds = 1000000;
constexpr int64_t max_jobs = 64;

struct sweep_args {
  std::string scenario;
  std::string seeds;
  std::string jobs = "2";
  std::string out = "vmss-sweep";
  bool keep_traces = false;
};

struct seed_range {
  uint64_t first = 0, last = 0;
  uint64_t count() const { return last - first + 1; }
};

/// "A-B" (A <= B, whole numbers) or a single seed "A".
seed_range parse_seeds(const std::string& text) {
  auto dash = text.find('-');
  std::string a = text.substr(0, dash);
  std::string b = dash == std::string::npos ? a : text.substr(dash + 1);
  seed_range r;
  std::string why;
  if (!parse_uint(a, 0, UINT64_MAX, r.first, &why) ||
      !parse_uint(b, 0, UINT64_MAX, r.last, &why))
    throw std::invalid_argument("--seeds " + text + ": " + why +
                                " (expected A-B, e.g. 1-100)");
  if (r.last < r.first)
    throw std::invalid_argument("--seeds " + text +
                                ": the range is empty (A must be <= B)");
  if (r.last - r.first >= max_seeds)
    throw std::invalid_argument("--seeds " + text + ": more than " +
                                std::to_string(max_seeds) + " seeds");
  return r;
}

/// DIR (created if missing; an existing one must be a directory) and a
/// fresh directory for the runs inside it, `DIR/runs-XXXXXX`.
std::string make_runs_dir(const std::string& out) {
  struct stat st {};
  if (::lstat(out.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw std::invalid_argument("--out " + out + ": " +
                                  trace::file_type_name(st.st_mode) +
                                  ", not a directory");
  } else if (errno != ENOENT || ::mkdir(out.c_str(), 0777) != 0) {
    throw std::invalid_argument("--out " + out + ": " + std::strerror(errno));
  }
  std::string runs = out + "/runs-XXXXXX";
  if (::mkdtemp(runs.data()) == nullptr)
    throw std::runtime_error("--out " + out + ": cannot create " + runs + ": " +
                             std::strerror(errno));
  return runs;
}

/// A child `vmss-sim run` of one seed; its stdout and stderr go to its
/// log file.
pid_t spawn_run(const std::string& exe, const std::string& scenario,
                const seed_result& r) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, r.log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0666);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  std::string seed = std::to_string(r.seed);
  std::vector<std::string> args{exe,         "run",       scenario,
                                "--seed",    seed,        "--out",
                                r.trace_dir, "--threads", "1"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int err =
      posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0)
    throw std::runtime_error("cannot start " + exe + ": " + std::strerror(err));
  return pid;
}

/// The `digest=` value of the run's last line that has one.
std::string digest_of(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string line, digest;
  while (std::getline(in, line))
    if (line.rfind("digest=", 0) == 0)
      digest = line.substr(7, line.find(' ') - 7);
  return digest;
}

/// What the sweep reads of a finished run: the checkers of `trace check`
/// and the run metrics.
void read_trace(seed_result& r) {
  if (r.exit_code != 0)
    return;
  r.digest = digest_of(r.log_file);
  try {
    for (const auto& c :
         analysis::run_checkers(r.trace_dir, all_checkers().create_all()))
      if (!c.ok())
        r.failed_checks.push_back(c.name + ": " +
                                  std::to_string(c.violations.total()) +
                                  " violations");
    r.metrics =
        analysis::compute_run_metrics(analysis::trace_reader(r.trace_dir));
  } catch (const std::exception& e) {
    r.error = e.what();
  }
}

/// Removes what the sweep wrote of a seed that passed: its trace (only if
/// it is a trace directory) and its log.
void remove_seed_output(const seed_result& r) {
  std::string why;
  std::error_code ec;
  if (trace::is_vmss_trace_dir(r.trace_dir, why))
    fs::remove_all(r.trace_dir, ec);
  fs::remove(r.log_file, ec);
}

/// Writes `body(std::ostream&)` to DIR/NAME through a temporary file.
template <class Body>
void write_output(const std::string& dir, const std::string& name,
                  Body&& body) {
  std::string path = dir + "/" + name;
  std::string temp = dir + "/." + name + ".partial";
  {
    std::ofstream out(temp, std::ios::trunc);
    body(out);
    out.flush();
    if (!out)
      throw std::runtime_error(temp + ": write failed");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + temp + " to " + path + ": " +
                             std::strerror(errno));
}

/// Runs every seed, `jobs` at a time; results in seed order.
std::vector<seed_result> run_seeds(const sweep_args& a, seed_range range,
                                   int64_t jobs, const std::string& runs) {
  std::string exe = self_executable();
  std::vector<seed_result> results(range.count());
  std::map<pid_t, std::pair<size_t, std::chrono::steady_clock::time_point>>
      running;
  size_t next = 0, done = 0, failed = 0;
  while (done < results.size()) {
    while (next < results.size() &&
           static_cast<int64_t>(running.size()) < jobs) {
      auto& r = results[next];
      r.seed = range.first + next;
      r.trace_dir = runs + "/seed-" + std::to_string(r.seed);
      r.log_file = r.trace_dir + ".log";
      running[spawn_run(exe, a.scenario, r)] = {
          next, std::chrono::steady_clock::now()};
      ++next;
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR)
        continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    auto it = running.find(pid);
    if (it == running.end())
      continue; // not a run of ours
    auto& r = results[it->second.first];
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             it->second.second)
                   .count();
    running.erase(it);
    if (WIFEXITED(status)) {
      r.exit_code = WEXITSTATUS(status);
    } else {
      r.exit_code = -1;
      r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    read_trace(r);
    ++done;
    failed += r.failed() ? 1 : 0;
    tell_user(user_line::note, "sweep: " + std::to_string(done) + "/" +
                                   std::to_string(results.size()) +
                                   " seeds done, " + std::to_string(failed) +
                                   " failed");
  }
  return results;
}

int sweep_main(const sweep_args& a) {
  auto t0 = std::chrono::steady_clock::now();
  // Every input is checked before anything runs or is written.
  auto range = parse_seeds(a.seeds);
  int64_t jobs = 0;
  std::string why;
  if (!parse_int(a.jobs, 1, max_jobs, jobs, &why))
    throw std::invalid_argument("-j " + a.jobs + ": " + why);
  if (a.scenario.empty())
    throw std::invalid_argument("a scenario file is required");
  auto scenario = read_scenario(a.scenario, scenario_text(a.scenario));
  std::string runs = make_runs_dir(a.out);
  tell_user(user_line::note, "sweep of " + scenario.spec.name() + ": " +
                                 std::to_string(range.count()) +
                                 " seeds, runs in " + runs);
  auto results = run_seeds(a, range, jobs, runs);
  auto table = sweep::aggregate(results);
  write_output(a.out, "sweep.csv", [&](std::ostream& out) {
    sweep::write_csv(results, a.scenario, out);
  });
  write_output(a.out, "sweep.html", [&](std::ostream& out) {
    sweep::write_html(table, results, a.scenario, out);
  });
  size_t failed = 0;
  for (const auto& r : results) {
    failed += r.failed() ? 1 : 0;
    if (!a.keep_traces && !r.failed())
      remove_seed_output(r);
  }
  std::error_code ec;
  if (!a.keep_traces)
    fs::remove(runs, ec); // only if empty: failed seeds' traces stay
  sweep::print_table(table, results, a.scenario, std::cout);
  std::cout << "# csv=" << a.out << "/sweep.csv html=" << a.out << "/sweep.html"
            << (failed > 0 ? " traces of failed seeds in " + runs : "") << '\n';
  double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  char line[128];
  std::snprintf(line, sizeof line, "sweep seeds=%llu failed=%zu wall_s=%.3f\n",
                static_cast<unsigned long long>(results.size()), failed,
                wall_s);
  std::cout << line << std::flush;
  return failed > 0 ? 1 : 0;
}

} // namespace

void add_sweep_command(CLI::App& root) {
  auto a = std::make_shared<sweep_args>();
  auto* cmd = root.add_subcommand(
      "sweep",
      "Run a scenario once per seed (child `vmss-sim run` processes), check "
      "each trace as `trace check` does, and aggregate the run metrics "
      "(docs/analysis.md) over the seeds: min, median, p95, p99, max. Last "
      "stdout line: sweep seeds=N failed=K wall_s=X");
  cmd->add_option("scenario", a->scenario, "scenario file (docs/scenarios.md)")
      ->required();
  cmd->add_option("--seeds", a->seeds,
                  "seeds to run, A-B (inclusive, A <= B), e.g. 1-100")
      ->required();
  cmd->add_option("-j,--jobs", a->jobs, "runs at a time, 1 to 64")
      ->capture_default_str();
  cmd->add_option("--out", a->out,
                  "directory for sweep.csv and sweep.html (created if "
                  "missing); the runs go to a new DIR/runs-XXXXXX, removed "
                  "afterwards but for the traces of failed seeds")
      ->capture_default_str();
  cmd->add_flag("--keep-traces", a->keep_traces,
                "keep every seed's trace and log in DIR/runs-XXXXXX");
  cmd->footer("Exit status: 0 every seed passed, 1 a run or a check failed "
              "(each failed seed is printed with the command that "
              "reproduces it), 2 bad input (nothing run).");
  cmd->callback([a] {
    int code = 0;
    try {
      code = sweep_main(*a);
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::invalid_argument& e) {
      tell_user(user_line::error, e.what());
      throw CLI::RuntimeError(2);
    } catch (const std::exception& e) {
      tell_user(user_line::error, e.what());
      throw CLI::RuntimeError(1);
    }
    if (code != 0)
      throw CLI::RuntimeError(code);
  });
}

} // namespace vmss
