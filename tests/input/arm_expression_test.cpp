/// ARM's template expression language (input/arm/expression.hpp): the
/// parser's grammar and errors, escapes, and every function with a passing
/// and a failing input, against a fake scope.

#include "input/arm/expression.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace vmss::input::arm;

namespace {

/// Parameters, variables, copy indexes and one user function
/// (`my.twice(x)`), with the deployment context of a test subscription.
class fake_scope : public scope {
public:
  std::map<std::string, value> parameters{
      {"count", 3},
      {"name", "web"},
      {"tags", {{"env", "prod"}, {"Owner", "ops"}}},
      {"zones", {"1", "2"}}};
  std::map<std::string, value> variables{{"prefix", "vmss"}};
  std::map<std::string, int64_t> loops{{"", 4}, {"disks", 7}};
  std::vector<std::string> not_modelled_calls;

  value parameter(const std::string& name) override {
    auto it = parameters.find(name);
    if (it == parameters.end())
      throw expression_error("parameters: no parameter '" + name + "'");
    return it->second;
  }
  value variable(const std::string& name) override {
    auto it = variables.find(name);
    if (it == variables.end())
      throw expression_error("variables: no variable '" + name + "'");
    return it->second;
  }
  int64_t copy_index(const std::string& loop) override {
    auto it = loops.find(loop);
    if (it == loops.end())
      throw expression_error("copyIndex: no loop '" + loop + "'");
    return it->second;
  }
  value call_user_function(const std::string& ns, const std::string& name,
                           const std::vector<value>& args) override {
    if (ns == "my" && name == "twice" && args.size() == 1 &&
        args[0].is_number_integer())
      return 2 * args[0].get<int64_t>();
    throw expression_error("no user function " + ns + "." + name);
  }
  value resource_group() override {
    return {{"id", "/subscriptions/sub-1/resourceGroups/rg-1"},
            {"name", "rg-1"},
            {"location", "westeurope"}};
  }
  value subscription() override {
    return {{"id", "/subscriptions/sub-1"}, {"subscriptionId", "sub-1"}};
  }
  value deployment() override { return {{"name", "deploy-1"}}; }
  void not_modelled(const std::string& function) override {
    not_modelled_calls.push_back(function);
  }
};

class arm_fixture : public ::testing::Test {
protected:
  fake_scope s;

  value ev(const std::string& expr) { return parse(expr).evaluate(s); }

