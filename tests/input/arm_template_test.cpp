#include "input/arm/template.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using namespace vmss::input;
using namespace vmss::input::arm;

namespace {

value parse(const std::string& text) {
  std::vector<diagnostic> errors;
  auto v = parse_json(text, errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].reason);
  return v;
}

/// A template with Azure's $schema and contentVersion around `body`.
std::string tpl(const std::string& body) {
  return R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0", )" +
         body + "}";
}

struct expanded {
  deployment d;
  read_report r;
};

expanded run(const std::string& text, const deployment_inputs& in = {}) {
  expanded out;
  out.d = expand(parse(text), in, out.r);
  return out;
}

std::string all(const std::vector<diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds)
    s += d.path + ": " + d.reason + "\n";
  return s;
}

bool has(const std::vector<diagnostic>& ds, const std::string& path,
         const std::string& part) {
  return std::any_of(ds.begin(), ds.end(), [&](const diagnostic& d) {
    return d.path == path && d.reason.find(part) != std::string::npos;
  });
}

bool listed(const read_report& r, const std::string& path) {
  return std::find(r.not_modelled.begin(), r.not_modelled.end(), path) !=
         r.not_modelled.end();
}

const deployment::parameter* param(const deployment& d,
                                   const std::string& name) {
  for (const auto& p : d.parameters)
    if (p.name == name)
      return &p;
  return nullptr;
}

const char* vnet = R"({"type": "Microsoft.Network/virtualNetworks",
  "apiVersion": "2024-05-01", "name": "vnet1", "location": "westeurope",
  "properties": {}})";

// ---- top level -------------------------------------------------------------

TEST(arm_template, schema_and_content_version) {
  auto ok = run(tpl(std::string(R"("resources": [)") + vnet + "]"));
  EXPECT_TRUE(ok.r.errors.empty()) << all(ok.r.errors);
  ASSERT_EQ(ok.d.resources.size(), 1u);

  auto bad = run(
      R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    "contentVersion": "1.0", "resources": []})");
  EXPECT_TRUE(has(bad.r.errors, "$schema", "deploymentParameters.json"))
      << all(bad.r.errors);
  EXPECT_TRUE(has(bad.r.errors, "contentVersion", "n.n.n.n"));

  auto missing = run(R"({"resources": []})");
  EXPECT_TRUE(has(missing.r.errors, "$schema", "is missing"));
  EXPECT_TRUE(has(missing.r.errors, "contentVersion", "is missing"));
}

TEST(arm_template, unknown_top_level_key_suggests) {
  auto r = run(tpl(
      R"("resources": [], "parameter": {}, "apiProfile": "2020-09-01-hybrid")"));
  EXPECT_TRUE(has(r.r.errors, "parameter", "did you mean parameters?"))
      << all(r.r.errors);
  EXPECT_EQ(r.r.errors.size(), 1u);
}

TEST(arm_template, resources_are_required) {
  auto r = run(tpl(R"("outputs": {})"));
  EXPECT_TRUE(has(r.r.errors, "resources", "is missing"));
}

// ---- parameters ------------------------------------------------------------

TEST(arm_template, parameter_types_ignore_case) {
  auto r = run(tpl(R"("parameters": {
      "a": {"type": "String", "defaultValue": "x"},
      "b": {"type": "INT", "defaultValue": 3},
      "c": {"type": "strnig", "defaultValue": "3"}},
    "resources": [])"));
  EXPECT_TRUE(has(r.r.errors, "parameters.c.type", "did you mean string?"))
      << all(r.r.errors);
  EXPECT_EQ(r.r.errors.size(), 1u);
  ASSERT_NE(param(r.d, "b"), nullptr);
  EXPECT_EQ(param(r.d, "b")->used, 3);
}

TEST(arm_template, default_may_use_other_parameters) {
  auto r = run(tpl(R"("parameters": {
      "plan": {"type": "string", "defaultValue": "[concat(parameters('site'), '-plan')]"},
      "site": {"type": "string", "defaultValue": "web"},
      "location": {"type": "string", "defaultValue": "[resourceGroup().location]"}},
    "resources": [])"));
  EXPECT_TRUE(r.r.errors.empty()) << all(r.r.errors);
  EXPECT_EQ(param(r.d, "plan")->used, "web-plan");
  EXPECT_EQ(param(r.d, "plan")->source, "default");
  EXPECT_EQ(param(r.d, "location")->used, "westeurope");
}

TEST(arm_template, default_of_wrong_type_or_cyclic) {
  auto r = run(tpl(R"("parameters": {
      "n": {"type": "int", "defaultValue": "three"},
      "a": {"type": "string", "defaultValue": "[parameters('b')]"},
      "b": {"type": "string", "defaultValue": "[parameters('a')]"},
      "v": {"type": "string", "defaultValue": "[variables('x')]"}},
    "variables": {"x": "1"}, "resources": [])"));
  EXPECT_TRUE(has(r.r.errors, "parameters.n.defaultValue", "is a string"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "parameters.b.defaultValue",
                  "refers to itself (a -> b -> a)"));
  EXPECT_TRUE(has(r.r.errors, "parameters.v.defaultValue",
                  "not allowed in parameters"));
}

TEST(arm_template, parameter_without_value_is_an_error_unless_secure) {
  auto r = run(tpl(R"("parameters": {
      "adminUsername": {"type": "string"},
      "adminPassword": {"type": "secureString"}},
    "resources": [])"));
  EXPECT_TRUE(has(r.r.errors, "parameters.adminUsername", "no value"))
      << all(r.r.errors);
  EXPECT_EQ(r.r.errors.size(), 1u);
  EXPECT_TRUE(listed(r.r, "parameters.adminPassword"));
  EXPECT_TRUE(param(r.d, "adminPassword")->secure);
  EXPECT_TRUE(param(r.d, "adminPassword")->used.is_null());
}

