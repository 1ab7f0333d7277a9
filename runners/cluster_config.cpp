#include "runners/cluster_config.hpp"

#include <fstream>
#include <stdexcept>

namespace vmss {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/// Parses a whole non-negative integer no larger than `max`.
uint64_t to_uint(const std::string& v, uint64_t max) {
  size_t pos = 0;
  if (v.empty() || v[0] == '-')
    throw std::invalid_argument("not a non-negative integer");
  auto x = std::stoull(v, &pos);
  if (pos != v.size())
    throw std::invalid_argument("not a non-negative integer");
  if (x > max)
    throw std::invalid_argument("larger than " + std::to_string(max));
  return x;
}

void apply(cluster_config& cfg, const std::string& key,
           const std::string& value) {
  if (key == "cluster.nodes") {
    cfg.nodes = static_cast<uint32_t>(to_uint(value, 64));
    if (*cfg.nodes == 0)
      throw std::invalid_argument("must be at least 1");
  } else if (key == "cluster.threads") {
    cfg.threads = static_cast<uint32_t>(to_uint(value, 64));
    if (*cfg.threads == 0)
      throw std::invalid_argument("must be at least 1");
  } else if (key == "cluster.node-timeout") {
    size_t pos = 0;
    double x = std::stod(value, &pos);
    if (pos != value.size() || !(x > 0))
      throw std::invalid_argument("not a positive number of seconds");
    cfg.node_timeout_s = x;
  } else if (key == "sim.seed") {
    cfg.seed = to_uint(value, UINT64_MAX);
  } else {
    throw std::invalid_argument("unknown key (known: cluster.nodes, "
                                "cluster.threads, cluster.node-timeout, "
                                "sim.seed)");
  }
}

} // namespace

cluster_config read_cluster_config(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error(path + ": cannot open");
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
      apply(cfg, key, value);
    } catch (const std::exception& e) {
      throw std::runtime_error(where + key + "=" + value + ": " + e.what());
    }
  }
  return cfg;
}

} // namespace vmss
