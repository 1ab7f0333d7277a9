// `vmss-sim cluster up` as on several machines: a 3-node cluster in network
// namespaces of its own (distinct 10.x addresses over veth pairs and a
// bridge), nodes started through a launch template, nodes started by hand;
// each gives the digest of a run in one process.
#include "tests/support/sim_process.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace vmss_test;

const std::string tour =
    std::string(VMSS_SOURCE_DIR) + "/scenarios/faults-tour.json";

/// The digest of the tour in one process (computed once).
const std::string& one_process_digest() {
  static const std::string digest = [] {
    auto res = run_sim("run " + tour + " --quiet --out " + tmp_dir("one"));
    EXPECT_EQ(res.exit_code, 0) << res.output;
    return res.value("digest");
  }();
  return digest;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

/// Node of every entity in a trace's manifest, by path.
std::map<std::string, int> entity_nodes(const std::string& dir) {
  std::ifstream in(dir + "/manifest.json");
  auto m = nlohmann::json::parse(in);
  std::map<std::string, int> out;
  for (const auto& e : m.at("entities"))
    out[e.at("path").get<std::string>()] = e.at("node").get<int>();
  return out;
}

/// Runs `cmd` quietly; true when it exits 0.
bool sh(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

/// A coordinator namespace with a bridge (10.77.0.1) and one namespace per
/// node (10.77.0.2, .3, ...), each on a veth pair to the bridge. Names hold
/// this process's id; every namespace made is deleted with the object
/// (its veth ends and the bridge go with it), also when a test fails.
class netns_lab {
public:
  /// Empty when the namespaces are up, else why they cannot be made.
  std::string make(int nodes) {
    if (geteuid() != 0)
      return "not root: network namespaces need CAP_NET_ADMIN";
    if (!sh("ip -V"))
      return "iproute2 (ip) is not installed (scripts/setup.sh installs it)";
    prefix_ = "vmss-t" + std::to_string(getpid()) + "-";
    if (!add(coordinator()))
      return "cannot create a network namespace (`ip netns add` failed: no "
             "CAP_NET_ADMIN, or the container forbids it)";
    auto c = "ip -n " + coordinator() + " ";
    if (!sh(c + "link set lo up") || !sh(c + "link add br0 type bridge") ||
        !sh(c + "addr add 10.77.0.1/24 dev br0") || !sh(c + "link set br0 up"))
      return "cannot set up the bridge in " + coordinator() +
             " (`ip link add ... type bridge` failed: no CAP_NET_ADMIN?)";
    for (int k = 0; k < nodes; ++k) {
      auto ns = node(k);
      auto v = "v" + std::to_string(k);
      auto n = "ip -n " + ns + " ";
      if (!add(ns) || !sh(n + "link set lo up") ||
          !sh("ip link add " + v + " netns " + coordinator() +
              " type veth peer name eth0 netns " + ns) ||
          !sh(c + "link set " + v + " master br0") ||
          !sh(c + "link set " + v + " up") ||
          !sh(n + "addr add " + address(k) + "/24 dev eth0") ||
          !sh(n + "link set eth0 up"))
        return "cannot set up the veth pair of " + ns;
    }
    return "";
  }
  ~netns_lab() {
    for (auto it = made_.rbegin(); it != made_.rend(); ++it)
      sh("ip netns del " + *it);
  }

  std::string coordinator() const { return prefix_ + "c"; }
  std::string node(int k) const { return prefix_ + std::to_string(k); }
  static std::string address(int k) {
    return "10.77.0." + std::to_string(k + 2);
  }
  /// The namespaces made so far.
  std::vector<std::string> made() const { return made_; }

private:
  bool add(const std::string& ns) {
    if (!sh("ip netns add " + ns))
      return false;
    made_.push_back(ns);
    return true;
  }

  std::string prefix_;
  std::vector<std::string> made_;
};

bool netns_exists(const std::string& ns) {
  struct stat st;
  return ::stat(("/run/netns/" + ns).c_str(), &st) == 0;
}

TEST(cluster_up, three_nodes_in_network_namespaces_match_one_process) {
  std::vector<std::string> made;
  {
    netns_lab lab;
    auto why = lab.make(3);
    made = lab.made();
    if (!why.empty())
      GTEST_SKIP() << "network namespaces are not available here: " << why;
    // The coordinator in its namespace, each node in its own, started
    // through the launch template `ip netns exec {host} ...`.
    auto conf = tmp_dir("netns.conf");
    std::string text = "[cluster]\nthreads=1\n"
                       "launch=\"ip netns exec {host} {exe} node --config "
                       "{config} --node-id {node} --coordinator "
                       "{coordinator}\"\n"
                       "[coordinator]\naddress=\"10.77.0.1\"\n";
    for (int k = 0; k < 3; ++k)
      text += "[node." + std::to_string(k) + "]\naddress=\"" + lab.address(k) +
              "\"\nport=" + std::to_string(4301 + k) + "\nhost=\"" +
              lab.node(k) + "\"\n";
    write(conf, text);
    auto out = tmp_dir("netns-trace");
    auto res = run_shell("ip netns exec " + lab.coordinator() + " " +
                             VMSS_SIM_EXE + " cluster up --config " + conf +
                             " " + tour + " --quiet --out " + out,
                         [](const std::string&) {});
    ASSERT_EQ(res.exit_code, 0) << res.output;
    EXPECT_NE(res.output.find("coordinator 10.77.0.1:"), std::string::npos)
        << res.output;
    EXPECT_EQ(res.value("digest"), one_process_digest());
    // Loopback inside a node's namespace reaches nothing of the others: the
    // nodes met over their 10.77.0.x addresses.
    std::map<int, int> per_node;
    for (const auto& [path, node] : entity_nodes(out))
      ++per_node[node];
    EXPECT_EQ(per_node.size(), 3u);
  }
  for (const auto& ns : made)
    EXPECT_FALSE(netns_exists(ns)) << ns << " was left behind";
}

TEST(cluster_up, launch_template_starts_every_node_with_the_secret_in_its_env) {
  // A local shell command stands in for ssh: it records that it ran, for
  // which node, and that the secret came in its environment.
  auto mark = tmp_dir("launched");
  auto conf = tmp_dir("template.conf");
  write(conf, "[cluster]\nthreads=1\npartition=\"explicit\"\n"
              "assign=[\"westeurope=0\", \"westeurope/z2=2\", "
              "\"westeurope/z3=1\"]\n"
              "launch=\"test -n \\\"$VMSS_RUN_SECRET\\\" && echo {node} >>" +
                  mark +
                  "; exec {exe} node --config {config} --node-id {node} "
                  "--coordinator {coordinator}\"\n"
                  "[node.0]\n[node.1]\n[node.2]\n");
  auto out = tmp_dir("template-trace");
  auto res = run_sim("cluster up --config " + conf + " " + tour +
                     " --quiet --out " + out + " --log-level info");
  ASSERT_EQ(res.exit_code, 0) << res.output;
  EXPECT_EQ(res.value("digest"), one_process_digest());
  // Each node through the template, which shows no secret on its line.
  auto launched = read_file(mark);
  for (const char* k : {"0\n", "1\n", "2\n"})
    EXPECT_NE(launched.find(k), std::string::npos) << launched;
  EXPECT_EQ(launched.size(), 6u) << launched;
  EXPECT_NE(res.output.find("# node 1 pid "), std::string::npos) << res.output;
  EXPECT_EQ(res.output.find("VMSS_RUN_SECRET="), std::string::npos);
  // The explicit partition reached the model: zone z2 on node 2, z3 on 1,
  // z1 and what is outside the zones on 0.
  auto nodes = entity_nodes(out);
  ASSERT_FALSE(nodes.empty());
  for (const auto& [path, node] : nodes) {
    int want = path.rfind("westeurope/z2/", 0) == 0   ? 2
               : path.rfind("westeurope/z3/", 0) == 0 ? 1
                                                      : 0;
    EXPECT_EQ(node, want) << path;
  }
}

/// A TCP port that was free a moment ago.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(cluster_up, manual_launch_waits_for_nodes_started_by_hand) {
  auto secret = tmp_dir("hand.secret");
  write(secret, std::string(64, 'c') + "\n");
  ::chmod(secret.c_str(), 0600);
  auto conf = tmp_dir("hand.conf");
  write(conf, "[cluster]\nnodes=2\nthreads=1\nlaunch=\"manual\"\n"
              "secret-file=\"" +
                  secret + "\"\n[coordinator]\naddress=\"127.0.0.1\"\nport=" +
                  std::to_string(free_port()) + "\n[sim]\nout=\"" +
                  tmp_dir("hand-trace") + "\"\n");
  // The nodes dial the coordinator of the file (no --coordinator) and prove
  // the secret of its secret-file (not in their environment).
  std::string exe = VMSS_SIM_EXE;
  auto res = run_shell(
      "env -u VMSS_RUN_SECRET sh -c '" + exe + " cluster up --config " + conf +
          " " + tour + " --quiet & up=$!; for k in 0 1; do " + exe +
          " node --config " + conf + " --node-id $k & done; wait $up'",
      [](const std::string&) {});
  ASSERT_EQ(res.exit_code, 0) << res.output;
  EXPECT_EQ(res.value("digest"), one_process_digest());
}

TEST(cluster_up, a_node_by_hand_without_a_coordinator_to_dial_is_refused) {
  auto conf = tmp_dir("nodial.conf");
  write(conf, "[cluster]\nnodes=2\n");
  auto res = run_sim("node --config " + conf + " --node-id 0");
  EXPECT_EQ(res.exit_code, 2) << res.output;
  EXPECT_NE(res.output.find("--coordinator: not given, and " + conf +
                            " has no [coordinator] address and port"),
            std::string::npos)
      << res.output;
}

TEST(cluster_up, sim_group_gives_the_scenario_the_end_and_the_output) {
  auto out = tmp_dir("sim-group-trace");
  auto conf = tmp_dir("sim-group.conf");
  write(conf, "[cluster]\nnodes=2\nthreads=1\n[sim]\nuntil=\"20s\"\n"
              "scenario=\"" +
                  tour + "\"\nout=\"" + out + "\"\n");
  auto res = run_sim("cluster up --config " + conf + " --quiet");
  ASSERT_EQ(res.exit_code, 0) << res.output;
  auto alone = run_sim("run " + tour + " --until 20s --quiet --out " +
                       tmp_dir("sim-group-one"));
  ASSERT_EQ(alone.exit_code, 0) << alone.output;
  EXPECT_EQ(res.value("digest"), alone.value("digest"));
  EXPECT_EQ(res.value("virtual_s"), alone.value("virtual_s"));
  struct stat st;
  EXPECT_EQ(::stat((out + "/manifest.json").c_str(), &st), 0) << res.output;
  // The command line wins over the file.
  auto shorter = run_sim("cluster up --config " + conf +
                         " --until 5s --quiet --out " + tmp_dir("sim-5s"));
  ASSERT_EQ(shorter.exit_code, 0) << shorter.output;
  EXPECT_LT(std::stod(shorter.value("virtual_s")), 5.0);
}

TEST(cluster_up, a_partition_the_model_cannot_take_exits_2) {
  auto unknown = tmp_dir("unknown-region.conf");
  write(unknown, "[cluster]\nnodes=2\npartition=\"explicit\"\n"
                 "assign=[\"westeurope=0\", \"eastus=1\"]\n");
  auto res = run_sim("cluster up --config " + unknown + " " + tour + " --out " +
                     tmp_dir("unknown-region"));
  EXPECT_EQ(res.exit_code, 2) << res.output;
  EXPECT_NE(res.output.find("error: " + unknown +
                            ": cluster.assign: eastus: no such region or "
                            "zone in the model's world"),
            std::string::npos)
      << res.output;
  auto bench_model = tmp_dir("pingpong.conf");
  write(bench_model, "[cluster]\nnodes=2\npartition=\"by-region\"\n");
  res = run_sim("run --model pingpong --until 1s --config " + bench_model +
                " --out " + tmp_dir("pingpong"));
  EXPECT_EQ(res.exit_code, 2) << res.output;
  EXPECT_NE(res.output.find("error: " + bench_model +
                            ": cluster.partition: the rule places a region "
                            "model's zones"),
            std::string::npos)
      << res.output;
}

/// Whether process `pid` is gone (or a zombie nobody reaped yet).
bool gone(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto paren = text.rfind(')');
  return text.empty() ||
         (paren != std::string::npos && text.substr(paren + 2, 1) == "Z");
}

TEST(cluster_up, a_failed_run_kills_each_template_s_whole_process_group) {
  // Each template leaves a child behind (standing in for ssh's own
  // processes); node 1's never starts its node, so the run fails.
  auto pids = tmp_dir("template-pids");
  auto conf = tmp_dir("failing.conf");
  write(conf, "[cluster]\nthreads=1\nnode-timeout=0.5\n"
              "launch=\"sleep 30 & echo $! >>" +
                  pids +
                  "; if [ {node} = 1 ]; then exit 3; fi; exec {exe} node "
                  "--config {config} --node-id {node} --coordinator "
                  "{coordinator}\"\n[node.0]\n[node.1]\n");
  auto res = run_sim("cluster up --config " + conf + " " + tour +
                     " --quiet --out " + tmp_dir("failing-trace"));
  EXPECT_EQ(res.exit_code, 1) << res.output;
  EXPECT_NE(res.output.find("node 1 never connected"), std::string::npos)
      << res.output;
  std::ifstream in(pids);
  int pid = 0, count = 0;
  while (in >> pid) {
    ++count;
    EXPECT_TRUE(gone(pid)) << "pid " << pid << " outlived the run";
  }
  EXPECT_EQ(count, 2);
}

} // namespace
