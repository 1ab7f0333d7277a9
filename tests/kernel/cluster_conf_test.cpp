// cluster.conf (runners/cluster_config) and the node launcher's commands
// (kernel/node_launcher): the layout a file describes, its errors, the
// launch template's placeholders.
#include "kernel/node_launcher.hpp"
#include "runners/cluster_config.hpp"
#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using namespace vmss;

/// Reads `text` as a cluster.conf in a scratch directory.
cluster_config read(const vmss_test::scratch& dir, const std::string& text) {
  return read_cluster_config(dir.file("c.conf", text));
}

/// The error of reading `text`, with the scratch path cut to "c.conf".
std::string error_of(const std::string& text) {
  vmss_test::scratch dir;
  try {
    read(dir, text);
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    auto path = dir.at("c.conf");
    if (what.rfind(path, 0) == 0)
      what = "c.conf" + what.substr(path.size());
    return what;
  }
  return "(no error)";
}

const char full[] = R"(; a cluster of three machines
[cluster]
threads=2
node-timeout=30
secret-file="run.secret"
partition="explicit"
assign=["westeurope=0", "westeurope/z2=1", "westeurope/z3=2"]
launch="ssh {host} vmss-sim node --config {config} --node-id {node} --coordinator {coordinator}; echo done"

[coordinator]
address="10.0.0.1"
port=4300

[node.0]
address="10.0.0.2"
port=4301
host="alice@machine-a"

[node.1]
address="10.0.0.3"
threads=2

[node.2]
address="10.0.0.4"
port=4301

[sim]
seed=7
until="10m"
out="traces/run1"
scenario="s.json"
)";

TEST(cluster_conf, full_layout) {
  vmss_test::scratch dir;
  auto c = read(dir, full);
  ASSERT_EQ(c.nodes, 3u);
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.node_timeout_s, 30.0);
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.until, "10m");
  EXPECT_EQ(c.out, dir.at("traces/run1"));
  EXPECT_EQ(c.scenario, dir.at("s.json"));
  EXPECT_EQ(c.secret_file, dir.at("run.secret"));
  ASSERT_TRUE(c.partition);
  EXPECT_EQ(c.partition->rule, topology::partition_rule::explicit_map);
  EXPECT_EQ(c.partition->source, dir.at("c.conf"));
  ASSERT_EQ(c.partition->assign.size(), 3u);
  EXPECT_EQ(c.partition->assign[1].first, "westeurope/z2");
  EXPECT_EQ(c.partition->assign[1].second, 1u);
  auto l = c.layout();
  EXPECT_EQ(l.coordinator_address, "10.0.0.1");
  EXPECT_EQ(l.coordinator_port, 4300);
  ASSERT_EQ(l.nodes.size(), 3u);
  EXPECT_EQ(l.nodes[0].address, "10.0.0.2");
  EXPECT_EQ(l.nodes[0].port, 4301);
  EXPECT_EQ(l.nodes[0].host, "alice@machine-a");
  EXPECT_EQ(l.nodes[1].port, 0); // a free port, told to the peers
  EXPECT_EQ(l.config, dir.at("c.conf"));
  // The ';' inside the quoted template is not a comment.
  EXPECT_NE(l.launch.find("; echo done"), std::string::npos) << l.launch;
}

TEST(cluster_conf, short_form_stays_local) {
  vmss_test::scratch dir;
  auto c = read(dir, "[cluster]\nnodes=3\nthreads=1\n");
  EXPECT_EQ(c.nodes, 3u);
  auto l = c.layout();
  EXPECT_TRUE(l.nodes.empty());
  EXPECT_TRUE(l.launch.empty());
  EXPECT_EQ(l.coordinator_address, "127.0.0.1");
  EXPECT_EQ(l.coordinator_port, 0);
  EXPECT_FALSE(c.partition);
}

