#include "input/arm/functions.hpp"
#include "input/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <map>

/// ARM's template functions (the "template-functions-*" pages of the ARM
/// documentation), each with its arity and argument types checked. A
/// function's errors start with its name ("substring: ...").

namespace vmss::input::arm::detail {

[[noreturn]] void fail(const std::string& function, const std::string& why) {
  throw expression_error(function + ": " + why);
}

const value* find_member(const value& obj, const std::string& name) {
  auto exact = obj.find(name);
  if (exact != obj.end())
    return &*exact;
  auto want = ascii_lower(name);
  for (const auto& [k, v] : obj.items())
    if (ascii_lower(k) == want)
      return &v;
  return nullptr;
}

size_t size_of(const value& v, size_t cap) {
  size_t size = 8;
  if (v.is_string())
    return size + v.get_ref<const std::string&>().size();
  if (v.is_array()) {
    for (const auto& e : v) {
      size += size_of(e, cap);
      if (size > cap)
        return size;
    }
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.items()) {
      size += k.size() + size_of(e, cap);
      if (size > cap)
        return size;
    }
  }
  return size;
}

namespace {

using args_t = std::vector<value>;

/// Whether text[from...] is one or more ASCII digits.
bool digits_only(const std::string& text, size_t from = 0) {
  return text.size() > from &&
         std::all_of(text.begin() + long(from), text.end(), [](char ch) {
           return std::isdigit(static_cast<unsigned char>(ch)) != 0;
         });
}

// ---- argument checks ------------------------------------------------------

[[noreturn]] void bad_arg(call_context& c, size_t i, const value& v,
                          const std::string& want) {
  fail(c.name, "argument " + std::to_string(i + 1) + " is " + json_kind(v) +
                   ", not " + want);
}

const std::string& str(call_context& c, const args_t& a, size_t i) {
  if (!a[i].is_string())
    bad_arg(c, i, a[i], "a string");
  return a[i].get_ref<const std::string&>();
}

int64_t integer(call_context& c, const args_t& a, size_t i) {
  if (!a[i].is_number_integer())
    bad_arg(c, i, a[i], "an integer");
  if (a[i].is_number_unsigned() &&
      a[i].get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
    fail(c.name,
         "argument " + std::to_string(i + 1) + " is out of range (64 bits)");
  return a[i].get<int64_t>();
}

bool boolean(call_context& c, const args_t& a, size_t i) {
  if (!a[i].is_boolean())
    bad_arg(c, i, a[i], "a boolean");
  return a[i].get<bool>();
}

void check_length(call_context& c, size_t length) {
  if (length > max_string_length)
    fail(c.name, "the string would be " + std::to_string(length) +
                     " characters, more than " +
                     std::to_string(max_string_length));
}

/// A scalar as ARM writes it into a string (concat, format, string):
/// booleans as .NET does ("True"), integers in decimal.
std::string text_of(const value& v) {
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_boolean())
    return v.get<bool>() ? "True" : "False";
  if (v.is_null())
    return "";
  return v.dump();
}

/// JSON equality as ARM's (JToken.DeepEquals): members in any order.
bool same(const value& a, const value& b) {
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size())
      return false;
    for (const auto& [k, v] : a.items()) {
      auto it = b.find(k);
      if (it == b.end() || !same(v, *it))
        return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i]))
        return false;
    return true;
  }
  return a == b;
}

// ---- deployment and template ---------------------------------------------

value fn_parameters(call_context& c, const args_t& a) {
  return c.s.parameter(str(c, a, 0));
}
value fn_variables(call_context& c, const args_t& a) {
  return c.s.variable(str(c, a, 0));
}
value fn_resource_group(call_context& c, const args_t&) {
  return c.s.resource_group();
}
value fn_subscription(call_context& c, const args_t&) {
  return c.s.subscription();
}
value fn_deployment(call_context& c, const args_t&) {
  return c.s.deployment();
}

/// copyIndex(), copyIndex(offset), copyIndex('loop'), copyIndex('loop', n).
value fn_copy_index(call_context& c, const args_t& a) {
  std::string loop;
  int64_t offset = 0;
  if (!a.empty() && a[0].is_string()) {
    loop = a[0].get<std::string>();
    if (a.size() == 2)
      offset = integer(c, a, 1);
  } else if (a.size() == 2) {
    bad_arg(c, 0, a[0], "a string (the loop's name)");
  } else if (a.size() == 1) {
    offset = integer(c, a, 0);
  }
  int64_t index = c.s.copy_index(loop);
  int64_t sum = 0;
  if (__builtin_add_overflow(index, offset, &sum))
    fail(c.name, "index plus offset overflows");
  return sum;
}

// ---- resource ids --------------------------------------------------------

std::string context_string(call_context& c, const value& obj,
                           const std::string& key, const char* from) {
  const value* v = obj.is_object() ? find_member(obj, key) : nullptr;
  if (!v || !v->is_string())
    fail(c.name, std::string(from) + " has no " + key);
  return v->get<std::string>();
}

