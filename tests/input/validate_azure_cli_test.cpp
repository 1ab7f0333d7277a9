// `vmss-sim validate` on Azure's JSON as a user runs it: our own REST
// bodies and templates in Azure's shape (tests/input/testdata/azure,
// scenarios/templates) are valid; each broken input is refused naming its
// JSON path; --param, --parameters, --explain and --json.

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <nlohmann/json.hpp>

namespace {

using vmss_test::run_sim;

const std::string src = std::string(VMSS_SOURCE_DIR) + "/";
const std::string testdata = src + "tests/input/testdata/azure/";
const std::string lb_template =
    src + "scenarios/templates/vmss-autoscale-lb/azuredeploy.json";
const std::string lb_parameters =
    src + "scenarios/templates/vmss-autoscale-lb/azuredeploy.parameters.json";

void expect_has(const vmss_test::outcome& r, const std::string& text) {
  EXPECT_NE(r.output.find(text), std::string::npos)
      << "expected '" << text << "' in:\n"
      << r.output;
}

TEST(validate_azure, our_rest_bodies_and_templates_are_valid) {
  for (const char* body : {"scale-set-rolling.json", "scale-set-flexible.json",
                           "scale-set-minimal.json", "autoscale-cpu.json",
                           "load-balancer.json", "traffic-manager.json"}) {
    auto r = run_sim("validate " + testdata + "rest/" + body);
    EXPECT_EQ(r.exit_code, 0) << body << ":\n" << r.output;
  }
  auto tm = testdata + "templates/traffic-manager-two-regions/";
  auto r = run_sim("validate " + tm + "azuredeploy.json --parameters " + tm +
                   "azuredeploy.parameters.json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  expect_has(r, "ARM template: 9 resources (5 modelled, 4 not modelled)");
  expect_has(r, "resources[4] Microsoft.Network/trafficManagerProfiles "
                "'shop-tm'");
  // A parameters file given among the files applies to the template.
  auto lb = run_sim("validate " + lb_template + " " + lb_parameters);
  EXPECT_EQ(lb.exit_code, 0) << lb.output;
  expect_has(lb, "instanceCount (int) = 4  [" + lb_parameters + "]");
  expect_has(lb, "adminPassword (securestring) = (secure, not modelled)");
  expect_has(lb, "resources[4] Microsoft.Compute/virtualMachineScaleSets "
                 "'web'");
  expect_has(lb, "resources[1] Microsoft.Network/virtualNetworks");
  expect_has(lb, "resources[4].properties.virtualMachineProfile: osProfile");
}

// Our own files in the shape of Azure's REST API examples and quickstart
// templates (tests/input/testdata/azure/README.md names the originals).
TEST(validate_azure, files_in_the_shape_of_azures_examples_are_valid) {
  auto example = testdata + "rest/autoscale-example-create.json";
  auto r = run_sim("validate " + example);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  expect_has(r, example + ": Azure REST API example: "
                          "Microsoft.Insights/autoscaleSettings "
                          "'web-autoscale'");
  expect_has(r, "  modelled:\n    parameters.parameters "
                "Microsoft.Insights/autoscaleSettings 'web-autoscale'\n");
  expect_has(r, "warning: " + example +
                    ": parameters.parameters.properties.profiles[1]."
                    "recurrence.schedule.days[0]: \"1\" is read as Monday");
  auto response =
      run_sim("validate " + testdata + "rest/autoscale-response.json");
  EXPECT_EQ(response.exit_code, 0) << response.output;
  expect_has(response, "    (body) Microsoft.Insights/autoscaleSettings "
                       "'web-autoscale'\n");
  for (const char* body : {"traffic-manager-custom-headers.json",
                           "traffic-manager-multivalue.json"}) {
    auto tm = run_sim("validate " + testdata + "rest/" + body);
    EXPECT_EQ(tm.exit_code, 0) << body << ":\n" << tm.output;
    expect_has(tm, "  modelled:\n    (body) "
                   "Microsoft.Network/trafficManagerProfiles (unnamed)\n");
  }
  // A child resource's body is listed as not modelled under "(body)".
  auto endpoint =
      run_sim("validate " + testdata + "rest/traffic-manager-endpoint.json");
  EXPECT_EQ(endpoint.exit_code, 0) << endpoint.output;
  expect_has(endpoint, "  not modelled:\n    (body) "
                       "Microsoft.network/TrafficManagerProfiles/"
                       "ExternalEndpoints 'shop europe'\n");
  auto as = testdata + "templates/vmss-windows-autoscale/";
  auto vmss = run_sim("validate " + as + "azuredeploy.json " + as +
                      "azuredeploy.parameters.json");
  EXPECT_EQ(vmss.exit_code, 0) << vmss.output;
  expect_has(vmss, "ARM template: 5 resources (3 modelled, 2 not modelled)");
  expect_has(vmss, "resources[3] Microsoft.Compute/virtualMachineScaleSets "
                   "'shopweb'");
  expect_has(vmss, "resources[4] Microsoft.Insights/autoscaleSettings "
                   "'web-cpu'");
  auto ext = run_sim("validate " + testdata +
                     "templates/traffic-manager-external/azuredeploy.json "
                     "--param dnsLabel=contoso-shop-ext");
  EXPECT_EQ(ext.exit_code, 0) << ext.output;
  expect_has(ext, "resources[0] Microsoft.Network/trafficManagerProfiles "
                  "'shop-external'");
  auto vms = testdata + "templates/traffic-manager-vms/";
  auto tm_vms = run_sim("validate " + vms + "azuredeploy.json --parameters " +
                        vms + "azuredeploy.parameters.json");
  EXPECT_EQ(tm_vms.exit_code, 0) << tm_vms.output;
  expect_has(tm_vms, "ARM template: 9 resources (1 modelled, 8 not modelled)");
  expect_has(tm_vms, "resources[5] Microsoft.Network/trafficManagerProfiles "
                     "'shopvm-tm'");
}

// Azure's PATCH example names its body autoscaleSettingResource: read as an
// Azure example (a PATCH body is checked as a whole resource), not as a
// scenario file.
TEST(validate_azure, a_patch_example_is_read_as_azure_json) {
  vmss_test::scratch s;
  auto patch = s.file("patch.json", R"({"parameters": {
    "autoscaleSettingName": "web-autoscale", "api-version": "2022-10-01",
    "autoscaleSettingResource": {"tags": {"team": "shop"}, "properties": {
      "profiles": [{"name": "default", "capacity": {"minimum": "1",
        "maximum": "4", "default": "1"}, "rules": []}]}}},
    "responses": {"200": {}}})");
  auto r = run_sim("validate " + patch);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  expect_has(r, "error: " + patch +
                    ": parameters.autoscaleSettingResource.location: missing "
                    "(required)");
  EXPECT_EQ(r.output.find("unknown field"), std::string::npos) << r.output;
}