TEST(arm_template, secure_value_given_is_used_but_not_shown) {
  deployment_inputs in;
  in.given = {{"pw", "s3cret!"}};
  auto r = run(
      tpl(R"("parameters": {"pw": {"type": "securestring", "minLength": 12}},
    "resources": [], "outputs": {"n": {"type": "int", "value": "[length(parameters('pw'))]"}})"),
      in);
  EXPECT_TRUE(has(r.r.errors, "parameters.pw.minLength",
                  "the secure value has 7 characters"))
      << all(r.r.errors);
  EXPECT_EQ(all(r.r.errors).find("s3cret"), std::string::npos);
  EXPECT_TRUE(param(r.d, "pw")->used.is_null());
  EXPECT_EQ(r.d.outputs["n"], 7);
}

TEST(arm_template, parameters_file_values) {
  deployment_inputs in;
  in.file_label = "azuredeploy.parameters.json";
  in.file = parse(
      R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    "contentVersion": "1.0.0.0", "parameters": {
      "count": {"value": 4},
      "name": {"value": 5},
      "nmae": {"value": "x"},
      "pw": {"reference": {"keyVault": {"id": "/subscriptions/0/resourceGroups/kv/providers/Microsoft.KeyVault/vaults/v"}, "secretName": "pw"}}}})");
  auto r = run(tpl(R"("parameters": {
      "count": {"type": "int", "defaultValue": 2},
      "name": {"type": "string", "defaultValue": "a"},
      "pw": {"type": "securestring"}},
    "resources": [])"),
               in);
  EXPECT_EQ(param(r.d, "count")->used, 4);
  EXPECT_EQ(param(r.d, "count")->source, "azuredeploy.parameters.json");
  EXPECT_TRUE(has(r.r.errors, "parameters.name.value",
                  "is an integer, but parameter name is string "
                  "(azuredeploy.parameters.json)"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "parameters.nmae", "did you mean name?"));
  EXPECT_TRUE(listed(r.r, "parameters.pw.reference"));
  EXPECT_EQ(r.r.errors.size(), 2u);
}

TEST(arm_template, parameters_file_shape) {
  deployment_inputs in;
  in.file =
      parse(R"({"parameters": {"a": {"value": 1, "reference": {}}, "b": {}},
    "paramters": {}})");
  auto r = run(tpl(R"("parameters": {"a": {"type": "int", "defaultValue": 0},
    "b": {"type": "int", "defaultValue": 0}}, "resources": [])"),
               in);
  EXPECT_TRUE(has(r.r.errors, "parameters.a", "both value and reference"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "parameters.b", "neither"));
  EXPECT_TRUE(has(r.r.errors, "paramters", "did you mean parameters?"));
}

TEST(arm_template, given_text_converted_by_type_and_wins_over_file) {
  deployment_inputs in;
  in.file = parse(R"({"parameters": {"n": {"value": 4}}})");
  in.file_label = "p.json";
  in.given = {{"n", "7"},
              {"on", "True"},
              {"zones", R"(["1","2"])"},
              {"bad", "seven"},
              {"cout", "1"}};
  auto r =
      run(tpl(R"("parameters": {"n": {"type": "int"}, "on": {"type": "bool"},
      "zones": {"type": "array"}, "bad": {"type": "int", "defaultValue": 1},
      "count": {"type": "int", "defaultValue": 1}},
    "resources": [])"),
          in);
  EXPECT_EQ(param(r.d, "n")->used, 7);
  EXPECT_EQ(param(r.d, "n")->source, "--param");
  EXPECT_EQ(param(r.d, "on")->used, true);
  EXPECT_EQ(param(r.d, "zones")->used, parse(R"(["1","2"])"));
  EXPECT_TRUE(has(r.r.errors, "--param bad",
                  "\"seven\" is not an integer, but parameter bad is int"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "--param cout", "did you mean count?"));
  EXPECT_EQ(r.r.errors.size(), 2u);
}

TEST(arm_template, allowed_values_ignore_case_for_strings) {
  deployment_inputs in;
  in.given = {{"sku", "standard_d2s_v3"}, {"zones", R"(["1","4"])"}};
  auto r = run(tpl(R"("parameters": {
      "sku": {"type": "string", "allowedValues": ["Standard_D2s_v3", "Standard_D4s_v3"]},
      "mode": {"type": "string", "defaultValue": "Sometimes", "allowedValues": ["Manual", "Rolling"]},
      "zones": {"type": "array", "allowedValues": ["1", "2", "3"]}},
    "resources": [])"),
               in);
  EXPECT_TRUE(
      has(r.r.errors, "parameters.mode.allowedValues",
          "\"Sometimes\" is not one of [\"Manual\",\"Rolling\"] (default)"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "parameters.zones.allowedValues", "\"4\""));
  EXPECT_EQ(r.r.errors.size(), 2u);
}