/// "/providers/TYPE/NAME..." from the type and names at a[first...]: the
/// type's segments after its namespace pair up with the names' segments.
std::string provider_path(call_context& c, const args_t& a, size_t first) {
  const auto& type = str(c, a, first);
  std::vector<std::string> types;
  size_t start = 0;
  for (size_t slash; (slash = type.find('/', start)) != std::string::npos;
       start = slash + 1)
    types.push_back(type.substr(start, slash - start));
  types.push_back(type.substr(start));
  // ARM accepts a trailing '/' ('Microsoft.Network/virtualNetworks/').
  while (types.size() > 2 && types.back().empty())
    types.pop_back();
  std::vector<std::string> names;
  for (size_t i = first + 1; i < a.size(); ++i) {
    const auto& name = str(c, a, i);
    size_t from = 0;
    for (size_t slash; (slash = name.find('/', from)) != std::string::npos;
         from = slash + 1)
      names.push_back(name.substr(from, slash - from));
    names.push_back(name.substr(from));
  }
  if (types.size() < 2 || types[0].empty() || types[1].empty())
    fail(c.name, "resource type '" + type +
                     "' is not NAMESPACE/TYPE (Microsoft.Network/"
                     "loadBalancers)");
  // Type segments and names alternate. As ARM accepts, a type may carry
  // its last names itself: 'Microsoft.Network/loadBalancers/probes/tcp'
  // with the load balancer's name is .../loadBalancers/LB/probes/tcp.
  size_t segments = types.size() - 1;
  if (names.empty() || names.size() > segments ||
      (segments - names.size()) % 2 != 0)
    fail(c.name, "resource type '" + type + "' takes " +
                     std::to_string(types.size() - 1) + " name segment" +
                     (types.size() == 2 ? "" : "s") + ", given " +
                     std::to_string(names.size()));
  std::string path = "/providers/" + types[0];
  for (size_t i = 1; i < types.size(); ++i)
    path += "/" + types[i] + (i - 1 < names.size() ? "/" + names[i - 1] : "");
  return path;
}

/// Where the resource type is: the first argument with a '/'.
size_t type_position(call_context& c, const args_t& a, size_t most_before) {
  for (size_t i = 0; i < a.size() && i <= most_before; ++i)
    if (str(c, a, i).find('/') != std::string::npos)
      return i;
  fail(c.name, "no resource type (NAMESPACE/TYPE) among the first " +
                   std::to_string(most_before + 1) + " arguments");
}

value fn_resource_id(call_context& c, const args_t& a) {
  size_t t = type_position(c, a, 2);
  std::string sub, rg;
  if (t == 2) {
    sub = str(c, a, 0);
    rg = str(c, a, 1);
  } else {
    sub = context_string(c, c.s.subscription(), "subscriptionId",
                         "subscription()");
    rg = t == 1 ? str(c, a, 0)
                : context_string(c, c.s.resource_group(), "name",
                                 "resourceGroup()");
  }
  return "/subscriptions/" + sub + "/resourceGroups/" + rg +
         provider_path(c, a, t);
}

value fn_subscription_resource_id(call_context& c, const args_t& a) {
  size_t t = type_position(c, a, 1);
  std::string sub = t == 1 ? str(c, a, 0)
                           : context_string(c, c.s.subscription(),
                                            "subscriptionId", "subscription()");
  return "/subscriptions/" + sub + provider_path(c, a, t);
}

value fn_tenant_resource_id(call_context& c, const args_t& a) {
  return provider_path(c, a, 0);
}

value fn_extension_resource_id(call_context& c, const args_t& a) {
  return str(c, a, 0) + provider_path(c, a, 1);
}

// ---- hashes --------------------------------------------------------------

uint32_t rotl(uint32_t x, int r) {
  return (x << r) | (x >> (32 - r));
}
uint32_t fmix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

/// A 64-bit MurmurHash variant (two 32-bit lanes over 8-byte blocks), the
/// one published reimplementations of uniqueString describe.
uint64_t murmur64(const std::string& data, uint32_t seed) {
  const uint32_t c1 = 0x239b961b, c2 = 0xab0e9789;
  auto byte = [&](size_t i) { return uint32_t(uint8_t(data[i])); };
  auto word = [&](size_t i, size_t n) {
    uint32_t w = 0;
    for (size_t k = 0; k < n; ++k)
      w |= byte(i + k) << (8 * k);
    return w;
  };
  uint32_t h1 = seed, h2 = seed;
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint32_t k1 = word(i, 4), k2 = word(i + 4, 4);
    h1 ^= rotl(k1 * c1, 15) * c2;
    h1 = rotl(h1, 19) + h2;
    h1 = h1 * 5 + 0x561ccd1b;
    h2 ^= rotl(k2 * c2, 17) * c1;
    h2 = rotl(h2, 13) + h1;
    h2 = h2 * 5 + 0x0bcaa747;
  }
  size_t tail = data.size() - i;
  if (tail > 0) {
    h1 ^= rotl(word(i, std::min<size_t>(tail, 4)) * c1, 15) * c2;
    if (tail > 4)
      h2 ^= rotl(word(i + 4, tail - 4) * c2, 17) * c1;
  }
  h1 ^= uint32_t(data.size());
  h2 ^= uint32_t(data.size());
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  h2 += h1;
  return (uint64_t(h2) << 32) | h1;
}

std::string joined_strings(call_context& c, const args_t& a) {
  std::string text;
  for (size_t i = 0; i < a.size(); ++i)
    text += (i ? "-" : "") + str(c, a, i);
  return text;
}

value fn_unique_string(call_context& c, const args_t& a) {
  uint64_t h = murmur64(joined_strings(c, a), 0);
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  for (int i = 0; i < 13; ++i, h <<= 5)
    out += alphabet[h >> 59];
  return out;
}

value fn_guid(call_context& c, const args_t& a) {
  auto text = joined_strings(c, a);
  uint64_t hi = murmur64(text, 0), lo = murmur64(text, 0x9e3779b9);
  hi = (hi & ~uint64_t(0xf000)) | 0x5000;                 // version 5
  lo = (lo & ~(uint64_t(3) << 62)) | (uint64_t(2) << 62); // RFC 4122
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20)
      out += '-';
    uint64_t half = i < 16 ? hi : lo;
    out += hex[(half >> (60 - 4 * (i % 16))) & 0xf];
  }
  return out;
}

// ---- strings -------------------------------------------------------------

value fn_concat(call_context& c, const args_t& a) {
  if (a[0].is_array()) {
    value out = value::array();
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_array())
        bad_arg(c, i, a[i], "an array (the first argument is one)");
      for (const auto& e : a[i])
        out.push_back(e);
    }
    return out;
  }
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_array() || a[i].is_object() || a[i].is_null())
      bad_arg(c, i, a[i], "a string or an integer");
    out += text_of(a[i]);
    check_length(c, out.size());
  }
  return out;
}