  /// The error evaluating `expr` gives (fails the test when it gives none).
  std::string err(const std::string& expr) {
    try {
      auto v = parse(expr).evaluate(s);
      ADD_FAILURE() << expr << " gave " << v.dump() << ", not an error";
    } catch (const expression_error& e) {
      return e.what();
    }
    return {};
  }
};

#define EXPECT_ERR(expr, text)                                                 \
  EXPECT_NE(err(expr).find(text), std::string::npos)                           \
      << expr << ": " << err(expr)

using arm_expression = arm_fixture;
using arm_functions = arm_fixture;

// ---- grammar ---------------------------------------------------------------

TEST_F(arm_expression, literals_and_nesting) {
  EXPECT_EQ(ev("['it''s']"), "it's");
  EXPECT_EQ(ev("[  -42  ]"), -42);
  EXPECT_EQ(ev("[-9223372036854775808]"), INT64_MIN);
  EXPECT_EQ(ev("[concat('a', toUpper(concat('b', 'c')))]"), "aBC");
  EXPECT_EQ(ev("[ concat ( 'a' , 'b' ) ]"), "ab");
}

TEST_F(arm_expression, names_ignore_letter_case) {
  EXPECT_EQ(ev("[CONCAT('a', ToLower('B'))]"), "ab");
  EXPECT_EQ(ev("[parameters('tags').OWNER]"), "ops");
  EXPECT_EQ(ev("[parameters('tags')['ENV']]"), "prod");
}

TEST_F(arm_expression, property_and_index_access) {
  EXPECT_EQ(ev("[resourceGroup().location]"), "westeurope");
  EXPECT_EQ(ev("[parameters('zones')[1]]"), "2");
  EXPECT_EQ(ev("[createObject('a', createArray(1, 2)).a[0]]"), 1);
  EXPECT_ERR("[resourceGroup().region]",
             "property 'region' does not exist (properties: id, name");
  EXPECT_ERR("[parameters('zones')[2]]", "index 2 is out of range");
  EXPECT_ERR("[parameters('zones')['a']]", "must be an integer");
  EXPECT_ERR("[parameters('name').x]", "a string has no properties");
  EXPECT_ERR("['abc'[0]]", "cannot index a string");
}

TEST_F(arm_expression, user_functions_go_to_the_scope) {
  EXPECT_EQ(ev("[my.twice(add(1, 2))]"), 6);
  EXPECT_ERR("[my.thrice(1)]", "no user function my.thrice");
}

TEST_F(arm_expression, parse_errors_name_the_position) {
  auto message = [](const std::string& text) {
    try {
      parse(text);
    } catch (const expression_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("[concat('a)]"), "at character 9: unterminated string");
  EXPECT_EQ(message("[concat('a', 'b']"),
            "at character 17: missing ')' to close concat( opened at "
            "character 2");
  EXPECT_EQ(message("[concat('a' 'b')]"),
            "at character 13: expected ',' or ')' to close concat( opened "
            "at character 2, found '''");
  EXPECT_EQ(message("[concat('a') x]"),
            "at character 14: unexpected 'x' after the expression");
  EXPECT_EQ(message("[]"), "at character 2: empty expression");
  EXPECT_EQ(message("[   ]"), "at character 5: empty expression");
  EXPECT_EQ(message("[concat]"),
            "at character 8: missing '(' after the function name concat");
  EXPECT_EQ(message("[1.5]"),
            "at character 2: an expression has no fractions (write "
            "json('1.5'))");
  EXPECT_EQ(message("[-x]"), "at character 2: '-' must be followed by digits");
  EXPECT_EQ(message("[99999999999999999999]"),
            "at character 2: integer out of range (64 bits)");
  EXPECT_EQ(message("[a.()]"),
            "at character 4: expected a function name after 'a.', found '('");
  EXPECT_EQ(message("[f(,)]"), "at character 4: expected a value, found ','");
  EXPECT_EQ(message("[x()."),
            "at character 1: an expression starts with '[' and ends with ']'");
  EXPECT_EQ(message("[x()[0]"), "at character 7: missing ']' to close the "
                                "index opened at character 5");
  EXPECT_EQ(message("[x()[0 ]"), "at character 8: missing ']' to close the "
                                 "index opened at character 5");
}

TEST_F(arm_expression, depth_is_bounded) {
  std::string deep = "[";
  for (int i = 0; i < 70; ++i)
    deep += "concat(";
  deep += "'a'";
  for (int i = 0; i < 70; ++i)
    deep += ")";
  deep += "]";
  EXPECT_THROW(parse(deep), expression_error);
  std::string chain = "[createArray(1)";
  for (int i = 0; i < 70; ++i)
    chain += "[0]";
  chain += "]";
  try {
    parse(chain);
    ADD_FAILURE() << "a chain of 70 indexes parsed";
  } catch (const expression_error& e) {
    EXPECT_NE(std::string(e.what()).find("nested more than 64 deep"),
              std::string::npos);
  }
  std::string ok = "[";
  for (int i = 0; i < 60; ++i)
    ok += "concat(";
  ok += "'a'";
  for (int i = 0; i < 60; ++i)
    ok += ")";
  EXPECT_EQ(ev(ok + "]"), "a");
}

TEST_F(arm_expression, escapes_and_plain_strings) {
  EXPECT_TRUE(is_expression("[concat('a')]"));
  EXPECT_FALSE(is_expression("[[concat('a')]"));
  EXPECT_FALSE(is_expression("plain"));
  EXPECT_FALSE(is_expression("[not closed"));
  EXPECT_FALSE(is_expression("a[b]"));
  EXPECT_EQ(evaluate_string("[[concat('a')]", s), "[concat('a')]");
  EXPECT_EQ(evaluate_string("[concat('a', 'b')]", s), "ab");
  EXPECT_EQ(evaluate_string("plain [text]", s), "plain [text]");
  EXPECT_EQ(evaluate_string("[[only open", s), "[[only open");
  EXPECT_THROW(evaluate_string("[concat(]", s), expression_error);
  EXPECT_THROW(parse("[[escaped]"), expression_error);
}

TEST_F(arm_expression, unknown_function_suggests_a_name) {
  EXPECT_EQ(err("[concatt('a')]"),
            "unknown function concatt (did you mean concat?)");
  EXPECT_EQ(err("[zzzzzz()]"), "unknown function zzzzzz");
}

TEST_F(arm_expression, arity_is_checked) {
  EXPECT_EQ(err("[toLower()]"), "toLower: takes 1 argument, given 0");
  EXPECT_EQ(err("[substring('a')]"), "substring: takes 2 to 3 arguments, "
                                     "given 1");
  EXPECT_EQ(err("[concat()]"), "concat: takes at least 1 arguments, given 0");
}

TEST_F(arm_expression, value_sizes_are_bounded) {
  EXPECT_ERR("[padLeft('', 2000000, 'x')]", "padLeft: the string would be "
                                            "2000000 characters");
  EXPECT_ERR("[replace(padLeft('', 1000000, 'a'), 'a', 'bb')]",
             "replace: the string would be 2000000 characters");
  EXPECT_ERR("[concat(padLeft('', 600000), padLeft('', 600000))]",
             "concat: the string would be");
  EXPECT_ERR("[range(0, 10001)]", "range: count 10001 is outside 0..10000");
  std::string many = "[createArray(";
  for (int i = 0; i < 5; ++i)
    many += std::string(i ? "," : "") + "padLeft('', 1000000)";
  EXPECT_ERR(many + ")]", "createArray: its value would exceed");
  std::string total = "[length(createArray(";
  for (int i = 0; i < 70; ++i)
    total += std::string(i ? "," : "") + "padLeft('', 1000000)";
  EXPECT_ERR(total + "))]", "the expression's values exceed");
}

TEST_F(arm_expression, placeholders_propagate) {
  auto v = ev("[concat('https://', reference('pip').dnsSettings.fqdn)]");
  EXPECT_TRUE(is_not_modelled(v));
  EXPECT_EQ(v, "<not modelled: reference()>");
  EXPECT_EQ(s.not_modelled_calls, std::vector<std::string>{"reference"});
  EXPECT_TRUE(is_not_modelled(ev("[listKeys('sa', '2023-01-01').keys[0]]")));
  EXPECT_TRUE(is_not_modelled(ev("[listAccountSas('sa', '2023-01-01', 'x')]")));
  EXPECT_EQ(s.not_modelled_calls.back(), "listAccountSas");
  EXPECT_TRUE(is_not_modelled(ev("[environment().suffixes.storage]")));
  EXPECT_TRUE(is_not_modelled(ev("[if(reference('x').on, 1, 2)]")));
  EXPECT_TRUE(is_not_modelled(ev("[providers('Microsoft.Compute')]")));
  EXPECT_FALSE(is_not_modelled(value("<not modelled")));
  EXPECT_EQ(err("[reference()]"), "reference: takes 1 to 3 arguments, given 0");
  EXPECT_EQ(err("[listKeys('x')]"), "listKeys: takes 2 to 3 arguments, "
                                    "given 1");
}

TEST_F(arm_expression, function_names_cover_the_table) {
  const auto& names = function_names();
  for (const char* f : {"concat", "resourceId", "if", "copyIndex", "padLeft"})
    EXPECT_NE(std::find(names.begin(), names.end(), f), names.end()) << f;
}

// ---- deployment ------------------------------------------------------------

TEST_F(arm_functions, parameters_and_variables) {
  EXPECT_EQ(ev("[parameters('count')]"), 3);
  EXPECT_EQ(ev("[variables('prefix')]"), "vmss");
  EXPECT_ERR("[parameters('nope')]", "no parameter 'nope'");
  EXPECT_ERR("[parameters(1)]", "parameters: argument 1 is an integer, not a "
                                "string");
  EXPECT_ERR("[variables(true())]", "variables: argument 1 is a boolean");
}

TEST_F(arm_functions, copy_index) {
  EXPECT_EQ(ev("[copyIndex()]"), 4);
  EXPECT_EQ(ev("[copyIndex(1)]"), 5);
  EXPECT_EQ(ev("[copyIndex('disks')]"), 7);
  EXPECT_EQ(ev("[copyIndex('disks', 10)]"), 17);
  EXPECT_ERR("[copyIndex('nics')]", "no loop 'nics'");
  EXPECT_ERR("[copyIndex(1, 2)]", "copyIndex: argument 1 is an integer, not "
                                  "a string (the loop's name)");
  EXPECT_ERR("[copyIndex('disks', 'x')]", "copyIndex: argument 2 is a string");
}

TEST_F(arm_functions, context_objects) {
  EXPECT_EQ(ev("[resourceGroup().name]"), "rg-1");
  EXPECT_EQ(ev("[subscription().subscriptionId]"), "sub-1");
  EXPECT_EQ(ev("[deployment().name]"), "deploy-1");
  EXPECT_ERR("[resourceGroup('x')]", "resourceGroup: takes 0 arguments");
  EXPECT_ERR("[subscription(1)]", "subscription: takes 0");
  EXPECT_ERR("[deployment(1)]", "deployment: takes 0");
}

TEST_F(arm_functions, resource_ids) {
  EXPECT_EQ(ev("[resourceId('Microsoft.Network/loadBalancers', 'lb')]"),
            "/subscriptions/sub-1/resourceGroups/rg-1/providers/"
            "Microsoft.Network/loadBalancers/lb");
  EXPECT_EQ(ev("[resourceId('other', 'Microsoft.Network/virtualNetworks/"
               "subnets', 'vnet', 'default')]"),
            "/subscriptions/sub-1/resourceGroups/other/providers/"
            "Microsoft.Network/virtualNetworks/vnet/subnets/default");
  EXPECT_EQ(ev("[resourceId('s2', 'g2', 'Microsoft.Network/virtualNetworks/"
               "subnets', 'vnet/default')]"),
            "/subscriptions/s2/resourceGroups/g2/providers/"
            "Microsoft.Network/virtualNetworks/vnet/subnets/default");
  EXPECT_ERR("[resourceId('Microsoft.Network/virtualNetworks/subnets', "
             "'vnet')]",
             "resourceId: resource type 'Microsoft.Network/virtualNetworks/"
             "subnets' takes 2 name segments, given 1");
  // As ARM accepts in real templates: a trailing '/', a name in the type.
  EXPECT_EQ(ev("[resourceId('Microsoft.Network/virtualNetworks/', 'vnet')]"),
            "/subscriptions/sub-1/resourceGroups/rg-1/providers/"
            "Microsoft.Network/virtualNetworks/vnet");
  EXPECT_EQ(ev("[resourceId('Microsoft.Network/loadBalancers/probes/tcp', "
               "'lb')]"),
            "/subscriptions/sub-1/resourceGroups/rg-1/providers/"
            "Microsoft.Network/loadBalancers/lb/probes/tcp");
  EXPECT_ERR("[resourceId('a', 'b', 'c', 'd')]",
             "resourceId: no resource type");
  EXPECT_ERR("[resourceId('Microsoft.Network/', 'x')]", "is not "
                                                        "NAMESPACE/TYPE");
  EXPECT_EQ(ev("[subscriptionResourceId('Microsoft.Resources/"
               "resourceGroups', 'rg')]"),
            "/subscriptions/sub-1/providers/Microsoft.Resources/"
            "resourceGroups/rg");
  EXPECT_ERR("[subscriptionResourceId('x', 'y', 'Microsoft.A/b', 'n')]",
             "subscriptionResourceId: no resource type");
  EXPECT_EQ(ev("[tenantResourceId('Microsoft.Management/managementGroups', "
               "'mg')]"),
            "/providers/Microsoft.Management/managementGroups/mg");
  EXPECT_ERR("[tenantResourceId('Microsoft.A/b')]", "takes at least 2");
  EXPECT_EQ(ev("[extensionResourceId('/x/y', 'Microsoft.Authorization/"
               "locks', 'l')]"),
            "/x/y/providers/Microsoft.Authorization/locks/l");
  EXPECT_ERR("[extensionResourceId('/x', 'Microsoft.A/b', 'n', 'm')]",
             "takes 1 name segment, given 2");
}

TEST_F(arm_functions, hashes_are_deterministic) {
  auto u = ev("[uniqueString(resourceGroup().id)]").get<std::string>();
  EXPECT_EQ(u.size(), 13u);
  EXPECT_EQ(u.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"),
            std::string::npos);
  EXPECT_EQ(ev("[uniqueString(resourceGroup().id)]"), u);
  EXPECT_NE(ev("[uniqueString('a', 'b')]"), ev("[uniqueString('a-b', '')]"));
  EXPECT_NE(ev("[uniqueString('a')]"), ev("[uniqueString('b')]"));
  EXPECT_ERR("[uniqueString(1)]", "uniqueString: argument 1 is an integer");
  auto g = ev("[guid('x', 'y')]").get<std::string>();
  EXPECT_EQ(g.size(), 36u);
  EXPECT_EQ(g[8], '-');
  EXPECT_EQ(g[14], '5');
  EXPECT_EQ(ev("[guid('x', 'y')]"), g);
  EXPECT_NE(ev("[guid('x')]"), g);
  EXPECT_ERR("[guid()]", "guid: takes at least 1");
}

// ---- strings ---------------------------------------------------------------

TEST_F(arm_functions, concat) {
  EXPECT_EQ(ev("[concat('vm', copyIndex(), '-', true())]"), "vm4-True");
  EXPECT_EQ(ev("[concat(createArray(1), parameters('zones'))]"),
            value::parse("[1, \"1\", \"2\"]"));
  EXPECT_ERR("[concat(createArray(1), 'a')]",
             "concat: argument 2 is a string, not an array");
  EXPECT_ERR("[concat('a', createObject())]",
             "concat: argument 2 is an object, not a string or an integer");
}

TEST_F(arm_functions, format) {
  EXPECT_EQ(ev("[format('{0}-{1}', 'web', 3)]"), "web-3");
  EXPECT_EQ(ev("[format('{0:D3}|{1:N0}|{1:N}|{2:x}|{0,4}|{0,-4}|', 7, "
               "1234567, 255)]"),
            "007|1,234,567|1,234,567.00|ff|   7|7   |");
  EXPECT_EQ(ev("[format('{{{0}}}', true())]"), "{True}");
  EXPECT_ERR("[format('{1}', 'a')]", "format: {1} but only 1 value(s)");
  EXPECT_ERR("[format('{0', 'a')]", "is not closed");
  EXPECT_ERR("[format('a}', 'a')]", "'}' at character 2");
  EXPECT_ERR("[format('{0:Q}', 1)]", "format 'Q' is not supported");
  EXPECT_ERR("[format('{x}', 1)]", "'{x}' is not {INDEX}");
}

TEST_F(arm_functions, string_conversion) {
  EXPECT_EQ(ev("[string(5)]"), "5");
  EXPECT_EQ(ev("[string(false())]"), "False");
  EXPECT_EQ(ev("[string(createObject('a', 1))]"), "{\"a\":1}");
  EXPECT_EQ(ev("[string(createArray('a'))]"), "[\"a\"]");
  EXPECT_ERR("[string()]", "string: takes 1 argument");
}

TEST_F(arm_functions, case_and_trim) {
  EXPECT_EQ(ev("[toLower('AbC')]"), "abc");
  EXPECT_EQ(ev("[toUpper('AbC')]"), "ABC");
  EXPECT_EQ(ev("[trim('  a b \t')]"), "a b");
  EXPECT_ERR("[toLower(1)]", "toLower: argument 1 is an integer");
  EXPECT_ERR("[toUpper(null())]", "toUpper: argument 1 is null");
  EXPECT_ERR("[trim(createArray())]", "trim: argument 1 is an array");
}

TEST_F(arm_functions, substring) {
  EXPECT_EQ(ev("[substring('abcdef', 2)]"), "cdef");
  EXPECT_EQ(ev("[substring('abcdef', 1, 3)]"), "bcd");
  EXPECT_EQ(ev("[substring('abc', 3, 0)]"), "");
  EXPECT_ERR("[substring('abc', 4)]", "substring: start 4 is outside");
  EXPECT_ERR("[substring('abc', 1, 3)]", "substring: length 3 from 1 runs "
                                         "past");
  EXPECT_ERR("[substring('abc', -1)]", "start -1");
}

TEST_F(arm_functions, replace_and_split_and_join) {
  EXPECT_EQ(ev("[replace('a-b-c', '-', '')]"), "abc");
  EXPECT_ERR("[replace('abc', '', 'x')]", "replace: the string to replace "
                                          "is empty");
  EXPECT_EQ(ev("[split('a,b;;c', createArray(',', ';'))]"),
            value::parse(R"(["a","b","","c"])"));
  EXPECT_EQ(ev("[split('', ',')]"), value::parse(R"([""])"));
  EXPECT_ERR("[split('a', '')]", "split: a delimiter is empty");
  EXPECT_ERR("[split('a', createArray(1))]", "split: argument 2 holds an "
                                             "integer");
  EXPECT_EQ(ev("[join(createArray('a', 1), '-')]"), "a-1");
  EXPECT_ERR("[join('a', '-')]", "join: argument 1 is a string");
}

TEST_F(arm_functions, starts_ends_and_index) {
  EXPECT_EQ(ev("[startsWith('Standard_D2', 'standard')]"), true);
  EXPECT_EQ(ev("[endsWith('abc', 'BC')]"), true);
  EXPECT_EQ(ev("[endsWith('c', 'abc')]"), false);
  EXPECT_ERR("[startsWith('a', 1)]", "startsWith: argument 2 is an integer");
  EXPECT_ERR("[endsWith(1, 'a')]", "endsWith: argument 1");
  EXPECT_EQ(ev("[indexOf('abcABC', 'B')]"), 1);
  EXPECT_EQ(ev("[lastIndexOf('abcABC', 'b')]"), 4);
  EXPECT_EQ(ev("[indexOf('abc', 'z')]"), -1);
  EXPECT_EQ(ev("[indexOf(createArray(1, 2, 1), 1)]"), 0);
  EXPECT_EQ(ev("[lastIndexOf(createArray(1, 2, 1), 1)]"), 2);
  EXPECT_ERR("[indexOf(1, 'a')]", "indexOf: argument 1 is an integer");
  EXPECT_ERR("[lastIndexOf('a', 1)]", "lastIndexOf: argument 2");
}

TEST_F(arm_functions, pad_left) {
  EXPECT_EQ(ev("[padLeft(7, 3, '0')]"), "007");
  EXPECT_EQ(ev("[padLeft('abcd', 2)]"), "abcd");
  EXPECT_EQ(ev("[padLeft('a', 3)]"), "  a");
  EXPECT_ERR("[padLeft('a', 3, 'xy')]", "padLeft: the padding 'xy' is not "
                                        "one character");
  EXPECT_ERR("[padLeft('a', -1)]", "is negative");
}

// ---- conversions -----------------------------------------------------------

TEST_F(arm_functions, int_and_bool) {
  EXPECT_EQ(ev("[int('-12')]"), -12);
  EXPECT_EQ(ev("[int(json('2.9'))]"), 2);
  EXPECT_ERR("[int('1x')]", "int: '1x' is not an integer");
  EXPECT_ERR("[int('99999999999999999999')]", "out of range");
  EXPECT_EQ(ev("[bool('TRUE')]"), true);
  EXPECT_EQ(ev("[bool(0)]"), false);
  EXPECT_ERR("[bool('yes')]", "bool: 'yes' is not true or false");
}

TEST_F(arm_functions, json) {
  EXPECT_EQ(ev("[json('{\"a\": [1, null]}').a[0]]"), 1);
  EXPECT_EQ(ev("[json('null')]"), nullptr);
  EXPECT_ERR("[json('{')]", "json: not JSON");
  EXPECT_ERR("[json(" + std::string("'") + std::string(100, '[') +
                 std::string(100, ']') + "')]",
             "json: JSON nested more than 64 deep");
}

TEST_F(arm_functions, base64) {
  EXPECT_EQ(ev("[base64('one, two')]"), "b25lLCB0d28=");
  EXPECT_EQ(ev("[base64ToString('b25lLCB0d28=')]"), "one, two");
  EXPECT_EQ(ev("[base64ToString(base64('ab'))]"), "ab");
  EXPECT_EQ(ev("[base64ToJson(base64('{\"a\":1}')).a]"), 1);
  EXPECT_ERR("[base64(1)]", "base64: argument 1");
  EXPECT_ERR("[base64ToString('abc')]", "base64ToString: 'abc' is not "
                                        "base64");
  EXPECT_ERR("[base64ToString('ab=c')]", "character 4 is not base64");
  EXPECT_ERR("[base64ToJson(base64('x'))]", "base64ToJson: not JSON");
}

TEST_F(arm_functions, uris) {
  EXPECT_EQ(ev("[uri('https://a.net/x/', 'y.json')]"),
            "https://a.net/x/y.json");
  EXPECT_EQ(ev("[uri('https://a.net/x/z.json', 'y.json')]"),
            "https://a.net/x/y.json");
  EXPECT_EQ(ev("[uri('https://a.net', 'y')]"), "https://a.net/y");
  EXPECT_EQ(ev("[uri('https://a.net/x/z', '/y')]"), "https://a.net/y");
  EXPECT_ERR("[uri('a.net', 'y')]", "uri: base 'a.net' is not an absolute");
  EXPECT_EQ(ev("[uriComponent('a b/c')]"), "a%20b%2Fc");
  EXPECT_EQ(ev("[uriComponentToString('a%20b%2Fc')]"), "a b/c");
  EXPECT_ERR("[uriComponentToString('a%2')]", "uriComponentToString: '%' at "
                                              "character 2");
  EXPECT_ERR("[uriComponent(1)]", "uriComponent: argument 1");
  EXPECT_EQ(ev("[dataUri('Hello')]"),
            "data:text/plain;charset=utf8;base64,SGVsbG8=");
  EXPECT_EQ(ev("[dataUriToString('data:text/plain;charset=utf8;base64,"
               "SGVsbG8sIFdvcmxkIQ==')]"),
            "Hello, World!");
  EXPECT_EQ(ev("[dataUriToString('data:,a%20b')]"), "a b");
  EXPECT_ERR("[dataUri(1)]", "dataUri: argument 1");
  EXPECT_ERR("[dataUriToString('text')]", "dataUriToString: 'text' is not a "
                                          "data URI");
}

// ---- logic and comparison --------------------------------------------------

TEST_F(arm_functions, if_is_lazy) {
  EXPECT_EQ(ev("[if(equals(1, 1), 'yes', parameters('missing'))]"), "yes");
  EXPECT_EQ(ev("[if(false(), div(1, 0), 'no')]"), "no");
  EXPECT_ERR("[if(1, 'a', 'b')]", "if: the condition is an integer, not a "
                                  "boolean");
  EXPECT_ERR("[if(true(), 'a')]", "if: takes 3 arguments, given 2");
}

TEST_F(arm_functions, equality_and_logic) {
  EXPECT_EQ(ev("[equals(createObject('a', 1, 'b', 2), "
               "createObject('b', 2, 'a', 1))]"),
            true);
  EXPECT_EQ(ev("[equals('a', 'A')]"), false);
  EXPECT_ERR("[equals(1)]", "equals: takes 2 arguments");
  EXPECT_EQ(ev("[not(false())]"), true);
  EXPECT_ERR("[not('false')]", "not: argument 1 is a string, not a boolean");
  EXPECT_EQ(ev("[and(true(), true(), false())]"), false);
  EXPECT_EQ(ev("[or(false(), true())]"), true);
  EXPECT_ERR("[and(true(), 1)]", "and: argument 2 is an integer");
  EXPECT_ERR("[or(true())]", "or: takes at least 2");
  EXPECT_EQ(ev("[true()]"), true);
  EXPECT_EQ(ev("[false()]"), false);
  EXPECT_EQ(ev("[null()]"), nullptr);
  EXPECT_ERR("[true(1)]", "true: takes 0 arguments");
}

TEST_F(arm_functions, comparisons) {
  EXPECT_EQ(ev("[greater(3, 2)]"), true);
  EXPECT_EQ(ev("[greater('b', 'a')]"), true);
  EXPECT_EQ(ev("[greaterOrEquals(2, 2)]"), true);
  EXPECT_EQ(ev("[less(-1, 0)]"), true);
  EXPECT_EQ(ev("[lessOrEquals('b', 'a')]"), false);
  EXPECT_ERR("[greater(1, 'a')]", "greater: argument 2 is a string, not an "
                                  "integer");
  EXPECT_ERR("[less('a', 1)]", "less: argument 2 is an integer, not a string");
  EXPECT_ERR("[lessOrEquals(true(), 1)]", "lessOrEquals: argument 1 is a "
                                          "boolean");
  EXPECT_ERR("[greaterOrEquals(createArray(), 1)]", "greaterOrEquals");
}

// ---- numbers ---------------------------------------------------------------

TEST_F(arm_functions, arithmetic) {
  EXPECT_EQ(ev("[add(2, -5)]"), -3);
  EXPECT_EQ(ev("[sub(2, 5)]"), -3);
  EXPECT_EQ(ev("[mul(4, 5)]"), 20);
  EXPECT_EQ(ev("[div(-7, 2)]"), -3);
  EXPECT_EQ(ev("[mod(-7, 2)]"), -1);
  EXPECT_ERR("[div(1, 0)]", "div: division by zero");
  EXPECT_ERR("[mod(1, 0)]", "mod: division by zero");
  EXPECT_ERR("[add(9223372036854775807, 1)]", "add: integer overflow");
  EXPECT_ERR("[sub(-9223372036854775808, 1)]", "sub: integer overflow");
  EXPECT_ERR("[mul(4611686018427387904, 2)]", "mul: integer overflow");
  EXPECT_ERR("[div(-9223372036854775808, -1)]", "div: integer overflow");
  EXPECT_ERR("[add('1', 2)]", "add: argument 1 is a string, not an integer");
}

TEST_F(arm_functions, min_max_range) {
  EXPECT_EQ(ev("[min(3, 1, 2)]"), 1);
  EXPECT_EQ(ev("[max(createArray(3, 9, 2))]"), 9);
  EXPECT_ERR("[min(createArray())]", "min: the array is empty");
  EXPECT_ERR("[max(1, 'a')]", "max: argument 2 is a string");
  EXPECT_EQ(ev("[range(5, 3)]"), value::parse("[5, 6, 7]"));
  EXPECT_EQ(ev("[range(0, 0)]"), value::array());
  EXPECT_ERR("[range(0, -1)]", "range: count -1");
  EXPECT_ERR("[range(2147483647, 1)]", "within 32 bits");
}

// ---- arrays and objects ----------------------------------------------------

TEST_F(arm_functions, create_array_object_array) {
  EXPECT_EQ(ev("[createArray()]"), value::array());
  EXPECT_EQ(ev("[createArray(1, 'a')]"), value::parse("[1, \"a\"]"));
  EXPECT_EQ(ev("[createObject('a', 1).a]"), 1);
  EXPECT_ERR("[createObject('a')]", "createObject: takes name/value pairs");
  EXPECT_ERR("[createObject(1, 2)]", "createObject: argument 1 is an "
                                     "integer");
  EXPECT_EQ(ev("[array('a')]"), value::parse("[\"a\"]"));
  EXPECT_EQ(ev("[array(createArray(1))]"), value::parse("[1]"));
  EXPECT_ERR("[array()]", "array: takes 1 argument");
  EXPECT_EQ(ev("[items(createObject('b', 2, 'a', 1))[0].key]"), "a");
  EXPECT_ERR("[items(createArray())]", "items: argument 1 is an array");
}

TEST_F(arm_functions, union_and_intersection) {
  EXPECT_EQ(ev("[union(createArray(1, 2), createArray(2, 3))]"),
            value::parse("[1, 2, 3]"));
  EXPECT_EQ(ev("[union(json('{\"a\":{\"x\":1},\"b\":1}'), "
               "json('{\"a\":{\"y\":2},\"b\":2}'))]"),
            value::parse(R"({"a":{"x":1,"y":2},"b":2})"));
  EXPECT_ERR("[union(createArray(), createObject())]",
             "union: argument 2 is an object, not an array");
  EXPECT_EQ(ev("[intersection(createArray(1, 2, 3), createArray(3, 2))]"),
            value::parse("[2, 3]"));
  EXPECT_EQ(ev("[intersection(createObject('a', 1, 'b', 2), "
               "createObject('a', 1, 'b', 3))]"),
            value::parse(R"({"a":1})"));
  EXPECT_ERR("[union(createArray())]", "union: takes at least 2 arguments");
  EXPECT_ERR("[intersection(createArray())]", "intersection: takes at least 2");
  EXPECT_ERR("[intersection('a', 'b')]", "intersection: argument 1 is a "
                                         "string");
}

TEST_F(arm_functions, contains_empty_length) {
  EXPECT_EQ(ev("[contains('OneTwo', 'Two')]"), true);
  EXPECT_EQ(ev("[contains('OneTwo', 'two')]"), false);
  EXPECT_EQ(ev("[contains(parameters('tags'), 'ENV')]"), true);
  EXPECT_EQ(ev("[contains(parameters('zones'), '3')]"), false);
  EXPECT_ERR("[contains(1, 1)]", "contains: argument 1 is an integer");
  EXPECT_EQ(ev("[empty('')]"), true);
  EXPECT_EQ(ev("[empty(null())]"), true);
  EXPECT_EQ(ev("[empty(createObject('a', 1))]"), false);
  EXPECT_ERR("[empty(0)]", "empty: argument 1 is an integer");
  EXPECT_EQ(ev("[length('abc')]"), 3);
  EXPECT_EQ(ev("[length(parameters('tags'))]"), 2);
  EXPECT_ERR("[length(3)]", "length: argument 1 is an integer");
}

TEST_F(arm_functions, first_last_take_skip) {
  EXPECT_EQ(ev("[first('abc')]"), "a");
  EXPECT_EQ(ev("[last(parameters('zones'))]"), "2");
  EXPECT_EQ(ev("[first(createArray())]"), nullptr);
  EXPECT_ERR("[first(1)]", "first: argument 1 is an integer");
  EXPECT_ERR("[last(createObject())]", "last: argument 1 is an object");
  EXPECT_EQ(ev("[take('abcdef', 2)]"), "ab");
  EXPECT_EQ(ev("[take(createArray(1, 2, 3), 5)]"), value::parse("[1,2,3]"));
  EXPECT_EQ(ev("[skip(createArray(1, 2, 3), 1)]"), value::parse("[2,3]"));
  EXPECT_EQ(ev("[skip('abc', -1)]"), "abc");
  EXPECT_EQ(ev("[skip('abc', 9)]"), "");
  EXPECT_ERR("[take(1, 1)]", "take: argument 1 is an integer");
  EXPECT_ERR("[skip('a', 'b')]", "skip: argument 2 is a string");
}

TEST_F(arm_functions, coalesce) {
  EXPECT_EQ(ev("[coalesce(null(), null(), 'x', 'y')]"), "x");
  EXPECT_EQ(ev("[coalesce(null())]"), nullptr);
  EXPECT_ERR("[coalesce()]", "coalesce: takes at least 1");
}

// ---- what the model does not evaluate --------------------------------------

TEST_F(arm_functions, fixed_clock_and_ids) {
  EXPECT_EQ(ev("[utcNow()]"), "20000101T000000Z");
  EXPECT_EQ(ev("[utcNow('u')]"), "2000-01-01 00:00:00Z");
  EXPECT_EQ(ev("[utcNow('yyyy-MM-dd HH:mm')]"), "2000-01-01 00:00");
  EXPECT_ERR("[utcNow(1)]", "utcNow: argument 1 is an integer");
  EXPECT_EQ(ev("[newGuid()]"), "00000000-0000-0000-0000-000000000000");
  EXPECT_ERR("[newGuid(1)]", "newGuid: takes 0");
  EXPECT_EQ(
      s.not_modelled_calls,
      (std::vector<std::string>{"utcNow", "utcNow", "utcNow", "newGuid"}));
}

TEST_F(arm_functions, pick_zones) {
  EXPECT_EQ(ev("[pickZones('Microsoft.Compute', 'virtualMachineScaleSets', "
               "'westeurope')]"),
            value::parse(R"(["1"])"));
  EXPECT_EQ(ev("[pickZones('Microsoft.Compute', 'virtualMachines', 'x', 3)]"),
            value::parse(R"(["1","2","3"])"));
  EXPECT_ERR("[pickZones('a', 'b', 1)]", "pickZones: argument 3 is an "
                                         "integer");
  EXPECT_ERR("[pickZones('a', 'b', 'c', -1)]", "must not be negative");
}

} // namespace