TEST(arm_template, integer_and_length_bounds) {
  deployment_inputs in;
  in.given = {{"count", "0"}, {"prefix", "abcdefghijkl"}, {"names", "[]"}};
  auto r = run(tpl(R"("parameters": {
      "count": {"type": "int", "minValue": 1, "maxValue": 100},
      "max": {"type": "int", "defaultValue": 101, "maxValue": 100},
      "prefix": {"type": "string", "maxLength": 9},
      "names": {"type": "array", "minLength": 1},
      "ok": {"type": "string", "defaultValue": "abc", "minLength": 3, "maxLength": 3},
      "wrong": {"type": "string", "defaultValue": "a", "minValue": 1}},
    "resources": [])"),
               in);
  EXPECT_TRUE(has(r.r.errors, "parameters.count.minValue", "0 is less than 1"))
      << all(r.r.errors);
  EXPECT_TRUE(
      has(r.r.errors, "parameters.max.maxValue", "101 is more than 100"));
  EXPECT_TRUE(has(r.r.errors, "parameters.prefix.maxLength", "12 characters"));
  EXPECT_TRUE(has(r.r.errors, "parameters.names.minLength", "0 elements"));
  EXPECT_TRUE(
      has(r.r.errors, "parameters.wrong.minValue", "int parameters only"));
  EXPECT_EQ(r.r.errors.size(), 5u);
}

TEST(arm_template, constraint_may_not_be_an_expression) {
  auto r = run(tpl(R"("parameters": {"n": {"type": "int", "defaultValue": 1,
    "allowedValues": ["[parameters('m')]"]}}, "resources": [])"));
  EXPECT_TRUE(has(r.r.errors, "parameters.n.allowedValues", "expression"))
      << all(r.r.errors);
}

// ---- variables -------------------------------------------------------------

TEST(arm_template, variables_lazy_with_copy) {
  auto r = run(tpl(R"("parameters": {"n": {"type": "int", "defaultValue": 3}},
    "variables": {
      "first": "[variables('names')[0]]",
      "copy": [{"name": "names", "count": "[parameters('n')]",
                "input": "[concat('vm', copyIndex('names', 1))]"}],
      "disks": {"copy": [{"name": "dataDisks", "count": 2,
                "input": {"lun": "[copyIndex('dataDisks')]", "diskSizeGB": 32}}]}},
    "resources": [],
    "outputs": {"first": {"type": "string", "value": "[variables('first')]"},
                "names": {"type": "array", "value": "[variables('names')]"},
                "disks": {"type": "object", "value": "[variables('disks')]"}})"));
  EXPECT_TRUE(r.r.errors.empty()) << all(r.r.errors);
  EXPECT_EQ(r.d.outputs["first"], "vm1");
  EXPECT_EQ(r.d.outputs["names"], parse(R"(["vm1","vm2","vm3"])"));
  EXPECT_EQ(r.d.outputs["disks"],
            parse(R"({"dataDisks": [{"lun": 0, "diskSizeGB": 32},
                                    {"lun": 1, "diskSizeGB": 32}]})"));
}

TEST(arm_template, variable_cycle_and_forbidden_calls) {
  auto r = run(tpl(R"("variables": {
      "a": "[variables('b')]", "b": "[concat(variables('a'), 'x')]",
      "key": "[listKeys('sa', '2023-01-01').keys[0].value]",
      "idx": "[copyIndex()]",
      "unnamed": {"copy": [{"name": "items", "count": 1, "input": "[copyIndex()]"}]}},
    "resources": [])"));
  EXPECT_TRUE(
      has(r.r.errors, "variables.b", "\"a\" refers to itself (a -> b -> a)"))
      << all(r.r.errors);
  EXPECT_TRUE(
      has(r.r.errors, "variables.key", "listKeys: not allowed in variables"));
  EXPECT_TRUE(has(r.r.errors, "variables.idx", "not inside a copy loop"));
  EXPECT_TRUE(
      has(r.r.errors, "variables.unnamed.copy[0].input", "copyIndex('items')"));
  EXPECT_EQ(r.r.errors.size(), 4u);
}

TEST(arm_template, unknown_variable_suggests) {
  auto r = run(tpl(R"("variables": {"vnetName": "v"}, "resources": [],
    "outputs": {"o": {"type": "string", "value": "[variables('vnetNmae')]"}})"));
  EXPECT_TRUE(has(r.r.errors, "outputs.o.value", "did you mean vnetName?"))
      << all(r.r.errors);
}

// ---- user-defined functions ------------------------------------------------

TEST(arm_template, user_defined_functions) {
  auto r = run(tpl(
      R"("parameters": {"prefix": {"type": "string", "defaultValue": "Web"}},
    "variables": {"v": "x"},
    "functions": [{"namespace": "contoso", "members": {
      "name": {"parameters": [{"name": "p", "type": "string"}, {"name": "i", "type": "int"}],
               "output": {"type": "string", "value": "[concat(toLower(parameters('p')), string(parameters('i')))]"}},
      "usesVariable": {"output": {"type": "string", "value": "[variables('v')]"}},
      "usesOuter": {"output": {"type": "string", "value": "[parameters('prefix')]"}},
      "callsOther": {"output": {"type": "string", "value": "[contoso.name('a', 1)]"}},
      "badOutput": {"output": {"type": "int", "value": "text"}}}}],
    "resources": [],
    "outputs": {
      "ok": {"type": "string", "value": "[contoso.name(parameters('prefix'), 2)]"},
      "e1": {"type": "string", "value": "[contoso.usesVariable()]"},
      "e2": {"type": "string", "value": "[contoso.usesOuter()]"},
      "e3": {"type": "string", "value": "[contoso.callsOther()]"},
      "e4": {"type": "int", "value": "[contoso.badOutput()]"},
      "e5": {"type": "string", "value": "[contoso.name('a')]"},
      "e6": {"type": "string", "value": "[contoso.nmae('a', 1)]"}})"));
  EXPECT_EQ(r.d.outputs["ok"], "web2");
  EXPECT_TRUE(has(r.r.errors, "outputs.e1.value", "cannot use variables"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "outputs.e2.value", "sees only its own"));
  EXPECT_TRUE(has(r.r.errors, "outputs.e3.value", "cannot call another"));
  EXPECT_TRUE(has(r.r.errors, "outputs.e4.value", "returns a string"));
  EXPECT_TRUE(
      has(r.r.errors, "outputs.e5.value", "takes 2 arguments, given 1"));
  EXPECT_TRUE(
      has(r.r.errors, "outputs.e6.value", "did you mean contoso.name?"));
  EXPECT_EQ(r.r.errors.size(), 6u);
}

TEST(arm_template, user_function_parameter_has_no_default) {
  auto r = run(tpl(R"("functions": [{"namespace": "n", "members": {"f": {
      "parameters": [{"name": "p", "type": "string", "defaultValue": "x"}],
      "output": {"type": "string", "value": "x"}}}}], "resources": [])"));
  EXPECT_TRUE(has(r.r.errors,
                  "functions[0].members.f.parameters[0].defaultValue",
                  "cannot have a default"))
      << all(r.r.errors);
}

