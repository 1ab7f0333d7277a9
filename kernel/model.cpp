#include "kernel/model.hpp"

#include <sstream>
#include <stdexcept>

namespace vmss {

model_spec::model_spec(const std::string& text) {
  std::istringstream in(text);
  if (!(in >> name_))
    throw std::invalid_argument("empty model spec");
  std::string word;
  while (in >> word) {
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("model option '" + word +
                                  "' is not key=value");
    options_[word.substr(0, eq)] = word.substr(eq + 1);
  }
}

int64_t model_spec::get_int(const std::string& key, int64_t fallback) {
  auto i = options_.find(key);
  if (i == options_.end())
    return fallback;
  used_[key] = true;
  try {
    size_t pos = 0;
    long long value = std::stoll(i->second, &pos);
    if (pos != i->second.size())
      throw std::invalid_argument("");
    return value;
  } catch (const std::exception&) {
    throw std::invalid_argument(name_ + ": " + key + "=" + i->second +
                                " is not an integer");
  }
}

std::string model_spec::get_string(const std::string& key,
                                   const std::string& fallback) {
  auto i = options_.find(key);
  if (i == options_.end())
    return fallback;
  used_[key] = true;
  return i->second;
}

sim_time model_spec::get_duration(const std::string& key, sim_time fallback) {
  auto i = options_.find(key);
  if (i == options_.end())
    return fallback;
  used_[key] = true;
  sim_time out = 0;
  if (!parse_duration(i->second, out))
    throw std::invalid_argument(name_ + ": " + key + "=" + i->second +
                                " is not a duration (e.g. 90s, 5ms)");
  return out;
}

void model_spec::reject_unknown() const {
  for (const auto& [key, value] : options_)
    if (!used_.count(key))
      throw std::invalid_argument(name_ + ": unknown option '" + key + "'");
}

} // namespace vmss