value fn_string(call_context&, const args_t& a) {
  if (a[0].is_array() || a[0].is_object())
    return a[0].dump();
  return text_of(a[0]);
}

value fn_to_lower(call_context& c, const args_t& a) {
  return ascii_lower(str(c, a, 0));
}

value fn_to_upper(call_context& c, const args_t& a) {
  auto s = str(c, a, 0);
  for (auto& ch : s)
    ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

value fn_trim(call_context& c, const args_t& a) {
  const auto& s = str(c, a, 0);
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  return s.substr(b, e - b);
}

value fn_substring(call_context& c, const args_t& a) {
  const auto& s = str(c, a, 0);
  int64_t start = integer(c, a, 1);
  if (start < 0 || uint64_t(start) > s.size())
    fail(c.name, "start " + std::to_string(start) + " is outside the " +
                     std::to_string(s.size()) + "-character string");
  int64_t length = a.size() > 2 ? integer(c, a, 2) : int64_t(s.size()) - start;
  if (length < 0 || uint64_t(length) > s.size() - uint64_t(start))
    fail(c.name, "length " + std::to_string(length) + " from " +
                     std::to_string(start) + " runs past the " +
                     std::to_string(s.size()) + "-character string");
  return s.substr(size_t(start), size_t(length));
}

value fn_replace(call_context& c, const args_t& a) {
  const auto &s = str(c, a, 0), &from = str(c, a, 1), &to = str(c, a, 2);
  if (from.empty())
    fail(c.name, "the string to replace is empty");
  size_t count = 0;
  for (size_t p = s.find(from); p != std::string::npos;
       p = s.find(from, p + from.size()))
    ++count;
  check_length(c, s.size() - count * from.size() + count * to.size());
  std::string out;
  size_t last = 0;
  for (size_t p = s.find(from); p != std::string::npos;
       p = s.find(from, last)) {
    out.append(s, last, p - last).append(to);
    last = p + from.size();
  }
  return out.append(s, last, std::string::npos);
}

value fn_split(call_context& c, const args_t& a) {
  const auto& s = str(c, a, 0);
  std::vector<std::string> delimiters;
  if (a[1].is_array()) {
    for (const auto& d : a[1]) {
      if (!d.is_string())
        fail(c.name, "argument 2 holds " + json_kind(d) + ", not a string");
      delimiters.push_back(d.get<std::string>());
    }
  } else {
    delimiters.push_back(str(c, a, 1));
  }
  for (const auto& d : delimiters)
    if (d.empty())
      fail(c.name, "a delimiter is empty");
  value out = value::array();
  size_t last = 0;
  for (size_t p = 0; p < s.size();) {
    auto hit = std::find_if(
        delimiters.begin(), delimiters.end(),
        [&](const std::string& d) { return s.compare(p, d.size(), d) == 0; });
    if (hit == delimiters.end()) {
      ++p;
      continue;
    }
    out.push_back(s.substr(last, p - last));
    p += hit->size();
    last = p;
  }
  out.push_back(s.substr(last));
  return out;
}

value fn_join(call_context& c, const args_t& a) {
  if (!a[0].is_array())
    bad_arg(c, 0, a[0], "an array");
  const auto& delimiter = str(c, a, 1);
  std::string out;
  for (size_t i = 0; i < a[0].size(); ++i) {
    const auto& e = a[0][i];
    if (e.is_array() || e.is_object())
      fail(c.name, "element " + std::to_string(i) + " is " + json_kind(e) +
                       ", not a string");
    out += (i ? delimiter : "") + text_of(e);
    check_length(c, out.size());
  }
  return out;
}

value fn_starts_with(call_context& c, const args_t& a) {
  auto s = ascii_lower(str(c, a, 0)), p = ascii_lower(str(c, a, 1));
  return s.compare(0, p.size(), p) == 0;
}

value fn_ends_with(call_context& c, const args_t& a) {
  auto s = ascii_lower(str(c, a, 0)), p = ascii_lower(str(c, a, 1));
  return s.size() >= p.size() &&
         s.compare(s.size() - p.size(), p.size(), p) == 0;
}

/// indexOf / lastIndexOf: of a string in a string (ignoring letter case,
/// as ARM does) or of a value in an array; -1 when absent.
value find_in(call_context& c, const args_t& a, bool last) {
  if (a[0].is_array()) {
    const auto& arr = a[0];
    for (size_t k = 0; k < arr.size(); ++k) {
      size_t i = last ? arr.size() - 1 - k : k;
      if (same(arr[i], a[1]))
        return int64_t(i);
    }
    return int64_t(-1);
  }
  auto s = ascii_lower(str(c, a, 0)), p = ascii_lower(str(c, a, 1));
  size_t at = last ? s.rfind(p) : s.find(p);
  return at == std::string::npos ? int64_t(-1) : int64_t(at);
}
value fn_index_of(call_context& c, const args_t& a) {
  return find_in(c, a, false);
}
value fn_last_index_of(call_context& c, const args_t& a) {
  return find_in(c, a, true);
}

value fn_pad_left(call_context& c, const args_t& a) {
  if (!a[0].is_string() && !a[0].is_number_integer())
    bad_arg(c, 0, a[0], "a string or an integer");
  auto s = text_of(a[0]);
  int64_t total = integer(c, a, 1);
  if (total < 0)
    fail(c.name, "the total length " + std::to_string(total) + " is negative");
  check_length(c, size_t(total));
  char pad = ' ';
  if (a.size() > 2) {
    const auto& p = str(c, a, 2);
    if (p.size() != 1)
      fail(c.name, "the padding '" + p + "' is not one character");
    pad = p[0];
  }
  if (s.size() >= size_t(total))
    return s;
  return std::string(size_t(total) - s.size(), pad) + s;
}

// ---- format: .NET composite format ---------------------------------------

std::string grouped(std::string digits) {
  for (size_t i = digits.size(); i > 3; i -= 3)
    digits.insert(i - 3, ",");
  return digits;
}

/// An integer with a .NET standard numeric format: D, N, X, F, G (any
/// case) with an optional precision.
std::string format_integer(call_context& c, int64_t n, const std::string& f) {
  if (f.empty())
    return std::to_string(n);
  char kind = char(std::toupper(static_cast<unsigned char>(f[0])));
  int precision = -1;
  if (f.size() > 1) {
    if (f.size() > 3 || !digits_only(f, 1))
      fail(c.name, "format '" + f +
                       "' is not supported (D, N, X, F, G with "
                       "an optional precision)");
    precision = std::stoi(f.substr(1));
  }
  uint64_t magnitude = n < 0 ? 0 - uint64_t(n) : uint64_t(n);
  std::string sign = n < 0 ? "-" : "";
  auto zero_padded = [&](std::string s) {
    if (precision > int(s.size()))
      s.insert(0, size_t(precision) - s.size(), '0');
    return s;
  };
  auto decimals = [&](int fallback) {
    int d = precision < 0 ? fallback : precision;
    return d ? "." + std::string(size_t(d), '0') : std::string();
  };
  switch (kind) {
  case 'D':
    return sign + zero_padded(std::to_string(magnitude));
  case 'N':
    return sign + grouped(std::to_string(magnitude)) + decimals(2);
  case 'F':
    return sign + std::to_string(magnitude) + decimals(2);
  case 'G':
    return std::to_string(n);
  case 'X': {
    static const char* digits[] = {"0123456789ABCDEF", "0123456789abcdef"};
    const char* d = digits[f[0] == 'x'];
    std::string s;
    for (uint64_t u = uint64_t(n); s.empty() || u; u >>= 4)
      s.insert(s.begin(), d[u & 0xf]);
    return zero_padded(s);
  }
  default:
    fail(c.name, "format '" + f +
                     "' is not supported (D, N, X, F, G with "
                     "an optional precision)");
  }
}

/// One "{index[,alignment][:format]}" item, `i` just past its "{".
std::string format_item(call_context& c, const std::string& f, size_t& i,
                        const args_t& a) {
  size_t close = f.find('}', i);
  if (close == std::string::npos)
    fail(c.name, "'{' at character " + std::to_string(i) + " is not closed");
  std::string item = f.substr(i, close - i), spec;
  i = close + 1;
  if (auto colon = item.find(':'); colon != std::string::npos) {
    spec = item.substr(colon + 1);
    item.resize(colon);
  }
  long alignment = 0;
  if (auto comma = item.find(','); comma != std::string::npos) {
    auto text = item.substr(comma + 1);
    char* end = nullptr;
    alignment = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end || alignment > 1000 || alignment < -1000)
      fail(c.name, "alignment '" + text + "' is not an integer of -1000..1000");
    item.resize(comma);
  }
  if (item.size() > 4 || !digits_only(item))
    fail(c.name, "'{" + item + "}' is not {INDEX}");
  size_t index = std::stoul(item);
  if (index + 1 >= a.size())
    fail(c.name, "{" + item + "} but only " + std::to_string(a.size() - 1) +
                     " value(s) given");
  const auto& v = a[index + 1];
  std::string text;
  if (v.is_number_integer())
    text = format_integer(c, v.get<int64_t>(), spec);
  else
    text = v.is_array() || v.is_object() ? v.dump() : text_of(v);
  size_t width = size_t(std::labs(alignment));
  if (text.size() < width)
    text.insert(alignment > 0 ? 0 : text.size(), width - text.size(), ' ');
  return text;
}

