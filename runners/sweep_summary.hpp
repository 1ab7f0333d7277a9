#pragma once
/// What `vmss-sim sweep` makes of its seeds (runners/sweep_command.cpp
/// runs them): each seed's result, the distributions of the metrics that
/// matter over the seeds (min, median, p95, p99, max), and the stdout
/// table, sweep.csv and sweep.html. docs/cli.md and docs/analysis.md say
/// what each column means. No CAF, no processes: tested on its own.

#include "analysis/run_metrics.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace vmss::sweep {

/// One seed's run and what the sweep read of its trace.
struct seed_result {
  uint64_t seed = 0;
  /// The run's exit status; -1 when it ended by a signal (`signal`).
  int exit_code = 0;
  int signal = 0;
  std::string digest; ///< from the run's `digest=` line; empty if none
  double wall_s = 0;  ///< the child process's wall time (pacing only)
  /// "NAME: K violations" of every checker that failed.
  std::vector<std::string> failed_checks;
  std::string error; ///< the trace could not be read (checks, metrics)
  std::optional<analysis::run_metrics> metrics;
  std::string trace_dir; ///< where the run wrote its trace
  std::string log_file;  ///< the run's stdout and stderr

  bool failed() const {
    return exit_code != 0 || !failed_checks.empty() || !error.empty();
  }
  /// Why it failed, one line ("run exit 1", "check capacity_converges: 2
  /// violations", …); empty when it passed.
  std::string failure() const;
};

/// The distribution of one metric over the sweep. Percentiles are nearest
/// rank: the smallest value with at least p% of the values at or below it,
/// so min <= median <= p95 <= p99 <= max always.
struct distribution {
  std::string metric; ///< "time_to_recover_s host_crash", "availability", …
  size_t n = 0;       ///< values
  size_t missing = 0; ///< cases without a value (not recovered, …)
  double min = 0, median = 0, p95 = 0, p99 = 0, max = 0;
};

/// Nearest-rank percentile `p` (0 < p <= 100) of sorted, non-empty values.
double percentile(const std::vector<double>& sorted, double p);

/// A distribution of `values` (any order) with `missing` cases.
distribution distribution_of(std::string metric, std::vector<double> values,
                             size_t missing = 0);

/// The distributions over every seed with metrics: per fault kind the
/// time to detect and to recover (over all faults of that kind; missing:
/// not detected / not recovered), then per seed the lowest scale-set
/// availability, the request success ratio (seeds with requests), failed
/// requests, the worst second's failed requests, every FC failover time
/// (missing: no new leader), the capacity shortfall.
std::vector<distribution> aggregate(const std::vector<seed_result>& seeds);

/// `vmss-sim run SCENARIO --seed S --out DIR`: the command that reproduces
/// seed S (its trace in DIR).
std::string reproduce_command(const std::string& scenario,
                              const seed_result& r);

/// The aggregate table (one line per distribution, aligned) and a FAIL
/// line per failed seed with its reproducing command.
void print_table(const std::vector<distribution>& table,
                 const std::vector<seed_result>& seeds,
                 const std::string& scenario, std::ostream& out);

/// sweep.csv: a header, then one row per seed (docs/cli.md lists the
/// columns).
void write_csv(const std::vector<seed_result>& seeds,
               const std::string& scenario, std::ostream& out);

/// sweep.html: a self-contained page with the aggregate table and the
/// per-seed table.
void write_html(const std::vector<distribution>& table,
                const std::vector<seed_result>& seeds,
                const std::string& scenario, std::ostream& out);

} // namespace vmss::sweep
