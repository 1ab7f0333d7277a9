#include "actors/control/live_command.hpp"

#include "actors/physical/faults.hpp"
#include "input/json_reader.hpp"
#include "kernel/sim_time.hpp"

#include <stdexcept>

namespace vmss::control {

namespace {

namespace sc = vmss::scenario;
using json = nlohmann::ordered_json;

[[noreturn]] void refuse(const std::string& why) {
  throw std::invalid_argument(why);
}

std::string join(const std::vector<std::string>& words, size_t from) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i)
    out += (i == from ? "" : " ") + words[i];
  return out;
}

/// FIELD=VALUE into `j`: a JSON number or boolean, else a string.
void add_field(json& j, const std::string& word) {
  auto eq = word.find('=');
  if (eq == std::string::npos || eq == 0)
    refuse("'" + word + "' is not FIELD=VALUE");
  auto key = word.substr(0, eq);
  auto text = word.substr(eq + 1);
  if (j.contains(key))
    refuse(key + "= is given twice");
  auto value = json::parse(text, nullptr, false);
  if (!value.is_discarded() && (value.is_number() || value.is_boolean()))
    j[key] = value;
  else
    j[key] = text;
}

std::string all_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// "fault KIND TARGET [PEER] [FIELD=VALUE...]" (recover: the recovery).
json fault_entry(const std::vector<std::string>& words, bool recover) {
  if (words.size() < 3)
    refuse(words[0] + " needs KIND TARGET [PEER]");
  physical::fault_kind kind{};
  if (!physical::parse_fault_kind(words[1], kind)) {
    auto close = input::did_you_mean(words[1], physical::fault_kind_names());
    refuse("unknown fault kind '" + words[1] + "' (" +
           (close.empty() ? all_names(physical::fault_kind_names())
                          : "did you mean " + close + "?") +
           ")");
  }
  if (recover)
    kind = physical::recovery_of(kind);
  json j = {
      {"at", "0s"}, {"fault", physical::to_string(kind)}, {"target", words[2]}};
  for (size_t i = 3; i < words.size(); ++i) {
    if (i == 3 && words[i].find('=') == std::string::npos)
      j["peer"] = words[i];
    else if (recover)
      refuse("recover takes KIND TARGET [PEER] only");
    else
      add_field(j, words[i]);
  }
  return j;
}

json operation_entry(const std::vector<std::string>& words,
                     nlohmann::ordered_json& patch) {
  const auto& op = words[0];
  if (words.size() < 2)
    refuse(op + " needs its target");
  json j = {{"at", "0s"}, {"operation", op}, {"target", words[1]}};
  if (op == "scale") {
    if (words.size() != 3)
      refuse("scale needs SET N");
    add_field(j, "capacity=" + words[2]);
  } else if (op == "update") {
    if (words.size() < 3)
      refuse("update needs SET and a JSON merge patch of its REST body");
    patch = json::parse(join(words, 2), nullptr, false);
    if (patch.is_discarded())
      refuse("body: not JSON: " + join(words, 2));
    j["body"] = patch;
  } else {
    for (size_t i = 2; i < words.size(); ++i)
      add_field(j, words[i]);
  }
  return j;
}

/// The entry's canonical command line.
std::string canonical_of(const sc::TimelineEntry& e, const json& patch) {
  std::string out;
  if (e.has_fault()) {
    auto kind = static_cast<physical::fault_kind>(e.fault() - 1);
    bool recovery = physical::recovery_of(kind) == kind;
    out = std::string(recovery ? "recover " : "fault ") +
          sc::FaultKind_Name(e.fault()) + " " + e.target();
    if (!e.peer().empty())
      out += " " + e.peer();
    if (e.has_service_time_percent())
      out += " serviceTimePercent=" + std::to_string(e.service_time_percent());
    if (e.has_extra_latency_ns())
      out += " extraLatency=" + format_duration(e.extra_latency_ns());
    if (e.has_loss_ppm())
      out += " lossPpm=" + std::to_string(e.loss_ppm());
    if (e.has_duration_ns())
      out += " duration=" + format_duration(e.duration_ns());
    return out;
  }
  out = sc::Operation_Name(e.operation()) + " " + e.target();
  if (e.operation() == sc::scale)
    return out + " " + std::to_string(e.capacity());
  if (e.operation() == sc::update)
    return out + " " + patch.dump();
  auto flag = [](bool b) { return b ? "true" : "false"; };
  if (e.has_protect_from_scale_in())
    out +=
        std::string(" protectFromScaleIn=") + flag(e.protect_from_scale_in());
  if (e.has_protect_from_scale_set_actions())
    out += std::string(" protectFromScaleSetActions=") +
           flag(e.protect_from_scale_set_actions());
  if (e.has_weight())
    out += " weight=" + std::to_string(e.weight());
  return out;
}

/// The verbs: fault, recover, stop and the timeline's operations.
std::vector<std::string> verbs() {
  std::vector<std::string> out{"fault", "recover", "stop"};
  const auto* d = sc::Operation_descriptor();
  for (int i = 1; i < d->value_count(); ++i)
    out.push_back(std::string(d->value(i)->name()));
  return out;
}

} // namespace

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    auto end = text.find(' ', i);
    if (end == std::string::npos)
      end = text.size();
    if (end > i)
      out.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

live_command read_live_command(const std::vector<std::string>& words,
                               const input::scenario_input& in) {
  if (words.empty())
    refuse("empty command");
  live_command out;
  const auto& verb = words[0];
  if (verb == "stop") {
    if (words.size() != 1)
      refuse("stop takes nothing");
    out.stop = true;
    out.canonical = "stop";
    return out;
  }
  json j;
  sc::Operation op{};
  if (verb == "fault" || verb == "recover")
    j = fault_entry(words, verb == "recover");
  else if (sc::Operation_Parse(verb, &op) && op != sc::operation_unspecified)
    j = operation_entry(words, out.patch);
  else {
    auto close = input::did_you_mean(verb, verbs());
    refuse(
        "unknown command '" + verb + "' (" +
        (close.empty() ? all_names(verbs()) : "did you mean " + close + "?") +
        ")");
  }
  std::vector<input::diagnostic> errors;
  input::read_message(j, out.entry, "", errors);
  if (errors.empty())
    errors = input::check_timeline_entry(in, out.entry, "");
  if (!errors.empty()) {
    std::string why;
    for (const auto& e : errors)
      why += (why.empty() ? "" : "; ") +
             (e.path.empty() ? e.reason : e.path + ": " + e.reason);
    refuse(why);
  }
  out.canonical = canonical_of(out.entry, out.patch);
  return out;
}

} // namespace vmss::control
