#include "runners/commands.hpp"
#include "runners/tell_user.hpp"
#include "topology/region.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace vmss {

namespace {

void print_region(const topology::region& r, std::ostream& out) {
  auto us_of = [](sim_time t) { return static_cast<double>(t) / 1000; };
  out << "region: " << r.name << "\n"
      << "zones: " << r.zones << "  racks per zone: " << r.racks_per_zone
      << "  hosts per rack: " << r.hosts_per_rack << "  hosts: " << r.hosts()
      << "\n"
      << "host: " << r.host_cores << " cores, " << r.host_ram_gb << " GB\n"
      << "tor: " << r.tor_port_gbps << " Gbps ports, " << r.tor_uplinks << " x "
      << r.tor_uplink_gbps << " Gbps uplinks\n"
      << "storage clusters per zone: " << r.storage_clusters_per_zone << " of "
      << r.storage_nodes_per_cluster << " servers\n"
      << "latency_us: same_host=" << us_of(r.latency.same_host)
      << " same_rack=" << us_of(r.latency.same_rack)
      << " cross_rack=" << us_of(r.latency.cross_rack)
      << " cross_zone=" << us_of(r.latency.cross_zone)
      << " cross_region=" << us_of(r.latency.cross_region) << "\n"
      << "fc replica sites:";
  for (const auto& site : r.fc_replica_sites)
    out << " " << r.name << "/" << site;
  out << "\nexample host path: " << topology::host_path(r, 0, 0, 0) << "\n";
}

} // namespace

void add_topology_command(CLI::App& root) {
  auto file = std::make_shared<std::string>();
  auto preset = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("topology", "Region topologies "
                                              "(docs/topology.md)");
  cmd->require_subcommand(1);
  auto* show = cmd->add_subcommand(
      "show", "Check a topology file, or a preset, and print what it builds");
  auto* file_opt = show->add_option("file", *file, "topology JSON file");
  show->add_option("--preset", *preset, "a built-in preset: region, small")
      ->excludes(file_opt);
  show->callback([file, preset] {
    try {
      auto r = file->empty()
                   ? topology::preset(preset->empty() ? "region" : *preset)
                   : topology::read_region(*file);
      // The same limits as a run of the region model on it.
      topology::check_size(r, topology::default_vm_slots);
      print_region(r, std::cout);
    } catch (const std::exception& e) {
      tell_user(user_line::error, e.what());
      throw CLI::RuntimeError(2);
    }
  });
}

} // namespace vmss
