// `vmss-sim validate FILE...` as a user runs it: a line per valid file,
// every error of the others on stderr, exit 0 only when all are valid.

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

namespace {

using vmss_test::run_sim;

const std::string tour_json =
    std::string(VMSS_SOURCE_DIR) + "/scenarios/faults-tour.json";

TEST(validate, a_valid_scenario_prints_its_summary_and_exits_0) {
  auto r = run_sim("validate " + tour_json);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, tour_json +
                          ": valid scenario 'faults-tour' (300s, preset small: "
                          "3 zones x 2 racks x 4 hosts, 1 scale set of 3 "
                          "VMs, 16 timeline entries, 0 fault processes)\n"
                          "  modelled:\n"
                          "    scaleSets[0].body "
                          "Microsoft.Compute/virtualMachineScaleSets "
                          "'demo-vmss'\n");
}

TEST(validate, a_scenario_of_several_regions_lists_each) {
  auto r = run_sim("validate " + std::string(VMSS_SOURCE_DIR) +
                   "/scenarios/layer8-traffic-manager.json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(2700s, westeurope preset small: 3 zones x 2 racks "
                          "x 4 hosts; northeurope preset small: 3 zones x 2 "
                          "racks x 4 hosts, 2 scale sets of 8 VMs"),
            std::string::npos)
      << r.output;
}

TEST(validate, every_error_of_every_file_is_printed_and_exit_is_2) {
  vmss_test::scratch s;
  auto bad = s.file("bad.json", R"({"name": "x", "duration": "300s",
    "topology": {"preset": "small"}, "timeline": [{"at": "30", "fault":
    "host_crash", "target": "westeurope/z1/r1/h1"}]})");
  // The Azure JSON a scenario holds is read once its own fields are right.
  auto bad_set = s.file("bad_set.json", R"({"name": "x", "duration": "300s",
    "topology": {"preset": "small"}, "scaleSets": [{"name":
    "s", "body": {"location": "westeurope", "sku": {"capasity": 3,
    "name": "Standard_D2s_v3"}}}]})");
  auto r = run_sim("validate " + bad + " " + bad_set + " " + tour_json + " " +
                   s.at("none.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  for (const auto& line :
       {"error: " + bad +
            ": timeline[0].at: \"30\" is not a duration (give "
            "a unit: 30s)",
        "error: " + bad_set +
            ": scaleSets[0].body.sku.capasity: unknown field (did you "
            "mean capacity?)",
        "error: " + bad_set +
            ": scaleSets[0].body.sku.capacity: missing (required: Azure "
            "documents no default instance count)",
        tour_json + ": valid scenario 'faults-tour'",
        "error: " + s.at("none.json") + ": cannot open"})
    EXPECT_NE(r.output.find(line), std::string::npos)
        << "expected '" << line << "' in:\n"
        << r.output;
}

TEST(validate, help_exits_0_and_no_file_is_bad_input) {
  auto help = run_sim("validate --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("Exit status: 0 when every file is valid"),
            std::string::npos)
      << help.output;
  auto none = run_sim("validate");
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_NE(none.output.find("files is required"), std::string::npos)
      << none.output;
}

} // namespace