value fn_format(call_context& c, const args_t& a) {
  const auto& f = str(c, a, 0);
  std::string out;
  for (size_t i = 0; i < f.size();) {
    if (f.compare(i, 2, "{{") == 0 || f.compare(i, 2, "}}") == 0) {
      out += f[i];
      i += 2;
    } else if (f[i] == '{') {
      ++i;
      out += format_item(c, f, i, a);
    } else if (f[i] == '}') {
      fail(c.name, "'}' at character " + std::to_string(i + 1) +
                       " is not part of an item (write '}}')");
    } else {
      out += f[i++];
    }
    check_length(c, out.size());
  }
  return out;
}

// ---- conversions ---------------------------------------------------------

value fn_int(call_context& c, const args_t& a) {
  if (a[0].is_number_integer())
    return integer(c, a, 0);
  if (a[0].is_number_float()) {
    double d = a[0].get<double>();
    if (!std::isfinite(d) || std::fabs(d) >= 9.2e18)
      fail(c.name, "argument 1 is out of range (64 bits)");
    return int64_t(d);
  }
  const auto& s = str(c, a, 0);
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (s.size() > 20 || !digits_only(s, i))
    fail(c.name, "'" + s + "' is not an integer");
  try {
    return int64_t(std::stoll(s));
  } catch (const std::out_of_range&) {
    fail(c.name, "'" + s + "' is out of range (64 bits)");
  }
}

value fn_bool(call_context& c, const args_t& a) {
  if (a[0].is_boolean())
    return a[0];
  if (a[0].is_number_integer())
    return integer(c, a, 0) != 0;
  const auto& s = str(c, a, 0);
  if (same_ignoring_case(s, "true"))
    return true;
  if (same_ignoring_case(s, "false"))
    return false;
  fail(c.name, "'" + s + "' is not true or false");
}

value parse_json_text(call_context& c, const std::string& text) {
  value::parser_callback_t depth_check = [&](int depth, value::parse_event_t,
                                             value&) {
    if (depth > max_expression_depth)
      fail(c.name, "JSON nested more than " +
                       std::to_string(max_expression_depth) + " deep");
    return true;
  };
  try {
    return value::parse(text, depth_check);
  } catch (const value::parse_error& e) {
    fail(c.name, std::string("not JSON: ") + e.what());
  }
}

value fn_json(call_context& c, const args_t& a) {
  return parse_json_text(c, str(c, a, 0));
}

const char base64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