// ---- resources -------------------------------------------------------------

TEST(arm_template, copy_loop_names_and_indexes) {
  auto r =
      run(tpl(R"("resources": [{"type": "Microsoft.Network/publicIPAddresses",
    "apiVersion": "2024-05-01", "name": "[concat('ip', copyIndex(1))]",
    "copy": {"name": "ips", "count": 3, "mode": "Serial", "batchSize": 2},
    "comments": "one a zone", "dependsOn": [],
    "properties": {"idleTimeoutInMinutes": "[copyIndex(4)]"}}])"));
  EXPECT_TRUE(r.r.errors.empty()) << all(r.r.errors);
  ASSERT_EQ(r.d.resources.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const auto& res = r.d.resources[i];
    EXPECT_EQ(res.name, "ip" + std::to_string(i + 1));
    EXPECT_EQ(res.copy, i);
    EXPECT_EQ(res.path, "resources[0]");
    EXPECT_EQ(res.body["properties"]["idleTimeoutInMinutes"], 4 + i);
    EXPECT_FALSE(res.body.contains("copy"));
    EXPECT_FALSE(res.body.contains("comments"));
    EXPECT_FALSE(res.body.contains("dependsOn"));
    EXPECT_FALSE(res.body.contains("type"));
  }
}

TEST(arm_template, copy_loop_limits) {
  auto r = run(tpl(R"("resources": [
    {"type": "A.B/c", "apiVersion": "2024-01-01", "name": "[string(copyIndex())]",
     "copy": {"name": "big", "count": 801}},
    {"type": "A.B/c", "apiVersion": "2024-01-01", "name": "[string(copyIndex())]",
     "copy": {"name": "neg", "count": -1}},
    {"type": "A.B/c", "apiVersion": "2024-01-01", "name": "[string(copyIndex())]",
     "copy": {"name": "b", "count": 2, "mode": "serial", "batchSize": 3}},
    {"type": "A.B/c", "apiVersion": "2024-01-01", "name": "[string(copyIndex())]",
     "copy": {"name": "m", "count": 1, "mode": "sequential", "cuont": 1}},
    {"type": "A.B/c", "apiVersion": "2024-01-01", "name": "none",
     "copy": {"name": "zero", "count": "0"}}])"));
  EXPECT_TRUE(
      has(r.r.errors, "resources[0].copy.count", "801 is not within 0-800"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "resources[1].copy.count", "-1 is not within"));
  EXPECT_TRUE(
      has(r.r.errors, "resources[2].copy.batchSize", "exceeds the count 2"));
  EXPECT_TRUE(
      has(r.r.errors, "resources[3].copy.mode", "not serial or parallel"));
  EXPECT_TRUE(
      has(r.r.errors, "resources[3].copy.cuont", "did you mean count?"));
  EXPECT_EQ(r.r.errors.size(), 5u);
  // resources[2] and [3] are still expanded; the zero loop makes none.
  EXPECT_EQ(r.d.resources.size(), 3u);
}

TEST(arm_template, error_in_a_copy_names_the_copy_once) {
  auto r =
      run(tpl(R"("resources": [{"type": "A.B/c", "apiVersion": "2024-01-01",
    "name": "[concat('n', copyIndex())]", "copy": {"name": "loop", "count": 3},
    "dependsOn": ["missing"],
    "properties": {"x": "[int(concat('x', copyIndex()))]"}}])"));
  ASSERT_EQ(r.r.errors.size(), 1u) << all(r.r.errors);
  EXPECT_EQ(r.r.errors[0].path, "resources[0].properties.x");
  EXPECT_EQ(r.r.warnings.size(), 1u) << all(r.r.warnings);
  EXPECT_NE(r.r.errors[0].reason.find("(in copy \"loop\", index 0)"),
            std::string::npos)
      << r.r.errors[0].reason;
}

TEST(arm_template, any_error_in_a_copy_is_reported_once) {
  auto r =
      run(tpl(R"("resources": [{"type": "A.B/c", "apiVersion": "2024-01-01",
    "name": "[concat('n', copyIndex())]", "copy": {"name": "loop", "count": 3},
    "condition": "[string(copyIndex())]"}])"));
  ASSERT_EQ(r.r.errors.size(), 1u) << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "resources[0].condition",
                  "is a string, not true/false (in copy \"loop\", index 0)"));
}

