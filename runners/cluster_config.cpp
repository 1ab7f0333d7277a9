#include "runners/cluster_config.hpp"

#include "kernel/numbers.hpp"
#include "kernel/run_secret.hpp"
#include "kernel/sim_time.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
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

uint16_t to_port(const std::string& value) {
  return static_cast<uint16_t>(parse_whole_number(value, 0, 65535));
}

/// An address or host name to listen on or dial: no spaces, not empty.
std::string to_address(const std::string& value) {
  if (value.empty() || value.find_first_of(" \t") != std::string::npos)
    throw std::invalid_argument("not an address (e.g. 10.0.0.2 or "
                                "node-a.example)");
  return value;
}

/// A string value: "text" (with \" and \\ escapes) or a bare word.
std::string unquote(const std::string& value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"')
    return value;
  std::string out;
  for (size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size())
      ++i;
    out += value[i];
  }
  return out;
}

/// A list of strings: ["a", "b"].
std::vector<std::string> to_list(const std::string& value) {
  if (value.size() < 2 || value.front() != '[' || value.back() != ']')
    throw std::invalid_argument("expected a list, e.g. [\"westeurope=0\", "
                                "\"northeurope/z1=1\"]");
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(value.substr(1, value.size() - 2));
  while (std::getline(in, item, ',')) {
    item = unquote(trim(item));
    if (!item.empty())
      out.push_back(item);
  }
  return out;
}

/// One "REGION=K" or "REGION/ZONE=K" entry of [cluster] assign.
std::pair<std::string, uint32_t> to_assignment(const std::string& item) {
  auto eq = item.rfind('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument("'" + item +
                                "': expected REGION=K or REGION/ZONE=K");
  auto node = static_cast<uint32_t>(
      parse_whole_number(item.substr(eq + 1), 0, max_nodes - 1));
  return {item.substr(0, eq), node};
}

void check_launch(const std::string& value) {
  if (value.empty())
    throw std::invalid_argument("empty (leave it out for local processes)");
  if (value == launch_manual)
    return;
  std::map<std::string, std::string> values;
  for (const auto& name : launch_placeholders())
    values[name] = "x";
  expand_launch(value, values);
}

/// [node.K] keys; K is at most max_nodes - 1.
void apply_node(cluster_config& cfg, const std::string& group,
                const std::string& key, const std::string& value) {
  auto& node = cfg.node_list[std::stoul(group.substr(5))]; // open_group

  if (key == "address")
    node.address = to_address(value);
  else if (key == "port")
    node.port = to_port(value);
  else if (key == "threads")
    node.threads = to_count(value, max_threads);
  else if (key == "host")
    node.host = to_address(value);
  else
    throw std::invalid_argument("unknown key (known in [node.K]: address, "
                                "port, threads, host)");
}

void apply(cluster_config& cfg, const std::string& dir,
           const std::string& group, const std::string& name,
           const std::string& value) {
  auto key = group + "." + name;
  auto relative = [&] {
    if (value.empty())
      throw std::invalid_argument("empty path");
    return (std::filesystem::path(dir) / value).string();
  };
  if (group.rfind("node.", 0) == 0) {
    apply_node(cfg, group, name, value);
  } else if (key == "cluster.nodes") {
    cfg.nodes = to_count(value, max_nodes);
  } else if (key == "cluster.threads") {
    cfg.threads = to_count(value, max_threads);
  } else if (key == "cluster.node-timeout") {
    cfg.node_timeout_s = parse_node_timeout(value);
  } else if (key == "cluster.secret-file") {
    cfg.secret_file = relative();
  } else if (key == "cluster.launch") {
    check_launch(value);
    cfg.launch = value;
  } else if (key == "cluster.partition") {
    if (!cfg.partition)
      cfg.partition.emplace();
    cfg.partition->rule = topology::parse_rule(value);
  } else if (key == "cluster.assign") {
    if (!cfg.partition)
      cfg.partition.emplace();
    for (const auto& item : to_list(value))
      cfg.partition->assign.push_back(to_assignment(item));
  } else if (key == "coordinator.address") {
    cfg.coordinator_address = to_address(value);
  } else if (key == "coordinator.port") {
    cfg.coordinator_port = to_port(value);
  } else if (key == "sim.seed") {
    cfg.seed = parse_whole_number(value, 0, UINT64_MAX);
  } else if (key == "sim.until") {
    sim_time t = 0;
    std::string why;
    if (!parse_duration(value, t, &why))
      throw std::invalid_argument(why);
    if (t <= 0)
      throw std::invalid_argument("must be after the start");
    cfg.until = value;
  } else if (key == "sim.out") {
    cfg.out = relative();
  } else if (key == "sim.scenario") {
    cfg.scenario = relative();
  } else {
    throw std::invalid_argument(
        "unknown key (known: cluster.nodes, cluster.threads, "
        "cluster.node-timeout, cluster.secret-file, cluster.launch, "
        "cluster.partition, cluster.assign, coordinator.address, "
        "coordinator.port, node.K.address, node.K.port, node.K.threads, "
        "node.K.host, sim.seed, sim.until, sim.out, sim.scenario)");
  }
}

/// The text before a ';' comment that is not inside a "string".
std::string without_comment(const std::string& line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && quoted)
      ++i;
    else if (line[i] == '"')
      quoted = !quoted;
    else if (line[i] == ';' && !quoted)
      return line.substr(0, i);
  }
  return line;
}