TEST(validate_azure, each_broken_input_is_refused_naming_its_path) {
  // tests/input/testdata/azure/broken/EXPECTED.md
  const std::vector<std::pair<std::string, std::string>> cases{
      {"capacity-too-large.json",
       "sku.capacity: 1500 is out of range (0 to 1000)"},
      {"upgrade-mode-typo.json",
       "properties.upgradePolicy.mode: \"Rollling\" is not a known value "
       "(did you mean Rolling?)"},
      {"repair-grace-too-short.json",
       "properties.automaticRepairsPolicy.gracePeriod: \"PT5M\" is out of "
       "range (PT10M to PT1H30M)"},
      {"rolling-batch-too-small.json",
       "properties.upgradePolicy.rollingUpgradePolicy."
       "maxBatchInstancePercent: 2 is out of range (5 to 100)"},
      {"zone-balance-one-zone.json", "properties.zoneBalance: can be set "
                                     "only when zones lists more than one"},
      {"single-placement-group-capacity.json",
       "sku.capacity: 300 instances exceed 100"},
      {"unknown-field-typo.json", "properties.overprovison: unknown field "
                                  "(did you mean overprovision?)"},
      {"flexible-fault-domains.json",
       "properties.platformFaultDomainCount: 5 is not allowed for a "
       "regional Flexible scale set"},
      {"autoscale-21-profiles.json",
       "properties.profiles: has 21 profiles; Azure takes 1 to 20"},
      {"autoscale-time-grain.json",
       "properties.profiles[0].rules[0].metricTrigger.timeGrain: \"PT30S\" "
       "is out of range (PT1M to PT12H)"},
      {"template-missing-parameter.json",
       "parameters.instanceCount: has no value and no defaultValue"},
      {"template-unknown-function.json",
       "variables.computerNamePrefix: unknown function concatt (did you "
       "mean concat?)"},
  };
  for (const auto& [file, says] : cases) {
    auto path = testdata + "broken/" + file;
    auto r = run_sim("validate " + path);
    EXPECT_EQ(r.exit_code, 2) << file << ":\n" << r.output;
    expect_has(r, "error: " + path + ": " + says);
    expect_has(r, path + ": invalid (1 error)");
  }
  auto undeclared = testdata + "broken/vmss-autoscale-lb.parameters-"
                               "undeclared.json";
  auto r = run_sim("validate " + lb_template + " --parameters " + undeclared);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  expect_has(r, "parameters.instanceCout: the template declares no "
                "parameter \"instanceCout\"");
  // --param makes the template with the missing parameter valid.
  auto given = run_sim("validate " + testdata +
                       "broken/template-missing-parameter.json --param "
                       "instanceCount=3");
  EXPECT_EQ(given.exit_code, 0) << given.output;
}