value fn_base64(call_context& c, const args_t& a) {
  const auto& s = str(c, a, 0);
  check_length(c, (s.size() + 2) / 3 * 4);
  std::string out;
  for (size_t i = 0; i < s.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(s[i])) << 16;
    if (i + 1 < s.size())
      n |= uint32_t(uint8_t(s[i + 1])) << 8;
    if (i + 2 < s.size())
      n |= uint8_t(s[i + 2]);
    out += base64_digits[(n >> 18) & 63];
    out += base64_digits[(n >> 12) & 63];
    out += i + 1 < s.size() ? base64_digits[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? base64_digits[n & 63] : '=';
  }
  return out;
}

std::string from_base64(call_context& c, const std::string& s) {
  if (s.size() % 4 != 0)
    fail(c.name, "'" + s.substr(0, 40) + "' is not base64 (length " +
                     std::to_string(s.size()) + " is not a multiple of 4)");
  std::string out;
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t n = 0;
    int pads = 0;
    for (size_t k = 0; k < 4; ++k) {
      char ch = s[i + k];
      const char* d = ch ? std::strchr(base64_digits, ch) : nullptr;
      bool pad = ch == '=' && i + 4 == s.size() && k >= 2;
      if ((!d && !pad) || (pads && !pad))
        fail(c.name,
             "character " + std::to_string(i + k + 1) + " is not base64");
      pads += pad;
      n = (n << 6) | (d ? uint32_t(d - base64_digits) : 0);
    }
    out += char(n >> 16);
    if (pads < 2)
      out += char((n >> 8) & 0xff);
    if (pads < 1)
      out += char(n & 0xff);
  }
  return out;
}

value fn_base64_to_string(call_context& c, const args_t& a) {
  return from_base64(c, str(c, a, 0));
}
value fn_base64_to_json(call_context& c, const args_t& a) {
  return parse_json_text(c, from_base64(c, str(c, a, 0)));
}