/// Checks a group header; a [node.K] group makes node K known.
void open_group(cluster_config& cfg, std::vector<bool>& seen,
                const std::string& group) {
  if (group == "cluster" || group == "coordinator" || group == "sim")
    return;
  uint64_t k = 0;
  if (group.rfind("node.", 0) == 0 &&
      parse_uint(group.substr(5), 0, max_nodes - 1, k)) {
    if (cfg.node_list.size() <= k)
      cfg.node_list.resize(k + 1);
    if (seen.size() <= k)
      seen.resize(k + 1, false);
    seen[k] = true;
    return;
  }
  throw std::invalid_argument("unknown group [" + group +
                              "] (known: [cluster], [coordinator], "
                              "[node.0], [node.1], ..., [sim])");
}

/// Checks what single lines cannot: the node groups, the lanes, the
/// partition, the coordinator of hand-started nodes. Throws
/// std::runtime_error "FILE: key: reason".
void check_whole(cluster_config& cfg, const std::vector<bool>& seen) {
  auto fail = [&](const std::string& key, const std::string& why) {
    throw std::runtime_error(cfg.path + ": " + key + ": " + why);
  };
  for (size_t k = 0; k < cfg.node_list.size(); ++k)
    if (!seen[k])
      fail("node." + std::to_string(k),
           "missing ([node.K] groups are numbered 0 to N-1; the file has "
           "[node." +
               std::to_string(cfg.node_list.size() - 1) + "])");
  auto count = static_cast<uint32_t>(cfg.node_list.size());
  if (count > 0 && cfg.nodes && *cfg.nodes != count)
    fail("cluster.nodes", std::to_string(*cfg.nodes) + ", but the file has " +
                              std::to_string(count) + " [node.K] groups");
  if (count > 0)
    cfg.nodes = count;
  // Every process runs the same lanes: shard s runs in process s % P,
  // lane s / P.
  for (size_t k = 0; k < cfg.node_list.size(); ++k) {
    auto t = cfg.node_list[k].threads;
    if (!t)
      continue;
    if (cfg.threads && *cfg.threads != *t)
      fail("node." + std::to_string(k) + ".threads",
           std::to_string(*t) + ", but the run has " +
               std::to_string(*cfg.threads) +
               " (cluster.threads or an earlier node): every node process "
               "runs the same number of lanes");
    cfg.threads = t;
  }
  std::vector<std::string> places;
  for (size_t k = 0; k < cfg.node_list.size(); ++k) {
    const auto& n = cfg.node_list[k];
    auto place = n.address + ":" + std::to_string(n.port);
    if (n.port != 0 &&
        std::find(places.begin(), places.end(), place) != places.end())
      fail("node." + std::to_string(k) + ".port",
           place + " is taken by another node");
    places.push_back(place);
  }
  if (cfg.partition) {
    auto& p = *cfg.partition;
    p.source = cfg.path;
    bool is_explicit = p.rule == topology::partition_rule::explicit_map;
    if (is_explicit && p.assign.empty())
      fail("cluster.assign", "missing: partition=explicit needs a list of "
                             "REGION=K or REGION/ZONE=K");
    if (!is_explicit && !p.assign.empty())
      fail("cluster.assign", "given, but the partition is not explicit");
    uint32_t nodes = cfg.nodes.value_or(1);
    for (const auto& [where, k] : p.assign)
      if (k >= nodes)
        fail("cluster.assign", where + "=" + std::to_string(k) +
                                   ": the run has " + std::to_string(nodes) +
                                   " nodes (0 to " + std::to_string(nodes - 1) +
                                   ")");
  }
  if (cfg.launch == std::string(launch_manual) &&
      cfg.coordinator_port.value_or(0) == 0)
    fail("coordinator.port", "needed (not 0) when launch=\"manual\": nodes "
                             "started by hand dial it");
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
  cfg.path = path;
  std::vector<bool> seen; // [node.K] groups present
  std::string group, line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto where = path + ":" + std::to_string(number) + ": ";
    line = trim(without_comment(line));
    if (line.empty() || line[0] == '#')
      continue;
    if (line.front() == '[') {
      if (line.back() != ']')
        throw std::runtime_error(where + "unterminated group header");
      group = trim(line.substr(1, line.size() - 2));
      try {
        open_group(cfg, seen, group);
      } catch (const std::exception& e) {
        throw std::runtime_error(where + e.what());
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos)
      throw std::runtime_error(where + "expected key=value");
    auto name = trim(line.substr(0, eq));
    auto raw = trim(line.substr(eq + 1));
    auto value = unquote(raw);
    try {
      apply(cfg, dir, group, name, value);
    } catch (const std::exception& e) {
      throw std::runtime_error(where + group + "." + name + "=" + value + ": " +
                               e.what());
    }
  }
  seen.resize(cfg.node_list.size(), false);
  check_whole(cfg, seen);
  return cfg;
}

cluster_layout cluster_config::layout() const {
  cluster_layout out;
  out.coordinator_address = coordinator_address.value_or("127.0.0.1");
  out.coordinator_port = coordinator_port.value_or(0);
  for (const auto& n : node_list)
    out.nodes.push_back({n.address, n.port, n.host});
  out.launch = launch.value_or("");
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  out.config = ec ? path : abs.string();
  return out;
}

} // namespace vmss