TEST(arm_template, condition) {
  auto r = run(
      tpl(R"("parameters": {"withIp": {"type": "bool", "defaultValue": false}},
    "resources": [
      {"condition": "[parameters('withIp')]", "type": "Microsoft.Network/publicIPAddresses",
       "apiVersion": "2024-05-01", "name": "ip"},
      {"condition": true, "type": "Microsoft.Network/virtualNetworks",
       "apiVersion": "2024-05-01", "name": "vnet", "dependsOn": ["ip"]},
      {"condition": "yes", "type": "Microsoft.Network/virtualNetworks",
       "apiVersion": "2024-05-01", "name": "vnet2"}])"));
  ASSERT_EQ(r.d.resources.size(), 1u);
  EXPECT_EQ(r.d.resources[0].name, "vnet");
  EXPECT_TRUE(has(r.r.errors, "resources[2].condition", "not true/false"))
      << all(r.r.errors);
  EXPECT_EQ(r.r.errors.size(), 1u);
  EXPECT_TRUE(r.r.warnings.empty()) << all(r.r.warnings);
}

TEST(arm_template, child_resources_take_parent_type_and_name) {
  auto r =
      run(tpl(R"("resources": [{"type": "Microsoft.Network/virtualNetworks",
    "apiVersion": "2024-05-01", "name": "vnet1",
    "resources": [
      {"type": "subnets", "apiVersion": "2024-05-01", "name": "default",
       "dependsOn": ["vnet1"], "properties": {"addressPrefix": "10.0.0.0/24"}},
      {"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2024-05-01",
       "name": "vnet1/second"},
      {"type": "Microsoft.Compute/disks", "apiVersion": "2024-05-01", "name": "d"},
      {"type": "subnets", "apiVersion": "2024-05-01", "name": "[concat('s', copyIndex())]",
       "copy": {"name": "subnetLoop", "count": 2}}]}])"));
  ASSERT_EQ(r.d.resources.size(), 3u) << all(r.r.errors);
  EXPECT_EQ(r.d.resources[1].type, "Microsoft.Network/virtualNetworks/subnets");
  EXPECT_EQ(r.d.resources[1].name, "vnet1/default");
  EXPECT_EQ(r.d.resources[1].path, "resources[0].resources[0]");
  EXPECT_EQ(r.d.resources[2].name, "vnet1/second");
  EXPECT_TRUE(has(r.r.errors, "resources[0].resources[2].type",
                  "not a child type of Microsoft.Network/virtualNetworks"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "resources[0].resources[3].copy",
                  "a child resource cannot have a copy loop"));
  EXPECT_TRUE(r.r.warnings.empty()) << all(r.r.warnings);
}

TEST(arm_template, type_name_and_api_version_rules) {
  auto r = run(tpl(R"("resources": [
    {"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2024-05-01", "name": "only"},
    {"type": "virtualNetworks", "apiVersion": "2024-05-01", "name": "v"},
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "latest", "name": "v"},
    {"type": "Microsoft.Network/virtualNetworks", "name": "v"},
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01"}])"));
  EXPECT_TRUE(has(r.r.errors, "resources[0].name",
                  "has 1 segments; type "
                  "Microsoft.Network/virtualNetworks/subnets needs 2"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "resources[1].type", "not a resource type"));
  EXPECT_TRUE(has(r.r.errors, "resources[2].apiVersion", "not an API version"));
  EXPECT_TRUE(has(r.r.errors, "resources[3].apiVersion", "is missing"));
  EXPECT_TRUE(has(r.r.errors, "resources[4].name", "is missing"));
  EXPECT_EQ(r.r.errors.size(), 5u);
}

TEST(arm_template, depends_on_unknown_resource_warns) {
  auto r = run(tpl(R"("resources": [
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "vnet1"},
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2024-05-01",
     "name": "[concat('ip', copyIndex())]", "copy": {"name": "ipLoop", "count": 2}},
    {"type": "Microsoft.Network/loadBalancers", "apiVersion": "2024-05-01", "name": "lb",
     "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet1')]",
                   "Microsoft.Network/publicIPAddresses/ip1", "ipLoop", "VNET1", "nsg1"]}])"));
  EXPECT_TRUE(r.r.errors.empty()) << all(r.r.errors);
  ASSERT_EQ(r.r.warnings.size(), 1u) << all(r.r.warnings);
  EXPECT_EQ(r.r.warnings[0].path, "resources[2].dependsOn[4]");
  EXPECT_NE(r.r.warnings[0].reason.find("\"nsg1\" names no resource"),
            std::string::npos);
  ASSERT_EQ(r.d.resources.size(), 4u);
  EXPECT_EQ(r.d.resources[3].depends_on.size(), 5u);
  EXPECT_EQ(
      r.d.resources[3].depends_on[0],
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
      "vmss-sim/providers/Microsoft.Network/virtualNetworks/vnet1");
}

TEST(arm_template, property_copy_in_a_resource) {
  auto r = run(tpl(
      R"("parameters": {"rules": {"type": "array", "defaultValue": [80, 443]}},
    "resources": [{"type": "Microsoft.Network/loadBalancers", "apiVersion": "2024-05-01",
    "name": "lb", "properties": {"copy": [
      {"name": "probes", "count": "[length(parameters('rules'))]",
       "input": {"name": "[concat('probe', parameters('rules')[copyIndex('probes')])]",
                 "properties": {"port": "[parameters('rules')[copyIndex('probes')]]"}}},
      {"name": "bad", "count": 1, "input": "[copyIndex('nope')]"}]}}])"));
  ASSERT_EQ(r.d.resources.size(), 1u);
  EXPECT_EQ(r.d.resources[0].body["properties"]["probes"],
            parse(R"([{"name": "probe80", "properties": {"port": 80}},
                      {"name": "probe443", "properties": {"port": 443}}])"));
  EXPECT_TRUE(has(r.r.errors, "resources[0].properties.copy[1].input",
                  "not inside a copy loop named \"nope\""))
      << all(r.r.errors);
  EXPECT_EQ(r.r.errors.size(), 1u);
}

TEST(arm_template, expressions_in_values_not_keys_and_escapes) {
  auto r =
      run(tpl(R"("resources": [{"type": "A.B/c", "apiVersion": "2024-01-01",
    "name": "n", "tags": {"[concat('k')]": "[[literal]", "env": "[toUpper('dev')]"}}])"));
  EXPECT_TRUE(r.r.errors.empty()) << all(r.r.errors);
  EXPECT_EQ(r.d.resources[0].body["tags"],
            parse(R"({"[concat('k')]": "[literal]", "env": "DEV"})"));
  EXPECT_EQ(r.d.resources[0].body["name"], "n");
}