bool unreserved(unsigned char ch) {
  return std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

value fn_uri_component(call_context& c, const args_t& a) {
  const auto& s = str(c, a, 0);
  check_length(c, s.size() * 3);
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (unreserved(ch)) {
      out += char(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

value fn_uri_component_to_string(call_context& c, const args_t& a) {
  const auto& s = str(c, a, 0);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      fail(c.name, "'%' at character " + std::to_string(i + 1) +
                       " is not followed by two hex digits");
    out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

value fn_data_uri(call_context& c, const args_t& a) {
  static const std::string prefix = "data:text/plain;charset=utf8;base64,";
  return prefix + fn_base64(c, a).get<std::string>();
}

/// dataUriToString("data:[type][;params][;base64],data"): the data, decoded
/// from base64 or from %XX escapes.
value fn_data_uri_to_string(call_context& c, const args_t& a) {
  const auto& s = str(c, a, 0);
  auto comma = s.find(',');
  if (s.rfind("data:", 0) != 0 || comma == std::string::npos)
    fail(c.name, "'" + s.substr(0, 40) + "' is not a data URI (data:...,...)");
  auto header = s.substr(5, comma - 5), data = s.substr(comma + 1);
  bool base64 = header.size() >= 7 &&
                header.compare(header.size() - 7, 7, ";base64") == 0;
  if (base64)
    return from_base64(c, data);
  return fn_uri_component_to_string(c, {value(data)});
}

/// uri(base, relative): relative resolved against an absolute base, as
/// .NET's Uri(Uri, string) does for the usual cases: an absolute relative
/// wins, "/x" replaces the path, "x" replaces the last path segment.
value fn_uri(call_context& c, const args_t& a) {
  const auto &base = str(c, a, 0), &rel = str(c, a, 1);
  auto scheme = base.find("://");
  if (scheme == std::string::npos || scheme == 0)
    fail(c.name, "base '" + base + "' is not an absolute URI");
  if (rel.find("://") != std::string::npos)
    return rel;
  size_t path = base.find('/', scheme + 3);
  if (path == std::string::npos)
    return base + "/" + (rel.rfind('/', 0) == 0 ? rel.substr(1) : rel);
  if (rel.rfind('/', 0) == 0)
    return base.substr(0, path) + rel;
  return base.substr(0, base.rfind('/') + 1) + rel;
}

// ---- logic and comparison ------------------------------------------------

value fn_if(call_context& c, const std::vector<lazy_arg>& a) {
  value condition = a[0]();
  if (is_not_modelled(condition))
    return condition;
  if (!condition.is_boolean())
    fail(c.name,
         "the condition is " + json_kind(condition) + ", not a boolean");
  return condition.get<bool>() ? a[1]() : a[2]();
}

value fn_equals(call_context&, const args_t& a) {
  return same(a[0], a[1]);
}
value fn_not(call_context& c, const args_t& a) {
  return !boolean(c, a, 0);
}

value fn_and(call_context& c, const args_t& a) {
  bool all = true;
  for (size_t i = 0; i < a.size(); ++i)
    all = boolean(c, a, i) && all;
  return all;
}

value fn_or(call_context& c, const args_t& a) {
  bool any = false;
  for (size_t i = 0; i < a.size(); ++i)
    any = boolean(c, a, i) || any;
  return any;
}

/// -1, 0, 1 for two integers or two strings (ordinal).
int compare(call_context& c, const args_t& a) {
  if (a[0].is_string() && a[1].is_string()) {
    int r = str(c, a, 0).compare(str(c, a, 1));
    return (r > 0) - (r < 0);
  }
  if (!a[0].is_number_integer() && !a[0].is_string())
    bad_arg(c, 0, a[0], "an integer or a string");
  if (a[0].is_string())
    bad_arg(c, 1, a[1], "a string (the first argument is one)");
  int64_t x = integer(c, a, 0), y = integer(c, a, 1);
  return (x > y) - (x < y);
}
value fn_greater(call_context& c, const args_t& a) {
  return compare(c, a) > 0;
}
value fn_greater_or_equals(call_context& c, const args_t& a) {
  return compare(c, a) >= 0;
}
value fn_less(call_context& c, const args_t& a) {
  return compare(c, a) < 0;
}
value fn_less_or_equals(call_context& c, const args_t& a) {
  return compare(c, a) <= 0;
}

value fn_true(call_context&, const args_t&) {
  return true;
}
value fn_false(call_context&, const args_t&) {
  return false;
}
value fn_null(call_context&, const args_t&) {
  return nullptr;
}

// ---- numbers -------------------------------------------------------------

int64_t checked(call_context& c, bool overflow, int64_t r) {
  if (overflow)
    fail(c.name, "integer overflow");
  return r;
}

/// add, sub, mul: 64-bit, an error on overflow.
template <typename Op>
value arithmetic(call_context& c, const args_t& a, Op op) {
  int64_t x = integer(c, a, 0), y = integer(c, a, 1), r = 0;
  bool overflow = op(x, y, &r);
  return checked(c, overflow, r);
}
value fn_add(call_context& c, const args_t& a) {
  return arithmetic(c, a, [](int64_t x, int64_t y, int64_t* r) {
    return __builtin_add_overflow(x, y, r);
  });
}
value fn_sub(call_context& c, const args_t& a) {
  return arithmetic(c, a, [](int64_t x, int64_t y, int64_t* r) {
    return __builtin_sub_overflow(x, y, r);
  });
}
value fn_mul(call_context& c, const args_t& a) {
  return arithmetic(c, a, [](int64_t x, int64_t y, int64_t* r) {
    return __builtin_mul_overflow(x, y, r);
  });
}

/// div and mod: integer division truncating toward zero, as .NET's.
value divide(call_context& c, const args_t& a, bool remainder) {
  int64_t x = integer(c, a, 0), y = integer(c, a, 1);
  if (y == 0)
    fail(c.name, "division by zero");
  if (x == std::numeric_limits<int64_t>::min() && y == -1)
    return remainder ? int64_t(0) : checked(c, true, 0);
  return remainder ? x % y : x / y;
}
value fn_div(call_context& c, const args_t& a) {
  return divide(c, a, false);
}
value fn_mod(call_context& c, const args_t& a) {
  return divide(c, a, true);
}

/// min and max: of integers, or of one array of integers.
value extreme(call_context& c, const args_t& a, bool largest) {
  args_t values =
      a.size() == 1 && a[0].is_array() ? args_t(a[0].begin(), a[0].end()) : a;
  if (values.empty())
    fail(c.name, "the array is empty");
  int64_t best = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t v = integer(c, values, i);
    if (i == 0 || (largest ? v > best : v < best))
      best = v;
  }
  return best;
}
value fn_min(call_context& c, const args_t& a) {
  return extreme(c, a, false);
}
value fn_max(call_context& c, const args_t& a) {
  return extreme(c, a, true);
}

value fn_range(call_context& c, const args_t& a) {
  int64_t start = integer(c, a, 0), count = integer(c, a, 1);
  if (count < 0 || count > 10000)
    fail(c.name, "count " + std::to_string(count) + " is outside 0..10000");
  if (start < std::numeric_limits<int32_t>::min() ||
      start + count > std::numeric_limits<int32_t>::max())
    fail(c.name, "start plus count must stay within 32 bits");
  value out = value::array();
  for (int64_t i = 0; i < count; ++i)
    out.push_back(start + i);
  return out;
}

// ---- arrays and objects --------------------------------------------------

value fn_create_array(call_context&, const args_t& a) {
  value out = value::array();
  for (const auto& v : a)
    out.push_back(v);
  return out;
}

value fn_create_object(call_context& c, const args_t& a) {
  if (a.size() % 2)
    fail(c.name, "takes name/value pairs, given an odd count (" +
                     std::to_string(a.size()) + ")");
  value out = value::object();
  for (size_t i = 0; i < a.size(); i += 2)
    out[str(c, a, i)] = a[i + 1];
  return out;
}

value fn_array(call_context&, const args_t& a) {
  return a[0].is_array() ? a[0] : value::array({a[0]});
}

value fn_items(call_context& c, const args_t& a) {
  if (!a[0].is_object())
    bad_arg(c, 0, a[0], "an object");
  std::vector<std::string> keys;
  for (const auto& [k, v] : a[0].items())
    keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  value out = value::array();
  for (const auto& k : keys)
    out.push_back({{"key", k}, {"value", a[0][k]}});
  return out;
}

/// Every argument an array, or every one an object.
bool all_arrays(call_context& c, const args_t& a) {
  bool arrays = a[0].is_array();
  for (size_t i = 0; i < a.size(); ++i)
    if (arrays ? !a[i].is_array() : !a[i].is_object())
      bad_arg(c, i, a[i],
              arrays ? "an array (the first is one)" : "an object or an array");
  return arrays;
}

void merge_into(value& into, const value& from) {
  for (const auto& [k, v] : from.items()) {
    auto it = into.find(k);
    if (it != into.end() && it->is_object() && v.is_object())
      merge_into(*it, v);
    else
      into[k] = v;
  }
}

value fn_union(call_context& c, const args_t& a) {
  if (!all_arrays(c, a)) {
    value out = value::object();
    for (const auto& o : a)
      merge_into(out, o);
    return out;
  }
  value out = value::array();
  for (const auto& arr : a)
    for (const auto& e : arr)
      if (std::none_of(out.begin(), out.end(),
                       [&](const value& x) { return same(x, e); }))
        out.push_back(e);
  return out;
}

value fn_intersection(call_context& c, const args_t& a) {
  bool arrays = all_arrays(c, a);
  value out = arrays ? value::array() : value::object();
  auto in_all = [&](auto&& holds) {
    return std::all_of(a.begin() + 1, a.end(), holds);
  };
  if (arrays) {
    for (const auto& e : a[0])
      if (in_all([&](const value& arr) {
            return std::any_of(arr.begin(), arr.end(),
                               [&](const value& x) { return same(x, e); });
          }) &&
          std::none_of(out.begin(), out.end(),
                       [&](const value& x) { return same(x, e); }))
        out.push_back(e);
    return out;
  }
  for (auto member = a[0].begin(); member != a[0].end(); ++member)
    if (in_all([&](const value& o) {
          auto it = o.find(member.key());
          return it != o.end() && same(*it, member.value());
        }))
      out[member.key()] = member.value();
  return out;
}

value fn_contains(call_context& c, const args_t& a) {
  if (a[0].is_array())
    return std::any_of(a[0].begin(), a[0].end(),
                       [&](const value& x) { return same(x, a[1]); });
  if (a[0].is_object())
    return find_member(a[0], str(c, a, 1)) != nullptr;
  if (!a[0].is_string())
    bad_arg(c, 0, a[0], "a string, an array or an object");
  return a[0].get_ref<const std::string&>().find(text_of(a[1])) !=
         std::string::npos;
}

value fn_empty(call_context& c, const args_t& a) {
  if (a[0].is_null())
    return true;
  if (!a[0].is_string() && !a[0].is_array() && !a[0].is_object())
    bad_arg(c, 0, a[0], "a string, an array or an object");
  return a[0].empty() ||
         (a[0].is_string() && a[0].get_ref<const std::string&>().empty());
}

value fn_length(call_context& c, const args_t& a) {
  if (a[0].is_string())
    return int64_t(a[0].get_ref<const std::string&>().size());
  if (!a[0].is_array() && !a[0].is_object())
    bad_arg(c, 0, a[0], "a string, an array or an object");
  return int64_t(a[0].size());
}

value end_of(call_context& c, const args_t& a, bool last) {
  if (a[0].is_string()) {
    const auto& s = a[0].get_ref<const std::string&>();
    return s.empty() ? std::string() : std::string(1, last ? s.back() : s[0]);
  }
  if (!a[0].is_array())
    bad_arg(c, 0, a[0], "a string or an array");
  if (a[0].empty())
    return nullptr;
  return last ? a[0].back() : a[0].front();
}
value fn_first(call_context& c, const args_t& a) {
  return end_of(c, a, false);
}
value fn_last(call_context& c, const args_t& a) {
  return end_of(c, a, true);
}

/// take and skip: the first `n` elements or characters, or all after them.
value slice(call_context& c, const args_t& a, bool take) {
  int64_t n = integer(c, a, 1);
  size_t size = a[0].is_string() ? a[0].get_ref<const std::string&>().size()
                                 : a[0].size();
  if (!a[0].is_string() && !a[0].is_array())
    bad_arg(c, 0, a[0], "a string or an array");
  size_t k = n < 0 ? 0 : std::min(size, size_t(n));
  size_t from = take ? 0 : k, to = take ? k : size;
  if (a[0].is_string())
    return a[0].get_ref<const std::string&>().substr(from, to - from);
  return value(a[0].begin() + long(from), a[0].begin() + long(to));
}
value fn_take(call_context& c, const args_t& a) {
  return slice(c, a, true);
}
value fn_skip(call_context& c, const args_t& a) {
  return slice(c, a, false);
}

value fn_coalesce(call_context&, const args_t& a) {
  for (const auto& v : a)
    if (!v.is_null())
      return v;
  return nullptr;
}

// ---- what the model does not evaluate ------------------------------------

value fn_not_modelled(call_context& c, const args_t&) {
  c.s.not_modelled(c.name);
  return not_modelled_value(c.name);
}

/// utcNow([format]): a fixed instant, 2000-01-01T00:00:00Z, so that runs
/// repeat; .NET's "u", "s", "o" or a custom format of y M d H h m s.
value fn_utc_now(call_context& c, const args_t& a) {
  std::string f = a.empty() ? "yyyyMMddTHHmmssZ" : str(c, a, 0);
  c.s.not_modelled(c.name);
  if (f == "u")
    return "2000-01-01 00:00:00Z";
  if (f == "s")
    return "2000-01-01T00:00:00";
  if (f == "o")
    return "2000-01-01T00:00:00.0000000Z";
  std::string out;
  for (size_t i = 0; i < f.size();) {
    size_t next = f.find_first_not_of(f[i], i);
    size_t run = (next == std::string::npos ? f.size() : next) - i;
    char ch = f[i];
    if (ch == 'y')
      out += run <= 2 ? std::string("00").substr(0, run) : "2000";
    else if (ch == 'M' || ch == 'd')
      out += run == 1 ? "1" : "01";
    else if (ch == 'h')
      out += "12";
    else if (ch == 'H' || ch == 'm' || ch == 's' || ch == 'f')
      out += std::string(run == 1 && ch != 'f' ? 1 : run, '0');
    else
      out += f.substr(i, run);
    i += run;
  }
  check_length(c, out.size());
  return out;
}

value fn_new_guid(call_context& c, const args_t&) {
  c.s.not_modelled(c.name);
  return "00000000-0000-0000-0000-000000000000";
}

/// pickZones(provider, type, location, [count = 1], [offset = 0]): the
/// region's zones are not modelled; zones "1".."3" as a zonal region's.
value fn_pick_zones(call_context& c, const args_t& a) {
  for (size_t i = 0; i < 3; ++i)
    str(c, a, i);
  int64_t count = a.size() > 3 ? integer(c, a, 3) : 1;
  int64_t offset = a.size() > 4 ? integer(c, a, 4) : 0;
  if (count < 0 || offset < 0)
    fail(c.name, "numberOfZones and offset must not be negative");
  c.s.not_modelled(c.name);
  value out = value::array();
  for (int64_t z = offset; z < std::min<int64_t>(3, offset + count); ++z)
    out.push_back(std::to_string(z + 1));
  return out;
}

// ---- the table -----------------------------------------------------------

using eager_fn = value (*)(call_context&, const args_t&);

function_def eager(const char* name, size_t min, size_t max, eager_fn f) {
  function_def d;
  d.name = name;
  d.min_args = min;
  d.max_args = max;
  d.eager = f;
  return d;
}

std::vector<function_def> make_table() {
  const size_t n = any_count;
  std::vector<function_def> t = {
      eager("parameters", 1, 1, fn_parameters),
      eager("variables", 1, 1, fn_variables),
      eager("copyIndex", 0, 2, fn_copy_index),
      eager("resourceGroup", 0, 0, fn_resource_group),
      eager("subscription", 0, 0, fn_subscription),
      eager("deployment", 0, 0, fn_deployment),
      eager("resourceId", 2, n, fn_resource_id),
      eager("subscriptionResourceId", 2, n, fn_subscription_resource_id),
      eager("tenantResourceId", 2, n, fn_tenant_resource_id),
      eager("extensionResourceId", 3, n, fn_extension_resource_id),
      eager("uniqueString", 1, n, fn_unique_string),
      eager("guid", 1, n, fn_guid),
      eager("concat", 1, n, fn_concat),
      eager("format", 1, n, fn_format),
      eager("string", 1, 1, fn_string),
      eager("toLower", 1, 1, fn_to_lower),
      eager("toUpper", 1, 1, fn_to_upper),
      eager("trim", 1, 1, fn_trim),
      eager("substring", 2, 3, fn_substring),
      eager("replace", 3, 3, fn_replace),
      eager("split", 2, 2, fn_split),
      eager("join", 2, 2, fn_join),
      eager("startsWith", 2, 2, fn_starts_with),
      eager("endsWith", 2, 2, fn_ends_with),
      eager("indexOf", 2, 2, fn_index_of),
      eager("lastIndexOf", 2, 2, fn_last_index_of),
      eager("padLeft", 2, 3, fn_pad_left),
      eager("int", 1, 1, fn_int),
      eager("bool", 1, 1, fn_bool),
      eager("json", 1, 1, fn_json),
      eager("base64", 1, 1, fn_base64),
      eager("base64ToString", 1, 1, fn_base64_to_string),
      eager("base64ToJson", 1, 1, fn_base64_to_json),
      eager("uri", 2, 2, fn_uri),
      eager("dataUri", 1, 1, fn_data_uri),
      eager("dataUriToString", 1, 1, fn_data_uri_to_string),
      eager("uriComponent", 1, 1, fn_uri_component),
      eager("uriComponentToString", 1, 1, fn_uri_component_to_string),
      eager("equals", 2, 2, fn_equals),
      eager("not", 1, 1, fn_not),
      eager("and", 2, n, fn_and),
      eager("or", 2, n, fn_or),
      eager("greater", 2, 2, fn_greater),
      eager("greaterOrEquals", 2, 2, fn_greater_or_equals),
      eager("less", 2, 2, fn_less),
      eager("lessOrEquals", 2, 2, fn_less_or_equals),
      eager("true", 0, 0, fn_true),
      eager("false", 0, 0, fn_false),
      eager("null", 0, 0, fn_null),
      eager("add", 2, 2, fn_add),
      eager("sub", 2, 2, fn_sub),
      eager("mul", 2, 2, fn_mul),
      eager("div", 2, 2, fn_div),
      eager("mod", 2, 2, fn_mod),
      eager("min", 1, n, fn_min),
      eager("max", 1, n, fn_max),
      eager("range", 2, 2, fn_range),
      eager("createArray", 0, n, fn_create_array),
      eager("createObject", 0, n, fn_create_object),
      eager("array", 1, 1, fn_array),
      eager("items", 1, 1, fn_items),
      eager("union", 2, n, fn_union),
      eager("intersection", 2, n, fn_intersection),
      eager("contains", 2, 2, fn_contains),
      eager("empty", 1, 1, fn_empty),
      eager("length", 1, 1, fn_length),
      eager("first", 1, 1, fn_first),
      eager("last", 1, 1, fn_last),
      eager("take", 2, 2, fn_take),
      eager("skip", 2, 2, fn_skip),
      eager("coalesce", 1, n, fn_coalesce),
      eager("utcNow", 0, 1, fn_utc_now),
      eager("newGuid", 0, 0, fn_new_guid),
      eager("pickZones", 3, 5, fn_pick_zones),
      eager("reference", 1, 3, fn_not_modelled),
      eager("listKeys", 2, 3, fn_not_modelled),
      eager("listSecrets", 2, 3, fn_not_modelled),
      eager("environment", 0, 0, fn_not_modelled),
      eager("providers", 1, 2, fn_not_modelled),
      eager("tenant", 0, 0, fn_not_modelled),
      eager("managementGroup", 0, 1, fn_not_modelled),
  };
  function_def lazy_if;
  lazy_if.name = "if";
  lazy_if.min_args = lazy_if.max_args = 3;
  lazy_if.lazy = fn_if;
  t.push_back(lazy_if);
  return t;
}

const std::vector<function_def>& table() {
  static const auto t = make_table();
  return t;
}

const function_def& list_family() {
  static const auto d = [] {
    auto f = eager("list*", 2, 3, fn_not_modelled);
    f.list_family = true;
    return f;
  }();
  return d;
}

} // namespace

const function_def* find_function(const std::string& name) {
  static const auto by_name = [] {
    std::map<std::string, const function_def*> m;
    for (const auto& d : table())
      m[ascii_lower(d.name)] = &d;
    return m;
  }();
  auto key = ascii_lower(name);
  auto it = by_name.find(key);
  if (it != by_name.end())
    return it->second;
  if (key.size() > 4 && key.rfind("list", 0) == 0)
    return &list_family();
  return nullptr;
}

} // namespace vmss::input::arm::detail

namespace vmss::input::arm {

const std::vector<std::string>& function_names() {
  static const auto names = [] {
    std::vector<std::string> v;
    for (const auto& d : detail::table())
      v.push_back(d.name);
    return v;
  }();
  return names;
}

} // namespace vmss::input::arm