TEST(cluster_conf, errors_name_the_file_the_key_and_the_reason) {
  struct bad {
    const char* text;
    const char* message;
  };
  const bad cases[] = {
      {"[node.1]\naddress=\"10.0.0.3\"\n",
       "c.conf: node.0: missing ([node.K] groups are numbered 0 to N-1; the "
       "file has [node.1])"},
      {"[cluster]\nnodes=3\n[node.0]\n[node.1]\n",
       "c.conf: cluster.nodes: 3, but the file has 2 [node.K] groups"},
      {"[cluster]\nthreads=2\n[node.0]\nthreads=4\n",
       "c.conf: node.0.threads: 4, but the run has 2 (cluster.threads or an "
       "earlier node): every node process runs the same number of lanes"},
      {"[node.0]\nport=4301\n[node.1]\nport=4301\n",
       "c.conf: node.1.port: 127.0.0.1:4301 is taken by another node"},
      {"[cluster]\npartition=\"explicit\"\n",
       "c.conf: cluster.assign: missing: partition=explicit needs a list of "
       "REGION=K or REGION/ZONE=K"},
      {"[cluster]\nassign=[\"westeurope=0\"]\n",
       "c.conf: cluster.assign: given, but the partition is not explicit"},
      {"[cluster]\nnodes=2\npartition=\"explicit\"\nassign=[\"a=0\", "
       "\"b=2\"]\n",
       "c.conf: cluster.assign: b=2: the run has 2 nodes (0 to 1)"},
      {"[cluster]\nlaunch=\"manual\"\n",
       "c.conf: coordinator.port: needed (not 0) when launch=\"manual\": "
       "nodes started by hand dial it"},
      {"[cluster]\npartition=\"by-rack\"\n",
       "c.conf:2: cluster.partition=by-rack: unknown rule (known: by-zone, "
       "by-region, explicit)"},
      {"[cluster]\nlaunch=\"ssh {hots} vmss-sim node\"\n",
       "c.conf:2: cluster.launch=ssh {hots} vmss-sim node: unknown "
       "placeholder {hots} (known: {host}, {node}, {address}, {port}, "
       "{threads}, {coordinator}, {config}, {exe}, {log_level})"},
      {"[cluster]\nlaunch=\"ssh {host\"\n",
       "c.conf:2: cluster.launch=ssh {host: unterminated placeholder at "
       "'{host'"},
      {"[node.0]\naddress=\"10.0.0.2 10.0.0.3\"\n",
       "c.conf:2: node.0.address=10.0.0.2 10.0.0.3: not an address (e.g. "
       "10.0.0.2 or node-a.example)"},
      {"[node.0]\nport=70000\n",
       "c.conf:2: node.0.port=70000: is out of range (0 to 65535)"},
      {"[node.64]\n", "c.conf:1: unknown group [node.64] (known: [cluster], "
                      "[coordinator], [node.0], [node.1], ..., [sim])"},
      {"[nodes]\n", "c.conf:1: unknown group [nodes] (known: [cluster], "
                    "[coordinator], [node.0], [node.1], ..., [sim])"},
      {"[node.0]\nname=\"a\"\n",
       "c.conf:2: node.0.name=a: unknown key (known in [node.K]: address, "
       "port, threads, host)"},
      {"[sim]\nuntil=\"10\"\n",
       "c.conf:2: sim.until=10: is not a duration (digits, an optional "
       "fraction and a unit: ns, us, ms, s, m, h; e.g. 90s, 1.5ms)"},
      {"[cluster]\nassign=westeurope=0\n",
       "c.conf:2: cluster.assign=westeurope=0: expected a list, e.g. "
       "[\"westeurope=0\", \"northeurope/z1=1\"]"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(error_of(c.text), c.message) << c.text;
}

TEST(launch, template_placeholders_are_shell_quoted) {
  std::map<std::string, std::string> v{{"host", "a b"}, {"node", "2"}};
  EXPECT_EQ(expand_launch("ssh {host} n --node-id {node}", v),
            "ssh 'a b' n --node-id 2");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("10.0.0.1:4300"), "10.0.0.1:4300");
  EXPECT_THROW(expand_launch("{nope}", v), std::invalid_argument);
}

TEST(launch, commands_of_local_and_templated_nodes) {
  launch_request req;
  req.executable = "/opt/vmss-sim";
  req.coordinator = "10.0.0.1:4300";
  req.nodes = 2;
  req.threads = 2;
  req.log_level = "info";
  req.secret = std::string(64, 'a');
  cluster_layout local;
  auto argv = node_launcher(local).command(req, 1);
  EXPECT_EQ(argv, (std::vector<std::string>{"/opt/vmss-sim", "node",
                                            "--coordinator", "10.0.0.1:4300",
                                            "--node-id", "1", "--threads", "2",
                                            "--log-level", "info"}));
  cluster_layout remote;
  remote.config = "/etc/vmss/cluster.conf";
  remote.nodes = {{"10.0.0.2", 4301, "alice@a"}, {"10.0.0.3", 0, ""}};
  remote.launch =
      "ssh {host} {exe} node --config {config} --node-id {node} "
      "--coordinator {coordinator} --threads {threads} # {address}:{port}";
  auto sh = node_launcher(remote).command(req, 1);
  ASSERT_EQ(sh.size(), 3u);
  EXPECT_EQ(sh[0], "/bin/sh");
  EXPECT_EQ(sh[1], "-c");
  // No host: the address; the secret is never on the command line.
  EXPECT_EQ(sh[2], "ssh 10.0.0.3 /opt/vmss-sim node --config "
                   "/etc/vmss/cluster.conf --node-id 1 --coordinator "
                   "10.0.0.1:4300 --threads 2 # 10.0.0.3:0");
  EXPECT_EQ(node_launcher(remote).command(req, 0)[2].rfind("ssh alice@a ", 0),
            0u);
  for (const auto& word : argv)
    EXPECT_EQ(word.find(req.secret), std::string::npos);
  EXPECT_EQ(sh[2].find(req.secret), std::string::npos);
  // Local nodes of a cluster.conf read their addresses from it.
  local.config = "/etc/vmss/cluster.conf";
  auto with = node_launcher(local).command(req, 0);
  EXPECT_EQ(with.back(), "/etc/vmss/cluster.conf");
}

} // namespace
