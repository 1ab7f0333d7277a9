#include "runners/cluster_config.hpp"

#include "kernel/numbers.hpp"
#include "kernel/run_secret.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vmss {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool all_digits(const std::string& s, size_t from) {
  return from < s.size() &&
         s.find_first_not_of("0123456789", from) == std::string::npos;
}

uint32_t to_count(const std::string& value, uint64_t max) {
  return static_cast<uint32_t>(parse_whole_number(value, 1, max));
}

void apply(cluster_config& cfg, const std::string& dir, const std::string& key,
           const std::string& value) {
  if (key == "cluster.nodes") {
    cfg.nodes = to_count(value, max_nodes);
  } else if (key == "cluster.threads") {
    cfg.threads = to_count(value, max_threads);
  } else if (key == "cluster.node-timeout") {
    cfg.node_timeout_s = parse_node_timeout(value);
  } else if (key == "cluster.secret-file") {
    if (value.empty())
      throw std::invalid_argument("empty path");
    cfg.secret_file = (std::filesystem::path(dir) / value).string();
  } else if (key == "sim.seed") {
    cfg.seed = parse_whole_number(value, 0, UINT64_MAX);
  } else {
    throw std::invalid_argument("unknown key (known: cluster.nodes, "
                                "cluster.threads, cluster.node-timeout, "
                                "cluster.secret-file, sim.seed)");
  }
}

} // namespace

uint64_t parse_whole_number(const std::string& text, uint64_t min,
                            uint64_t max) {
  uint64_t x = 0;
  std::string why;
  if (!parse_uint(text, min, max, x, &why))
    throw std::invalid_argument(why);
  return x;
}

double parse_node_timeout(const std::string& text) {
  auto dot = text.find('.');
  bool decimal = dot == std::string::npos
                     ? all_digits(text, 0)
                     : dot > 0 && all_digits(text.substr(0, dot), 0) &&
                           all_digits(text, dot + 1);
  if (!decimal)
    throw std::invalid_argument("not a number of seconds (e.g. 10 or 2.5)");
  double x = 0;
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  in >> x;
  if (!(x >= node_timeout_min_s && x <= node_timeout_max_s)) {
    std::ostringstream min, max;
    min << node_timeout_min_s;
    max << node_timeout_max_s;
    throw std::invalid_argument("is out of range (" + min.str() + " to " +
                                max.str() + " seconds)");
  }
  return x;
}

std::string node_run_secret(const std::string& config) {
  if (const char* env = std::getenv(run_secret_env)) {
    try {
      return check_run_secret(env);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string(run_secret_env) + ": " + e.what());
    }
  }
  if (!config.empty()) {
    auto file = read_cluster_config(config);
    if (file.secret_file)
      return read_run_secret_file(*file.secret_file);
  }
  throw std::runtime_error(
      "no run secret: a node started by hand needs the run's secret in the "
      "environment variable " +
      std::string(run_secret_env) +
      " or in the file named by secret-file in the [cluster] group of "
      "--config cluster.conf");
}

cluster_config read_cluster_config(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error(path + ": cannot open");
  auto dir = std::filesystem::path(path).parent_path().string();
  cluster_config cfg;
  std::string group, line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto where = path + ":" + std::to_string(number) + ": ";
    line = trim(line.substr(0, line.find(';')));
    if (line.empty() || line[0] == '#')
      continue;
    if (line.front() == '[') {
      if (line.back() != ']')
        throw std::runtime_error(where + "unterminated group header");
      group = trim(line.substr(1, line.size() - 2));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos)
      throw std::runtime_error(where + "expected key=value");
    auto key = group + "." + trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    try {
      apply(cfg, dir, key, value);
    } catch (const std::exception& e) {
      throw std::runtime_error(where + key + "=" + value + ": " + e.what());
    }
  }
  return cfg;
}

} // namespace vmss