TEST(arm_template, symbolic_names_need_language_version_2) {
  auto obj = run(
      tpl(R"("resources": {"net": {"type": "Microsoft.Network/virtualNetworks",
    "apiVersion": "2024-05-01", "name": "v"}})"));
  EXPECT_TRUE(has(obj.r.errors, "resources", "languageVersion"))
      << all(obj.r.errors);
  auto v2 = run(tpl(R"("languageVersion": "2.0", "resources": {
    "net": {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "v"},
    "old": {"existing": true, "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "o"},
    "ip": {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2024-05-01",
           "name": "ip", "dependsOn": ["net"]}})"));
  EXPECT_TRUE(v2.r.errors.empty()) << all(v2.r.errors);
  EXPECT_TRUE(v2.r.warnings.empty()) << all(v2.r.warnings);
  ASSERT_EQ(v2.d.resources.size(), 2u);
  EXPECT_EQ(v2.d.resources[1].path, "resources.ip");
}

TEST(arm_template, too_many_values_is_an_error) {
  auto r =
      run(tpl(R"("resources": [{"type": "A.B/c", "apiVersion": "2024-01-01",
    "name": "[string(copyIndex())]", "copy": {"name": "l", "count": 800},
    "properties": {"copy": [{"name": "p", "count": 800, "input": {"a": 1, "b": 2}}]}}])"));
  ASSERT_FALSE(r.r.errors.empty());
  EXPECT_NE(r.r.errors[0].reason.find("more than 1000000 JSON values"),
            std::string::npos)
      << all(r.r.errors);
  EXPECT_LT(r.d.resources.size(), 800u);
}

// ---- nested deployments ----------------------------------------------------

TEST(arm_template, nested_deployment_inner_and_outer) {
  auto r = run(tpl(
      R"("parameters": {"prefix": {"type": "string", "defaultValue": "app"}},
    "resources": [
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
     "properties": {"mode": "Incremental",
       "expressionEvaluationOptions": {"scope": "inner"},
       "parameters": {"p": {"value": "[concat(parameters('prefix'), '-in')]"}},
       "template": {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
         "contentVersion": "1.0.0.0",
         "parameters": {"p": {"type": "string"}, "q": {"type": "int"}},
         "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01",
                        "name": "[parameters('p')]"}]}}},
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "outer",
     "properties": {"mode": "Incremental",
       "template": {"resources": [{"type": "Microsoft.Network/virtualNetworks",
         "apiVersion": "2024-05-01", "name": "[concat(parameters('prefix'), '-out')]"}]}}},
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked",
     "properties": {"mode": "Incremental", "templateLink": {"uri": "https://example.invalid/t.json"}}}])"));
  ASSERT_EQ(r.d.resources.size(), 5u) << all(r.r.errors);
  EXPECT_EQ(r.d.resources[1].name, "app-in");
  EXPECT_EQ(r.d.resources[1].path,
            "resources[0].properties.template.resources[0]");
  EXPECT_EQ(r.d.resources[3].name, "app-out");
  EXPECT_EQ(r.d.resources[0].body["properties"]["parameters"]["p"]["value"],
            "app-in");
  EXPECT_TRUE(has(r.r.errors, "resources[0].properties.template.parameters.q",
                  "no value"))
      << all(r.r.errors);
  EXPECT_EQ(r.r.errors.size(), 1u);
  EXPECT_TRUE(listed(r.r, "resources[2].properties.templateLink"));
}

// ---- outputs ---------------------------------------------------------------

TEST(arm_template, outputs) {
  auto r = run(tpl(R"("resources": [], "outputs": {
    "count": {"type": "int", "value": "[length(createArray(1, 2, 3))]"},
    "fqdn": {"type": "string", "value": "[reference('ip').dnsSettings.fqdn]"},
    "skipped": {"condition": false, "type": "string", "value": "x"},
    "list": {"type": "array", "copy": {"count": 2, "input": "[concat('o', copyIndex())]"}},
    "wrong": {"type": "bool", "value": "[length('abc')]"},
    "typo": {"type": "string", "vaule": "x"}})"));
  EXPECT_EQ(r.d.outputs["count"], 3);
  EXPECT_EQ(r.d.outputs["list"], parse(R"(["o0","o1"])"));
  EXPECT_FALSE(r.d.outputs.contains("fqdn"));
  EXPECT_FALSE(r.d.outputs.contains("skipped"));
  EXPECT_TRUE(listed(r.r, "outputs.fqdn.value"));
  EXPECT_TRUE(has(r.r.errors, "outputs.wrong.value",
                  "is an integer, but the "
                  "output's type is bool"))
      << all(r.r.errors);
  EXPECT_TRUE(has(r.r.errors, "outputs.typo.vaule", "did you mean value?"));
}

// ---- recognising documents -------------------------------------------------

