#pragma once
/// Reads a Chrome trace JSON export and checks what every export must hold
/// (GoogleTest failures otherwise): the object form with "traceEvents";
/// every process and thread named before its first event; timestamps never
/// decreasing; every E closing the innermost open B of its thread, nothing
/// left open; counters with numeric values; instants with a scope; every
/// flow started once, stepped and ended on open ids, nothing left open.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace vmss::trace_test {

struct chrome_slice {
  std::string name;
  double begin_us = 0;
  double end_us = 0;
  int depth = 0; ///< open B slices around it on its thread
};

struct chrome_flow {
  uint64_t id = 0;
  std::vector<std::string> threads; ///< thread name of each point, in order
  std::vector<double> ts_us;
};

struct chrome_view {
  nlohmann::json doc;
  std::map<uint64_t, std::string> processes; ///< pid -> name
  std::map<std::pair<uint64_t, uint64_t>, std::string> threads;
  std::map<std::string, std::vector<chrome_slice>> slices; ///< by thread
  std::vector<std::string> x_names;         ///< names of "X" slices
  std::vector<std::string> global_instants; ///< names, in order
  /// (process name, counter name, arg) -> last value
  std::map<std::tuple<std::string, std::string, std::string>, double> counters;
  std::vector<chrome_flow> flows; ///< in order of their start
  double min_ts_us = 1e300;
  double max_ts_us = -1e300;

  bool has_process(const std::string& name) const;
  bool has_thread(const std::string& name) const;
  bool has_slice_named(const std::string& name) const;
  /// B/E slices of the thread named `thread`, by begin (outer first).
  std::vector<chrome_slice> slices_on(const std::string& thread) const;
  /// Last value; -1 (and a failure) when absent.
  double counter(const std::string& process, const std::string& name,
                 const std::string& arg) const;
};

/// Parses and checks `text`.
chrome_view check_chrome(const std::string& text);

} // namespace vmss::trace_test