TEST(validate_azure, param_values_are_typed_and_malformed_ones_refused) {
  auto r = run_sim("validate " + lb_template + " --parameters " +
                   lb_parameters + " --param instanceCount=7");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  expect_has(r, "instanceCount (int) = 7  [--param]");
  auto bad = run_sim("validate " + lb_template + " --parameters " +
                     lb_parameters + " --param instanceCount=many");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  expect_has(bad, "instanceCount");
  auto form = run_sim("validate " + lb_template + " --param =3");
  EXPECT_EQ(form.exit_code, 2) << form.output;
  expect_has(form, "error: --param: \"=3\" is not NAME=VALUE");
}

TEST(validate_azure, explain_shows_the_effective_model_with_defaults) {
  auto r =
      run_sim("validate --explain " + testdata + "rest/scale-set-minimal.json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  expect_has(r, "  effective model:\n");
  expect_has(r, "    sku.capacity = 2\n");
  expect_has(r, "    properties.overprovision = true (default)\n");
  expect_has(r, "    properties.orchestrationMode = \"Uniform\" (default)\n");
  expect_has(r, "maxBatchInstancePercent = 20 (default)\n");
}

TEST(validate_azure, json_output_holds_every_finding_for_tools) {
  vmss_test::scratch s;
  auto bad = s.file("bad.json", R"({"location": "westeurope",
    "sku": {"name": "Standard_D2s_v3", "capacity": "3"},
    "properties": {"upgradePolicy": {"mode": "Manul"},
    "virtualMachineProfile": {"osProfile": {"adminUsername": "x"}}}})");
  auto r = run_sim("validate --json " + bad + " " + testdata +
                   "rest/traffic-manager.json");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc["valid"], false);
  ASSERT_EQ(doc["files"].size(), 2u);
  const auto& f = doc["files"][0];
  EXPECT_EQ(f["kind"], "REST body");
  EXPECT_EQ(f["valid"], false);
  EXPECT_EQ(f["errors"][0]["path"], "properties.upgradePolicy.mode");
  EXPECT_EQ(f["warnings"][0]["path"], "sku.capacity");
  EXPECT_EQ(f["notModelled"][0]["path"],
            "properties.virtualMachineProfile.osProfile");
  EXPECT_EQ(doc["files"][1]["valid"], true);
  EXPECT_EQ(doc["files"][1]["resources"][0]["type"],
            "Microsoft.Network/trafficManagerProfiles");
}

TEST(validate_azure, a_rest_api_example_file_is_read_with_its_name) {
  vmss_test::scratch s;
  // The shape of Azure's REST API examples: the URL's parameters, the
  // request body under "parameters", the responses.
  auto example = s.file("example.json", R"({"parameters": {
    "subscriptionId": "{subscription-id}", "resourceGroupName": "rg",
    "vmScaleSetName": "shop-web", "api-version": "2024-11-01",
    "parameters": {"location": "westeurope",
      "sku": {"name": "Standard_B2s", "capacity": 1001},
      "properties": {"upgradePolicy": {"mode": "Manual"}}}},
    "responses": {"200": {}}})");
  auto r = run_sim("validate " + example);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  expect_has(r, "error: " + example +
                    ": parameters.parameters.sku.capacity: 1001 is out of "
                    "range (0 to 1000)");
  auto fixed = s.file("fixed.json", R"({"parameters": {
    "vmScaleSetName": "shop-web", "parameters": {"location": "westeurope",
      "sku": {"name": "Standard_B2s", "capacity": 0},
      "properties": {"upgradePolicy": {"mode": "Manual"}}}},
    "responses": {}})");
  auto ok = run_sim("validate " + fixed);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  expect_has(ok, fixed + ": Azure REST API example: "
                         "Microsoft.Compute/virtualMachineScaleSets "
                         "'shop-web'");
}

} // namespace