TEST(arm_template, is_template_and_is_parameters_file) {
  EXPECT_TRUE(is_template(parse(tpl(R"("resources": [])"))));
  EXPECT_TRUE(
      is_template(parse(R"({"contentVersion": "1.0.0.0", "resources": []})")));
  EXPECT_FALSE(
      is_template(parse(R"({"sku": {"capacity": 2}, "properties": {}})")));
  EXPECT_FALSE(is_parameters_file(parse(tpl(R"("resources": [])"))));
  EXPECT_TRUE(is_parameters_file(parse(
      R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
          "contentVersion": "1.0.0.0", "parameters": {}})")));
  EXPECT_TRUE(
      is_parameters_file(parse(R"({"parameters": {"a": {"value": 1}}})")));
  EXPECT_FALSE(
      is_parameters_file(parse(R"({"parameters": {"a": {"type": "int"}}})")));
  EXPECT_FALSE(is_template(parse("[]")));
}

} // namespace

namespace {

// A scale set behind a load balancer with an autoscale setting, written in
// the shape of Azure's quickstarts (our own).
const char* vmss_template = R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "vmssName": {"type": "string", "minLength": 3, "maxLength": 15},
    "instanceCount": {"type": "int", "defaultValue": 2, "minValue": 1, "maxValue": 100},
    "vmSku": {"type": "string", "defaultValue": "Standard_D2s_v3",
              "allowedValues": ["Standard_D2s_v3", "Standard_D4s_v3"]},
    "zones": {"type": "array", "defaultValue": ["1", "2", "3"]},
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
    "adminUsername": {"type": "string", "defaultValue": "azureuser"},
    "adminPassword": {"type": "secureString"},
    "probePorts": {"type": "array", "defaultValue": [80, 443]}
  },
  "variables": {
    "lbName": "[concat(parameters('vmssName'), '-lb')]",
    "vnetName": "[concat(parameters('vmssName'), '-vnet')]",
    "lbId": "[resourceId('Microsoft.Network/loadBalancers', variables('lbName'))]",
    "poolId": "[concat(variables('lbId'), '/backendAddressPools/pool')]"
  },
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01",
     "name": "[variables('vnetName')]", "location": "[parameters('location')]",
     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
     "resources": [
       {"type": "subnets", "apiVersion": "2024-05-01", "name": "default",
        "dependsOn": ["[variables('vnetName')]"],
        "properties": {"addressPrefix": "10.0.0.0/24"}}]},
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2024-05-01",
     "name": "[concat(parameters('vmssName'), '-ip', copyIndex(1))]",
     "copy": {"name": "ipLoop", "count": "[length(parameters('zones'))]"},
     "location": "[parameters('location')]", "zones": ["[parameters('zones')[copyIndex()]]"],
     "sku": {"name": "Standard"}, "properties": {"publicIPAllocationMethod": "Static"}},
    {"type": "Microsoft.Network/loadBalancers", "apiVersion": "2024-05-01",
     "name": "[variables('lbName')]", "location": "[parameters('location')]",
     "dependsOn": ["ipLoop"], "sku": {"name": "Standard"},
     "properties": {
       "frontendIPConfigurations": [{"name": "front", "properties": {"publicIPAddress":
         {"id": "[resourceId('Microsoft.Network/publicIPAddresses', concat(parameters('vmssName'), '-ip1'))]"}}}],
       "backendAddressPools": [{"name": "pool"}],
       "copy": [{"name": "probes", "count": "[length(parameters('probePorts'))]",
         "input": {"name": "[concat('probe', parameters('probePorts')[copyIndex('probes')])]",
                   "properties": {"protocol": "Tcp", "port": "[parameters('probePorts')[copyIndex('probes')]]",
                                  "intervalInSeconds": 15, "numberOfProbes": 2}}}]}},
    {"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2024-11-01",
     "name": "[parameters('vmssName')]", "location": "[parameters('location')]",
     "zones": "[parameters('zones')]",
     "dependsOn": ["[variables('lbId')]", "[resourceId('Microsoft.Network/virtualNetworks', variables('vnetName'))]"],
     "sku": {"name": "[parameters('vmSku')]", "tier": "Standard", "capacity": "[parameters('instanceCount')]"},
     "properties": {
       "overprovision": false,
       "upgradePolicy": {"mode": "Rolling"},
       "virtualMachineProfile": {
         "osProfile": {"computerNamePrefix": "[parameters('vmssName')]",
                       "adminUsername": "[parameters('adminUsername')]",
                       "adminPassword": "[parameters('adminPassword')]"},
         "networkProfile": {"networkInterfaceConfigurations": [{"name": "nic",
           "properties": {"primary": true, "ipConfigurations": [{"name": "ipconfig",
             "properties": {"subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'default')]"},
                            "loadBalancerBackendAddressPools": [{"id": "[variables('poolId')]"}]}}]}}]}}}},
    {"type": "Microsoft.Insights/autoscaleSettings", "apiVersion": "2022-10-01",
     "name": "[concat(parameters('vmssName'), '-autoscale')]", "location": "[parameters('location')]",
     "dependsOn": ["[resourceId('Microsoft.Compute/virtualMachineScaleSets', parameters('vmssName'))]"],
     "properties": {
       "enabled": true,
       "targetResourceUri": "[resourceId('Microsoft.Compute/virtualMachineScaleSets', parameters('vmssName'))]",
       "profiles": [{"name": "default",
         "capacity": {"minimum": "[string(parameters('instanceCount'))]", "maximum": "10",
                      "default": "[string(parameters('instanceCount'))]"},
         "rules": [{"metricTrigger": {"metricName": "Percentage CPU",
             "metricResourceUri": "[resourceId('Microsoft.Compute/virtualMachineScaleSets', parameters('vmssName'))]",
             "timeGrain": "PT1M", "statistic": "Average", "timeWindow": "PT5M",
             "timeAggregation": "Average", "operator": "GreaterThan", "threshold": 75},
           "scaleAction": {"direction": "Increase", "type": "ChangeCount", "value": "1", "cooldown": "PT5M"}}]}]}}
  ],
  "outputs": {
    "lbId": {"type": "string", "value": "[variables('lbId')]"},
    "fqdn": {"type": "string", "value": "[reference(concat(parameters('vmssName'), '-ip1')).dnsSettings.fqdn]"}
  }
})";

