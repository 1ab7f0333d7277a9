#include "kernel/model.hpp"

#include "kernel/numbers.hpp"

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
    if (!options_.emplace(word.substr(0, eq), word.substr(eq + 1)).second)
      throw std::invalid_argument(name_ + ": option '" + word.substr(0, eq) +
                                  "' is given twice");
  }
}

int64_t model_spec::get_int(const std::string& key, int64_t fallback,
                            int64_t min, int64_t max) {
  auto i = options_.find(key);
  if (i == options_.end())
    return fallback;
  used_[key] = true;
  int64_t value = 0;
  std::string why;
  if (!parse_int(i->second, min, max, value, &why))
    throw std::invalid_argument(name_ + ": " + key + "=" + i->second + " " +
                                why);
  return value;
}

std::string model_spec::get_string(const std::string& key,
                                   const std::string& fallback) {
  auto i = options_.find(key);
  if (i == options_.end())
    return fallback;
  used_[key] = true;
  return i->second;
}

sim_time model_spec::get_duration(const std::string& key, sim_time fallback,
                                  sim_time min, sim_time max) {
  auto i = options_.find(key);
  if (i == options_.end())
    return fallback;
  used_[key] = true;
  sim_time out = 0;
  std::string why;
  if (!parse_duration(i->second, out, &why))
    throw std::invalid_argument(name_ + ": " + key + "=" + i->second + " " +
                                why);
  if (out < min || out > max)
    throw std::invalid_argument(name_ + ": " + key + "=" + i->second +
                                " is out of range (" + format_duration(min) +
                                " to " + format_duration(max) + ")");
  return out;
}

void model_spec::reject_unknown() const {
  for (const auto& [key, value] : options_)
    if (!used_.count(key))
      throw std::invalid_argument(name_ + ": unknown option '" + key + "'");
}

} // namespace vmss
