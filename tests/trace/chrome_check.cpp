/// check_chrome: the structural rules of a Chrome trace export.

#include "chrome_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vmss::trace_test {

bool chrome_view::has_process(const std::string& name) const {
  for (const auto& [pid, n] : processes)
    if (n == name)
      return true;
  return false;
}

bool chrome_view::has_thread(const std::string& name) const {
  for (const auto& [key, n] : threads)
    if (n == name)
      return true;
  return false;
}

bool chrome_view::has_slice_named(const std::string& name) const {
  return std::find(x_names.begin(), x_names.end(), name) != x_names.end();
}

std::vector<chrome_slice>
chrome_view::slices_on(const std::string& thread) const {
  auto it = slices.find(thread);
  if (it == slices.end())
    return {};
  auto out = it->second;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.begin_us != b.begin_us ? a.begin_us < b.begin_us
                                    : a.depth < b.depth;
  });
  return out;
}

double chrome_view::counter(const std::string& process, const std::string& name,
                            const std::string& arg) const {
  auto it = counters.find({process, name, arg});
  if (it == counters.end()) {
    ADD_FAILURE() << "no counter " << process << " / " << name << " / " << arg;
    return -1;
  }
  return it->second;
}

namespace {

struct open_slice {
  std::string name;
  double begin_us;
};

struct checker {
  chrome_view v;
  std::map<std::pair<uint64_t, uint64_t>, std::vector<open_slice>> open;
  std::map<uint64_t, size_t> open_flows; ///< id -> index in v.flows
  double last_ts = -1e300;

  std::string thread_name(const nlohmann::json& e) {
    auto key = std::make_pair(e.at("pid").get<uint64_t>(),
                              e.at("tid").get<uint64_t>());
    auto it = v.threads.find(key);
    if (it == v.threads.end()) {
      ADD_FAILURE() << "thread used before its thread_name: " << e.dump();
      return "?";
    }
    return it->second;
  }

  void metadata(const nlohmann::json& e) {
    const std::string name = e.at("name");
    uint64_t pid = e.at("pid");
    if (name == "process_name")
      v.processes[pid] = e.at("args").at("name");
    else if (name == "thread_name")
      v.threads[{pid, e.at("tid").get<uint64_t>()}] = e.at("args").at("name");
    else if (name != "process_sort_index" && name != "thread_sort_index")
      ADD_FAILURE() << "unknown metadata " << e.dump();
  }

  void slice(const nlohmann::json& e, char ph, double ts) {
    auto key = std::make_pair(e.at("pid").get<uint64_t>(),
                              e.at("tid").get<uint64_t>());
    std::string thread = thread_name(e);
    auto& stack = open[key];
    if (ph == 'B') {
      stack.push_back({e.at("name"), ts});
      return;
    }
    if (ph == 'X') {
      EXPECT_GE(e.at("dur").get<double>(), 0.0) << e.dump();
      v.x_names.push_back(e.at("name"));
      return;
    }
    if (stack.empty()) {
      ADD_FAILURE() << "E without B: " << e.dump();
      return;
    }
    EXPECT_EQ(stack.back().name, e.at("name").get<std::string>())
        << "E closes another slice than the innermost: " << e.dump();
    v.slices[thread].push_back({stack.back().name, stack.back().begin_us, ts,
                                static_cast<int>(stack.size() - 1)});
    stack.pop_back();
  }

  void counter(const nlohmann::json& e) {
    uint64_t pid = e.at("pid");
    auto it = v.processes.find(pid);
    if (it == v.processes.end())
      ADD_FAILURE() << "counter of an unnamed process: " << e.dump();
    const auto& args = e.at("args");
    EXPECT_TRUE(args.is_object() && !args.empty()) << e.dump();
    for (auto a = args.begin(); a != args.end(); ++a) {
      EXPECT_TRUE(a->is_number()) << e.dump();
      v.counters[{it == v.processes.end() ? "?" : it->second,
                  e.at("name").get<std::string>(), a.key()}] = a->get<double>();
    }
  }

  void flow(const nlohmann::json& e, char ph, double ts) {
    uint64_t id = e.at("id");
    std::string thread = thread_name(e);
    EXPECT_EQ(e.value("bp", ""), "e") << e.dump();
    auto it = open_flows.find(id);
    if (ph == 's') {
      EXPECT_TRUE(it == open_flows.end()) << "flow started twice " << id;
      for (const auto& f : v.flows)
        EXPECT_NE(f.id, id) << "flow id reused " << id;
      open_flows[id] = v.flows.size();
      v.flows.push_back({id, {thread}, {ts}});
      return;
    }
    if (it == open_flows.end()) {
      ADD_FAILURE() << "flow step or end without start: " << e.dump();
      return;
    }
    auto& f = v.flows[it->second];
    f.threads.push_back(thread);
    f.ts_us.push_back(ts);
    if (ph == 'f')
      open_flows.erase(it);
  }

  void event(const nlohmann::json& e) {
    const std::string ph = e.at("ph");
    ASSERT_EQ(ph.size(), 1u) << e.dump();
    if (ph == "M") {
      metadata(e);
      return;
    }
    double ts = e.at("ts");
    EXPECT_GE(ts, last_ts) << "timestamps go back: " << e.dump();
    last_ts = ts;
    v.min_ts_us = std::min(v.min_ts_us, ts);
    v.max_ts_us = std::max(v.max_ts_us, ts);
    switch (ph[0]) {
    case 'B':
    case 'E':
    case 'X':
      slice(e, ph[0], ts);
      break;
    case 'C':
      counter(e);
      break;
    case 'i': {
      std::string scope = e.at("s");
      if (scope == "g")
        v.global_instants.push_back(e.at("name"));
      else
        EXPECT_EQ(scope, "t") << e.dump();
      if (scope == "t")
        thread_name(e);
      break;
    }
    case 's':
    case 't':
    case 'f':
      flow(e, ph[0], ts);
      break;
    default:
      ADD_FAILURE() << "unexpected phase " << e.dump();
    }
  }
};

} // namespace

chrome_view check_chrome(const std::string& text) {
  checker c;
  c.v.doc = nlohmann::json::parse(text);
  const auto& events = c.v.doc.at("traceEvents");
  EXPECT_TRUE(events.is_array());
  for (const auto& e : events)
    c.event(e);
  for (const auto& [key, stack] : c.open)
    EXPECT_TRUE(stack.empty()) << stack.size() << " slices left open on pid "
                               << key.first << " tid " << key.second;
  EXPECT_TRUE(c.open_flows.empty()) << c.open_flows.size() << " flows open";
  EXPECT_EQ(c.v.doc.value("displayTimeUnit", ""), "ms");
  return std::move(c.v);
}

} // namespace vmss::trace_test
