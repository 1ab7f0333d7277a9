#pragma once
/// The report's tables and fault markers from analysis/run_metrics: the
/// report prints the metrics the sweep aggregates, computed once there.
/// No CAF.

#include "analysis/report.hpp"
#include "analysis/run_metrics.hpp"

#include <vector>

namespace vmss::analysis {

/// Faults (time to detect, time to recover), availability per scale set
/// and per zone, fabric controller failovers, autoscale decisions, upgrade
/// batches; ids "table-faults", "table-availability-sets",
/// "table-availability-zones", "table-failovers", "table-autoscale",
/// "table-upgrades".
std::vector<report_table> metric_tables(const run_metrics& m);

/// A band per fault, from its injection to its repair's injection (to the
/// end of the run when it has none: open).
std::vector<svg::band> fault_bands(const run_metrics& m);

} // namespace vmss::analysis