const char* vmss_parameters = R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "vmssName": {"value": "web"},
    "instanceCount": {"value": 3},
    "zones": {"value": ["1", "2"]},
    "adminPassword": {"reference": {"keyVault": {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/kv/providers/Microsoft.KeyVault/vaults/kv1"}, "secretName": "admin"}}
  }
})";

std::string rg_id() {
  return "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
         "vmss-sim";
}

TEST(arm_template_vmss, expands_with_parameters_file_and_overrides) {
  deployment_inputs in;
  in.file = parse(vmss_parameters);
  in.file_label = "azuredeploy.parameters.json";
  in.given = {{"instanceCount", "5"}};
  in.context.location = "northeurope";
  read_report report;
  auto d = expand(parse(vmss_template), in, report);
  ASSERT_TRUE(report.errors.empty()) << all(report.errors);
  EXPECT_TRUE(report.warnings.empty()) << all(report.warnings);

  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& r : d.resources)
    seen.emplace_back(r.type, r.name);
  std::vector<std::pair<std::string, std::string>> expected = {
      {"Microsoft.Network/virtualNetworks", "web-vnet"},
      {"Microsoft.Network/virtualNetworks/subnets", "web-vnet/default"},
      {"Microsoft.Network/publicIPAddresses", "web-ip1"},
      {"Microsoft.Network/publicIPAddresses", "web-ip2"},
      {"Microsoft.Network/loadBalancers", "web-lb"},
      {"Microsoft.Compute/virtualMachineScaleSets", "web"},
      {"Microsoft.Insights/autoscaleSettings", "web-autoscale"}};
  EXPECT_EQ(seen, expected);

  EXPECT_EQ(d.resources[3].copy, 1);
  EXPECT_EQ(d.resources[3].body["zones"], parse(R"(["2"])"));
  EXPECT_EQ(d.resources[3].path, "resources[1]");

  const auto& lb = d.resources[4].body;
  EXPECT_EQ(lb["location"], "northeurope");
  ASSERT_EQ(lb["properties"]["probes"].size(), 2u);
  EXPECT_EQ(lb["properties"]["probes"][1]["name"], "probe443");
  EXPECT_EQ(lb["properties"]["probes"][1]["properties"]["port"], 443);
  EXPECT_EQ(lb["properties"]["frontendIPConfigurations"][0]["properties"]
              ["publicIPAddress"]["id"],
            rg_id() + "/providers/Microsoft.Network/publicIPAddresses/web-ip1");

  const auto& vmss = d.resources[5];
  EXPECT_EQ(vmss.api_version, "2024-11-01");
  EXPECT_EQ(vmss.body["sku"]["capacity"], 5); // --param beats the file
  EXPECT_EQ(vmss.body["sku"]["name"], "Standard_D2s_v3");
  EXPECT_EQ(vmss.body["zones"], parse(R"(["1","2"])"));
  EXPECT_FALSE(vmss.body.contains("dependsOn"));
  EXPECT_EQ(vmss.depends_on.size(), 2u);
  auto ip = vmss.body["properties"]["virtualMachineProfile"]["networkProfile"]
                     ["networkInterfaceConfigurations"][0]["properties"]
                     ["ipConfigurations"][0]["properties"];
  EXPECT_EQ(ip["loadBalancerBackendAddressPools"][0]["id"],
            rg_id() + "/providers/Microsoft.Network/loadBalancers/web-lb/"
                      "backendAddressPools/pool");
  EXPECT_EQ(ip["subnet"]["id"],
            rg_id() + "/providers/Microsoft.Network/virtualNetworks/web-vnet/"
                      "subnets/default");

  const auto& autoscale = d.resources[6].body["properties"];
  EXPECT_EQ(autoscale["targetResourceUri"],
            rg_id() +
                "/providers/Microsoft.Compute/virtualMachineScaleSets/web");
  EXPECT_EQ(autoscale["profiles"][0]["capacity"]["default"], "5");

  EXPECT_EQ(param(d, "instanceCount")->source, "--param");
  EXPECT_EQ(param(d, "vmssName")->source, "azuredeploy.parameters.json");
  EXPECT_EQ(param(d, "vmSku")->source, "default");
  EXPECT_TRUE(param(d, "adminPassword")->used.is_null());
  EXPECT_TRUE(listed(report, "parameters.adminPassword.reference"));
  EXPECT_TRUE(listed(report, "parameters.adminPassword"));
  EXPECT_TRUE(listed(report, "outputs.fqdn.value"));
  EXPECT_EQ(d.outputs["lbId"],
            rg_id() + "/providers/Microsoft.Network/loadBalancers/web-lb");
  EXPECT_FALSE(d.outputs.contains("fqdn"));
}

TEST(arm_template_vmss, rejects_a_value_out_of_range_with_its_path) {
  deployment_inputs in;
  in.file = parse(vmss_parameters);
  in.file_label = "azuredeploy.parameters.json";
  in.given = {{"instanceCount", "101"},
              {"vmssName", "a-very-long-name-indeed"}};
  read_report report;
  expand(parse(vmss_template), in, report);
  EXPECT_TRUE(has(report.errors, "parameters.instanceCount.maxValue",
                  "101 is more than 100 (--param)"))
      << all(report.errors);
  EXPECT_TRUE(
      has(report.errors, "parameters.vmssName.maxLength", "23 characters"));
  EXPECT_EQ(report.errors.size(), 2u);
}

} // namespace
